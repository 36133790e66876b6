"""Benchmark of the condition-aware search (hold annotations): 50 broken holds, 100k synthetic climbs.

Builds the real face (776 holds) plus N synthetic climbs (default 100,000; `bench_search.synthesize`),
marks 50 holds `cassee` (broken: random ones, or with `--broken most-used` the worst case) and 10
popular ones `pince`, then times, median and p95 over many runs:

- the first page (200, newest) and the count with `avoid_conditions=("cassee",)`, the same with
  a grade range, and `no_grips=("pince",)`;
- in the same run, the references: the same page without the filter, and the plain Python
  computation (scan every climb's holds) the filter replaces.

    python benchmarks/bench_annotations.py [--climbs 100000] [--runs 40]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_search import FIXTURES, synthesize, timed  # noqa: E402

from mastoc.domain import grades, holdslist  # noqa: E402
from mastoc.edits import annotations as ops  # noqa: E402
from mastoc.store import search  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.store.search import ClimbQuery  # noqa: E402
from mastoc.sync.backup import load_backup  # noqa: E402


def run(store: Store, face_id: str, broken: list[str], name: str, runs: int) -> None:
    conn = store.conn
    total = search.count(conn, ClimbQuery(face_id=face_id))
    lo, hi = grades.filter_bounds(grades.GradeSystem.FONT, "6A", "7A")
    print(f"\n== {total:,} climbs on the face; 50 broken holds ({name}), 10 pinches")
    print(f"{'query':<62} {'median ms':>10} {'p95 ms':>8} {'rows':>7}")

    def show(label: str, fn) -> float:  # type: ignore[no-untyped-def]
        med, p95, res = timed(fn, runs)
        n = res if isinstance(res, int) else len(res)
        print(f"{label:<62} {med:>10.3f} {p95:>8.3f} {n:>7}")
        return med

    base = show("reference: first page (200, newest), no filter", lambda: search.search(conn, ClimbQuery(face_id=face_id)))
    q = ClimbQuery(face_id=face_id, avoid_conditions=("cassee",))
    page = show("avoid cassee: first page (200, newest)", lambda: search.search(conn, q))
    show("reference: count of the face, no filter", lambda: search.count(conn, ClimbQuery(face_id=face_id)))
    show("avoid cassee: count", lambda: search.count(conn, q))
    qg0 = ClimbQuery(face_id=face_id, grade_min=lo, grade_max=hi)
    show("reference: grade 6A..7A first page, no condition filter", lambda: search.search(conn, qg0))
    qg = ClimbQuery(face_id=face_id, grade_min=lo, grade_max=hi, avoid_conditions=("cassee",))
    show("avoid cassee + grade 6A..7A: first page", lambda: search.search(conn, qg))
    show("no pince (hand holds): first page", lambda: search.search(conn, ClimbQuery(face_id=face_id, no_grips=("pince",))))
    marks = ",".join("?" * len(broken))
    nums = {r[0] for r in conn.execute(f"SELECT num FROM holds WHERE id IN ({marks})", broken)}
    rows = conn.execute("SELECT id, holds_list, created_at FROM climbs WHERE face_id = ?", (face_id,)).fetchall()
    parsed = [(cid, {r.hold for r in holdslist.parse(text)}, at) for cid, text, at in rows]

    def plain() -> list[str]:
        ok = [(at or "", cid) for cid, hs, at in parsed if not (hs & nums)]
        ok.sort(reverse=True)
        return [cid for _at, cid in ok[:200]]

    ref = show("reference: plain Python over parsed climbs (first page)", plain)
    print(f"   -> filtered page costs {page / base:.2f}x the unfiltered one; "
          f"{ref / page:.1f}x faster than the plain Python scan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--climbs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--broken", choices=("random", "most-used", "both"), default="both",
                        help="which 50 holds are broken: 50 random holds, the 50 most used (worst case), or both "
                             "scenarios one after the other (default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        store = Store.open(Path(d))
        load_backup(store, [FIXTURES])
        face_id = store.faces()[0].id
        t = time.perf_counter()
        synthesize(store, face_id, args.climbs)  # same generator as bench_search
        print(f"(generated {args.climbs:,} synthetic climbs in {time.perf_counter() - t:.1f} s)")
        popular = [r[0] for r in store.conn.execute(
            "SELECT h.id FROM holds h JOIN climb_holds ch ON ch.hold_num = h.num WHERE h.face_id = ? "
            "GROUP BY h.id ORDER BY count(*) DESC LIMIT 60", (face_id,))]
        every = [r[0] for r in store.conn.execute("SELECT id FROM holds WHERE face_id = ? ORDER BY id", (face_id,))]
        scenarios = {"random": random.Random(7).sample(every, 50), "most-used": popular[:50]}
        for name in ([args.broken] if args.broken != "both" else ["random", "most-used"]):
            with store.transaction() as c:
                c.execute("DELETE FROM hold_annotations")
            ops.set_field(store, scenarios[name], "condition", "cassee")
            ops.set_field(store, popular[50:60], "grip_type", "pince")
            run(store, face_id, scenarios[name], name, args.runs)
        store.close()


if __name__ == "__main__":
    main()
