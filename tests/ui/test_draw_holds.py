"""The Draw-holds mode on a personal wall, driven by mouse and keys (pytest-qt, offscreen)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from mastoc.domain import geometry
from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Source
from mastoc.edits import walls
from mastoc.store.db import Store
from mastoc.ui.drawing.mode import MODE_NAME, Tool
from tests.ui.conftest import wait_idle
from tests.walls.photos import wall_photo

L = Qt.MouseButton.LeftButton


@pytest.fixture()
def wall_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "home"
    with Store.open(d) as s:
        walls.new_wall(s, wall_photo(1200, 900), name="Garage")
    monkeypatch.setenv("MASTOC_DATA_DIR", str(d))
    return d


def _send(view, kind: QEvent.Type, pos: QPoint, button=L, buttons=L, mods=Qt.KeyboardModifier.NoModifier) -> None:
    ev = QMouseEvent(kind, QPointF(pos), QPointF(view.viewport().mapToGlobal(pos)), button, buttons, mods)
    QApplication.sendEvent(view.viewport(), ev)


def _vp(view, x: float, y: float) -> QPoint:
    return view.mapFromScene(QPointF(x, y))


def _scene(view, p: QPoint) -> tuple[float, float]:
    s = view.mapToScene(p)
    return round(s.x(), 2), round(s.y(), 2)


def click(view, x: float, y: float, mods=Qt.KeyboardModifier.NoModifier) -> tuple[float, float]:
    p = _vp(view, x, y)
    _send(view, QEvent.Type.MouseButtonPress, p, mods=mods)
    _send(view, QEvent.Type.MouseButtonRelease, p, buttons=Qt.MouseButton.NoButton, mods=mods)
    return _scene(view, p)


def drag(view, a: tuple[float, float], b: tuple[float, float]) -> None:
    pa, pb = _vp(view, *a), _vp(view, *b)
    _send(view, QEvent.Type.MouseButtonPress, pa)
    for i in range(1, 6):
        _send(view, QEvent.Type.MouseMove, pa + (pb - pa) * (i / 5), button=Qt.MouseButton.NoButton)
    _send(view, QEvent.Type.MouseButtonRelease, pb, buttons=Qt.MouseButton.NoButton)


def outlines(window) -> list[list[tuple[float, float]]]:
    return [geometry.outline(h) for h in window.store.holds(window.face.id)]


def _draw_window(qtbot, wall_dir, open_window):
    w = open_window(wall_dir)
    assert w.set_mode(MODE_NAME)
    assert w.drawing.toolbar.isVisibleTo(w)
    w.view.setFocus()
    return w


def test_polygon_by_clicks_stores_the_clicked_points(qtbot, wall_dir, open_window):
    w = _draw_window(qtbot, wall_dir, open_window)
    w.drawing.set_tool(Tool.POLYGON)
    clicked = [click(w.view, x, y) for x, y in ((300, 300), (420, 310), (430, 420), (310, 430))]
    assert outlines(w) == []  # not closed yet
    click(w.view, 302, 301)  # near the first point: closes
    assert outlines(w) == [clicked]
    hold = w.store.holds(w.face.id)[0]
    assert geometry.check_hold(hold) == [] and hold.top_polygon_str and hold.center_tape_str
    assert len(w.scene.holds) == 1  # the scene shows it at once
    # a second polygon closed with Enter; Backspace drops the last point
    second = [click(w.view, x, y) for x, y in ((600, 300), (700, 300), (700, 400))]
    click(w.view, 650, 450)
    qtbot.keyClick(w.view, Qt.Key.Key_Backspace)
    qtbot.keyClick(w.view, Qt.Key.Key_Return)
    assert second in outlines(w)
    w.act_undo.trigger()  # Edit → Undo (the window's undo group: the Draw-holds stack is active here)
    assert outlines(w) == [clicked]
    w.act_redo.trigger()
    assert len(outlines(w)) == 2
    w.set_mode("browse")
    assert w.undo_group.activeStack() is w.setter.stack  # elsewhere Ctrl+Z is the Set mode's again
    w.act_undo.trigger()
    assert len(outlines(w)) == 2


def test_vertex_edits_and_undo(qtbot, wall_dir, open_window):
    w = _draw_window(qtbot, wall_dir, open_window)
    (hid,) = walls.add_hold(w.store, w.face.id, [(300, 300), (400, 300), (400, 400), (300, 400)]).holds
    w.drawing.apply_changes(walls.Changes(holds=frozenset({hid})))
    w.drawing.set_tool(Tool.SELECT)
    click(w.view, 350, 350)
    num = w.store.holds(w.face.id)[0].num
    assert w.scene.selected_hold == num
    original = outlines(w)[0]
    drag(w.view, (400, 300), (450, 260))  # a vertex dragged
    moved = outlines(w)[0]
    assert moved[0] == original[0] and abs(moved[1][0] - 450) < 3 and abs(moved[1][1] - 260) < 3
    drag(w.view, (350, 400), (350, 430))  # press on an edge: a vertex inserted there and dragged
    inserted = outlines(w)[0]
    assert len(inserted) == 5 and abs(inserted[3][1] - 430) < 3
    click(w.view, *inserted[3], mods=Qt.KeyboardModifier.ShiftModifier)  # Shift+click removes it
    assert outlines(w)[0] == moved
    drag(w.view, (340, 340), (360, 350))  # inside: the whole hold moves, same id and number
    shifted = outlines(w)[0]
    assert shifted[0][0] == pytest.approx(original[0][0] + 20, abs=3)
    assert [(h.id, h.num) for h in w.store.holds(w.face.id)] == [(hid, num)]
    w.drawing.stack.undo()
    assert outlines(w)[0] == moved
    w.drawing.stack.undo()
    assert outlines(w)[0] == inserted
    w.drawing.stack.undo()
    assert outlines(w)[0] == moved
    w.drawing.stack.undo()
    assert outlines(w)[0] == original
    w.drawing.stack.redo()
    assert outlines(w)[0] == moved


def test_invalid_polygon_is_refused_with_a_message(qtbot, wall_dir, open_window):
    w = _draw_window(qtbot, wall_dir, open_window)
    w.drawing.set_tool(Tool.POLYGON)
    for x, y in ((300, 300), (500, 500), (500, 300), (300, 500)):  # a bow tie
        click(w.view, x, y)
    qtbot.keyClick(w.view, Qt.Key.Key_Return)
    assert outlines(w) == [] and w.drawing.stack.count() == 0
    assert "crosses itself" in w.statusBar().currentMessage()


def test_rectangle_and_ellipse_by_dragging(qtbot, wall_dir, open_window):
    w = _draw_window(qtbot, wall_dir, open_window)
    w.drawing.set_tool(Tool.RECTANGLE)
    drag(w.view, (100, 500), (200, 580))
    w.drawing.set_tool(Tool.ELLIPSE)
    drag(w.view, (600, 600), (700, 660))
    rect, ell = outlines(w) if len(outlines(w)[0]) == 4 else reversed(outlines(w))
    xs, ys = [p[0] for p in rect], [p[1] for p in rect]
    assert abs(min(xs) - 100) < 3 and abs(max(xs) - 200) < 3 and abs(max(ys) - 580) < 3
    assert len(ell) == 16


def test_removing_a_used_hold_asks_flags_exactly_its_climbs_and_undo_restores(qtbot, wall_dir, open_window):
    w = _draw_window(qtbot, wall_dir, open_window)
    face = w.face.id
    ids = [next(iter(walls.add_hold(w.store, face, [(x, 100), (x + 50, 100), (x + 50, 150)]).holds))
           for x in (100, 300, 500)]
    nums = [h.num for h in w.store.holds(face)]
    by_id = {h.id: h.num for h in w.store.holds(face)}
    uses = Climb(id=new_id(), face_id=face, name="Uses it", holds_list=f"S{by_id[ids[0]]} T{by_id[ids[1]]}",
                 source=Source.MASTOC)
    other = Climb(id=new_id(), face_id=face, name="Other", holds_list=f"S{by_id[ids[0]]} T{by_id[ids[2]]}",
                  source=Source.MASTOC)
    w.store.save_climb(uses)
    w.store.save_climb(other)
    w.drawing.apply_changes(walls.Changes(holds=frozenset(ids)))
    asked: list[str] = []
    w.drawing.mode.confirm = lambda text, go: (asked.append(text), go())
    w.drawing.set_tool(Tool.SELECT)
    click(w.view, 340, 110)
    assert w.scene.selected_hold == by_id[ids[1]]
    qtbot.keyClick(w.view, Qt.Key.Key_Delete)
    assert asked and asked[0].startswith("1 climb(s) use this hold: Uses it.")
    assert {h.id for h in w.store.holds(face)} == {ids[0], ids[2]}
    flagged = {r[0] for r in w.store.conn.execute("SELECT climb_id FROM climb_hold_flags")}
    assert flagged == {uses.id}
    assert w.store.climb(uses.id).holds_list == uses.holds_list  # not altered
    wait_idle(qtbot, w)
    marks = {r.id: w.model.data(w.model.index(i, 0)) for i, r in enumerate(w.model.rows)}
    assert marks[uses.id].startswith("⚠") and not marks[other.id].startswith("⚠")
    w.filters.changed_holds.setChecked(True)
    qtbot.waitUntil(lambda: [r.id for r in w.model.rows] == [uses.id], timeout=10_000)
    w.drawing.stack.undo()
    assert sorted(h.num for h in w.store.holds(face)) == sorted(nums)
    assert w.store.conn.execute("SELECT count(*) FROM climb_hold_flags").fetchone()[0] == 0


def test_click_to_outline_and_detect_all_review(qtbot, wall_dir, open_window):
    w = _draw_window(qtbot, wall_dir, open_window)
    layer = w.drawing.mode.proposals
    w.drawing.set_tool(Tool.OUTLINE)
    click(w.view, 80, 80)  # inside the red disc (40..120)
    assert layer.count() == 1 and layer.selected == 0
    w.drawing.act_reject.trigger()
    assert layer.count() == 0 and outlines(w) == []
    click(w.view, 80, 80)
    w.drawing.act_adjust.trigger()  # accepted, then selected for vertex edits
    assert len(outlines(w)) == 1 and w.scene.selected_hold == w.store.holds(w.face.id)[0].num
    w.drawing.stack.undo()
    w.drawing.act_detect.trigger()
    qtbot.waitUntil(lambda: layer.count() == 2, timeout=20_000)
    assert "2 hold outlines proposed" in w.statusBar().currentMessage()
    layer.select(1)
    qtbot.keyClick(w.view, Qt.Key.Key_Delete)  # reject one by one
    assert layer.count() == 1
    w.drawing.act_accept_all.trigger()
    assert layer.count() == 0 and len(outlines(w)) == 1
    w.drawing.stack.undo()
    assert outlines(w) == []


def test_new_wall_dialog_creates_the_wall_and_opens_draw_mode(qtbot, wall_dir, open_window, tmp_path):
    w = open_window(wall_dir)
    photo = tmp_path / "spray_wall.jpg"
    photo.write_bytes(wall_photo(800, 600, orientation=6, gps=True))
    dlg = w.drawing.new_wall(str(photo))
    assert dlg.wall.text() == "Spray wall"
    dlg.rule_boxes["Defined feet"].setChecked(False)
    dlg.symmetric.setChecked(True)
    with qtbot.waitSignal(w.faceLoaded, timeout=20_000):
        dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: w.scene.mode == MODE_NAME, timeout=10_000)
    face = w.face
    assert face.name == "Spray wall" and face.has_symmetry and (face.picture_width, face.picture_height) == (600, 800)
    assert face.feet_rules_options == ["All feet", "Hand holds as feet", "No feet"]
