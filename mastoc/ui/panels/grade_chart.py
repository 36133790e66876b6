"""The Grades tab: the grade pyramid of the filtered climbs, painted with QPainter."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QWidget,
)


class GradeChart(QWidget):
    """The grade distribution (pyramid) of the filtered climbs, painted with QPainter."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.bins: list[tuple[str, int]] = []
        self.setMinimumHeight(120)

    def set_bins(self, bins: Sequence[tuple[str, int]]) -> None:
        self.bins = list(bins)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(300, 180)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        if not self.bins:
            p.setPen(text)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No climbs")
            p.end()
            return
        fm = p.fontMetrics()
        label_w = max(fm.horizontalAdvance(lbl) for lbl, _ in self.bins) + 8
        count_w = fm.horizontalAdvance("00000") + 4
        n = len(self.bins)
        row_h = max(8.0, (self.height() - 4) / n)
        biggest = max(c for _, c in self.bins) or 1
        avail = max(10.0, self.width() - label_w - count_w - 8)
        hl = pal.color(QPalette.ColorRole.Highlight)
        for i, (lbl, c) in enumerate(reversed(self.bins)):  # hardest on top: a pyramid
            y = 2 + i * row_h
            p.setPen(text)
            if row_h >= fm.height() - 2 or i % max(1, int(fm.height() / row_h) + 1) == 0:
                p.drawText(QRectF(0, y, label_w - 4, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, lbl)
            w = avail * c / biggest
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(hl)
            p.drawRect(QRectF(label_w, y + 1, w, max(1.0, row_h - 2)))
            if c and row_h >= fm.height() - 2:
                p.setPen(text)
                p.drawText(QRectF(label_w + w + 4, y, count_w, row_h), Qt.AlignmentFlag.AlignVCenter, str(c))
        p.end()
