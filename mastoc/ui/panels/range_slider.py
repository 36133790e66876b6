"""A double slider over a list of labels (the grade range): two handles, painted with QPainter."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

_HANDLE = 8.0  # radius in px
_MARGIN = 10.0


class RangeSlider(QWidget):
    """Select `lo..hi` (inclusive indices) among `labels`; the full range means 'no bound'."""

    rangeChanged = Signal(int, int)

    def __init__(self, labels: tuple[str, ...] = (), parent=None) -> None:
        super().__init__(parent)
        self.labels: tuple[str, ...] = ()
        self.lo = 0
        self.hi = 0
        self._drag: str | None = None
        self._active = "lo"
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(160)
        self.set_labels(labels)

    def sizeHint(self) -> QSize:
        return QSize(240, 26)

    def set_labels(self, labels: tuple[str, ...]) -> None:
        self.labels = tuple(labels)
        self.lo, self.hi = 0, max(0, len(self.labels) - 1)
        self.update()

    def set_range(self, lo: int, hi: int, emit: bool = False) -> None:
        n = max(0, len(self.labels) - 1)
        lo, hi = max(0, min(n, lo)), max(0, min(n, hi))
        if lo > hi:
            lo, hi = hi, lo
        changed = (lo, hi) != (self.lo, self.hi)
        self.lo, self.hi = lo, hi
        self.update()
        if changed and emit:
            self.rangeChanged.emit(lo, hi)

    def is_full(self) -> bool:
        return self.lo == 0 and self.hi >= len(self.labels) - 1

    def bounds(self) -> tuple[str | None, str | None]:
        """The chosen labels; None at an end that is not restricted."""
        if not self.labels:
            return (None, None)
        lo = None if self.lo == 0 else self.labels[self.lo]
        hi = None if self.hi >= len(self.labels) - 1 else self.labels[self.hi]
        return (lo, hi)

    def text(self) -> str:
        if not self.labels or self.is_full():
            return "all grades"
        if self.lo == self.hi:
            return self.labels[self.lo]
        return f"{self.labels[self.lo]} – {self.labels[self.hi]}"

    # --- geometry ------------------------------------------------------------------------

    def _x(self, i: int) -> float:
        n = max(1, len(self.labels) - 1)
        return _MARGIN + (self.width() - 2 * _MARGIN) * i / n

    def _index_at(self, x: float) -> int:
        n = max(1, len(self.labels) - 1)
        t = (x - _MARGIN) / max(1.0, self.width() - 2 * _MARGIN)
        return max(0, min(n, round(t * n)))

    # --- painting ------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        y = self.height() / 2
        groove = QRectF(_MARGIN, y - 2, self.width() - 2 * _MARGIN, 4)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(pal.color(QPalette.ColorRole.Mid))
        p.drawRoundedRect(groove, 2, 2)
        sel = QRectF(QPointF(self._x(self.lo), y - 3), QPointF(self._x(self.hi), y + 3))
        p.setBrush(pal.color(QPalette.ColorRole.Highlight))
        p.drawRoundedRect(sel, 3, 3)
        for which, i in (("lo", self.lo), ("hi", self.hi)):
            focus = self.hasFocus() and which == self._active
            p.setPen(QPen(pal.color(QPalette.ColorRole.Highlight) if focus else QColor(90, 90, 90), 2 if focus else 1))
            p.setBrush(pal.color(QPalette.ColorRole.Button))
            p.drawEllipse(QPointF(self._x(i), y), _HANDLE, _HANDLE)
        p.end()

    # --- input ---------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        self._drag = "lo" if abs(x - self._x(self.lo)) <= abs(x - self._x(self.hi)) else "hi"
        if self.lo == self.hi:
            self._drag = "lo" if x < self._x(self.lo) else "hi"
        self._active = self._drag
        self._move_to(x)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag:
            self._move_to(event.position().x())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag = None

    def _move_to(self, x: float) -> None:
        i = self._index_at(x)
        if self._drag == "lo":
            self.set_range(min(i, self.hi), self.hi, emit=True)
        else:
            self.set_range(self.lo, max(i, self.lo), emit=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Tab and self._active == "lo":
            self._active = "hi"
            self.update()
            return
        step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Down: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: 1}.get(key)
        if step is None:
            super().keyPressEvent(event)
            return
        if self._active == "lo":
            self.set_range(min(self.lo + step, self.hi), self.hi, emit=True)
        else:
            self.set_range(self.lo, max(self.hi + step, self.lo), emit=True)
