"""Benchmark: parsing the 776 real holds' geometry strings and building shapely polygons.

Run: PYTHONPATH=. python benchmarks/bench_domain_geometry.py [FIXTURES_DIR]
Prints figures only (best of N runs); no pass/fail.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from mastoc.domain import geometry, grades, holdslist
from mastoc.domain.models import Hold

ROOT = Path(__file__).resolve().parents[1]


def best_ms(func, repeat: int = 20) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> int:
    fixtures = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".." / "shared" / "stokt" / "fixtures"
    raw = json.loads((fixtures / "face_setup.json").read_text("utf-8"))["holds"]
    holds = [
        Hold(id=str(h["id"]), face_id="f", num=h["id"], polygon_str=h["polygonStr"],
             touch_polygon_str=h["touchPolygonStr"], path_str=h["pathStr"], centroid_str=h["centroidStr"],
             top_polygon_str=h["topPolygonStr"], center_tape_str=h["centerTapeStr"],
             left_tape_str=h["leftTapeStr"], right_tape_str=h["rightTapeStr"])
        for h in raw
    ]
    climbs = []
    for page in range(1, 12):
        climbs += json.loads((fixtures / f"climbs_page_{page}.json").read_text("utf-8"))["results"]

    def parse_outlines() -> None:
        for h in holds:
            geometry.outline(h)

    def parse_all_strings() -> None:
        for h in holds:
            geometry.outline(h)
            geometry.parse_points(h.touch_polygon_str)
            geometry.parse_points(h.top_polygon_str)
            geometry.parse_path(h.path_str)
            geometry.parse_centroid(h.centroid_str)
            geometry.parse_tape(h.center_tape_str)
            geometry.parse_tape(h.left_tape_str)
            geometry.parse_tape(h.right_tape_str)

    def polygons() -> None:
        for h in holds:
            geometry.hold_polygon(h)

    def check_all() -> None:
        for h in holds:
            geometry.check_hold(h)

    def holds_lists() -> None:
        for c in climbs:
            holdslist.format(holdslist.parse(c["holdsList"]))

    def grade_labels() -> None:
        for c in climbs:
            for system in grades.GradeSystem:
                grades.label(system, c["crowdGrade"]["ircra"])

    print(f"holds: {len(holds)}, climbs: {len(climbs)}")
    print(f"parse 776 outlines (polygonStr):          {best_ms(parse_outlines):7.2f} ms")
    print(f"parse all 8 geometry strings of 776 holds: {best_ms(parse_all_strings):7.2f} ms")
    print(f"hold_polygon for 776 holds (shapely):     {best_ms(polygons):7.2f} ms")
    print(f"check_hold for 776 holds:                 {best_ms(check_all, 5):7.2f} ms")
    print(f"holdsList parse+format, 1017 climbs:      {best_ms(holds_lists):7.2f} ms")
    print(f"grade labels x4 systems, 1017 climbs:     {best_ms(grade_labels):7.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
