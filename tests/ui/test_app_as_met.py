"""Issue 9 §5, as a climber met the app: hold criteria visible outside hold search, the just-clicked hold's
role not hidden by a marker, a climb no longer in the list not kept on the wall, no clipped filter row."""

from __future__ import annotations

import re

from mastoc.ui.styles import SearchState
from mastoc.ui.wall.modes import Mode
from tests.ui.conftest import wait_idle


def _count_text(w) -> str:
    return re.sub(r"<[^>]+>", "", w.count_label.text())


def test_hold_criteria_stay_visible_and_named_after_going_back_to_browse(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    w.set_mode(Mode.HOLD_SEARCH)
    nums = [h.num for h in w.scene.holds[200:203]]
    for n in nums:
        w.scene.click_at(*w.scene.index.by_num[n].centroid)
    wait_idle(qtbot, w)
    w.set_mode(Mode.BROWSE)
    wait_idle(qtbot, w)
    assert w.scene.search  # still filtering …
    assert w.chips.isVisible() and set(w.chips.chips) == set(nums)  # … and it shows which holds
    assert w.chips.note.isVisible() and "still" in w.chips.note.text()
    assert "3 holds in the hold search" in _count_text(w)
    w.chips.clear_btn.click()
    wait_idle(qtbot, w)
    assert not w.chips.isVisible() and "hold search" not in _count_text(w)


def test_the_just_clicked_hold_in_hold_search_shows_its_criterion_not_a_marker(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    s = w.scene
    h = s.holds[300]
    s.click_at(*h.centroid)  # browse: the selection marker
    assert s._selected.isVisible()
    w.set_mode(Mode.HOLD_SEARCH)
    assert not s._selected.isVisible()  # the browse marker would cover the criterion's colour
    s.hover_at(*h.centroid)
    s.click_at(*h.centroid)
    s.click_at(*h.centroid)  # -> start
    assert s.search[h.num] is SearchState.START
    assert not s._hover.isVisible() and not s._selected.isVisible()
    assert s.style_of(h.num).outline.color.startswith("#2fd35a")  # the start colour is what is drawn on top
    other = s.holds[500]
    s.hover_at(*other.centroid)  # an unstyled hold still gets the hover marker
    assert s._hover.isVisible()


def test_after_a_filter_change_a_climb_no_longer_listed_leaves_the_wall_and_the_climb_tab(qtbot, real_data_dir,
                                                                                        open_window):
    w = open_window(real_data_dir)
    wait_idle(qtbot, w)
    shown = w.current
    assert shown is not None
    w.filters.text.setText("zzzz no climb has this name")
    w.filters.flush()
    wait_idle(qtbot, w)
    assert w.current is None and w.scene.climb_refs == () and "No climb selected" in w.details.text()
    w.filters.text.setText("")
    w.filters.flush()
    wait_idle(qtbot, w)
    # a filter that keeps other climbs: the first one is shown instead of the dropped one
    w.select_climb(shown.id)
    w.filters.setter.setText("no such setter, surely not")
    w.filters.flush()
    wait_idle(qtbot, w)
    assert w.current is None or w.current.id in [r.id for r in w.model.rows]


def test_a_climb_beyond_the_first_page_is_kept_when_it_still_matches(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    wait_idle(qtbot, w)
    far = w.store.conn.execute("SELECT id FROM climbs ORDER BY created_at ASC LIMIT 1").fetchone()[0]
    w.select_climb(far)
    wait_idle(qtbot, w)
    w.filters.bench.setChecked(True)
    w.filters.bench.setChecked(False)  # the same list again: the climb (beyond page 1) still matches
    wait_idle(qtbot, w)
    assert w.current is not None and w.current.id == far


def test_the_filter_row_is_not_clipped_at_800_by_600(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir, size=(800, 600))
    f = w.filters
    for widget in (f.text, f.setter, f.grade, f.grade_label, f.feet, f.bench, f.sort, f.reset_btn):
        g = widget.geometry()
        assert g.width() >= widget.minimumSizeHint().width(), type(widget).__name__
        assert g.left() >= 0 and g.right() <= f.width(), type(widget).__name__
