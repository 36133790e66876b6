"""The wall view: fit on open, smooth wheel/pinch zoom around the cursor, drag to pan, keyboard zoom.

Clicks (press and release without dragging, with their keyboard modifiers) and hovers are forwarded to
the `WallScene` as scene coordinates with a tolerance of a few device pixels, so a near miss on a small
hold still picks it. A drag is offered to the scene first (`drag_start_at`): when the current mode
takes it (e.g. painting holds in Set mode) the pointer's path goes to the scene; otherwise it pans.
A mode may also take a whole left-button gesture as raw points (`press_at`, e.g. Draw holds) and
keys (`key_pressed`); the middle button pans in every mode.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QNativeGestureEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsView, QPinchGesture

from mastoc.ui.wall.scene import WallScene

CLICK_TOLERANCE_PX = 4.0
DRAG_THRESHOLD_PX = 5
MAX_SCALE = 6.0  # device pixels per picture pixel
ZOOM_STEP = 1.25


class WallView(QGraphicsView):
    zoomChanged = Signal(float)

    def __init__(self, scene: WallScene, parent=None) -> None:
        super().__init__(scene, parent)
        self.wall = scene
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(Qt.GlobalColor.darkGray)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self._fitted = True
        self._press: QPoint | None = None
        self._last: QPoint | None = None
        self._dragging = False
        self._mode_drag = False  # the current drag belongs to the scene's mode (no panning)
        self._raw = False  # the mode took the whole left-button gesture as raw points (press_at)
        self._pan_from: QPoint | None = None  # middle-button pan

    # --- zoom ------------------------------------------------------------------------------

    def scale_factor(self) -> float:
        return self.transform().m11()

    def fit(self) -> None:
        """Fit the whole wall in the window (also what 'reset' does)."""
        rect = self.sceneRect()
        if rect.isEmpty():
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self._fitted = True
        self.zoomChanged.emit(self.scale_factor())

    def _fit_scale(self) -> float:
        rect = self.sceneRect()
        vp = self.viewport().rect()
        if rect.isEmpty() or vp.isEmpty():
            return 1.0
        return min(vp.width() / rect.width(), vp.height() / rect.height())

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by `factor` keeping the scene point under `anchor` (viewport coords) in place."""
        current = self.scale_factor()
        lo = self._fit_scale() * 0.5
        hi = MAX_SCALE / max(self.devicePixelRatioF(), 1.0) * 2
        target = max(lo, min(hi, current * factor))
        if abs(target - current) < 1e-9:
            return
        factor = target / current
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        before = self.mapToScene(anchor.toPoint())
        self.scale(factor, factor)
        moved = self.mapFromScene(before) - anchor.toPoint()
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + moved.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved.y())
        self._fitted = False
        self.zoomChanged.emit(self.scale_factor())

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def wheelEvent(self, event: QWheelEvent) -> None:
        dy = event.angleDelta().y() or event.pixelDelta().y()
        if dy:
            self.zoom_by(1.0015**dy, event.position())
        event.accept()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Gesture:
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                change = pinch.scaleFactor()
                if change > 0:
                    center = self.viewport().mapFromGlobal(pinch.centerPoint().toPoint())
                    self.zoom_by(change, QPointF(center))
                event.accept()
                return True
        if (
            event.type() == QEvent.Type.NativeGesture
            and isinstance(event, QNativeGestureEvent)
            and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture
        ):
            self.zoom_by(1.0 + event.value(), event.position())
            return True
        return super().viewportEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fitted:
            self.fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.wall.key_pressed(key, event.modifiers()):
            event.accept()
            return
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif key == Qt.Key.Key_0:
            self.fit()
        else:
            super().keyPressEvent(event)

    # --- pan, click, hover -----------------------------------------------------------------

    def _tolerance(self) -> float:
        return CLICK_TOLERANCE_PX / max(self.scale_factor(), 1e-6)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._last = self._press
            self._dragging = False
            p = self.mapToScene(self._press)
            self._raw = self.wall.press_at(p.x(), p.y(), self._tolerance(), event.modifiers())
            event.accept()
            return
        if event.button() == Qt.MouseButton.MiddleButton:  # pans in every mode, e.g. while drawing
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._pan_from is not None and event.buttons() & Qt.MouseButton.MiddleButton:
            d = pos - self._pan_from
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - d.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - d.y())
            self._pan_from = pos
            self._fitted = False
            event.accept()
            return
        if self._raw and self._press is not None:
            p = self.mapToScene(pos)
            self.wall.move_to(p.x(), p.y())
            event.accept()
            return
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            if not self._dragging and (pos - self._press).manhattanLength() >= DRAG_THRESHOLD_PX:
                self._dragging = True
                start = self.mapToScene(self._press)
                self._mode_drag = self.wall.drag_start_at(start.x(), start.y(), self._tolerance(), event.modifiers())
                if not self._mode_drag:
                    self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            if self._mode_drag:
                p = self.mapToScene(pos)
                self.wall.drag_to(p.x(), p.y())
            elif self._dragging and self._last is not None:
                d = pos - self._last
                self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - d.x())
                self.verticalScrollBar().setValue(self.verticalScrollBar().value() - d.y())
                self._fitted = False
            self._last = pos
            event.accept()
            return
        p = self.mapToScene(pos)
        self.wall.hover_at(p.x(), p.y(), self._tolerance())
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton and self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton and self._raw:
            p = self.mapToScene(event.position().toPoint())
            self._raw = False
            self._press = None
            self.wall.release_at(p.x(), p.y())
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            if not self._dragging:
                p = self.mapToScene(event.position().toPoint())
                self.wall.click_at(p.x(), p.y(), self._tolerance(), event.modifiers())
            elif self._mode_drag:
                self.wall.drag_end()
            self._press = None
            self._mode_drag = False
            self._last = None
            self._dragging = False
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def leaveEvent(self, event) -> None:
        self.wall.hover_at(None, None)
        super().leaveEvent(event)
