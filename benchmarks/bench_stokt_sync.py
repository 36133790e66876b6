"""Benchmark of the Stokt import against the loopback stand-in: P1, P2, P3, P4 and P13 of QUALITY.md.

    PYTHONPATH=. python benchmarks/bench_stokt_sync.py [--runs 5] [--no-p13] [--p13-climbs 100000]

Measures the client as shipped (its default `TransportConfig`: 20 requests/s sustained, burst 60,
4 in flight, pages of 1,000 asked for): that is the headline figure; the same import with the rate
limit off (`rate_per_second=0`) is printed beside it. The stand-in serves 37 climbs per page and
ignores `page_size` for P1-P4 (issue 15); for P13 it honours `page_size` up to 1,000, then serves a
fixed 100 per page, printed beside its politeness floor (requests beyond the burst / sustained rate).
P2 is the ratio (plain executemany of the same rows in one transaction) / (our write phase), same run.
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
SHIPPED = TransportConfig(user_agent=USER_AGENT)  # what `mastoc stokt import` and the GUI use
UNLIMITED = TransportConfig(user_agent=USER_AGENT, rate_per_second=0)


class Server:
    """The stand-in in its own process (a real server does not share our GIL)."""

    def __init__(self, latency: float = 0.0, synthetic: int = 0, page_size: int = 37,
                 max_page_size: int | None = None) -> None:
        cmd = [sys.executable, "-m", "tests.stokt.standin", str(FIXTURES), "--latency", str(latency),
               "--synthetic", str(synthetic), "--page-size", str(page_size)]
        if max_page_size:
            cmd += ["--max-page-size", str(max_page_size)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                                     env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert self.proc.stdout is not None
        self.url, self.token = self.proc.stdout.readline().split()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def fresh_import(s: Server, config: TransportConfig = SHIPPED, **kw):
    d = Path(tempfile.mkdtemp(prefix="bench-stokt-"))
    store = Store.open(d)
    client = StoktClient(s.url, s.token, config=config)
    t = time.perf_counter()
    plan = run_import(store, client, **kw)
    return time.perf_counter() - t, plan, store, client


def plain_executemany(src: Store) -> float:
    """Same rows, plain executemany in one transaction into a fresh store (the P2 reference)."""
    dst = Store.open(Path(tempfile.mkdtemp(prefix="bench-ref-")))
    tables = ("gyms", "walls", "faces", "holds", "users", "climbs", "climb_holds", "id_mappings", "sync_state")
    data = {}
    for t in tables:
        cols = [r[1] for r in src.conn.execute(f"PRAGMA table_info({t})")]  # (generated columns are not listed)
        data[t] = (cols, [tuple(r) for r in src.conn.execute(f"SELECT {', '.join(cols)} FROM {t}")])
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


def floor(requests: int, cfg: TransportConfig = SHIPPED) -> float:
    """The politeness floor: seconds the rate limit alone imposes on `requests` requests."""
    return max(0, requests - cfg.burst) / cfg.rate_per_second


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-p13", action="store_true", help="skip the 100k-climb run")
    ap.add_argument("--p13-climbs", type=int, default=100_000)
    args = ap.parse_args()
    print(f"client as shipped: {SHIPPED.rate_per_second:g} requests/s sustained, burst {SHIPPED.burst}, "
          f"{SHIPPED.max_in_flight} in flight; stand-in: 37 climbs per page, page_size ignored")

    with Server() as s:
        fresh_import(s)  # warm-up: imports, page cache
        times, free, writes, refs = [], [], [], []
        for _ in range(args.runs):
            dt, plan, store, client = fresh_import(s)
            assert plan.counts()["new"] == 1017
            times.append(dt)
            writes.append(plan.write_seconds)
            refs.append(plain_executemany(store))
            free.append(fresh_import(s, UNLIMITED)[0])
        p1 = statistics.median(times)
        sent = client.transport.requests_sent
        print(f"P1  import of the real fixture (sync call, as shipped), median of {args.runs}: {p1 * 1000:7.1f} ms"
              f"  (target <= 500)   rate limit off: {statistics.median(free) * 1000:.1f} ms; "
              f"{sent} requests, politeness floor {floor(sent) * 1000:.0f} ms")
        cli = statistics.median(cli_import(s) for _ in range(3))
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
        # the same re-imports through a client without the rate limit: the back-to-back runs above
        # share one drained token bucket, so part of their time is the politeness floor
        free_client = StoktClient(s.url, s.token, config=UNLIMITED)
        re_free = []
        for _ in range(args.runs):
            t = time.perf_counter()
            run_import(store, free_client, full=True)
            re_free.append(time.perf_counter() - t)
        p3f, p1f = statistics.median(re_free), statistics.median(free)
        print(f"P3  full re-import of unchanged data: {p3 * 1000:.1f} ms = {p3 / p1:.2f} x first import, "
              f"rows changed {again.changed}, ids unchanged: {ids_before == ids_after}  (target <= 1.5x)   "
              f"rate limit off: {p3f * 1000:.1f} ms = {p3f / p1f:.2f} x the first import rate limit off")
    with Server(latency=0.05) as s:
        lat = [fresh_import(s)[0] for _ in range(3)]
        lat_free = [fresh_import(s, UNLIMITED)[0] for _ in range(3)]
        print(f"P4  import with 50 ms per response (as shipped), median of 3: {statistics.median(lat) * 1000:.0f} ms"
              f"  (target <= 1000)   rate limit off: {statistics.median(lat_free) * 1000:.0f} ms")

    if args.no_p13:
        print("P13 skipped (--no-p13)")
        return
    for label, max_page_size in (("stand-in honours page_size up to 1,000 (target <= 15 s)", 1000),
                                 ("stand-in serves a fixed 100 per page", None)):
        with Server(latency=0.02, synthetic=args.p13_climbs, page_size=100, max_page_size=max_page_size) as s:
            dt, plan, store, client = fresh_import(s)
            n = store.conn.execute("SELECT count(*) FROM climbs").fetchone()[0]
            sent = client.transport.requests_sent
            print(f"P13 {n:,} synthetic climbs, 20 ms latency, as shipped, {label}: {dt:.1f} s over {plan.pages} "
                  f"pages, {sent} requests (politeness floor {floor(sent):.1f} s; write phase "
                  f"{plan.write_seconds:.1f} s)")


if __name__ == "__main__":
    main()
