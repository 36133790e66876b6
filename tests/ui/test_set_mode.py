"""Set mode on the real wall: clicks and drags give the holds list, live rules, undo/redo, save / edit /
delete through `mastoc.edits`, read-only imported climbs, duplicate warnings, mirror, the draft file."""

from __future__ import annotations

import math
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from mastoc.domain import holdslist
from mastoc.domain.models import Role
from mastoc.edits import climbs as ops
from mastoc.ui.setting import draft_file
from mastoc.ui.setting.draft import START_TOP
from mastoc.ui.wall.modes import Mode
from tests.ui.conftest import wait_idle

SHIFT = Qt.KeyboardModifier.ShiftModifier


def click(w, num: int, times: int = 1, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    x, y = w.scene.index.by_num[num].centroid
    for _ in range(times):
        assert w.scene.click_at(x, y, 0.0, modifiers) == num


def drag(w, nums: list[int]) -> None:
    pts = [w.scene.index.by_num[n].centroid for n in nums]
    assert w.scene.drag_start_at(*pts[0])
    for p in pts[1:]:
        w.scene.drag_to(*p)
    w.scene.drag_end()


def clean_path(w, length: int = 3) -> list[int]:
    """Holds whose centre-to-centre segments cross no other hold (so a drag along them paints exactly them)."""
    idx = w.scene.index
    holds = sorted(w.scene.holds, key=lambda h: h.centroid)

    def clean(a, b) -> bool:
        (x1, y1), (x2, y2) = a.centroid, b.centroid
        n = int(math.hypot(x2 - x1, y2 - y1))
        return all(idx.pick(x1 + (x2 - x1) * i / n, y1 + (y2 - y1) * i / n) in (a.num, b.num, None)
                   for i in range(n + 1))

    for start in holds:
        path = [start]
        while len(path) < length:
            last = path[-1]
            near = sorted((h for h in holds if h.num not in {p.num for p in path}),
                          key=lambda h: math.dist(h.centroid, last.centroid))[:6]
            nxt = next((h for h in near if math.dist(h.centroid, last.centroid) < 200 and clean(last, h)), None)
            if nxt is None:
                break
            path.append(nxt)
        if len(path) == length:
            return [h.num for h in path]
    raise AssertionError("no clean path on the wall")


def answer(w, button) -> None:
    box = w.setter.last_question
    assert box is not None and box.isVisible()
    box.button(button).click()


@pytest.fixture()
def setw(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    w.set_mode(Mode.SET)
    assert w.scene.mode == Mode.SET and w.act_set.isChecked()
    yield w
    w.setter.discard()


def free_holds(w, n: int) -> list[int]:
    return [h.num for h in w.scene.holds[100:100 + n]]


def test_clicks_and_a_drag_give_the_holds_list_and_save_lists_it_selected(qtbot, setw):
    w = setw
    a, b, c, d = free_holds(w, 4)
    click(w, a, 2)  # hand -> start
    click(w, b, 3)  # -> top
    click(w, c, 1)  # hand
    click(w, d, 4)  # feet only
    assert w.setter.draft.holds_list() == f"S{a} F{d} O{c} T{b}"
    click(w, c, 1, SHIFT)  # a modifier-click removes
    assert w.setter.draft.holds_list() == f"S{a} F{d} T{b}"
    path = clean_path(w)
    w.setter.panel.brush_buttons["hand"].click()
    drag(w, path)
    hands = " ".join(f"O{n}" for n in sorted(path))
    assert w.setter.draft.holds_list() == holdslist.normalize(f"S{a} F{d} T{b} {hands}")
    assert all(w.scene.style_of(n).outline is not None for n in (a, b, d, *path))  # drawn as a climb
    assert w.scene.tape_segments()  # the start tape
    # name, save
    qtbot.keyClicks(w.setter.panel.name, "  Test Climb  ")
    assert w.setter.panel.save_btn.isEnabled()
    w.setter.panel.save_btn.click()
    cid = w.setter.draft.climb_id
    climb = w.store.climb(cid)
    assert climb.name == "Test Climb" and climb.holds_list == w.setter.draft.holds_list() and climb.stokt_id is None
    wait_idle(qtbot, w)
    assert w.current.id == cid and w.model.rows[w.table.currentIndex().row()].id == cid
    w.setter.writer.flush()
    assert not w.setter.dirty and not draft_file.path(w.directory).exists()


def test_rules_appear_and_disappear_as_holds_change(qtbot, setw):
    w = setw
    p = w.setter.panel
    a, b, c, d = free_holds(w, 4)
    text = lambda: p.rules.text()  # noqa: E731
    assert "at least one start" in text() and "at least one top" in text()
    click(w, a, 2)
    assert "at least one start" not in text() and "at least one top" in text()
    click(w, b, 3)
    assert "follow the rules" in text()
    click(w, c, 2)
    click(w, d, 2)  # three starts
    assert "at most two start" in text()
    assert not p.save_btn.isEnabled()
    click(w, d, 1, SHIFT)
    assert "follow the rules" in text()
    # start and top on one hold is allowed; feet-only holds too
    w.setter.panel.brush_buttons["start + top"].click()
    drag(w, [a])
    assert w.setter.draft.roles[a] == START_TOP and "follow the rules" in text()
    # the name rule
    assert "needs a name" in p.name_message.text() and not p.save_btn.isEnabled()
    qtbot.keyClicks(p.name, "ab")
    assert "at least 3" in p.name_message.text()
    qtbot.keyClicks(p.name, "c")
    assert p.name_message.isHidden() and p.save_btn.isEnabled()
    p.name.setText("x" * 500)
    p.name.textEdited.emit(p.name.text())
    assert "at most 80" in p.name_message.text() and not p.save_btn.isEnabled()


def test_undo_redo_restore_exact_states_and_a_drag_is_one_step(qtbot, setw):
    w = setw
    a, b = free_holds(w, 2)
    states = [w.setter.draft.holds_list()]
    for num, times in ((a, 2), (b, 3)):
        for _ in range(times):  # each click is one step
            click(w, num)
            states.append(w.setter.draft.holds_list())
    path = clean_path(w, 3)
    before = w.setter.stack.count()
    drag(w, path)
    assert w.setter.stack.count() == before + 1  # the whole drag is one command
    states.append(w.setter.draft.holds_list())
    assert "paint 3 hold" in w.act_undo.text()  # the Edit menu says what will be undone
    for expected in reversed(states[:-1]):
        w.act_undo.trigger()
        assert w.setter.draft.holds_list() == expected
    for expected in states[1:]:
        w.act_redo.trigger()
        assert w.setter.draft.holds_list() == expected
    # details are undoable too
    qtbot.keyClicks(w.setter.panel.name, "Undo me")
    w.setter.panel.private.setChecked(True)
    w.act_undo.trigger()
    assert not w.setter.draft.details.is_private and not w.setter.panel.private.isChecked()
    w.act_undo.trigger()
    assert w.setter.draft.details.name == "" and w.setter.panel.name.text() == ""


def _set_one(qtbot, w, name: str = "Mine") -> str:
    a, b = free_holds(w, 2)
    click(w, a, 2)
    click(w, b, 3)
    qtbot.keyClicks(w.setter.panel.name, name)
    assert w.setter.save()
    return w.setter.draft.climb_id


def test_edit_then_delete_with_a_tombstone_and_flagged_list_items_all_undoable(qtbot, setw):
    w = setw
    cid = _set_one(qtbot, w)
    c = free_holds(w, 3)[2]
    click(w, c, 1)
    w.setter.panel.grade.setCurrentIndex(w.setter.panel.grade.findData("6A"))
    w.setter.panel.grade.activated.emit(w.setter.panel.grade.currentIndex())
    assert w.setter.save()
    climb = w.store.climb(cid)
    assert f"O{c}" in climb.holds_list and climb.grade_font == "6A"
    lst, item = str(uuid.uuid4()), str(uuid.uuid4())
    with w.store.transaction() as conn:
        conn.execute("INSERT INTO climb_lists (id, name) VALUES (?, 'Projects')", (lst,))
        conn.execute("INSERT INTO list_items (id, list_id, climb_id, position) VALUES (?, ?, ?, 0)", (item, lst, cid))
    w.setter.panel.delete_btn.click()
    answer(w, QMessageBox.StandardButton.Yes)
    assert w.store.climb(cid) is None
    assert w.store.conn.execute("SELECT 1 FROM tombstones WHERE entity_type = 'climb' AND entity_id = ?",
                                (cid,)).fetchone()
    assert [f.item_id for f in ops.deleted_climb_items(w.store)] == [item]  # kept, flagged
    wait_idle(qtbot, w)
    assert cid not in [r.id for r in w.model.rows]
    w.act_undo.trigger()  # undo the delete
    assert w.store.climb(cid) is not None and w.setter.draft.climb_id == cid
    w.act_undo.trigger()  # undo the edit
    assert f"O{c}" not in w.store.climb(cid).holds_list
    w.act_redo.trigger()
    assert f"O{c}" in w.store.climb(cid).holds_list


def test_an_imported_climb_is_read_only_in_its_holds_and_duplicate_and_edit_makes_mine(qtbot, real_data_dir,
                                                                                       open_window):
    w = open_window(real_data_dir)
    wait_idle(qtbot, w)
    original = w.store.climb(w.current.id)
    w.edit_current_climb()
    assert w.scene.mode == Mode.SET and w.setter.read_only and "read-only" in w.setter.panel.rules.text()
    before = w.setter.draft.holds_list()
    click(w, w.scene.holds[5].num)
    assert w.setter.draft.holds_list() == before  # refused
    w.set_mode(Mode.BROWSE)
    w.edit_current_climb(duplicate=True)
    assert w.setter.read_only is None and w.setter.draft.climb_id is None
    assert w.setter.draft.details.name == f"{original.name} (copy)"
    # the duplicate warning names the original
    wait_idle(qtbot, w)
    assert original.id in [d.climb_id for d in w.setter.duplicates]
    assert any(original.name in w.setter.panel.dups.item(i).text() for i in range(w.setter.panel.dups.count()))
    w.setter.discard()


def test_duplicate_warning_names_the_fixture_climb_and_a_near_one_with_a_hold_swapped(qtbot, setw, real_climbs):
    w = setw
    fx = next(c for c in real_climbs if len(holdslist.parse(c["holdsList"])) >= 10
              and not holdslist.validate_for_setting(holdslist.parse(c["holdsList"])))
    target = w.store.climb(fx["id"])
    refs = holdslist.parse(fx["holdsList"])
    w.setter.apply_draft(w.setter.draft.with_roles({r.hold: frozenset({r.role}) for r in refs}))
    wait_idle(qtbot, w)
    assert w.setter.duplicates[0].climb_id == target.id and w.setter.duplicates[0].kind == "same"
    assert target.name in w.setter.panel.dups.item(0).text()
    # one click shows it on the wall
    w.setter.panel.dups.itemClicked.emit(w.setter.panel.dups.item(0))
    assert w.setter.compare == {r.hold for r in refs}
    # swap one hand hold for another hold: still named, as near
    hand = next(r.hold for r in refs if r.role is Role.OTHER)
    other = next(h.num for h in w.scene.holds if h.num not in {r.hold for r in refs})
    click(w, hand, 1, SHIFT)
    click(w, other, 1)
    wait_idle(qtbot, w)
    near = {d.climb_id: d for d in w.setter.duplicates}
    assert near[target.id].kind == "near"
    texts = [w.setter.panel.dups.item(i).text() for i in range(w.setter.panel.dups.count())]
    assert any("nearly the same" in t and target.name in t for t in texts)


def test_mirror_is_disabled_with_the_reason_on_a_face_without_symmetry(setw):
    btn = setw.setter.panel.mirror_btn
    assert not btn.isEnabled() and "no symmetry" in btn.toolTip()


def test_leaving_set_mode_with_unsaved_changes_asks(qtbot, setw):
    w = setw
    click(w, free_holds(w, 1)[0], 2)
    assert not w.set_mode(Mode.BROWSE) and w.scene.mode == Mode.SET
    answer(w, QMessageBox.StandardButton.Cancel)
    assert w.scene.mode == Mode.SET and w.setter.dirty
    w.set_mode(Mode.BROWSE)
    answer(w, QMessageBox.StandardButton.Discard)
    w.setter.writer.flush()
    assert w.scene.mode == Mode.BROWSE and not w.setter.dirty and not draft_file.path(w.directory).exists()


def test_the_usage_heatmap_under_the_climb_being_set(qtbot, setw):
    w = setw
    w.setter.panel.heat_btn.setChecked(True)
    wait_idle(qtbot, w)
    assert w.scene._overlay_item.isVisible()
    w.setter.panel.heat_btn.setChecked(False)
    assert not w.scene._overlay_item.isVisible()


def test_a_corrupt_draft_file_gives_one_clear_message_and_the_app_runs(qtbot, real_data_dir, open_window):
    draft_file.path(real_data_dir).write_text('{"version": 1, "face_id": 12, "hol', encoding="utf-8")
    w = open_window(real_data_dir)
    assert "could not be read" in w.last_message.text()
    assert (real_data_dir / draft_file.CORRUPT_NAME).exists() and not draft_file.path(real_data_dir).exists()
    w.last_message.close()
    w.set_mode(Mode.SET)
    assert w.scene.mode == Mode.SET


def test_mirror_on_a_symmetric_face_shows_and_saves_the_mirror_list(qtbot, real_data_dir, open_window):
    from mastoc.store.db import Store

    with Store.open(real_data_dir) as st, st.transaction() as c:
        c.execute("UPDATE faces SET has_symmetry = 1")
    w = open_window(real_data_dir)
    w.set_mode(Mode.SET)
    btn = w.setter.panel.mirror_btn
    assert btn.isEnabled()
    pairs = ops.mirror_pairs(w.store, w.face)
    a, b = [n for n, m in sorted(pairs.items()) if m != n][:2]
    click(w, a, 2)
    click(w, b, 3)
    btn.setChecked(True)
    expected = ops.mirrored(w.store, w.face.id, w.setter.draft.refs())
    assert w.setter.draft.mirror_holds == expected
    assert w.scene.style_of(pairs[a]).outline.dashed  # the mirrored climb is shown
    qtbot.keyClicks(w.setter.panel.name, "Mirror Me")
    assert w.setter.save()
    assert w.store.climb(w.setter.draft.climb_id).mirror_holds_list == expected
    w.act_undo.trigger()  # undo the save
    w.act_undo.trigger()  # undo the name
    w.act_undo.trigger()  # undo the mirror
    assert w.setter.draft.mirror_holds == ""
    w.setter.discard()


def test_closing_the_window_with_unsaved_changes_asks(qtbot, setw):
    w = setw
    click(w, free_holds(w, 1)[0], 2)
    w.close()
    assert w.isVisible()  # refused, asking
    answer(w, QMessageBox.StandardButton.Cancel)
    assert w.isVisible() and w.setter.dirty
    w.close()
    answer(w, QMessageBox.StandardButton.Discard)
    assert not w.isVisible()
    w.setter.writer.flush()
    assert not draft_file.path(w.directory).exists()
