"""Benchmark of the duplicate check before Save (`mastoc.edits.climbs.find_duplicates`; target
<= 30 ms median at 100k climbs).

Builds a store with the real face (776 holds) and N synthetic climbs (default 100,000, the same
generator as `bench_search.py`), then times the check for: a real climb's hold set re-entered
(finds it as "same"), the same set with one hold swapped ("near"), and a fresh random set (the
per-hold counts it orders holds by are cached; the "cold" line clears that cache first). The
reference, measured in the same run, is the naive check: read every climb of the face and compute
the Jaccard index of the hold sets in Python; a second one is the first version of the check (one
`GROUP BY climb_id` with `count(DISTINCT hold_num)` over every row of the set's holds).

    python benchmarks/bench_duplicates.py [--climbs 100000] [--runs 40]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_search import FIXTURES, synthesize, timed  # noqa: E402
from mastoc.domain import holdslist  # noqa: E402
from mastoc.edits import duplicates  # noqa: E402
from mastoc.edits.climbs import find_duplicates  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.sync.backup import load_backup  # noqa: E402


def naive(store: Store, face_id: str, wanted: set[int]) -> Callable[[], list[str]]:
    def run() -> list[str]:
        out = []
        for cid, text in store.conn.execute("SELECT id, holds_list FROM climbs WHERE face_id = ?", (face_id,)):
            have = holdslist.hold_ids(holdslist.parse(text))
            if len(have & wanted) / len(have | wanted) >= 0.8:
                out.append(cid)
        return out
    return run


def group_by(store: Store, face_id: str, wanted: set[int]) -> Callable[[], list[str]]:
    n = len(wanted)
    need = math.ceil(0.8 * n - 1e-9)
    sql = ("WITH cand AS (SELECT climb_id, count(DISTINCT hold_num) AS shared FROM climb_holds "
           f"WHERE hold_num IN ({', '.join('?' * n)}) GROUP BY climb_id HAVING shared >= ?) "
           "SELECT c.id, cand.shared, (SELECT count(DISTINCT x.hold_num) FROM climb_holds x "
           "WHERE x.climb_id = cand.climb_id) FROM cand JOIN climbs c ON c.id = cand.climb_id WHERE c.face_id = ?")

    def run() -> list[str]:
        rows = store.conn.execute(sql, (*sorted(wanted), need, face_id)).fetchall()
        return [r[0] for r in rows if r[1] / (n + r[2] - r[1]) >= 0.8]
    return run


def run_suite(store: Store, face_id: str, runs: int, label: str) -> None:
    rng = random.Random(7)
    row = store.conn.execute("SELECT holds_list FROM climbs WHERE source = 'stokt' ORDER BY length(holds_list) DESC, "
                             "id LIMIT 1").fetchone()
    real = sorted(holdslist.hold_ids(holdslist.parse(row[0])))
    nums = [r[0] for r in store.conn.execute("SELECT num FROM holds WHERE face_id = ?", (face_id,))]
    swapped = [*real[:-1], next(n for n in nums if n not in real)]
    fresh = rng.sample(nums, 10)
    total = store.conn.execute("SELECT count(*) FROM climbs WHERE face_id = ?", (face_id,)).fetchone()[0]
    print(f"\n== {label}: {total:,} climbs on the face; a real set of {len(real)} holds")
    print(f"{'check':<60} {'median ms':>10} {'p95 ms':>8} {'found':>6}")
    meds = {}
    for name, holds in (("real climb's hold set re-entered", real), ("same set, one hold swapped", swapped),
                        ("a fresh random set of 10 holds", fresh)):
        med, p95, res = timed(lambda h=holds: find_duplicates(store, face_id, h), runs)
        meds[name] = med
        print(f"{'find_duplicates: ' + name:<60} {med:>10.3f} {p95:>8.3f} {len(res):>6}")  # type: ignore[arg-type]
    def cold() -> object:
        duplicates._FREQ.clear()  # the per-hold counts are cached; the first check of a session pays them
        return find_duplicates(store, face_id, real)

    med, p95, res = timed(cold, runs)
    print(f"{'find_duplicates: real set, cold (hold counts not cached)':<60} {med:>10.3f} {p95:>8.3f} "
          f"{len(res):>6}")  # type: ignore[arg-type]
    for name, holds in (("real set", real), ("swapped set", swapped)):
        med, p95, res = timed(group_by(store, face_id, set(holds)), runs)
        print(f"{'reference: first version, one GROUP BY (' + name + ')':<60} {med:>10.3f} {p95:>8.3f} "
              f"{len(res):>6}")  # type: ignore[arg-type]
    ref_runs = max(3, runs // 8)
    med, p95, res = timed(naive(store, face_id, set(real)), ref_runs)
    print(f"{'reference: naive Python scan of every climb (' + str(ref_runs) + ' runs)':<60} {med:>10.3f} {p95:>8.3f} "
          f"{len(res):>6}")  # type: ignore[arg-type]
    worst = max(meds.values())
    print(f"   -> slowest indexed check is {med / worst:.1f}x faster than the naive scan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--climbs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        store = Store.open(Path(d))
        load_backup(store, [FIXTURES])
        face_id = next(f.id for f in store.faces() if f.stokt_id)
        run_suite(store, face_id, args.runs, "real fixture")
        t = time.perf_counter()
        synthesize(store, face_id, args.climbs)
        print(f"\n(generated {args.climbs:,} synthetic climbs in {time.perf_counter() - t:.1f} s)")
        run_suite(store, face_id, args.runs, f"real + {args.climbs:,} synthetic")
        store.close()


if __name__ == "__main__":
    main()
