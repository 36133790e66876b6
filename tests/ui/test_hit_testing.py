"""Picking a hold at a point of the real wall, including where outlines overlap (tie-break)."""

from __future__ import annotations

import shapely
from shapely.geometry import Point, Polygon

from mastoc.ui.wall_model import HoldIndex, wall_holds


def _poly(s: str) -> Polygon:
    pts = [tuple(float(v) for v in pair.split(",")) for pair in s.split()]
    return shapely.make_valid(Polygon(pts)) if not Polygon(pts).is_valid else Polygon(pts)


def test_centroid_of_each_hold_picks_that_hold(real_holds, setup_json):
    index = HoldIndex(wall_holds(real_holds))
    assert len(index.holds) == 776
    polys = {h["id"]: _poly(h["polygonStr"]) for h in setup_json["holds"]}
    ids = list(polys)
    tree = shapely.STRtree(list(polys.values()))
    misses = []
    single = 0
    for hid, poly in polys.items():
        p = poly.representative_point()  # surely inside this outline
        inside = [ids[j] for j in tree.query(p, predicate="covered_by")]
        if len(inside) == 1:
            single += 1
            if index.pick(p.x, p.y) != hid:
                misses.append(hid)
    assert single > 700
    assert misses == []


def test_overlap_points_pick_the_smallest_outline(real_holds, setup_json):
    index = HoldIndex(wall_holds(real_holds))
    polys = {h["id"]: _poly(h["polygonStr"]) for h in setup_json["holds"]}
    tree = shapely.STRtree(list(polys.values()))
    ids = list(polys)
    checked = 0
    for hid in ids:
        for j in tree.query(polys[hid], predicate="intersects"):
            other = ids[j]
            if other <= hid:
                continue
            inter = polys[hid].intersection(polys[other])
            if inter.area < 1.0:
                continue
            p = inter.representative_point()
            containing = [ids[k] for k in tree.query(p, predicate="covered_by")]
            expected = min(containing, key=lambda k: (polys[k].area, polys[k].centroid.distance(p), k))
            assert index.pick(p.x, p.y) == expected, (hid, other, p)
            assert index.holds_at(p.x, p.y)[0] == expected
            checked += 1
    assert checked >= 5  # the real wall has overlapping outlines


def test_empty_wall_point_picks_nothing_but_tolerance_finds_the_nearest(real_holds, setup_json):
    index = HoldIndex(wall_holds(real_holds))
    polys = {h["id"]: _poly(h["polygonStr"]) for h in setup_json["holds"]}
    h = setup_json["holds"][0]
    poly = polys[h["id"]]
    minx, miny, maxx, maxy = poly.bounds
    p = Point(maxx + 3.0, (miny + maxy) / 2)
    if not any(q.covers(p) for q in polys.values()):
        assert index.pick(p.x, p.y) is None
        nearest = min(polys, key=lambda k: (polys[k].distance(p), k))
        assert index.pick(p.x, p.y, tolerance=10.0) == nearest
    assert index.pick(-50.0, -50.0, tolerance=5.0) is None

