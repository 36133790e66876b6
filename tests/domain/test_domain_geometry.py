"""Hold geometry: the 776 real holds parse and are valid; malformed strings raise GeometryError."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point

from mastoc.domain import geometry
from mastoc.domain.geometry import GeometryError
from mastoc.domain.models import Hold


def test_all_real_holds_parse(real_holds: list[Hold]) -> None:
    assert len(real_holds) == 776
    assert {h.num for h in real_holds} == set(range(828902, 829678))
    for hold in real_holds:
        outline = geometry.outline(hold)
        assert 4 <= len(outline) <= 14
        assert 4 <= len(geometry.parse_points(hold.touch_polygon_str, "touchPolygonStr")) <= 10
        assert len(geometry.parse_points(hold.top_polygon_str, "topPolygonStr")) >= 4
        for x, y in outline:
            assert 0 <= x <= 2263 and 0 <= y <= 3000
        for tape in (hold.center_tape_str, hold.left_tape_str, hold.right_tape_str):
            (x1, y1), (x2, y2) = geometry.parse_tape(tape)
            assert abs(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 - 100) < 1.0  # 100 px tapes


def test_path_points_equal_polygon_points(real_holds: list[Hold]) -> None:
    for hold in real_holds:
        assert geometry.parse_path(hold.path_str) == geometry.outline(hold), hold.num


def test_real_polygons_valid_and_centroid_inside_touch_region(real_holds: list[Hold]) -> None:
    for hold in real_holds:
        poly = geometry.hold_polygon(hold)
        assert poly.is_valid and poly.area > 0
        touch = geometry.touch_polygon(hold)
        assert touch.is_valid
        top = geometry.top_polygon(hold)
        assert top.is_valid and top.area > poly.area
        cx, cy = geometry.centroid(hold)
        assert touch.covers(Point(cx, cy)), hold.num
        # centroidStr is the outline's area centroid within 5 px (API.md §7)
        assert poly.centroid.distance(Point(cx, cy)) <= 5.0, hold.num
        assert geometry.check_hold(hold) == [], hold.num


def test_parsing_all_holds_is_cheap(real_holds: list[Hold]) -> None:
    # Figures are printed by benchmarks/; here we only check the work is linear and done.
    start = time.perf_counter()
    total = 0
    for hold in real_holds:
        total += len(geometry.outline(hold)) + len(geometry.parse_points(hold.touch_polygon_str))
        geometry.parse_centroid(hold.centroid_str)
    elapsed = time.perf_counter() - start
    assert total > 776 * 8
    print(f"parsed 776 holds (outline, touch, centroid) in {elapsed * 1000:.1f} ms")


def test_formats() -> None:
    assert geometry.parse_points("1.50,2.00 3,4") == [(1.5, 2.0), (3.0, 4.0)]
    assert geometry.parse_points("") == []
    assert geometry.parse_points("  1,2   3,4 ") == [(1.0, 2.0), (3.0, 4.0)]
    assert geometry.parse_path("M1,2L3,4L5,6z") == [(1.0, 2.0), (3.0, 4.0), (5.0, 6.0)]
    assert geometry.parse_path("M 1 2 L 3,4 Z") == [(1.0, 2.0), (3.0, 4.0)]
    assert geometry.parse_centroid("572.53 2397.11") == (572.53, 2397.11)
    assert geometry.parse_tape("1 2 3 4") == ((1.0, 2.0), (3.0, 4.0))
    assert geometry.format_points([(1.5, 2), (3, 4.125)]) == "1.50,2.00 3.00,4.12"
    assert geometry.scale_points([(2263.0, 3000.0)], 339 / 2263, 450 / 3000) == [
        pytest.approx((339.0, 450.0))
    ]
    assert geometry.scale_points([(2.0, 4.0)], 0.5) == [(1.0, 2.0)]


@pytest.mark.parametrize(
    ("func", "text", "field", "token"),
    [
        (geometry.parse_points, "1,2 3;4", "polygonStr", "3;4"),
        (geometry.parse_points, "1,2 3,4,5", "polygonStr", "3,4,5"),
        (geometry.parse_points, "1,2 3,", "polygonStr", ""),
        (geometry.parse_points, "1,2 x,4", "polygonStr", "x"),
        (geometry.parse_points, "1,2 nan,4", "polygonStr", "nan"),
        (geometry.parse_points, "1,2 inf,4", "polygonStr", "inf"),
        (geometry.parse_points, "1,2 1_0,4", "polygonStr", "1_0"),
        (geometry.parse_path, "1,2L3,4z", "pathStr", "1,2"),
        (geometry.parse_path, "M1,2L3,4zL5,6", "pathStr", "L5,6"),
        (geometry.parse_path, "M1,2l3,4z", "pathStr", "l3,4"),
        (geometry.parse_path, "M1,2C3,4z", "pathStr", "C3"),
        (geometry.parse_path, "M1,2M3,4z", "pathStr", "M3,4"),
        (geometry.parse_path, "M1,2L3z", "pathStr", "L3"),
        (geometry.parse_centroid, "1,2", "centroidStr", "1,2"),
        (geometry.parse_centroid, "1 2 3", "centroidStr", "1 2 3"),
        (geometry.parse_tape, "1 2 3", "centerTapeStr", "1 2 3"),
        (geometry.parse_tape, "1 2 3 y", "centerTapeStr", "y"),
    ],
)
def test_malformed_strings_name_field_and_token(func, text: str, field: str, token: str) -> None:
    with pytest.raises(GeometryError) as info:
        func(text)
    assert info.value.field == field
    assert token in info.value.token or (token == "" and info.value.token == "")
    assert field in str(info.value)


def test_error_field_can_be_named_by_caller() -> None:
    with pytest.raises(GeometryError, match="topPolygonStr") as info:
        geometry.parse_points("1,2 a,b", "topPolygonStr")
    assert info.value.token == "a"


_GEOM_ALPHABET = "0123456789.,-+ eEMLZmlzxn\t"


@given(st.text(alphabet=_GEOM_ALPHABET, max_size=40))
def test_random_strings_raise_only_geometry_error(text: str) -> None:
    for func in (geometry.parse_points, geometry.parse_path, geometry.parse_centroid, geometry.parse_tape):
        try:
            func(text)
        except GeometryError:
            pass


@given(st.text(max_size=40))
def test_random_unicode_raises_only_geometry_error(text: str) -> None:
    for func in (geometry.parse_points, geometry.parse_path, geometry.parse_centroid, geometry.parse_tape):
        try:
            func(text)
        except GeometryError:
            pass


@given(
    st.lists(
        st.tuples(st.floats(-1e4, 1e4, allow_nan=False), st.floats(-1e4, 1e4, allow_nan=False)),
        min_size=0,
        max_size=12,
    )
)
def test_random_point_lists_give_valid_polygon_or_geometry_error(points: list[tuple[float, float]]) -> None:
    try:
        poly = geometry.polygon_from_points(points)
    except GeometryError:
        return
    assert poly.is_valid and poly.area > 0 and poly.geom_type == "Polygon"


def test_bow_tie_is_repaired_not_dropped(make_hold) -> None:
    # Self-intersecting outline: two triangles meeting at (50,50), the right one larger.
    hold = make_hold(polygon_str="0,0 100,100 100,-20 0,100", centroid_str="60 40")
    poly = geometry.hold_polygon(hold)
    assert poly.is_valid and poly.geom_type == "Polygon"
    assert poly.area > 0
    assert poly.covers(Point(90, 40))  # the larger (right) lobe was kept
    problems = geometry.check_hold(hold)
    assert "polygonStr: invalid polygon, repaired" in problems


def test_check_hold_reports_problems(make_hold) -> None:
    assert geometry.check_hold(make_hold(polygon_str="")) == ["polygonStr: empty"]
    assert geometry.check_hold(make_hold(polygon_str="1,1 2,2")) == ["polygonStr: fewer than 3 points (2)"]
    assert geometry.check_hold(make_hold(polygon_str="0,0 1,1 2,2")) == [
        "polygonStr: invalid polygon, cannot be repaired"
    ]
    problems = geometry.check_hold(
        make_hold(
            polygon_str="0,0 10,0 10,10 0,10",
            path_str="M0,0L10,0L10,10z",
            centroid_str="50 50",
            center_tape_str="1 2 3",
        )
    )
    assert problems == [
        "centerTapeStr: expected 'x1 y1 x2 y2': '1 2 3'",
        "pathStr: points differ from polygonStr",
        "centroidStr: centroid outside polygonStr",
    ]
    with pytest.raises(GeometryError):
        geometry.hold_polygon(make_hold(polygon_str="0,0 1,1 2,2"))
    with pytest.raises(GeometryError, match="at least 3 points"):
        geometry.hold_polygon(make_hold(polygon_str="0,0 1,1"))


def test_empty_optional_strings_fall_back(make_hold) -> None:
    hold = make_hold(polygon_str="0,0 10,0 10,10 0,10")
    assert geometry.touch_polygon(hold).equals(geometry.hold_polygon(hold))
    assert geometry.centroid(hold) == pytest.approx((5.0, 5.0))
    assert geometry.top_polygon(hold).area == pytest.approx(60 * 60)
