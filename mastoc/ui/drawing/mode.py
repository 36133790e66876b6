"""The Draw-holds wall mode: outline the holds of a personal wall on its photo.

Tools (`Tool`): **select** (click a hold to select it; drag inside it to move it; drag a vertex
handle; press on an edge to insert a vertex there and drag it; Shift+click a vertex or Delete to
remove it; Delete removes the selected hold), **polygon** (click points; click the first point again
or press Enter to close; Backspace drops the last point; Esc cancels), **rectangle** and **ellipse**
(drag a box), and **outline** (click inside a hold: click-to-outline proposes its outline, see
`proposals`). Zoom (wheel) and pan (middle button, or a left drag in the polygon and outline tools)
work while drawing. Every edit is a command of `commands` on the window's undo stack. Before a hold
that climbs use is moved, reshaped or removed, `confirm` is asked with the climbs and their count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from mastoc.edits import walls
from mastoc.ui import styles
from mastoc.ui.drawing import shapes
from mastoc.ui.drawing.commands import AddHoldsCommand, DeleteHoldCommand, DrawContext, ReshapeHoldCommand
from mastoc.ui.drawing.proposals import ProposalLayer
from mastoc.ui.wall.modes import NO_MODIFIER, WallMode

Point = tuple[float, float]
MODE_NAME = "draw_holds"
CLOSE_FACTOR = 2.5  # a click this many tolerances from the first point closes the polygon
MIN_BOX = 3.0  # px: smaller rectangles/ellipses are ignored


def _tr(text: str) -> str:
    return QCoreApplication.translate("DrawHolds", text)


class Tool(StrEnum):
    SELECT = "select"
    POLYGON = "polygon"
    RECTANGLE = "rectangle"
    ELLIPSE = "ellipse"
    OUTLINE = "outline"


def _pen(color: str, width: float, dashed: bool = False, cap: Qt.PenCapStyle = Qt.PenCapStyle.RoundCap) -> QPen:
    pen = QPen(QColor(color))
    pen.setWidthF(width)
    pen.setCosmetic(True)
    pen.setCapStyle(cap)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


class DrawHoldsMode(WallMode):
    name = MODE_NAME
    hover_over_styled = True

    def __init__(self, scene, ctx_factory: Callable[[], DrawContext | None],
                 confirm: Callable[[str, Callable[[], None]], None]) -> None:
        super().__init__(scene)
        self.ctx_factory = ctx_factory
        self.confirm = confirm
        self.tool = Tool.SELECT
        self.points: list[Point] = []  # the polygon being drawn
        self.preview: list[Point] | None = None  # a box or edited outline while dragging
        self._grab: tuple[str, int, Point] | None = None  # ("vertex"|"move"|"box", index, start point)
        self._moved = False
        self.proposals = ProposalLayer(scene)
        self.proposals.accept = self.add_outlines
        self._ink = QGraphicsPathItem()
        self._ink.setPen(_pen("#00e5ff", 2.0, dashed=True))
        self._ink.setZValue(8)
        self._dots = QGraphicsPathItem()
        self._dots.setPen(_pen("#00e5ff", 9.0))
        self._dots.setZValue(9)
        for item in (self._ink, self._dots):
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            item.setVisible(False)
            scene.addItem(item)

    # --- lifecycle ------------------------------------------------------------------------
    def enter(self) -> None:
        self._ink.setVisible(True)
        self._dots.setVisible(True)
        self.proposals.set_visible(True)
        self._redraw()

    def leave(self) -> bool:
        self.cancel()
        self._ink.setVisible(False)
        self._dots.setVisible(False)
        self.proposals.set_visible(False)
        return True

    def wall_changed(self) -> None:
        self.points, self.preview, self._grab = [], None, None
        self.proposals.clear()
        self._redraw()

    def holds_replaced(self) -> None:
        """The face's holds were reloaded after an edit: redraw the handles of the selection."""
        self._redraw()

    def set_tool(self, tool: Tool) -> None:
        self.cancel()
        self.tool = Tool(tool)

    def cancel(self) -> None:
        """Drop the polygon being drawn and any drag."""
        self.points, self.preview, self._grab = [], None, None
        self._redraw()

    # --- styling --------------------------------------------------------------------------
    def hold_styles(self, outline_width: float) -> dict[int, styles.HoldStyle]:
        idle = styles.HoldStyle(outline=styles.Stroke("#ffffffd0", max(1.0, outline_width * 0.6)), z=2.0)
        out = {n: idle for n in self.scene.items_by_num}
        sel = self.scene.selected_hold
        if sel in out:
            out[sel] = styles.HoldStyle(outline=styles.Stroke(styles.SELECTED, outline_width), fill="#00e5ff30", z=3.0)
        return out

    def start_holds(self) -> list[int]:
        return []

    def dims(self, styled) -> bool:
        return False

    # --- gestures -------------------------------------------------------------------------
    def on_point_click(self, x: float, y: float, tolerance: float, modifiers=NO_MODIFIER) -> bool:
        tol = max(tolerance, 1.0)
        index = self.proposals.pick(x, y)
        if index is not None and self.tool in (Tool.SELECT, Tool.OUTLINE):
            self.proposals.select(index)
            return True
        if self.tool is Tool.POLYGON:
            if len(self.points) >= 3 and shapes.nearest_vertex(self.points[:1], x, y, tol * CLOSE_FACTOR) == 0:
                self.finish_polygon()
            else:
                self.points.append((x, y))
                self._redraw()
            return True
        if self.tool is Tool.OUTLINE:
            self.proposals.outline_at(x, y)
            return True
        if self.tool is Tool.SELECT and self.scene.pick(x, y, tolerance) is None:
            self.scene.set_selected_hold(None)
            self.proposals.select(None)
            self._after_selection()
            return True
        return False

    def on_hold_clicked(self, hold: int, modifiers=NO_MODIFIER) -> None:
        if self.tool is Tool.SELECT:
            self.scene.set_selected_hold(hold)
            self.proposals.select(None)
            self._after_selection()

    def on_press(self, x: float, y: float, tolerance: float, modifiers=NO_MODIFIER) -> bool:
        tol = max(tolerance, 1.0) * 2
        self._moved = False
        if self.tool in (Tool.RECTANGLE, Tool.ELLIPSE):
            self._grab = ("box", 0, (x, y))
            return True
        outline = self.selected_outline()
        if self.tool is not Tool.SELECT or outline is None:
            return False
        vertex = shapes.nearest_vertex(outline, x, y, tol)
        if vertex is not None:
            if modifiers & Qt.KeyboardModifier.ShiftModifier:
                self.remove_vertex(vertex)
                self._grab = None
                return True
            self._grab = ("vertex", vertex, (x, y))
            self.preview = list(outline)
            return True
        edge = shapes.nearest_edge(outline, x, y, tol)
        if edge is not None:
            index, point = edge
            self.preview = shapes.insert_vertex(outline, index, point)
            self._grab = ("vertex", index, (x, y))
            self._moved = True  # inserting is a change even without a drag
            return True
        if shapes.contains(outline, x, y):
            self._grab = ("move", 0, (x, y))
            self.preview = list(outline)
            return True
        return False

    def on_move(self, x: float, y: float) -> None:
        if self._grab is None:
            return
        kind, index, (x0, y0) = self._grab
        self._moved = self._moved or abs(x - x0) + abs(y - y0) > 0.5
        if kind == "box":
            make = shapes.rectangle if self.tool is Tool.RECTANGLE else shapes.ellipse
            self.preview = make((x0, y0), (x, y))
        elif kind == "vertex" and self.preview is not None:
            self.preview = shapes.move_vertex(self.preview, index, (x, y))
        elif kind == "move":
            outline = self.selected_outline() or []
            self.preview = shapes.translate(outline, x - x0, y - y0)
        self._redraw()

    def on_release(self, x: float, y: float) -> None:
        grab, preview, moved = self._grab, self.preview, self._moved
        self._grab, self.preview = None, None
        self._redraw()
        if grab is None or preview is None or not moved:
            return
        if grab[0] == "box":
            x0, y0 = grab[2]
            if abs(x - x0) >= MIN_BOX and abs(y - y0) >= MIN_BOX:
                self.add_outlines([preview])
            return
        self.reshape_selected(preview, moved=grab[0] == "move")

    def on_key(self, key: int, modifiers=NO_MODIFIER) -> bool:
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.tool is Tool.POLYGON and self.points:
            self.finish_polygon()
            return True
        if key == Qt.Key.Key_Escape and (self.points or self._grab):
            self.cancel()
            return True
        if key == Qt.Key.Key_Backspace and self.points:
            self.points.pop()
            self._redraw()
            return True
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            if self.proposals.selected is not None:
                self.proposals.reject_selected()
                return True
            if self.scene.selected_hold is not None:
                self.delete_selected()
                return True
        return False

    # --- edits ----------------------------------------------------------------------------
    def selected_hold_id(self) -> str | None:
        ctx = self.ctx_factory()
        num = self.scene.selected_hold
        if ctx is None or num is None:
            return None
        row = ctx.store.conn.execute("SELECT id FROM holds WHERE face_id = ? AND num = ?", (ctx.face_id, num)).fetchone()
        return row[0] if row else None

    def selected_outline(self) -> list[Point] | None:
        num = self.scene.selected_hold
        hold = self.scene.index.by_num.get(num) if num is not None else None
        return list(hold.outline) if hold is not None else None

    def finish_polygon(self) -> None:
        points, self.points = self.points, []
        self._redraw()
        if len(points) >= 3:
            self.add_outlines([points])
        else:
            self.scene_message(_tr("A hold needs at least 3 points"))

    def add_outlines(self, outlines: Sequence[Sequence[Point]]) -> bool:
        ctx = self.ctx_factory()
        return ctx is not None and ctx.run(AddHoldsCommand(ctx, outlines))

    def reshape_selected(self, outline: Sequence[Point], moved: bool) -> None:
        ctx, hold_id, num, before = self.ctx_factory(), self.selected_hold_id(), self.scene.selected_hold, self.selected_outline()
        if ctx is None or hold_id is None or num is None or before is None:
            return
        command = ReshapeHoldCommand(ctx, hold_id, num, before, outline, moved)
        self._checked(ctx, hold_id, _tr("move") if moved else _tr("reshape"), lambda: ctx.run(command))

    def remove_vertex(self, index: int) -> None:
        outline = self.selected_outline()
        if outline is None:
            return
        if len(outline) <= 3:
            self.scene_message(_tr("A hold keeps at least 3 points"))
            return
        self.reshape_selected(shapes.remove_vertex(outline, index), moved=False)

    def delete_selected(self) -> None:
        ctx, hold_id = self.ctx_factory(), self.selected_hold_id()
        if ctx is None or hold_id is None:
            return
        self._checked(ctx, hold_id, _tr("remove"), lambda: ctx.run(DeleteHoldCommand(ctx, hold_id)))

    def _checked(self, ctx: DrawContext, hold_id: str, verb: str, go: Callable[[], object]) -> None:
        """Run `go`, after asking when climbs use the hold (they are named, with their count)."""
        users = walls.climbs_using(ctx.store, [hold_id])[hold_id]
        if not users:
            go()
            return
        names = ", ".join(name for _, name in users[:8]) + (", …" if len(users) > 8 else "")
        text = _tr("{n} climb(s) use this hold: {names}.\nThey will be flagged “uses a changed hold” "
                   "(not altered). {verb} it anyway?").format(n=len(users), names=names, verb=verb.capitalize())
        self.confirm(text, go)

    def scene_message(self, text: str) -> None:
        ctx = self.ctx_factory()
        if ctx is not None:
            ctx.on_error(text)

    def _after_selection(self) -> None:
        self.scene.refresh()
        self._redraw()

    # --- drawing the ink -----------------------------------------------------------------
    def _redraw(self) -> None:
        ink, dots = QPainterPath(), QPainterPath()
        line = self.preview if self.preview is not None else self.points
        if line:
            ink.moveTo(*line[0])
            for p in line[1:]:
                ink.lineTo(*p)
            if self.preview is not None:
                ink.closeSubpath()
        handles = self.points or (self.preview if self._grab and self._grab[0] == "vertex" else None) or (
            self.selected_outline() if self.tool is Tool.SELECT else None) or []
        for x, y in handles:
            dots.moveTo(x, y)
            dots.lineTo(x + 0.01, y)
        self._ink.setPath(ink)
        self._dots.setPath(dots)
