"""Annotate mode and the maintenance view on the real store (pytest-qt, offscreen)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from mastoc.domain import holdslist
from mastoc.store import annotations as reads
from mastoc.ui.annotate import looks
from mastoc.ui.annotate.mode import ANNOTATE
from tests.ui.conftest import wait_idle

SHIFT = Qt.KeyboardModifier.ShiftModifier


def _popular(w, n=6) -> list[int]:
    return [int(r[0]) for r in w.store.conn.execute(
        "SELECT hold_num FROM climb_holds GROUP BY hold_num ORDER BY count(*) DESC, hold_num LIMIT ?", (n,))]


def _click(w, num, modifiers=Qt.KeyboardModifier.NoModifier):
    x, y = w.scene.index.by_num[num].centroid
    assert w.scene.click_at(x, y, 0.0, modifiers) == num


def _mine(w):
    holds = {r.id: r.num for r in reads.holds_by_id(w.store.conn).values()}
    return {holds[h]: (a.grip_type, a.condition, a.difficulty, a.notes) for h, a in reads.mine(w.store.conn).items()}


def _combo_set(panel, dim, value):
    combo = panel.combos[dim]
    combo.setCurrentIndex(combo.findData(value))


def test_annotating_through_the_panel_stores_the_values_and_undo_restores(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    assert w.set_mode(ANNOTATE) and w.tabs.currentWidget() is w.annotate.panel_page
    a = _popular(w)[0]
    _click(w, a)
    panel = w.annotate.panel
    assert panel.combos["condition"].isEnabled() and "Hold" in panel.title.text()
    _combo_set(panel, "grip_type", "pince")
    _combo_set(panel, "condition", "tournee")
    panel.notes.setPlainText("spins")
    panel.save_notes.click()
    assert _mine(w) == {a: ("pince", "tournee", None, "spins")}
    assert panel.descriptions["grip_type"].text() == "squeezed between thumb and fingers"
    assert "Consensus of 1 annotator" in panel.consensus.text()
    w.undo_stack.undo()  # the notes
    assert _mine(w) == {a: ("pince", "tournee", None, None)}
    w.undo_stack.undo()
    w.undo_stack.undo()
    assert _mine(w) == {}
    assert panel.combos["grip_type"].currentData() is None
    w.undo_stack.redo()
    assert _mine(w) == {a: ("pince", None, None, None)}


def test_batch_edit_changes_exactly_the_selected_holds(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    w.set_mode(ANNOTATE)
    a, b, c, d = _popular(w, 4)
    _click(w, d)
    _combo_set(w.annotate.panel, "grip_type", "bac")  # d has a grip type already
    _click(w, a)
    _click(w, b, SHIFT)
    _click(w, c, SHIFT)
    assert w.annotate.mode.selection == {a, b, c}
    assert "3 holds selected" in w.annotate.panel.title.text()
    _combo_set(w.annotate.panel, "condition", "cassee")
    assert _mine(w) == {a: (None, "cassee", None, None), b: (None, "cassee", None, None),
                        c: (None, "cassee", None, None), d: ("bac", None, None, None)}
    _click(w, d, SHIFT)  # mixed grip types now: changing the condition keeps each grip
    assert w.annotate.panel.combos["grip_type"].currentText() == "(mixed)"
    _combo_set(w.annotate.panel, "condition", "sale")
    assert _mine(w)[d] == ("bac", "sale", None, None) and _mine(w)[a] == (None, "sale", None, None)
    w.undo_stack.undo()
    assert _mine(w)[d] == ("bac", None, None, None) and _mine(w)[a] == (None, "cassee", None, None)


def test_rectangle_drag_selects_the_holds_inside(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    w.set_mode(ANNOTATE)
    holds = sorted(w.scene.holds, key=lambda h: h.centroid)
    first, last = holds[100], holds[140]
    x0, y0 = first.centroid
    assert w.scene.drag_start_at(x0, y0)
    w.scene.drag_to(*last.centroid)
    w.scene.drag_end()
    (xa, xb), (ya, yb) = sorted((x0, last.centroid[0])), sorted((y0, last.centroid[1]))
    inside = {h.num for h in w.scene.holds if xa <= h.centroid[0] <= xb and ya <= h.centroid[1] <= yb}
    assert len(inside) > 2 and w.annotate.mode.selection == inside


def test_overlay_colours_match_the_values_and_the_climb_keeps_its_roles(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    w.set_mode(ANNOTATE)
    a, b, c = _popular(w, 3)
    for num, cond in ((a, "cassee"), (b, "a_brosser"), (c, "ok")):
        _click(w, num)
        _combo_set(w.annotate.panel, "condition", cond)
    _click(w, a)
    _combo_set(w.annotate.panel, "grip_type", "reglette")
    _click(w, c)  # the selection is drawn above; look at a and b
    for num, cond in ((a, "cassee"), (b, "a_brosser")):
        st = w.scene.style_of(num)
        assert st.outline.color == looks.PALETTES["condition"][cond] and st.fill.startswith(st.outline.color)
    w.annotate.panel.set_overlay("grip_type")
    assert w.scene.style_of(a).outline.color == looks.PALETTES["grip_type"]["reglette"]
    assert w.scene.items_by_num[b].isVisible() is False  # no grip type on b
    legend = dict(w.annotate.panel.legend_entries)
    assert legend[looks.PALETTES["grip_type"]["reglette"]] == "Crimp" and len(legend) == 12
    # a displayed climb using a: its holds keep their role styling, the others show the overlay
    w.annotate.panel.set_overlay("condition")
    row = next(r for r in w.model.rows if any(x.hold == a for x in holdslist.parse(r.holds_list))
               and not any(x.hold == b for x in holdslist.parse(r.holds_list)))
    w.show_climb_row(row)
    assert w.scene.style_of(a).outline.color != looks.PALETTES["condition"]["cassee"]
    assert w.scene.style_of(b).outline.color == looks.PALETTES["condition"]["a_brosser"]


def test_condition_filter_and_warning_signs_on_the_real_fixtures(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    w.set_mode(ANNOTATE)
    broken = _popular(w, 8)[::3]
    for num in broken:
        _click(w, num)
        _combo_set(w.annotate.panel, "condition", "cassee")
    wait_idle(qtbot, w)
    # every listed climb using a broken hold has the sign, and the Climb tab says which hold and why
    uses = {cid for cid, text in w.store.conn.execute("SELECT id, holds_list FROM climbs")
            if any(r.hold in broken for r in holdslist.parse(text))}
    assert set(w.annotate.flags) == uses
    row = next(r for r in w.model.rows if r.id in uses)
    assert w.model.data(w.model.index(w.model.rows.index(row), 0)).startswith("⚠ ")
    w.show_climb_row(row)
    assert "broken" in w.details.text() and "hold " in w.details.text()
    # the filter removes exactly them
    action = next(a for a in w.annotate.filters.avoid.menu().actions() if a.data() == "cassee")
    action.setChecked(True)
    wait_idle(qtbot, w)
    while w.model.canFetchMore(QModelIndex()) or w.model.is_loading():
        if w.model.canFetchMore(QModelIndex()):
            w.model.fetchMore(QModelIndex())
        wait_idle(qtbot, w)
    listed = {r.id for r in w.model.rows}
    all_ids = {r[0] for r in w.store.conn.execute("SELECT id FROM climbs WHERE face_id = ?", (w.face.id,))}
    assert listed == all_ids - uses


def test_maintenance_view_groups_locates_marks_fixed_and_exports(qtbot, real_data_dir, open_window, tmp_path):
    w = open_window(real_data_dir)
    w.set_mode(ANNOTATE)
    a, b, c = _popular(w, 3)
    for num, cond in ((a, "cassee"), (b, "cassee"), (c, "tournee")):
        _click(w, num)
        _combo_set(w.annotate.panel, "condition", cond)
    m = w.annotate.maintenance
    tree = m.tree
    assert tree.topLevelItemCount() == 2
    assert tree.topLevelItem(0).text(0).startswith("Broken (2)") and tree.topLevelItem(1).text(0).startswith("Spun")
    child = tree.topLevelItem(1).child(0)
    assert child.text(2) == "me" and child.text(3)
    tree.setCurrentItem(child)
    m.locate_btn.click()
    assert w.annotate.mode.selection == {c}
    tree.clearSelection()
    tree.topLevelItem(0).child(0).setSelected(True)
    tree.topLevelItem(0).child(1).setSelected(True)
    m.fixed_btn.click()
    assert {n: v[1] for n, v in _mine(w).items()} == {a: "ok", b: "ok", c: "tournee"}
    assert tree.topLevelItemCount() == 1
    w.undo_stack.undo()
    assert tree.topLevelItemCount() == 2
    out = tmp_path / "sheet.pdf"
    w.annotate.export_pdf(out)
    assert out.stat().st_size > 10_000


def test_hands_only_on_filter_sets_the_other_grip_types_as_excluded(qtbot):
    from mastoc.domain.models import GRIP_TYPES
    from mastoc.ui.annotate.filters import AnnotationFilters

    f = AnnotationFilters()
    qtbot.addWidget(f)
    assert f.query_kwargs()["no_grips"] == ()
    with qtbot.wait_signal(f.changed):
        next(a for a in f.only_grip.menu().actions() if a.data() == "bac").setChecked(True)
    assert set(f.query_kwargs()["no_grips"]) == set(GRIP_TYPES) - {"bac"}
    assert "bac" not in f.query_kwargs()["no_grips"]
    f.set_values(no_grip=("pince",), only_grip=("pince", "bac"))
    assert set(f.query_kwargs()["no_grips"]) == set(GRIP_TYPES) - {"bac"}  # "no pinch" still excludes pinches
    assert f.only_grip.text().startswith(f.tr("Hands only on"))
