"""Benchmark of the write phase of a Stokt import at scale (issue 15): 10k, 50k and 100k synthetic climbs.

    PYTHONPATH=. python benchmarks/bench_import_write.py [--sizes 10000,50000,100000]

For each size: a fresh store imports the synthetic catalogue from the stand-in (own process, pages of
1,000, no latency, rate limit off: the write phase is what is measured) and prints the import's
write phase (`ImportPlan.write_seconds`: time inside write transactions, commits included), its cost
per 1,000 climbs (flat = linear), and the reference measured in the same run: plain `executemany`
of the very same rows, table by table, in one transaction into a fresh store. Also printed: the whole
import's wall time and the CPU time of this process during it, and the load average: on a shared
machine the wall times stretch with the load, the CPU time and the ratio much less.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_stokt_sync import UNLIMITED, Server, fresh_import, plain_executemany  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,50000,100000")
    args = ap.parse_args()
    print("write phase of an import; reference = plain executemany of the same rows in one transaction")
    for n in (int(x) for x in args.sizes.split(",")):
        with Server(synthetic=n, page_size=1000, max_page_size=1000) as s:
            t = time.perf_counter()
            load = os.getloadavg()[0]
            c0 = os.times()
            dt, plan, store, _client = fresh_import(s, UNLIMITED)
            c1 = os.times()
            assert plan.counts()["new"] == n, plan.counts()
            ref = plain_executemany(store)
            w = plan.write_seconds
            print(f"{n:>7,} climbs: write phase {w:6.2f} s ({w / n * 1000 * 1000:5.1f} ms per 1k), "
                  f"plain executemany {ref:6.2f} s ({ref / n * 1000 * 1000:5.1f} ms per 1k), "
                  f"ratio ref/ours {ref / w:.2f}; whole import {dt:.1f} s, its CPU "
                  f"{c1.user - c0.user + c1.system - c0.system:.1f} s (sys {c1.system - c0.system:.1f}); "
                  f"load {load:.1f}  [{time.perf_counter() - t:.0f} s]", flush=True)
            store.close()


if __name__ == "__main__":
    main()
