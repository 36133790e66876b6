"""Smaller pieces: pure styles, the task runner, the range slider, the view's zoom/pan, keyboard use."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from mastoc.domain import grades
from mastoc.domain.models import Role
from mastoc.ui import styles
from mastoc.ui.panels.range_slider import RangeSlider
from mastoc.ui.styles import SearchState
from mastoc.ui.tasks import TaskRunner
from mastoc.ui.wall.model import WallHold, wall_holds
from mastoc.ui.wall.scene import WallScene
from mastoc.ui.wall.view import WallView
from tests.ui.conftest import wait_idle


def _hold(num: int, left=((0, 0), (1, 1)), right=((2, 2), (3, 3)), center=((4, 4), (5, 5))) -> WallHold:
    return WallHold(num, ((0, 0), (10, 0), (10, 10)), (), (5, 5), 50.0, (0, 0, 10, 10), center, left, right)


def test_role_styles_are_a_pure_lookup():
    assert styles.role_style(()) == styles.HIDDEN
    s = styles.role_style({Role.START})
    assert s.outline.color == styles.START and s.top_outline is None
    assert styles.role_style({Role.OTHER}).outline.color == styles.HAND
    assert styles.role_style({Role.FEET}).outline.color == styles.FEET
    top = styles.role_style({Role.TOP}, outline_width=3.0)
    assert top.outline.color == styles.TOP and top.top_outline == styles.Stroke(styles.TOP, 3.0)
    loop = styles.role_style({Role.START, Role.TOP})  # start and top of a loop: both shown
    assert loop.outline.color == styles.START and loop.top_outline is not None
    assert styles.role_style({Role.START}) == styles.role_style({Role.START})  # deterministic, cacheable


def test_start_tapes_one_start_is_a_v_two_starts_are_centre_tapes():
    a, b = _hold(1), _hold(2, center=((6, 6), (7, 7)))
    assert styles.start_tapes([a]) == [a.left_tape, a.right_tape]
    assert styles.start_tapes([a, b]) == [a.center_tape, b.center_tape]
    assert styles.start_tapes([]) == []


def test_search_cycle_and_heat_scale():
    seen = [SearchState.OFF]
    for _ in range(6):
        seen.append(styles.next_search_state(seen[-1]))
    assert seen == [SearchState.OFF, SearchState.ANY, SearchState.START, SearchState.TOP, SearchState.FEET,
                    SearchState.EXCLUDED, SearchState.OFF]
    assert styles.normalise({1: 2.0, 2: 4.0, 3: 3.0}) == {1: 0.0, 2: 1.0, 3: 0.5}
    assert styles.normalise({1: 2.0, 2: 4.0}, invert=True) == {1: 1.0, 2: 0.0}
    assert styles.ramp_rgb(0.0) != styles.ramp_rgb(1.0)
    assert styles.dim_alpha(0.0) == 0 and styles.dim_alpha(1.0) == 255


def test_task_runner_delivers_results_and_errors_on_the_main_thread(qtbot):
    runner = TaskRunner()
    main = threading.get_ident()
    got: list = []

    def work(x):
        got.append(("worker", threading.get_ident() != main))
        return x * 2

    def boom():
        raise ValueError("nope")

    runner.submit(work, 21, on_done=lambda r: got.append(("done", r, threading.get_ident() == main)))
    runner.submit(boom, on_error=lambda e: got.append(("error", str(e), threading.get_ident() == main)))
    qtbot.waitUntil(lambda: runner.pending() == 0, timeout=5000)
    assert ("worker", True) in got
    assert ("done", 42, True) in got
    assert ("error", "nope", True) in got
    # an error without a handler becomes a user-visible message
    with qtbot.waitSignal(runner.failed) as blocker:
        runner.submit(boom)
    assert blocker.args == ["nope"]


def test_task_runner_drops_superseded_results(qtbot):
    runner = TaskRunner()
    gate = threading.Event()
    delivered: list[str] = []
    runner.submit(lambda: gate.wait(5) and "old", key="q", on_done=delivered.append)
    runner.submit(lambda: "new", key="q", on_done=delivered.append)
    qtbot.waitUntil(lambda: "new" in delivered, timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: runner.pending() == 0, timeout=5000)
    assert delivered == ["new"]


def test_range_slider_bounds_and_keyboard(qtbot):
    s = RangeSlider(grades.labels("font"))
    qtbot.addWidget(s)
    s.resize(300, 30)
    s.show()
    assert s.is_full() and s.bounds() == (None, None) and s.text() == "all grades"
    with qtbot.waitSignal(s.rangeChanged):
        s.set_range(4, 8, emit=True)
    assert s.bounds() == ("6A", "6C") and s.text() == "6A – 6C"
    s.setFocus()
    QTest.keyClick(s, Qt.Key.Key_Right)  # moves the lower handle
    assert s.bounds() == ("6A+", "6C")
    # dragging the upper handle to the far right opens the upper end
    QTest.mousePress(s, Qt.MouseButton.LeftButton, pos=QPoint(int(s._x(8)), 15))
    QTest.mouseMove(s, QPoint(299, 15))
    QTest.mouseRelease(s, Qt.MouseButton.LeftButton, pos=QPoint(299, 15))
    assert s.bounds() == ("6A+", None)


@pytest.fixture()
def view(qtbot, fixtures_dir, real_holds):
    scene = WallScene()
    scene.set_wall(QImage(str(fixtures_dir / "wall_small.jpg")), wall_holds(real_holds), size=(2263, 3000))
    v = WallView(scene)
    qtbot.addWidget(v)
    v.resize(600, 700)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_view_fits_zooms_with_keys_and_wheel_and_pans_by_dragging(qtbot, view):
    fit = view.scale_factor()
    assert abs(fit - min(600 / 2263, 700 / 3000)) < 0.01
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Plus)
    assert view.scale_factor() == pytest.approx(fit * 1.25)
    QTest.keyClick(view, Qt.Key.Key_Minus)
    assert view.scale_factor() == pytest.approx(fit)
    view.zoom_by(3.0)
    QTest.keyClick(view, Qt.Key.Key_0)
    assert view.scale_factor() == pytest.approx(fit)
    # wheel: zoom around the cursor (the scene point under it stays put)
    from PySide6.QtGui import QWheelEvent

    anchor = QPointF(150, 200)
    before = view.mapToScene(anchor.toPoint())
    ev = QWheelEvent(anchor, view.viewport().mapToGlobal(anchor), QPoint(), QPoint(0, 240),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    view.wheelEvent(ev)
    assert view.scale_factor() > fit * 1.3
    after = view.mapToScene(anchor.toPoint())
    assert abs(before.x() - after.x()) < 3 and abs(before.y() - after.y()) < 3
    # drag pans and does not click
    clicked: list[int] = []
    view.wall.holdClicked.connect(clicked.append)
    centre = view.mapToScene(view.viewport().rect().center())
    vp = view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, pos=QPoint(300, 350))
    for x in range(300, 200, -10):
        QTest.mouseMove(vp, QPoint(x, 350))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=QPoint(200, 350))
    moved = view.mapToScene(view.viewport().rect().center())
    assert moved.x() > centre.x() + 50
    assert clicked == []


def test_hover_highlights_the_hold_under_the_mouse(qtbot, view):
    scene = view.wall
    view.zoom_by(3.0)
    h = scene.holds[400]
    view.centerOn(QPointF(*h.centroid))
    pos = view.mapFromScene(QPointF(*h.centroid))
    with qtbot.waitSignal(scene.holdHovered) as blocker:
        QTest.mouseMove(view.viewport(), pos)
    assert blocker.args == [scene.pick(*h.centroid)]
    assert scene.hovered_hold == blocker.args[0]


def test_typing_n_in_the_search_field_types_instead_of_switching_climbs(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    first = w.current.id
    w.activateWindow()
    w.filters.text.setFocus()
    QTest.keyClicks(w.filters.text, "np")
    assert w.filters.text.text() == "np"
    assert w.current.id == first
    w.table.setFocus()
    QTest.keyClick(w, Qt.Key.Key_N)
    wait_idle(qtbot, w)
    assert w.current.id != first
