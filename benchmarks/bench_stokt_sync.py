"""Benchmark of the Stokt import against the loopback stand-in: P1, P2, P3, P4 and P13 of QUALITY.md.

    PYTHONPATH=. python benchmarks/bench_stokt_sync.py [--runs 5] [--no-p13] [--p13-climbs 100000]

Prints medians; P2 is the ratio (plain executemany of the same rows in one transaction) / (our
write phase), measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mastoc.backends import credentials  # noqa: E402
from mastoc.backends.http import TransportConfig  # noqa: E402
from mastoc.backends.stokt.client import USER_AGENT, StoktClient  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.sync.stokt_import import run_import  # noqa: E402

FIXTURES = (ROOT / ".." / "shared" / "stokt" / "fixtures").resolve()
CFG = TransportConfig(user_agent=USER_AGENT, rate_per_second=0)  # a loopback server needs no politeness


class Server:
    """The stand-in in its own process (a real server does not share our GIL)."""

    def __init__(self, latency: float = 0.0, synthetic: int = 0) -> None:
        cmd = [sys.executable, "-m", "tests.stokt.standin", str(FIXTURES), "--latency", str(latency),
               "--synthetic", str(synthetic)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                                     env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert self.proc.stdout is not None
        self.url, self.token = self.proc.stdout.readline().split()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def fresh_import(s: Server, **kw):
    d = Path(tempfile.mkdtemp(prefix="bench-stokt-"))
    store = Store.open(d)
    client = StoktClient(s.url, s.token, config=CFG)
    t = time.perf_counter()
    plan = run_import(store, client, **kw)
    return time.perf_counter() - t, plan, store, client


def plain_executemany(src: Store) -> float:
    """Same rows, plain executemany in one transaction into a fresh store (the P2 reference)."""
    dst = Store.open(Path(tempfile.mkdtemp(prefix="bench-ref-")))
    tables = ("gyms", "walls", "faces", "holds", "users", "climbs", "climb_holds", "id_mappings", "sync_state")
    data = {}
    for t in tables:
        cols = [r[1] for r in src.conn.execute(f"PRAGMA table_info({t})")]
        data[t] = (cols, [tuple(r) for r in src.conn.execute(f"SELECT * FROM {t}")])
    start = time.perf_counter()
    with dst.transaction() as c:
        for t in tables:
            cols, rows = data[t]
            c.executemany(f"INSERT INTO {t} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
    return time.perf_counter() - start


def cli_import(s: Server) -> float:
    d = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    credentials.save(credentials.Credentials("stokt", token=s.token, base_url=s.url), d)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MASTOC_DATA_DIR": str(d)}
    env.pop("MASTOC_STOKT_URL", None)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mastoc", "stokt", "import"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-p13", action="store_true", help="skip the 100k-climb run")
    ap.add_argument("--p13-climbs", type=int, default=100_000)
    args = ap.parse_args()

    with Server() as s:
        fresh_import(s)  # warm-up: imports, page cache
        times, writes, refs = [], [], []
        for _ in range(args.runs):
            dt, plan, store, client = fresh_import(s)
            assert plan.counts()["new"] == 1017
            times.append(dt)
            writes.append(plan.write_seconds)
            refs.append(plain_executemany(store))
        p1 = statistics.median(times)
        cli = statistics.median(cli_import(s) for _ in range(3))
        print(f"P1  import of the real fixture (sync call), median of {args.runs}: {p1 * 1000:7.1f} ms  (target <= 300)")
        print(f"P1  whole CLI command `mastoc stokt import`, median of 3:   {cli * 1000:7.1f} ms  (target <= 1000)")
        w, r = statistics.median(writes), statistics.median(refs)
        print(f"P2  write phase {w * 1000:.1f} ms vs plain executemany {r * 1000:.1f} ms: ratio {r / w:.2f}  (target >= 0.25)")
        ids_before = dict(store.conn.execute("SELECT stokt_id, id FROM climbs").fetchall())
        re_times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            again = run_import(store, client, full=True)
            re_times.append(time.perf_counter() - t)
            assert again.changed == 0
        ids_after = dict(store.conn.execute("SELECT stokt_id, id FROM climbs").fetchall())
        p3 = statistics.median(re_times)
        print(f"P3  full re-import of unchanged data: {p3 * 1000:.1f} ms = {p3 / p1:.2f} x first import, "
              f"rows changed {again.changed}, ids unchanged: {ids_before == ids_after}  (target <= 1.5x)")
    with Server(latency=0.05) as s:
        lat = [fresh_import(s)[0] for _ in range(3)]
        print(f"P4  import with 50 ms per response, median of 3: {statistics.median(lat) * 1000:.0f} ms  (target <= 1000)")

    if args.no_p13:
        print("P13 skipped (--no-p13)")
        return
    with Server(latency=0.02, synthetic=args.p13_climbs) as s:
        for hint in (None, 1000):
            dt, plan, store, _ = fresh_import(s, page_size_hint=hint)
            n = store.conn.execute("SELECT count(*) FROM climbs").fetchone()[0]
            label = "Stokt's own page size (100)" if hint is None else f"page_size hint {hint}"
            print(f"P13 {n:,} synthetic climbs, 20 ms latency, {label}: {dt:.1f} s over {plan.pages} pages "
                  f"(write phase {plan.write_seconds:.1f} s)  (target <= 15 s)")


if __name__ == "__main__":
    main()
