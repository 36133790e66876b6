"""The wall scene on the real face: role styles on items, rendered pixels, tapes, modes, clicks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from mastoc.domain import holdslist
from mastoc.domain.models import Role
from mastoc.ui import styles
from mastoc.ui.styles import SearchState
from mastoc.ui.wall.model import wall_holds
from mastoc.ui.wall.scene import Mode, WallScene
from mastoc.ui.wall.view import WallView


@pytest.fixture()
def scene(qtbot, fixtures_dir, real_holds):
    s = WallScene()
    s.set_wall(QImage(str(fixtures_dir / "wall_full.jpg")), wall_holds(real_holds))
    yield s
    s.clear()


def _climb(real_climbs, n_starts: int, with_feet: bool = True) -> dict:
    for c in real_climbs:
        refs = holdslist.parse(c["holdsList"])
        starts = [r for r in refs if r.role is Role.START]
        feet = [r for r in refs if r.role is Role.FEET]
        if len(starts) == n_starts and (bool(feet) == with_feet):
            return c
    raise AssertionError("no such climb in the fixture")


def _render(scene: WallScene, scale: float = 0.5) -> QImage:
    r = scene.sceneRect()
    img = QImage(int(r.width() * scale), int(r.height() * scale), QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.black)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(p, QRectF(img.rect()), r)
    p.end()
    return img


def _near(img: QImage, x: float, y: float, color: str, scale: float = 0.5, radius: int = 3) -> bool:
    er, eg, eb, _ = styles.rgba(color)
    cx, cy = int(x * scale), int(y * scale)
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            c = QColor(img.pixel(cx + dx, cy + dy))
            if abs(c.red() - er) + abs(c.green() - eg) + abs(c.blue() - eb) < 60:
                return True
    return False


def test_climb_gives_role_styles_on_items_and_pixels(scene, real_climbs, fixtures_dir):
    climb = _climb(real_climbs, n_starts=2, with_feet=True)
    refs = holdslist.parse(climb["holdsList"])
    scene.set_climb(refs)
    roles = styles.roles_by_hold((r.role, r.hold) for r in refs)
    for num, item in scene.items_by_num.items():
        if num not in roles:
            assert not item.isVisible()
            continue
        assert item.isVisible()
        style = scene.style_of(num)
        main = next(r for r in (Role.START, Role.TOP, Role.OTHER, Role.FEET) if r in roles[num])
        expected = {Role.START: styles.START, Role.TOP: styles.TOP, Role.OTHER: styles.HAND, Role.FEET: styles.FEET}
        assert style.outline.color == expected[main]
        assert (style.top_outline is not None) == (Role.TOP in roles[num])
    # two starts -> centre tapes, one per start hold
    starts = sorted({r.hold for r in refs if r.role is Role.START})
    assert scene.tape_segments() == [scene.index.by_num[n].center_tape for n in starts]

    img = _render(scene)
    scene.set_climb(None)
    photo = _render(scene)  # the undimmed photo at the same scale
    scene.set_climb(refs)
    by = scene.index.by_num
    # climb holds are lit (photo unchanged at the centroid); others dimmed
    for num in list(roles)[:4]:
        x, y = by[num].centroid
        got = QColor(img.pixel(int(x * 0.5), int(y * 0.5)))
        ref = QColor(photo.pixel(int(x * 0.5), int(y * 0.5)))
        assert abs(got.lightness() - ref.lightness()) < 25, num
    other = next(h for h in scene.holds if h.num not in roles and all(
        abs(h.centroid[0] - by[n].centroid[0]) > 80 or abs(h.centroid[1] - by[n].centroid[1]) > 80 for n in roles))
    ox, oy = other.centroid
    got = QColor(img.pixel(int(ox * 0.5), int(oy * 0.5)))
    ref = QColor(photo.pixel(int(ox * 0.5), int(oy * 0.5)))
    assert got.lightness() < ref.lightness() * 0.75 + 2
    # outlines in role colours: a vertex of each role's outline, and the top outline of top holds
    for num, rs in roles.items():
        main = next(r for r in (Role.START, Role.TOP, Role.OTHER, Role.FEET) if r in rs)
        color = {Role.START: styles.START, Role.TOP: styles.TOP, Role.OTHER: styles.HAND, Role.FEET: styles.FEET}[main]
        x, y = by[num].outline[0]
        assert _near(img, x, y, color), (num, main)
        if Role.TOP in rs:
            tx, ty = by[num].top_outline[0]
            assert _near(img, tx, ty, styles.TOP)
    # the white tapes are drawn at their far end
    for (_x1, _y1), (x2, y2) in scene.tape_segments():
        assert _near(img, x2 - (x2 - _x1) * 0.3, y2 - (y2 - _y1) * 0.3, styles.TAPE)


def test_one_start_hold_gets_the_v_of_left_and_right_tapes(scene, real_climbs):
    climb = _climb(real_climbs, n_starts=1, with_feet=False)
    refs = holdslist.parse(climb["holdsList"])
    scene.set_climb(refs)
    start = next(r.hold for r in refs if r.role is Role.START)
    h = scene.index.by_num[start]
    assert scene.tape_segments() == [h.left_tape, h.right_tape]
    scene.set_climb(None)
    assert scene.tape_segments() == []
    assert not any(i.isVisible() for i in scene.items_by_num.values())


def test_hold_search_click_cycles_states(scene, qtbot):
    scene.set_mode(Mode.HOLD_SEARCH)
    h = scene.holds[100]
    x, y = h.centroid
    seen = []
    for _ in range(6):
        with qtbot.waitSignal(scene.searchChanged):
            scene.click_at(x, y)
        seen.append(scene.search.get(h.num, SearchState.OFF))
    assert seen == [SearchState.ANY, SearchState.START, SearchState.TOP, SearchState.FEET,
                    SearchState.EXCLUDED, SearchState.OFF]


def test_heatmap_mode_bakes_every_hold_into_one_image(scene):
    hot = {h.num: 1.0 for h in scene.holds[:10]}
    scene.set_heat(hot)
    scene.set_mode(Mode.HEATMAP)
    assert scene.style_of(scene.holds[0].num).fill == styles.heat_color(1.0)
    assert scene.style_of(scene.holds[20].num).fill is None
    assert not any(i.isVisible() for i in scene.items_by_num.values())  # one baked image, not 776 items
    img = _render(scene)
    er, eg, eb = styles.ramp_rgb(1.0)
    for h in scene.holds[:10]:
        x, y = h.centroid
        c = QColor(img.pixel(int(x * 0.5), int(y * 0.5)))
        # the hot colour (alpha-blended over the dimmed photo) dominates at the centroid
        assert c.red() > 150 and c.green() > 130, (h.num, c.getRgb())
    cold = scene.holds[200]
    c = QColor(img.pixel(int(cold.centroid[0] * 0.5), int(cold.centroid[1] * 0.5)))
    assert not (c.red() > 150 and c.green() > 130 and c.blue() < 110)
    del er, eg, eb
    scene.set_mode(Mode.BROWSE)
    img2 = _render(scene)
    x, y = scene.holds[0].centroid
    assert img2.pixel(int(x * 0.5), int(y * 0.5)) != img.pixel(int(x * 0.5), int(y * 0.5))


def test_view_click_at_a_hold_emits_its_id(scene, qtbot, real_holds):
    view = WallView(scene)
    qtbot.addWidget(view)
    view.resize(800, 1000)
    view.show()
    qtbot.waitExposed(view)
    view.zoom_by(4.0, QPointF(400, 500))
    target = scene.holds[len(scene.holds) // 2]
    pos: QPoint = view.mapFromScene(QPointF(*target.centroid))
    view.centerOn(QPointF(*target.centroid))
    pos = view.mapFromScene(QPointF(*target.centroid))
    with qtbot.waitSignal(scene.holdClicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [scene.pick(*target.centroid)]
    assert scene.selected_hold == blocker.args[0]
    # zoom keeps the scene point under the anchor in place
    before = view.mapToScene(QPoint(200, 300))
    view.zoom_by(1.5, QPointF(200, 300))
    after = view.mapToScene(QPoint(200, 300))
    assert abs(before.x() - after.x()) < 2 and abs(before.y() - after.y()) < 2
    view.fit()
    assert abs(view.scale_factor() - min(view.viewport().width() / 2263, view.viewport().height() / 3000)) < 0.01


def test_a_face_without_photo_shows_a_board_with_every_hold_drawn(qtbot, real_holds):
    s = WallScene()
    s.set_wall(None, wall_holds(real_holds), size=(2263, 3000))
    assert s.sceneRect().width() == 2263
    img = _render(s)
    board = QColor(img.pixel(2, 2))
    drawn = [QColor(img.pixel(int(h.centroid[0] * 0.5), int(h.centroid[1] * 0.5))) for h in s.holds[:50]]
    assert sum(c.rgb() != board.rgb() for c in drawn) >= 45
    assert not any(i.isVisible() for i in s.items_by_num.values())  # baked, not 776 items


def test_next_steps_messages_do_not_block(qtbot, real_data_dir, open_window):
    w = open_window(real_data_dir)
    w.about()  # returns at once (no nested event loop)
    assert w.last_message.isVisible() and "mastoc" in w.last_message.text()
    w.last_message.close()
