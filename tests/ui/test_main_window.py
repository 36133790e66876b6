"""The main window on the real store: list, counts, filters, hold search, heatmaps, climbs, preferences."""

from __future__ import annotations

import re
from collections import Counter

from PySide6.QtCore import QModelIndex

from mastoc.domain import grades, holdslist
from mastoc.domain.models import Role
from mastoc.store.search import ClimbQuery, HoldFilter, count, search_ids
from mastoc.ui import styles
from mastoc.ui.preferences import Filters
from mastoc.ui.styles import SearchState
from mastoc.ui.wall.modes import Mode
from tests.ui.conftest import REAL_FACE, wait_idle


def _face_id(window) -> str:
    return window.face.id


def _all_ids(qtbot, window) -> list[str]:
    """Scroll the model to the end (fetchMore pages) and return the listed ids."""
    while window.model.canFetchMore(QModelIndex()) or window.model.is_loading():
        if window.model.canFetchMore(QModelIndex()):
            window.model.fetchMore(QModelIndex())
        wait_idle(qtbot, window)
    return [r.id for r in window.model.rows]


def _count_label(window) -> tuple[int, int]:
    text = re.sub(r"<[^>]+>", "", window.count_label.text())
    m = re.match(r"([\d,]+) of ([\d,]+) climbs", text)
    assert m, text
    return int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))


def test_opens_the_real_face_with_pages_of_200(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    assert w.face.stokt_id == REAL_FACE
    assert len(w.scene.holds) == 776
    assert _count_label(w) == (1017, 1017)
    assert w.model.rowCount() == 200  # one page, not all rows
    ids = _all_ids(qtbot, w)
    assert len(ids) == 1017 and len(set(ids)) == 1017
    assert not w.welcome.isVisible()


def test_filters_give_the_store_query_and_the_count_label_matches(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    w.filters.set_filters(Filters(grade_lo="6A", grade_hi="6C", feet_rule="Tous pieds", sort="grade"))
    w.refresh_query()
    wait_idle(qtbot, w)
    lo, hi = grades.filter_bounds("font", "6A", "6C")
    q = ClimbQuery(face_id=_face_id(w), grade_min=lo, grade_max=hi, feet_rule="Tous pieds", sort="grade", limit=None)
    expected = search_ids(w.store.conn, q)
    assert 0 < len(expected) < 1017
    assert _all_ids(qtbot, w) == expected
    assert _count_label(w) == (len(expected), 1017)
    # text + setter + benchmarks through the widgets themselves
    w.filters.set_filters(Filters())
    w.filters.bench.setChecked(True)
    wait_idle(qtbot, w)
    q = ClimbQuery(face_id=_face_id(w), benchmark_only=True, limit=None)
    assert _all_ids(qtbot, w) == search_ids(w.store.conn, q)
    assert _count_label(w)[0] == 20  # the fixture's benchmarks
    w.filters.bench.setChecked(False)
    w.filters.setter.setText("Setter 01")
    w.filters.flush()
    wait_idle(qtbot, w)
    q = ClimbQuery(face_id=_face_id(w), setter="Setter 01", limit=None)
    assert _count_label(w)[0] == count(w.store.conn, q) > 0


def test_hold_search_clicks_match_the_store_query_and_the_fixture(qtbot, real_data_dir, open_window, real_climbs):
    w = open_window(real_data_dir)
    w.set_mode(Mode.HOLD_SEARCH)
    # three holds of a real climb: one start, one hand hold, one top
    climb = next(c for c in real_climbs if c["holdsList"].count("O") >= 2)
    refs = holdslist.parse(climb["holdsList"])
    start = next(r.hold for r in refs if r.role is Role.START)
    hand = next(r.hold for r in refs if r.role is Role.OTHER)
    top = next(r.hold for r in refs if r.role is Role.TOP)
    by = w.scene.index.by_num

    def click(num: int, times: int) -> None:
        x, y = by[num].centroid
        for _ in range(times):
            assert w.scene.click_at(x, y) == num

    click(hand, 1)  # any role
    click(start, 2)  # as start
    click(top, 3)  # as top
    wait_idle(qtbot, w)
    assert w.scene.search == {hand: SearchState.ANY, start: SearchState.START, top: SearchState.TOP}
    assert set(w.chips.chips) == {hand, start, top}
    q = ClimbQuery(face_id=_face_id(w), holds_all=(HoldFilter(hand), HoldFilter(start, Role.START),
                                                  HoldFilter(top, Role.TOP)), limit=None)
    expected = search_ids(w.store.conn, q)
    assert climb["id"] in {w.store.climb(i).stokt_id for i in expected}
    assert _all_ids(qtbot, w) == expected
    # independently, from the fixture JSON
    def has(c, num, role=None):
        return any(r.hold == num and (role is None or r.role is role) for r in holdslist.parse(c["holdsList"]))
    from_fixture = {c["id"] for c in real_climbs if has(c, hand) and has(c, start, Role.START) and has(c, top, Role.TOP)}
    assert {w.store.climb(i).stokt_id for i in expected} == from_fixture
    assert _count_label(w)[0] == len(from_fixture)
    # excluded: click the hand hold on to "not" (any -> start -> top -> feet -> excluded)
    click(hand, 4)
    wait_idle(qtbot, w)
    assert w.scene.search[hand] is SearchState.EXCLUDED
    without = {c["id"] for c in real_climbs if not has(c, hand) and has(c, start, Role.START) and has(c, top, Role.TOP)}
    assert {w.store.climb(i).stokt_id for i in _all_ids(qtbot, w)} == without
    # the chip removes a hold; clear empties the search
    w.chips.chips[top].click()
    wait_idle(qtbot, w)
    assert top not in w.scene.search
    w.chips.clear_btn.click()
    wait_idle(qtbot, w)
    assert w.scene.search == {} and _count_label(w) == (1017, 1017)


def test_heatmap_values_equal_counts_from_the_fixture(qtbot, real_data_dir, open_window, real_climbs):
    w = open_window(real_data_dir)
    w.set_mode(Mode.HEATMAP)
    wait_idle(qtbot, w)
    usage: Counter[int] = Counter()
    easiest: dict[int, float] = {}
    hardest: dict[int, float] = {}
    for c in real_climbs:
        ircra = c["crowdGrade"]["ircra"]
        for num in {r.hold for r in holdslist.parse(c["holdsList"])}:
            usage[num] += 1
            if ircra > 0:
                easiest[num] = min(easiest.get(num, 99.0), ircra)
                hardest[num] = max(hardest.get(num, 0.0), ircra)
    assert w.heat_raw == {n: float(k) for n, k in usage.items()}
    assert all(w.scene.style_of(n).fill is not None for n in usage)
    assert all(w.scene.style_of(h.num).fill is None for h in w.scene.holds if h.num not in usage)
    busiest = max(usage, key=usage.get)
    assert w.scene.style_of(busiest).fill == styles.heat_color(1.0)
    w.heat_panel.kind.setCurrentIndex(w.heat_panel.kind.findData("easiest"))
    wait_idle(qtbot, w)
    assert w.heat_raw == easiest
    w.heat_panel.kind.setCurrentIndex(w.heat_panel.kind.findData("hardest"))
    wait_idle(qtbot, w)
    assert w.heat_raw == hardest
    # restricted to the filter: only benchmarks count
    w.heat_panel.kind.setCurrentIndex(w.heat_panel.kind.findData("usage"))
    w.heat_panel.restrict.setChecked(True)
    w.filters.bench.setChecked(True)
    wait_idle(qtbot, w)
    bench: Counter[int] = Counter()
    for c in real_climbs:
        if c["isBenchmark"]:
            for num in {r.hold for r in holdslist.parse(c["holdsList"])}:
                bench[num] += 1
    assert w.heat_raw == {n: float(k) for n, k in bench.items()}
    assert w.heat_panel.legend.hi_text == f"{max(bench.values())} climbs"


def test_selecting_climbs_styles_the_wall_and_next_previous_walk_the_list(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    first = w.model.rows[0]
    assert w.current.id == first.id  # opening the wall shows its newest climb
    roles = styles.roles_by_hold((r.role, r.hold) for r in holdslist.parse(first.holds_list))
    visible = {n for n, i in w.scene.items_by_num.items() if i.isVisible()}
    assert visible == set(roles)
    assert first.name in w.details.text()
    w.next_climb()
    assert w.current.id == w.model.rows[1].id
    w.previous_climb()
    assert w.current.id == first.id
    w.clear_climb()
    assert not any(i.isVisible() for i in w.scene.items_by_num.values())
    # by Stokt id, and the grade shown in the chosen system
    assert w.select_climb("82861103-b552-4b5d-99fd-8519ed905809")
    assert "7A" in w.details.text()
    w.set_grade_system("hueco")
    wait_idle(qtbot, w)
    assert "V6" in w.details.text()
    assert w.model.data(w.model.index(0, 1)) == grades.label("hueco", w.model.rows[0].grade_ircra)


def test_clicking_a_hold_in_browse_mode_lists_its_climbs(qtbot, real_data_dir, open_window, real_climbs):
    w = open_window(real_data_dir)
    num = 829284
    x, y = w.scene.index.by_num[num].centroid
    assert w.scene.click_at(x, y) == num
    wait_idle(qtbot, w)
    users = [c for c in real_climbs if num in {r.hold for r in holdslist.parse(c["holdsList"])}]
    assert f"used by {len(users)} climb" in w.hold_info.title.text()
    assert w.hold_info.list.count() == min(200, len(users))
    item = w.hold_info.list.item(0)
    w.hold_info.list.itemClicked.emit(item)
    assert w.current is not None and num in {r.hold for r in holdslist.parse(w.current.holds_list)}


def test_closing_and_reopening_restores_face_filters_and_climb(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir, size=(1366, 768))
    w.filters.set_filters(Filters(grade_lo="6B", text="a", sort="name"))
    w.refresh_query()
    wait_idle(qtbot, w)
    w.next_climb()
    w.next_climb()
    chosen = w.current.id
    assert chosen in {r.id for r in w.model.rows}
    w.set_grade_system("dankyu")
    w.close()
    w2 = open_window(real_data_dir)
    assert w2.prefs.grade_system == "dankyu"
    assert w2.face.stokt_id == REAL_FACE
    assert w2.current is not None and w2.current.id == chosen
    f = w2.filters.filters()
    assert (f.text, f.sort) == ("a", "name")
    assert f.grade_lo == grades.label("dankyu", grades.to_ircra("font", "6B"))


def test_many_climbs_are_listed_page_by_page_and_next_crosses_pages(qtbot, real_data_dir, open_window):
    from mastoc.domain.models import Climb
    from mastoc.store.db import Store, write_climbs

    with Store.open(real_data_dir) as st:
        face = st.face(REAL_FACE)
        nums = [h.num for h in st.holds(face.id)]
        extra = [Climb(id=f"synthetic-{i}", face_id=face.id, name=f"Synthetic {i}",
                       holds_list=f"S{nums[i % 700]} O{nums[(i * 7) % 700 + 1]} T{nums[(i * 13) % 700 + 2]}",
                       grade_ircra=15.5 + (i % 10)) for i in range(4000)]
        with st.transaction() as conn:
            write_climbs(conn, extra)
    w = open_window(real_data_dir)
    assert _count_label(w) == (5017, 5017)
    assert w.model.rowCount() == 200  # never all rows at once
    w.table.scrollToBottom()  # the view asks for more
    wait_idle(qtbot, w)
    assert w.model.rowCount() == 400
    # walking past the last loaded row fetches the next page and continues there
    w._select_row(w.model.rowCount() - 1)
    last = w.current.id
    w.next_climb()
    wait_idle(qtbot, w)
    assert w.model.rowCount() == 600
    assert w.current.id == w.model.rows[400].id != last


def test_the_window_fits_1366x768_even_with_many_hold_chips(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir, size=(1366, 768))
    w.set_mode(Mode.HOLD_SEARCH)
    for h in w.scene.holds[200:215]:
        w.scene.click_at(*h.centroid)
    wait_idle(qtbot, w)
    assert len(w.chips.chips) == 15
    hint = w.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768
    assert w.width() <= 1366


def test_preferences_dialog_applies_live_and_persists(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    w.open_preferences()
    dlg = w.preferences_dialog
    dlg.system.setCurrentIndex(dlg.system.findData("hueco"))
    dlg.dim.setValue(80)
    dlg.outline.setValue(4.0)
    wait_idle(qtbot, w)
    assert w.prefs.grade_system == "hueco" and w.filters.system == "hueco"
    assert w.scene.dim_level == 0.8 and w.scene.outline_width == 4.0
    shown = next(i for i in w.scene.items_by_num.values() if i.isVisible())
    assert shown.pen().widthF() == 4.0
    dlg.accept()
    w.close()
    w2 = open_window(real_data_dir)
    assert (w2.prefs.grade_system, w2.prefs.dim_level, w2.prefs.outline_width) == ("hueco", 0.8, 4.0)
    assert w2.scene.dim_level == 0.8
