"""The thin graphics item of one hold, and the conversion of pure styles into cached Qt pens/brushes."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPolygonItem

from mastoc.ui.styles import HIDDEN, TAPE, TAPE_CASING, HoldStyle, Stroke, rgba
from mastoc.ui.wall.model import Point, WallHold


def qcolor(color: str) -> QColor:
    r, g, b, a = rgba(color)
    return QColor(r, g, b, a)


@lru_cache(maxsize=256)
def qpen(stroke: Stroke | None) -> QPen:
    if stroke is None:
        return QPen(Qt.PenStyle.NoPen)
    pen = QPen(qcolor(stroke.color))
    pen.setWidthF(stroke.width)
    pen.setCosmetic(True)  # device pixels: same thickness at every zoom, sharp on HiDPI
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if stroke.dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


@lru_cache(maxsize=256)
def qbrush(color: str | None) -> QBrush:
    if color is None:
        return QBrush(Qt.BrushStyle.NoBrush)
    return QBrush(qcolor(color))


def qpolygon(points: tuple[Point, ...]) -> QPolygonF:
    return QPolygonF([QPointF(x, y) for x, y in points])


class HoldItem(QGraphicsPolygonItem):
    """One hold's outline on the wall. Hidden unless styled; picking is done by `HoldIndex`."""

    def __init__(self, hold: WallHold) -> None:
        super().__init__(qpolygon(hold.outline))
        self.hold = hold
        self.num = hold.num
        self.style = HIDDEN
        self._top: QGraphicsPolygonItem | None = None
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        self.setVisible(False)

    def apply_style(self, style: HoldStyle) -> None:
        if style == self.style:
            return
        self.style = style
        if style == HIDDEN:
            self.setVisible(False)
            return
        self.setPen(qpen(style.outline))
        self.setBrush(qbrush(style.fill))
        self.setZValue(style.z)
        if style.top_outline is not None and self.hold.top_outline:
            if self._top is None:
                self._top = QGraphicsPolygonItem(qpolygon(self.hold.top_outline), self)
                self._top.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self._top.setPen(qpen(style.top_outline))
            self._top.setBrush(QBrush(Qt.BrushStyle.NoBrush))
            self._top.setVisible(True)
        elif self._top is not None:
            self._top.setVisible(False)
        self.setVisible(True)


def tape_pens(outline_width: float) -> tuple[QPen, QPen]:
    """The start tapes' pens: a dark casing under a white tape, both cosmetic (screen pixels)."""
    casing = QPen(QColor(*rgba(TAPE_CASING)))
    casing.setWidthF(outline_width * 2.2 + 2)
    casing.setCosmetic(True)
    casing.setCapStyle(Qt.PenCapStyle.RoundCap)
    tape = QPen(QColor(*rgba(TAPE)))
    tape.setWidthF(outline_width * 2.2)
    tape.setCosmetic(True)
    tape.setCapStyle(Qt.PenCapStyle.FlatCap)
    return casing, tape
