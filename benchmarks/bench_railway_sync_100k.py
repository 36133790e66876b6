"""Railway sync, download side, at scale: device B's first sync on PostgreSQL and on the SQLite server.

For each server back-end (`--backend pg`, `sqlite` or `both`): the mastoc server runs in a uvicorn
thread on 127.0.0.1; device A sends the real gym (`init-from-stokt` from the Stokt stand-in: 1,017
climbs, 776 holds, the photo); then

1. device B's first sync of the real gym (preview + run, photo downloaded and verified) and a no-op
   sync right after it (preview + run: what the user waits for);
2. the server is seeded directly (`tests/sync_railway/seed.py`: climbs rows and their change-log records)
   with `--climbs` synthetic climbs built from the real ones (fresh ids and Stokt ids, like the
   stand-in's synthetic mode), so the upload speed does not matter; a new device C then makes its
   first sync of them all.

Printed beside each sync, measured in the same run: the pages/requests it made, and the references
(a) GET every changes page over loopback without applying anything (`requests`, one connection) and
(b) plain `executemany` of the same climb rows (and their climb↔hold index rows) into a fresh store
in one transaction.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_railway_sync_100k.py [--backend both] [--climbs 100000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore")

from mastoc.server import security  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.sync import operations as ops  # noqa: E402
from mastoc.sync.railway_init import init_from_stokt  # noqa: E402

FIXTURES = (ROOT / ".." / "shared" / "stokt" / "fixtures").resolve()


class Counter:
    """Counts the HTTP requests of the current process (requests.Session.request is what the
    transport calls) and the changes pages."""

    def __init__(self) -> None:
        import requests

        self.n = 0
        self.pages = 0
        orig = requests.Session.request
        counter = self

        def request(session: Any, method: str, url: str, *a: Any, **kw: Any) -> Any:
            counter.n += 1
            if "/api/changes" in str(url):
                counter.pages += 1
            return orig(session, method, url, *a, **kw)

        requests.Session.request = request  # type: ignore[method-assign]

    def reset(self) -> None:
        self.n = self.pages = 0


def start_backend(kind: str, tmp: Path) -> tuple[str, Any]:
    from mastoc.server import db

    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'server.db'}"
        engine = db.make_engine(url)
        db.migrate(engine)
        engine.dispose()
        return url, None
    import pgserver
    from sqlalchemy import create_engine, text

    pg = pgserver.get_server(tmp / "pg", cleanup_mode="stop")
    base, _, query = pg.get_uri().partition("?")
    url = base.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/bench?" + query
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1) + "?" + query,
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text("CREATE DATABASE bench"))
    admin.dispose()
    engine = db.make_engine(url)
    db.migrate(engine)
    engine.dispose()
    return url, pg


def fetch_all_pages(url: str, token: str, limit: int) -> tuple[float, int, int, list[dict[str, Any]]]:
    """Reference (a): every changes page over loopback, parsed, nothing applied."""
    import requests

    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    t0 = time.perf_counter()
    cursor, pages, size, out = 0, 0, 0, []
    while True:
        r = s.get(f"{url}/api/changes", params={"since": cursor, "limit": limit}, timeout=60)
        r.raise_for_status()
        size += len(r.content)
        page = r.json()
        out.extend(page["changes"])
        pages += 1
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    return time.perf_counter() - t0, pages, size, out


def executemany_reference(changes: list[dict[str, Any]], tmp: Path) -> tuple[float, int]:
    """Reference (b): plain executemany of the climbs (and climb↔hold rows) into a fresh store."""
    import re

    d = tmp / "ref-store"
    with Store.open(d) as st:
        conn = st.conn
        conn.execute("PRAGMA foreign_keys = OFF")
        cols = [r[1] for r in conn.execute("PRAGMA table_xinfo(climbs)") if r[6] == 0]
        climbs = [ch["data"] for ch in changes if ch["entity"] == "climb" and ch["op"] == "upsert"]
        t0 = time.perf_counter()
        keep = [c for c in ("id", "stokt_id", "face_id", "name", "holds_list", "grade_font", "grade_ircra",
                            "description", "created_at") if c in cols]
        rows = [tuple(c.get(k) for k in keep) for c in climbs]
        token = re.compile(r"([SFOT])(\d+)")
        holds = [(c["id"], int(num), kind) for c in climbs for kind, num in token.findall(c["holds_list"] or "")]
        with st.transaction() as tx:
            tx.executemany(f"INSERT INTO climbs ({', '.join(keep)}) VALUES ({', '.join('?' * len(keep))})", rows)
            tx.execute("CREATE TEMP TABLE ref_holds (climb_id TEXT, num INTEGER, kind TEXT)")
            tx.executemany("INSERT INTO ref_holds VALUES (?, ?, ?)", holds)
        t_plain = time.perf_counter() - t0
        t0 = time.perf_counter()
        with st.transaction() as tx:  # the same hold rows into the store's own table (its index and triggers)
            tx.executemany("INSERT OR IGNORE INTO climb_holds (hold_num, climb_id, role, grade_ircra) VALUES (?, ?, ?, ?)",
                           sorted((num, cid, kind, None) for cid, num, kind in holds))
        print(f"  reference: the same hold rows into the store's climb_holds table: {time.perf_counter() - t0:.2f} s")
        return t_plain, len(rows)


def timed_sync(label: str, d: Path, counter: Counter) -> tuple[float, float]:
    counter.reset()
    t0 = time.perf_counter()
    pv = ops.preview(ops.Op.RAILWAY_SYNC, d)
    t_pv = time.perf_counter() - t0
    pages = counter.pages
    rep = ops.run(pv, d)
    t_all = time.perf_counter() - t0
    print(f"  {label:<44} preview {t_pv:6.2f} s + run {t_all - t_pv:6.2f} s = {t_all:6.2f} s  "
          f"({pages} changes page(s), {counter.n} request(s), ok={rep.ok}, {len(pv.items):,} item(s))")
    return t_pv, t_all


def bench(kind: str, n: int, counter: Counter) -> None:

    from mastoc.server.app import create_app
    from mastoc.server.config import Settings
    from tests.stokt.standin import StoktStandin
    from tests.sync_railway.conftest import EMAIL, PASSWORD, SECRET, LiveServer, free_port, register
    from tests.sync_railway.seed import seed_climbs

    tmp = Path(tempfile.mkdtemp(prefix=f"mastoc-bench-rail100k-{kind}-"))
    url, pg = start_backend(kind, tmp)
    try:
        app = create_app(Settings(database_url=url, secret_key=SECRET, data_dir=tmp / "srv"), run_migrations=False)
        live = LiveServer(app, free_port()).start()
        register(live.url, EMAIL, "climber", PASSWORD, "Climber")
        live.sql("UPDATE users SET role = 'admin'")
        print(f"\n== {'PostgreSQL' if kind == 'pg' else 'SQLite'} server ==")
        with StoktStandin(FIXTURES) as standin:
            a, b, c = tmp / "a", tmp / "b", tmp / "c"
            for dd in (a, b, c):
                ops.login("railway", EMAIL, PASSWORD, url=live.url, data_dir=dd)
            ops.login("stokt", standin.username, standin.password, url=standin.url, data_dir=a)
            os.environ["MASTOC_STOKT_URL"] = standin.url
            t0 = time.perf_counter()
            init_from_stokt(a)
            print(f"  init-from-stokt on device A (setup, not this benchmark's figure): {time.perf_counter() - t0:.2f} s")
            from mastoc.sync.railway_session import load_tokens

            token = load_tokens(a)[0].access_token
            t_ref, pages, size, changes = fetch_all_pages(live.url, token, 500)
            print(f"  reference: GET every changes page (real gym): {t_ref:.2f} s, {pages} page(s), {size / 1e6:.1f} MB")
            _, t_first = timed_sync("device B first sync (real gym)", b, counter)
            print(f"    ratio to the GET-only reference: {t_first / t_ref:.1f}x")
            timed_sync("device B no-op sync", b, counter)
            with Store.open(b) as st:
                print(f"    device B: {st.counts()['climbs']:,} climbs, {st.counts()['holds']:,} holds")
            if n:
                t0 = time.perf_counter()
                total = seed_climbs(app.state.engine, n - 1017 if n > 1017 else n)
                print(f"  seeded the server directly: {total:,} climbs in {time.perf_counter() - t0:.1f} s")
                for limit in (500, 5000):
                    t_ref, pages, size, changes = fetch_all_pages(live.url, token, limit)
                    print(f"  reference: GET every changes page, limit={limit}: {t_ref:.2f} s, {pages} page(s), "
                          f"{size / 1e6:.1f} MB")
                t_em, rows = executemany_reference(changes, tmp)
                print(f"  reference: plain executemany of {rows:,} climbs + their hold rows: {t_em:.2f} s")
                _, t_big = timed_sync(f"device C first sync ({total:,} climbs)", c, counter)
                print(f"    ratio to GET-only + executemany: {t_big / (t_ref + t_em):.1f}x")
                timed_sync("device C no-op sync", c, counter)
                timed_sync("device B sync of the new climbs", b, counter)
        live.stop()
        app.state.engine.dispose()
    finally:
        if pg is not None:
            pg.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=("pg", "sqlite", "both"), default="both")
    ap.add_argument("--climbs", type=int, default=100_000, help="climbs on the server for the big sync (0: skip)")
    args = ap.parse_args()
    security.use_cheap_hashing_for_tests()
    print(f"load: {os.getloadavg()[0]:.2f} (1 min)")
    counter = Counter()
    for kind in (("pg", "sqlite") if args.backend == "both" else (args.backend,)):
        bench(kind, args.climbs, counter)


if __name__ == "__main__":
    main()
