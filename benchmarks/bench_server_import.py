"""Server bulk import figures on loopback: the real gym (1 gym, 1 wall, 1 face, 79 setters, 776 holds,
1,017 climbs) and N synthetic climbs (default 100,000: the real ones with fresh Stokt ids and
names, so the real distribution of holds lists, grades and text sizes), POSTed over HTTP to the
mastoc server (uvicorn in a thread) exactly as `mastoc railway init-from-stokt` sends them (bodies
from `mastoc.sync.railway.import_bodies`, split as the client splits them: up to 1,000 items and
512 KiB per request), on PostgreSQL (pgserver, fsync on) and on SQLite.

Reference measured in the same run, on a fresh database of the same backend: a plain `executemany`
(SQLAlchemy Core `insert`, no lookups, no changes feed) of the very rows the import wrote, copied
out of the imported database into the same tables. Also printed: a re-import of the real gym with
nothing changed, and one with every climb renamed (every row updated and published).

    PYTHONPATH=. python benchmarks/bench_server_import.py [--n 100000] [--backend postgres|sqlite|both]
        [--init N]   # also `init-from-stokt` end to end (Stokt stand-in with N synthetic climbs,
                     # pages of 1,000, no latency) on PostgreSQL, each step timed

Prints seconds; no asserts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore")

from mastoc.server import security  # noqa: E402

FIXTURES = (ROOT / ".." / "shared" / "stokt" / "fixtures").resolve()
CHUNK = 1000  # rows per executemany in the reference


def gym_bodies(tmp: Path) -> dict[str, Any]:
    """The request bodies of the real gym, read from a local store filled by a Stokt import."""
    from mastoc.backends.stokt.client import StoktClient
    from mastoc.store.db import Store
    from mastoc.sync import railway
    from mastoc.sync.stokt_import import run_import
    from tests.stokt import standin as si

    with si.StoktStandin(FIXTURES) as s, Store.open(tmp / "device") as store:
        with StoktClient(s.url) as sc:
            sc.login(s.username, s.password)
            run_import(store, sc, full=True)
        conn = store.conn
        out: dict[str, Any] = {}
        for entity, sql in (("user", "SELECT id FROM users WHERE stokt_id IS NOT NULL ORDER BY id"),
                            ("hold", "SELECT id FROM holds WHERE stokt_id IS NOT NULL ORDER BY num"),
                            ("climb", "SELECT id FROM climbs WHERE stokt_id IS NOT NULL ORDER BY id")):
            keys = [r[0] for r in conn.execute(sql)]
            rows = railway._stokt_rows(conn, entity, keys)  # noqa: SLF001
            out[entity] = railway.import_bodies(conn, entity, [rows[k] for k in keys])
    out["gym"] = {"stokt_id": si.GYM_ID, "display_name": "Real gym", "location_string": "Somewhere"}
    out["wall"] = {"stokt_id": si.WALL_ID, "gym_stokt_id": si.GYM_ID, "name": "Wall", "angle": "40"}
    out["face"] = {"stokt_id": si.FACE_ID, "gym_stokt_id": si.GYM_ID, "wall_stokt_id": si.WALL_ID,
                   "picture_path": "CACHE/images/walls/w/faces/f/pic.jpg", "picture_width": 2263,
                   "picture_height": 3000, "feet_rules_options": ["Pieds libres"]}
    return out


def synthetic(climbs: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    return [{**climbs[i % len(climbs)], "stokt_id": str(uuid.UUID(int=(1 << 100) + i)), "name": f"Synthetic {i}"}
            for i in range(n)]


class Target:
    """A fresh migrated database of one backend and a live server on it, with an admin session."""

    def __init__(self, backend: str, tmp: Path, pg: Any) -> None:
        import requests

        from mastoc.server import db
        from mastoc.server.app import create_app
        from mastoc.server.config import Settings
        from tests.sync_railway.conftest import EMAIL, PASSWORD, SECRET, LiveServer, free_port

        self.url = make_database(backend, tmp, pg)
        engine = db.make_engine(self.url)
        db.migrate(engine)
        engine.dispose()
        self.app = create_app(Settings(database_url=self.url, secret_key=SECRET, data_dir=tmp / f"srv-{uuid.uuid4().hex}"),
                              run_migrations=False)
        self.live = LiveServer(self.app, free_port()).start()
        self.http = requests.Session()
        self.http.post(f"{self.live.url}/api/auth/register", json={"email": EMAIL, "username": "admin",
                       "password": PASSWORD, "full_name": "Admin"}, timeout=30).raise_for_status()
        self.live.sql("UPDATE users SET role = 'admin'")
        r = self.http.post(f"{self.live.url}/api/auth/login", data={"username": EMAIL, "password": PASSWORD}, timeout=30)
        r.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def post(self, path: str, body: Any) -> Any:
        r = self.http.post(f"{self.live.url}{path}", json=body, timeout=600)
        r.raise_for_status()
        return r.json()

    def batches(self, entity: str, items: list[dict[str, Any]]) -> dict[str, int]:
        path, key = {"user": ("/api/sync/import/users/batch", "users"), "hold": ("/api/sync/import/holds/batch", "holds"),
                     "climb": ("/api/sync/import/climbs/batch", "climbs")}[entity]
        from mastoc.sync import railway

        total: dict[str, int] = {}
        start = 0
        while start < len(items):  # the client's split: up to _CHUNK items and _BATCH_BYTES of JSON
            n = railway.fitting(items[start:start + railway._CHUNK])  # noqa: SLF001
            for k, v in self.post(path, {key: items[start:start + n]}).items():
                total[k] = total.get(k, 0) + int(v)
            start += n
        return total

    def import_gym(self, b: dict[str, Any], climbs: list[dict[str, Any]] | None = None) -> dict[str, dict[str, int]]:
        self.post("/api/sync/import/gym", b["gym"])
        self.post("/api/sync/import/wall", b["wall"])
        self.post("/api/sync/import/face", b["face"])
        return {"users": self.batches("user", b["user"]), "holds": self.batches("hold", b["hold"]),
                "climbs": self.batches("climb", b["climb"] if climbs is None else climbs)}

    def close(self) -> None:
        self.live.stop()
        self.app.state.engine.dispose()


def make_database(backend: str, tmp: Path, pg: Any) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex}.db'}"
    from sqlalchemy import create_engine, text

    uri = pg.get_uri()
    base, _, query = uri.partition("?")
    name = f"b_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1) + "?" + query,
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return base.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}?" + query


def reference(backend: str, tmp: Path, pg: Any, source_url: str) -> float:
    """Seconds for a plain executemany of the rows `source_url` holds (users, gyms, walls, faces,
    holds, climbs) into the same tables of a fresh database: the floor for writing those rows."""
    from sqlalchemy import insert, select

    from mastoc.server import db
    from mastoc.server.models import Climb, Face, Gym, Hold, User, Wall

    src = db.make_engine(source_url)
    tables = [m.__table__ for m in (User, Gym, Wall, Face, Hold, Climb)]  # type: ignore[attr-defined]
    with src.connect() as c:
        data = {t.name: [dict(r._mapping) for r in c.execute(select(t))] for t in tables}
    src.dispose()
    url = make_database(backend, tmp, pg)
    engine = db.make_engine(url)
    db.migrate(engine)
    t0 = time.perf_counter()
    with engine.begin() as c:
        for t in tables:
            rows = data[t.name]
            for start in range(0, len(rows), CHUNK):
                c.execute(insert(t), rows[start:start + CHUNK])
    took = time.perf_counter() - t0
    engine.dispose()
    return took


def timed(label: str, fn: Any, *args: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn(*args)
    took = time.perf_counter() - t0
    print(f"  {label:<62} {took:8.2f} s")
    return took, out


def run_backend(backend: str, tmp: Path, pg: Any, bodies: dict[str, Any], n: int) -> None:
    print(f"\n== {backend} ==")
    t = Target(backend, tmp, pg)
    try:
        took, counts = timed("server bulk import, real gym (HTTP, all requests)", t.import_gym, bodies)
        print(f"    {counts}")
        ref = reference(backend, tmp, pg, t.url)
        print(f"  {'reference: plain executemany of the same rows':<62} {ref:8.2f} s   (import = {took / ref:.1f}x)")
        timed("re-import of the real gym, nothing changed", t.import_gym, bodies)
        renamed = [{**c, "name": c["name"] + " (renamed)"} for c in bodies["climb"]]
        took, counts = timed("re-import of the real gym, every climb renamed", t.import_gym, bodies, renamed)
        print(f"    climbs: {counts['climbs']}")
        feed = t.live.count("change_log")
        print(f"  change_log rows: {feed}")
    finally:
        t.close()
    if n:
        t = Target(backend, tmp, pg)
        try:
            climbs = synthetic(bodies["climb"], n)
            took, counts = timed(f"server bulk import, {n:,} synthetic climbs (+ the gym's holds, setters)",
                                 t.import_gym, bodies, climbs)
            print(f"    climbs: {counts['climbs']}   ({n / took:,.0f} climbs/s)")
            ref = reference(backend, tmp, pg, t.url)
            print(f"  {'reference: plain executemany of the same rows':<62} {ref:8.2f} s   (import = {took / ref:.1f}x)")
        finally:
            t.close()


def init_end_to_end(tmp: Path, pg: Any, n: int) -> None:
    """`init_from_stokt` on a fresh device against a stand-in serving `n` synthetic climbs, into a
    fresh PostgreSQL server: the whole path a user runs (Stokt import, then the upload)."""
    from mastoc.sync import operations as ops
    from mastoc.sync.railway_init import init_from_stokt
    from tests.stokt import standin as si
    from tests.sync_railway.conftest import EMAIL, PASSWORD

    print(f"\n== init-from-stokt end to end, {n:,} synthetic climbs, PostgreSQL ==")
    t = Target("postgres", tmp, pg)
    try:
        with si.StoktStandin(FIXTURES, max_page_size=1000) as s:
            s.set_climbs(si.synthetic_climbs(s, n))
            d = tmp / f"init-{n}"
            ops.login("railway", EMAIL, PASSWORD, url=t.live.url, data_dir=d)
            ops.login("stokt", s.username, s.password, url=s.url, data_dir=d)
            os.environ["MASTOC_STOKT_URL"] = s.url
            t0 = time.perf_counter()
            last = ["start", t0]

            def step(msg: str, _d: int, _t: int | None) -> None:
                key = msg.split(" (")[0]
                if key != last[0]:
                    now = time.perf_counter()
                    print(f"    {now - last[1]:6.2f} s  {last[0]}")
                    last[:] = [key, now]

            out = init_from_stokt(d, progress=step)
            now = time.perf_counter()
            print(f"    {now - last[1]:6.2f} s  {last[0]}")
            print(f"  {'init-from-stokt in all':<62} {now - t0:8.2f} s   server: {out['server']['climbs']:,} climbs")
    finally:
        t.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000, help="synthetic climbs (0: skip)")
    ap.add_argument("--backend", choices=("postgres", "sqlite", "both"), default="both")
    ap.add_argument("--init", type=int, default=0, help="also init-from-stokt end to end with N synthetic climbs")
    args = ap.parse_args()
    security.use_cheap_hashing_for_tests()
    print(f"load: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    tmp = Path(tempfile.mkdtemp(prefix="mastoc-bench-import-"))
    pg = None
    try:
        bodies = gym_bodies(tmp)
        print(f"real gym: {len(bodies['user'])} setters, {len(bodies['hold'])} holds, {len(bodies['climb'])} climbs")
        backends = ("postgres", "sqlite") if args.backend == "both" else (args.backend,)
        if "postgres" in backends:
            import pgserver

            pg = pgserver.get_server(tmp / "pg", cleanup_mode="stop")
        for backend in backends:
            run_backend(backend, tmp, pg, bodies, args.n)
        if args.init:
            if pg is None:
                import pgserver

                pg = pgserver.get_server(tmp / "pg", cleanup_mode="stop")
            init_end_to_end(tmp, pg, args.init)
    finally:
        if pg is not None:
            pg.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
