"""Proposed hold outlines under review: from click-to-outline (one) or Detect all (many).

Proposals are drawn dashed orange over the photo; the selected one is yellow. The person accepts
one, accepts all (one undo step), rejects one (Delete) or all, or accepts one to adjust its vertices
(it becomes a hold, selected for editing). Accepting goes through the mode's `add_outlines` (so the
undo stack has it). The segmentation itself is `mastoc.vision` (no Qt); Detect all runs on a worker
thread (`install` submits it), click-to-outline runs here (a few tens of ms).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsPolygonItem, QGraphicsScene

from mastoc.ui.drawing import shapes

Point = tuple[float, float]


def _tr(text: str) -> str:
    return QCoreApplication.translate("DrawHolds", text)


def _pen(color: str, width: float, dashed: bool) -> QPen:
    pen = QPen(QColor(color))
    pen.setWidthF(width)
    pen.setCosmetic(True)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


IDLE_PEN = _pen("#ff9f1a", 2.0, True)
SELECTED_PEN = _pen("#ffe600", 3.5, False)
IDLE_BRUSH = QBrush(QColor(255, 159, 26, 22))
SELECTED_BRUSH = QBrush(QColor(255, 230, 0, 70))


class ProposalLayer:
    def __init__(self, scene: QGraphicsScene) -> None:
        self.scene = scene
        self.polygons: list[list[Point]] = []
        self.scores: list[float] = []
        self.items: list[QGraphicsPolygonItem] = []
        self.selected: int | None = None
        self.visible = False
        self.accept: Callable[[Sequence[Sequence[Point]]], bool] = lambda outlines: False
        self.photo: Callable[[], object | None] = lambda: None  # RGB numpy array of the face photo
        self.on_changed: Callable[[], None] = lambda: None
        self.on_message: Callable[[str], None] = lambda text: None
        self.on_accepted_for_edit: Callable[[], None] = lambda: None

    # --- content -------------------------------------------------------------------------
    def set(self, proposals: Sequence[tuple[Sequence[Point], float]]) -> None:
        self.clear(notify=False)
        for polygon, score in proposals:
            self._append(list(polygon), score)
        self.selected = 0 if self.polygons else None
        self._restyle()
        self.on_changed()

    def clear(self, notify: bool = True) -> None:
        for item in self.items:
            self.scene.removeItem(item)
        self.polygons, self.scores, self.items, self.selected = [], [], [], None
        if notify:
            self.on_changed()

    def _append(self, polygon: list[Point], score: float) -> None:
        item = QGraphicsPolygonItem(QPolygonF([QPointF(x, y) for x, y in polygon]))
        item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        item.setZValue(7)
        item.setVisible(self.visible)
        self.scene.addItem(item)
        self.polygons.append(polygon)
        self.scores.append(score)
        self.items.append(item)

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        for item in self.items:
            item.setVisible(visible)

    def select(self, index: int | None) -> None:
        self.selected = index if index is not None and 0 <= index < len(self.polygons) else None
        self._restyle()
        self.on_changed()

    def pick(self, x: float, y: float) -> int | None:
        """The smallest proposal containing the point."""
        inside = [i for i, p in enumerate(self.polygons) if shapes.contains(p, x, y)]
        if not inside:
            return None
        return min(inside, key=lambda i: _area(self.polygons[i]))

    def _restyle(self) -> None:
        for i, item in enumerate(self.items):
            chosen = i == self.selected
            item.setPen(SELECTED_PEN if chosen else IDLE_PEN)
            item.setBrush(SELECTED_BRUSH if chosen else IDLE_BRUSH)
            item.setZValue(7.5 if chosen else 7)

    # --- click-to-outline ------------------------------------------------------------------
    def outline_at(self, x: float, y: float) -> bool:
        from mastoc.vision import outline

        rgb = self.photo()
        if rgb is None:
            self.on_message(_tr("The wall's photo is not available"))
            return False
        found = outline.outline_at(rgb, x, y)  # type: ignore[arg-type]
        if found is None:
            self.on_message(_tr("No hold found there: draw it with the polygon tool"))
            return False
        self._append(found.polygon, found.score)
        self.select(len(self.polygons) - 1)
        return True

    # --- review ----------------------------------------------------------------------------
    def _remove(self, index: int) -> None:
        self.scene.removeItem(self.items.pop(index))
        self.polygons.pop(index)
        self.scores.pop(index)
        self.selected = min(index, len(self.polygons) - 1) if self.polygons else None
        self._restyle()
        self.on_changed()

    def accept_selected(self) -> bool:
        if self.selected is None:
            return False
        index = self.selected
        if self.accept([self.polygons[index]]):
            self._remove(index)
            return True
        return False

    def adjust_selected(self) -> bool:
        """Accept the selected proposal and hand the new hold to the select tool for vertex edits."""
        if self.accept_selected():
            self.on_accepted_for_edit()
            return True
        return False

    def accept_all(self) -> bool:
        """Accept every proposal with a usable outline (one undo step); the unusable ones stay."""
        from mastoc.domain.geometry import GeometryError
        from mastoc.domain.hold_drawing import clean_outline

        good: list[int] = []
        for i, polygon in enumerate(self.polygons):
            try:
                clean_outline(polygon)
            except GeometryError:
                continue
            good.append(i)
        if not good or not self.accept([self.polygons[i] for i in good]):
            return False
        for i in reversed(good):
            self.scene.removeItem(self.items.pop(i))
            self.polygons.pop(i)
            self.scores.pop(i)
        self.selected = 0 if self.polygons else None
        self._restyle()
        self.on_changed()
        return True

    def reject_selected(self) -> None:
        if self.selected is not None:
            self._remove(self.selected)

    def count(self) -> int:
        return len(self.polygons)


def _area(points: Sequence[Point]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True))) / 2
