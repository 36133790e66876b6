"""Railway sync figures on loopback: a throw-away PostgreSQL (pgserver), the mastoc server in a
uvicorn thread, the Stokt stand-in with the real fixtures (1,017 climbs, 776 holds, one photo).

Measures: `init-from-stokt` (Stokt import + upload of everything, photo included) on device A;
the first sync of an empty device B (everything downloaded, photo verified); a no-op sync on A
(preview + run); counting pending local changes (what the Sync panel shows); one edited climb
synced A -> server -> B. Prints seconds; no asserts.

    PYTHONPATH=. python benchmarks/bench_railway_sync.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore")

from mastoc.server import security  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.sync import operations as ops  # noqa: E402
from mastoc.sync import railway  # noqa: E402
from mastoc.sync.railway_init import init_from_stokt  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_railway_sync_100k import start_backend  # noqa: E402

FIXTURES = (ROOT / ".." / "shared" / "stokt" / "fixtures").resolve()


def timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    print(f"{label:<52} {time.perf_counter() - t0:8.2f} s")
    return out


def main() -> None:
    from tests.stokt.standin import StoktStandin
    from tests.sync_railway.conftest import EMAIL, PASSWORD, SECRET, LiveServer, free_port

    security.use_cheap_hashing_for_tests()
    tmp = Path(tempfile.mkdtemp(prefix="mastoc-bench-railway-"))
    url, pg = start_backend("postgresql", tmp)
    try:
        from mastoc.server.app import create_app
        from mastoc.server.config import Settings

        app = create_app(Settings(database_url=url, secret_key=SECRET, data_dir=tmp / "srv"), run_migrations=False)
        live = LiveServer(app, free_port()).start()
        import requests

        requests.post(f"{live.url}/api/auth/register", json={"email": EMAIL, "username": "climber",
                      "password": PASSWORD, "full_name": "Climber"}, timeout=10).raise_for_status()
        live.sql("UPDATE users SET role = 'admin'")
        with StoktStandin(FIXTURES) as standin:
            a, b = tmp / "a", tmp / "b"
            for d in (a, b):
                ops.login("railway", EMAIL, PASSWORD, url=live.url, data_dir=d)
            ops.login("stokt", standin.username, standin.password, url=standin.url, data_dir=a)
            import os

            os.environ["MASTOC_STOKT_URL"] = standin.url
            t_start = time.perf_counter()
            seen_steps: dict[str, float] = {}

            def step(s: str, _d: int, _t: int | None) -> None:
                key = s.split(" (")[0]
                if key not in seen_steps:
                    seen_steps[key] = time.perf_counter() - t_start
                    print(f"    {seen_steps[key]:6.2f} s  {key}")

            out = timed("init-from-stokt (import + upload, photo included)", init_from_stokt, a, progress=step)
            s = out["server"]
            print(f"  server now: {s['faces']} face(s), {s['holds']} holds, {s['climbs']} climbs, {s['users']} users")
            pv = timed("device B first sync: preview", ops.preview, ops.Op.RAILWAY_SYNC, b)
            timed("device B first sync: run (writes, photo download)", ops.run, pv, b)
            with Store.open(b) as st:
                print(f"  device B now: {st.counts()['climbs']} climbs, {st.counts()['holds']} holds")
            pv = timed("device A no-op sync: preview", ops.preview, ops.Op.RAILWAY_SYNC, a)
            pv = timed("device A second sync: preview (echoes of its uploads)", ops.preview, ops.Op.RAILWAY_SYNC, a)
            timed("device A second sync: run", ops.run, pv, a)
            pv = timed("device A no-op sync: preview", ops.preview, ops.Op.RAILWAY_SYNC, a)
            print(f"  items in a no-op preview: {len(pv.items)}")
            with Store.open(a) as st:
                timed("pending local changes (1,017 climbs, 776 holds)", railway.pending_changes, st)
                cid = st.conn.execute("SELECT id FROM climbs LIMIT 1").fetchone()[0]
                with st.transaction() as c:
                    c.execute("UPDATE climbs SET name = 'Edited on A' WHERE id = ?", (cid,))
            timed("one edit: sync A (preview + run)", lambda: ops.run(ops.preview(ops.Op.RAILWAY_SYNC, a), a))
            timed("one edit: sync B (preview + run)", lambda: ops.run(ops.preview(ops.Op.RAILWAY_SYNC, b), b))
        live.stop()
        app.state.engine.dispose()
    finally:
        pg.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
