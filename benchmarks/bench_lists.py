"""Benchmark: lists on the real fixture store (1,017 climbs), with references measured in the same run.

Run: PYTHONPATH=. python benchmarks/bench_lists.py [FIXTURES_DIR]
Prints figures only (best of N runs); no pass/fail. References: a plain page of 200 climbs (the
search the climb list runs anyway) for the list filters; one wall picture for the printed sheet.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mastoc.edits import lists as ops
from mastoc.edits import logbook
from mastoc.sheets.list_sheet import wall_picture, write_list_sheet
from mastoc.store.db import Store
from mastoc.store.search import ClimbQuery, search
from mastoc.sync.backup import load_backup

ROOT = Path(__file__).resolve().parents[1]


def best_ms(func: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> int:
    fixtures = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".." / "shared" / "stokt" / "fixtures"
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        with Store.open(d / "store") as s:
            load_backup(s, [fixtures])
            ids = [r[0] for r in s.conn.execute("SELECT id FROM climbs ORDER BY id")]
            for cid in ids[::3]:
                logbook.add_session(s, cid, sent=True)
            (big,) = ops.create_list(s, "All").lists
            t = time.perf_counter()
            ops.add_items(s, big, ids)
            print(f"add 1,017 climbs to a list:          {(time.perf_counter() - t) * 1000:8.1f} ms")
            print(f"read the 1,017 items in order:        {best_ms(lambda: ops.items(s, big)):8.1f} ms")
            flip = [ids[-1], ids[0]]
            n = [0]

            def move() -> None:
                n[0] += 1
                ops.move_item(s, big, flip[n[0] % 2], 1)

            print(f"move one item to the top (renumber):  {best_ms(move):8.1f} ms")
            ref = best_ms(lambda: search(s.conn, ClimbQuery()), 20)
            lst = best_ms(lambda: search(s.conn, ClimbQuery(list_id=big)), 20)
            both = best_ms(lambda: search(s.conn, ClimbQuery(list_id=big, hide_sent=True)), 20)
            print(f"page of 200, no filter (reference):   {ref:8.2f} ms")
            print(f"  only this list:                     {lst:8.2f} ms  ({lst / ref:.2f}x)")
            print(f"  only this list + hide sent:         {both:8.2f} ms  ({both / ref:.2f}x)")
            (sheet,) = ops.create_list(s, "Sheet").lists
            ops.add_items(s, sheet, ids[:40])
            pic = best_ms(lambda: wall_picture(s, ids[0]), 3)
            t = time.perf_counter()
            pages = write_list_sheet(s, sheet, d / "sheet.pdf")
            total = (time.perf_counter() - t) * 1000
            size = (d / "sheet.pdf").stat().st_size / 1024
            print(f"one wall picture, photo decoded (ref): {pic:7.1f} ms")
            print(f"sheet of 40 climbs ({pages} pages, {size:.0f} KiB): {total:8.1f} ms  ({total / pic:.1f}x the reference)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
