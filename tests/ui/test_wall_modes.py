"""Wall modes: the scene routes clicks (with modifiers) and drags to the current mode; a mode styles holds;
a mode may refuse to be left; a drag the mode does not take pans."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication

from mastoc.ui import styles
from mastoc.ui.wall.model import wall_holds
from mastoc.ui.wall.modes import Mode, WallMode
from mastoc.ui.wall.scene import WallScene
from mastoc.ui.wall.view import WallView

MARK = styles.HoldStyle(outline=styles.Stroke("#ff00ffff", 3.0), z=4.0)


class Recorder(WallMode):
    name = "recorder"

    def __init__(self, scene, take_drags=True):
        super().__init__(scene)
        self.events: list[tuple] = []
        self.take_drags = take_drags
        self.allow_leave = True
        self.marked: set[int] = set()

    def enter(self):
        self.events.append(("enter",))

    def leave(self):
        self.events.append(("leave",))
        return self.allow_leave

    def on_hold_clicked(self, hold, modifiers=Qt.KeyboardModifier.NoModifier):
        self.events.append(("click", hold, modifiers))
        self.marked.add(hold)
        self.scene.refresh()

    def on_drag_start(self, hold, modifiers=Qt.KeyboardModifier.NoModifier):
        self.events.append(("drag-start", hold))
        return self.take_drags

    def on_drag(self, holds):
        for hold in holds:
            self.events.append(("drag", hold))
            self.marked.add(hold)
        self.scene.refresh()

    def on_drag_end(self):
        self.events.append(("drag-end",))

    def hold_styles(self, outline_width):
        return {n: MARK for n in self.marked}


@pytest.fixture()
def scene(qtbot, fixtures_dir, real_holds):
    s = WallScene()
    s.set_wall(QImage(str(fixtures_dir / "wall_small.jpg")), wall_holds(real_holds), size=(2263, 3000))
    yield s
    s.clear()


def _move(view: WallView, pos: QPoint, buttons=Qt.MouseButton.LeftButton) -> None:
    ev = QMouseEvent(QEvent.Type.MouseMove, QPointF(pos), QPointF(view.viewport().mapToGlobal(pos)),
                     Qt.MouseButton.NoButton, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), ev)


def test_clicks_with_modifiers_go_to_the_current_mode_and_its_styles_are_drawn(scene, qtbot):
    rec = scene.add_mode(Recorder(scene))
    assert scene.set_mode("recorder") and scene.mode == "recorder"
    h = scene.holds[300]
    with qtbot.waitSignal(scene.holdClicked) as blocker:
        scene.click_at(*h.centroid, modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert blocker.args == [h.num]
    assert rec.events == [("enter",), ("click", h.num, Qt.KeyboardModifier.ShiftModifier)]
    assert scene.style_of(h.num) == MARK and scene.items_by_num[h.num].isVisible()
    # refusing to leave keeps the mode; force switches anyway
    rec.allow_leave = False
    assert not scene.set_mode(Mode.BROWSE) and scene.mode == "recorder"
    assert scene.set_mode(Mode.BROWSE, force=True) and scene.mode is Mode.BROWSE
    assert not scene.items_by_num[h.num].isVisible()  # browse draws only the displayed climb


def test_a_drag_the_mode_takes_crosses_every_hold_once_and_does_not_pan(scene, qtbot):
    rec = scene.add_mode(Recorder(scene))
    scene.set_mode("recorder")
    view = WallView(scene)
    qtbot.addWidget(view)
    view.resize(600, 800)
    view.show()
    qtbot.waitExposed(view)
    a, b = scene.holds[100], scene.holds[101]
    pa, pb = view.mapFromScene(QPointF(*a.centroid)), view.mapFromScene(QPointF(*b.centroid))
    h_before = view.horizontalScrollBar().value(), view.verticalScrollBar().value()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=pa)
    for i in range(1, 11):  # sampled along the way: holds between a and b are crossed too
        _move(view, pa + (pb - pa) * (i / 10))
    _move(view, pb)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=pb)
    kinds = [e[0] for e in rec.events]
    assert kinds[:2] == ["enter", "drag-start"] and kinds[-1] == "drag-end" and "click" not in kinds
    dragged = [e[1] for e in rec.events if e[0] == "drag"]
    assert len(dragged) == len(set(dragged)) and b.num in dragged
    assert rec.events[1][1] == a.num and a.num not in dragged  # the start hold is the mode's own
    assert (view.horizontalScrollBar().value(), view.verticalScrollBar().value()) == h_before


def test_a_drag_the_mode_refuses_pans_the_view(scene, qtbot):
    rec = scene.add_mode(Recorder(scene, take_drags=False))
    scene.set_mode("recorder")
    view = WallView(scene)
    qtbot.addWidget(view)
    view.resize(600, 800)
    view.show()
    qtbot.waitExposed(view)
    view.zoom_by(4.0)
    h = scene.holds[400]
    view.centerOn(QPointF(*h.centroid))
    p = view.mapFromScene(QPointF(*h.centroid))
    before = view.mapToScene(QPoint(300, 400))
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=p)
    _move(view, p + QPoint(40, 40))
    _move(view, p + QPoint(80, 80))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=p + QPoint(80, 80))
    assert view.mapToScene(QPoint(300, 400)) != before
    assert [e[0] for e in rec.events] == ["enter", "drag-start"]
