"""The Heatmap tab: the measure, the restriction to the filters, and the colour legend."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mastoc.ui import styles

HEAT_KINDS = {
    "usage": "Usage (climbs per hold)",
    "easiest": "Easiest grade per hold",
    "hardest": "Hardest grade per hold",
    "rarity": "Rarity (rarely used holds)",
}


class HeatLegend(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.lo_text = ""
        self.hi_text = ""
        self.setMinimumHeight(34)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_range(self, lo: str, hi: str) -> None:
        self.lo_text, self.hi_text = lo, hi
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(200, 34)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        bar = QRectF(4, 2, self.width() - 8, 12)
        grad = QLinearGradient(bar.topLeft(), bar.topRight())
        for i in range(11):
            r, g, b = styles.ramp_rgb(i / 10)
            grad.setColorAt(i / 10, QColor(r, g, b))
        p.fillRect(bar, grad)
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        p.drawText(QRectF(4, 16, bar.width() / 2, 16), Qt.AlignmentFlag.AlignLeft, self.lo_text)
        p.drawText(QRectF(4 + bar.width() / 2, 16, bar.width() / 2, 16), Qt.AlignmentFlag.AlignRight, self.hi_text)
        p.end()


class HeatmapPanel(QWidget):
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        for key, text in HEAT_KINDS.items():
            self.kind.addItem(text, key)
        self.restrict = QCheckBox(self.tr("Only climbs matching the filters"))
        self.legend = HeatLegend()
        self.note = QLabel("")
        self.note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.kind)
        lay.addWidget(self.restrict)
        lay.addWidget(self.legend)
        lay.addWidget(self.note)
        lay.addStretch(1)
        self.kind.currentIndexChanged.connect(self.changed)
        self.restrict.toggled.connect(self.changed)

    def current_kind(self) -> str:
        return self.kind.currentData()
