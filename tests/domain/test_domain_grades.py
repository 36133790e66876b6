"""Grade systems: the real crowd grades are reproduced, ordering, ranges and filters."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mastoc.domain import grades
from mastoc.domain.grades import UNGRADED, GradeError, GradeSystem

LABEL_SYSTEMS = (GradeSystem.FONT, GradeSystem.HUECO, GradeSystem.DANKYU)


def _ircra(climb: dict[str, Any]) -> float | None:
    value = climb["crowdGrade"]["ircra"]
    return None if value == 0.0 else value


def test_every_real_quadruple_is_reproduced(
    real_climbs: list[dict[str, Any]], sent_climbs: list[dict[str, Any]]
) -> None:
    seen = set()
    for climb in real_climbs + sent_climbs:
        g = climb["crowdGrade"]
        seen.add((g["ircra"], g["font"], g["hueco"], g["dankyu"]))
        for system in LABEL_SYSTEMS:
            assert grades.label(system, g["ircra"]) == g[system.value], (climb["id"], system, g)
            # mastoc stores None for ungraded; same labels.
            assert grades.label(system, _ircra(climb)) == g[system.value]
    assert len(seen) == 41  # distinct quadruples, the 31 ungraded share one


def test_ungraded(real_climbs: list[dict[str, Any]]) -> None:
    ungraded = [c for c in real_climbs if c["crowdGrade"]["font"] == UNGRADED]
    assert len(ungraded) == 31
    assert all(c["crowdGrade"]["ircra"] == 0.0 for c in ungraded)
    for system in GradeSystem:
        assert grades.label(system, None) == UNGRADED
        assert grades.label(system, 0.0) == UNGRADED
        assert grades.label(system, math.nan) == UNGRADED
        assert grades.to_ircra(system, "?") is None
        with pytest.raises(GradeError):
            grades.ircra_range(system, "?")
    assert grades.filter_bounds(GradeSystem.FONT, "?", "?") == (None, None)
    assert grades.filter_bounds(GradeSystem.HUECO, "V0", "?") == (12.0, None)
    assert not grades.in_bounds(None, (None, None))


@pytest.mark.parametrize("system", list(GradeSystem))
def test_labels_are_ordered_and_bands_tile_the_line(system: GradeSystem) -> None:
    labels = grades.labels(system)
    assert len(labels) == len(set(labels)) > 10
    ranges = [grades.ircra_range(system, lbl) for lbl in labels]
    lows = [lo for lo, _ in ranges]
    assert lows == sorted(lows) and len(set(lows)) == len(lows)
    assert all(lo < hi for lo, hi in ranges)
    if system is not GradeSystem.IRCRA:
        assert all(ranges[i][1] == ranges[i + 1][0] for i in range(len(ranges) - 1))
        assert math.isinf(ranges[-1][1])
    assert sorted(labels, key=lambda lbl: grades.grade_sort_key(system, lbl)) == list(labels)
    assert sorted([*labels, "?"], key=lambda lbl: grades.grade_sort_key(system, lbl))[-1] == "?"
    for lbl, (lo, _hi) in zip(labels, ranges, strict=True):
        assert grades.to_ircra(system, lbl) == lo
        assert grades.label(system, lo) == lbl


def test_font_anchors_from_api_doc() -> None:
    anchors = {
        "4": 12.0, "4+": 13.25, "5": 14.25, "5+": 15.0, "6A": 15.5, "6A+": 16.5, "6B": 17.5,
        "6B+": 18.0, "6C": 18.5, "6C+": 19.5, "7A": 20.5, "7A+": 21.5, "7B": 22.5, "7B+": 23.5,
        "7C": 24.5, "8A": 26.5,
    }
    for lbl, value in anchors.items():
        assert grades.to_ircra(GradeSystem.FONT, lbl) == value
    assert grades.ircra_range(GradeSystem.FONT, "6A") == (15.5, 16.5)
    assert grades.labels(GradeSystem.FONT).index("7C+") == grades.labels(GradeSystem.FONT).index("8A") - 1


def test_dankyu_plus_variants_and_inferred_labels() -> None:
    dankyu = grades.labels(GradeSystem.DANKYU)
    assert dankyu[:6] == ("6Q", "5Q", "4Q", "3Q", "2Q", "1Q")
    assert dankyu.index("1D") < dankyu.index("1D+") < dankyu.index("2D") < dankyu.index("2D+")
    assert dankyu.index("2D+") < dankyu.index("3D") < dankyu.index("3D+")
    assert grades.convert("7C+", GradeSystem.FONT, GradeSystem.HUECO) == "V10"
    assert grades.convert("7C+", GradeSystem.FONT, GradeSystem.DANKYU) == "3D"
    assert grades.convert("V4", GradeSystem.HUECO, GradeSystem.FONT) == "6B"
    assert grades.convert("?", GradeSystem.HUECO, GradeSystem.FONT) == "?"


def test_font_filter_selects_exactly_the_font_labels(real_climbs: list[dict[str, Any]]) -> None:
    font = grades.labels(GradeSystem.FONT)
    wanted = set(font[font.index("6A") : font.index("6C") + 1])
    bounds = grades.filter_bounds(GradeSystem.FONT, "6A", "6C")
    assert bounds == (15.5, 19.5)
    selected = {c["id"] for c in real_climbs if grades.in_bounds(_ircra(c), bounds)}
    expected = {c["id"] for c in real_climbs if c["crowdGrade"]["font"] in wanted}
    assert selected == expected
    assert len(selected) == 78 + 93 + 115 + 104 + 130  # 6A, 6A+, 6B, 6B+, 6C


@pytest.mark.parametrize("system", LABEL_SYSTEMS)
def test_every_label_range_filter_matches_stokt_labels(
    system: GradeSystem, real_climbs: list[dict[str, Any]]
) -> None:
    labels = grades.labels(system)
    observed = sorted({c["crowdGrade"][system.value] for c in real_climbs} - {UNGRADED}, key=labels.index)
    for i, lo in enumerate(observed):
        for hi in observed[i:]:
            wanted = set(labels[labels.index(lo) : labels.index(hi) + 1])
            bounds = grades.filter_bounds(system, lo, hi)
            got = [c for c in real_climbs if grades.in_bounds(_ircra(c), bounds)]
            assert {c["id"] for c in got} == {
                c["id"] for c in real_climbs if c["crowdGrade"][system.value] in wanted
            }


def test_filter_bounds_edge_cases() -> None:
    assert grades.filter_bounds(GradeSystem.FONT, None, None) == (None, None)
    assert grades.filter_bounds(GradeSystem.FONT, "4", "?") == (12.0, None)
    assert grades.filter_bounds(GradeSystem.FONT, "?", "6a") == (None, 16.5)
    assert grades.filter_bounds(GradeSystem.FONT, "9A", None) == (32.5, None)
    assert grades.filter_bounds(GradeSystem.FONT, "8A", "9A") == (26.5, None)
    assert grades.filter_bounds(GradeSystem.IRCRA, "18", "20") == (18.0, 20.5)
    assert grades.filter_bounds(GradeSystem.DANKYU, "2Q", "1d+") == (18.25, 23.5)
    with pytest.raises(GradeError):
        grades.filter_bounds(GradeSystem.FONT, "7A", "6A")
    with pytest.raises(GradeError):
        grades.filter_bounds(GradeSystem.FONT, "1D", None)
    with pytest.raises(GradeError):
        grades.filter_bounds(GradeSystem.HUECO, "6A", None)


def test_parse_grade() -> None:
    assert grades.parse_grade("6a+") == (GradeSystem.FONT, "6A+")
    assert grades.parse_grade(" 7C ") == (GradeSystem.FONT, "7C")
    assert grades.parse_grade("5") == (GradeSystem.FONT, "5")
    assert grades.parse_grade("v4") == (GradeSystem.HUECO, "V4")
    assert grades.parse_grade("1d+") == (GradeSystem.DANKYU, "1D+")
    assert grades.parse_grade("2Q") == (GradeSystem.DANKYU, "2Q")
    assert grades.parse_grade("18.5") == (GradeSystem.IRCRA, "18.5")
    assert grades.parse_grade("18") == (GradeSystem.IRCRA, "18.0")
    assert grades.parse_grade("hueco:?") == (GradeSystem.HUECO, "?")
    assert grades.parse_grade("ircra=12.625") == (GradeSystem.IRCRA, "12.625")
    assert grades.parse_grade("Font: 6b") == (GradeSystem.FONT, "6B")
    assert grades.parse_grade("?") == (GradeSystem.FONT, "?")
    assert grades.parse_grade("?", default="dankyu") == (GradeSystem.DANKYU, "?")
    for bad in ("", "7E", "7D", "V", "hueco:6A", "X", "6A++", "-3", "abc:6A"):
        with pytest.raises(GradeError):
            grades.parse_grade(bad)


def test_ircra_labels() -> None:
    assert grades.label(GradeSystem.IRCRA, 18.5) == "18.5"
    assert grades.label(GradeSystem.IRCRA, 12.0) == "12.0"
    assert grades.label(GradeSystem.IRCRA, 12.625) == "12.625"
    assert grades.label(GradeSystem.IRCRA, 17.0 + 2 / 3) == "17.667"
    assert grades.labels(GradeSystem.IRCRA)[0] == "12.0" and grades.labels(GradeSystem.IRCRA)[-1] == "32.5"
    assert grades.ircra_range(GradeSystem.IRCRA, "18.5") == (18.5, 19.0)


def test_sort_keys(real_climbs: list[dict[str, Any]]) -> None:
    values = [_ircra(c) for c in real_climbs]
    ordered = sorted(values, key=grades.ircra_sort_key)
    assert ordered[-31:] == [None] * 31
    fonts = [grades.label(GradeSystem.FONT, v) for v in ordered]
    keys = [grades.grade_sort_key(GradeSystem.FONT, f) for f in fonts]
    assert keys == sorted(keys)


@given(st.floats(min_value=0.01, max_value=40.0, allow_nan=False))
def test_label_band_contains_value(value: float) -> None:
    for system in LABEL_SYSTEMS:
        lbl = grades.label(system, value)
        lo, hi = grades.ircra_range(system, lbl)
        assert value < hi
        if value >= 12.0:
            assert lo <= value
            assert grades.in_bounds(value, grades.filter_bounds(system, lbl, lbl))


@pytest.mark.parametrize("system", [GradeSystem.HUECO, GradeSystem.DANKYU])
def test_observed_bounds_are_smallest_observed_values(
    system: GradeSystem, real_climbs: list[dict[str, Any]]
) -> None:
    smallest: dict[str, float] = {}
    for climb in real_climbs:
        g = climb["crowdGrade"]
        if g[system.value] != UNGRADED:
            smallest[g[system.value]] = min(smallest.get(g[system.value], math.inf), g["ircra"])
    assert len(smallest) == 11  # V0-V9, V11 / 6Q-1Q, 1D, 1D+, 2D, 2D+, 3D+
    for lbl, value in smallest.items():
        assert grades.to_ircra(system, lbl) == value, lbl


def test_unknown_system_is_a_grade_error() -> None:
    with pytest.raises(GradeError):
        grades.label("yds", 18.0)
    with pytest.raises(GradeError):
        grades.labels("french")
