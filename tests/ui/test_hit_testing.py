"""Picking a hold at a point of the real wall, including where outlines overlap (tie-break)."""

from __future__ import annotations

import shapely
from shapely.geometry import Point, Polygon

from mastoc.ui.wall.model import HoldIndex, wall_holds


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



def test_pick_matches_a_brute_force_scan_everywhere(real_holds):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from mastoc.ui.wall.model import contains, distance_to_outline

    holds = wall_holds(real_holds)
    index = HoldIndex(holds)

    def brute(x, y, tol):
        inside = [h for h in holds if contains(h.outline, x, y)]
        if inside:
            return min(inside, key=lambda h: (h.area, (h.centroid[0] - x) ** 2 + (h.centroid[1] - y) ** 2, h.num)).num
        near = [(distance_to_outline(h.outline, x, y), h) for h in holds]
        near = [(d, h) for d, h in near if d <= tol] if tol > 0 else []
        if not near:
            return None
        return min(near, key=lambda t: (t[0], t[1].area, (t[1].centroid[0] - x) ** 2 + (t[1].centroid[1] - y) ** 2,
                                        t[1].num))[1].num

    @settings(max_examples=300, deadline=None)
    @given(st.floats(0, 2263), st.floats(0, 3000), st.sampled_from([0.0, 6.0]))
    def check(x, y, tol):
        assert index.pick(x, y, tol) == brute(x, y, tol)

    check()


def test_clicking_an_overlap_point_in_the_view_selects_the_tie_break_winner(qtbot, fixtures_dir, real_holds):
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QImage

    from mastoc.ui.wall.scene import WallScene
    from mastoc.ui.wall.view import WallView

    scene = WallScene()
    scene.set_wall(QImage(str(fixtures_dir / "wall_small.jpg")), wall_holds(real_holds), size=(2263, 3000))
    view = WallView(scene)
    qtbot.addWidget(view)
    view.resize(700, 700)
    view.show()
    qtbot.waitExposed(view)
    # an overlap point: inside two outlines
    point = None
    for h in scene.holds:
        for y in range(int(h.bbox[1]), int(h.bbox[3]), 2):
            for x in range(int(h.bbox[0]), int(h.bbox[2]), 2):
                if len(scene.index.holds_at(x + 0.5, y + 0.5)) >= 2:
                    point = (x + 0.5, y + 0.5)
                    break
            if point:
                break
        if point:
            break
    assert point is not None
    expected = scene.index.holds_at(*point)[0]
    view.zoom_by(20.0)  # very close: one device pixel is a fraction of a picture pixel
    view.centerOn(QPointF(*point))
    pos = view.mapFromScene(QPointF(*point))
    sp = view.mapToScene(pos)
    assert len(scene.index.holds_at(sp.x(), sp.y())) >= 2
    with qtbot.waitSignal(scene.holdClicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [expected]
