"""Side panels: climb details, hold info, hold-search chips, heatmap controls + legend, grade chart.

Widgets only display what they are given; the main window feeds them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mastoc.domain import grades
from mastoc.domain.models import Climb
from mastoc.store.search import ClimbRow
from mastoc.ui import styles
from mastoc.ui.styles import SearchState


class ClimbDetails(QLabel):
    """Name, grade (chosen system), setter, feet rule, date, description, tags and counts."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setMargin(6)
        self.climb: Climb | None = None
        self.show_climb(None, grades.GradeSystem.FONT.value)

    def show_climb(self, climb: Climb | None, system: str, position: str = "") -> None:
        self.climb = climb
        if climb is None:
            self.setText("<i>No climb selected.</i><br>Pick one in the list, or click a hold on the wall.")
            return
        e = html.escape
        grade = grades.label(system, climb.grade_ircra)
        date = climb.created_at.strftime("%d %b %Y") if climb.created_at else "—"
        lines = [
            f"<span style='font-size:15pt; font-weight:600'>{e(climb.name)}</span>"
            f"&nbsp;&nbsp;<span style='font-size:15pt'>{e(grade)}</span>"
            + (" &nbsp;<b>★ benchmark</b>" if climb.is_benchmark else ""),
            f"by <b>{e(climb.setter_name or 'unknown setter')}</b> · {e(date)}",
            f"Feet: {e(climb.feet_rule or '—')}",
        ]
        if climb.tags:
            lines.append("Tags: " + ", ".join(e(t) for t in climb.tags))
        lines.append(f"{_n(climb.climbed_by, 'ascent')} · {_n(climb.total_likes, 'like')} · "
                     f"{_n(climb.total_comments, 'comment')}")
        if climb.description:
            lines.append(f"<i>{e(climb.description)}</i>")
        if position:
            lines.append(f"<span style='color:gray'>{e(position)}</span>")
        self.setText("<br>".join(lines))


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


class HoldInfo(QWidget):
    """A hold's id(s), how many climbs use it, and those climbs (click one to display it)."""

    climbActivated = Signal(object)  # ClimbRow

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel("Click a hold on the wall.")
        self.title.setWordWrap(True)
        self.list = QListWidget()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.list, 1)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.hold: int | None = None

    def show_hold(self, num: int | None, uuid: str | None, total: int | None, rows: Sequence[ClimbRow],
                  system: str) -> None:
        self.hold = num
        self.list.clear()
        if num is None:
            self.title.setText("Click a hold on the wall.")
            return
        used = "…" if total is None else f"{total:,}"
        self.title.setText(f"<b>Hold {num}</b>" + (f" <span style='color:gray'>({uuid})</span>" if uuid else "")
                           + f"<br>used by {used} climb{'s' if total != 1 else ''}")
        for r in rows:
            item = QListWidgetItem(f"{grades.label(system, r.grade_ircra):>4}  {r.name}")
            item.setData(Qt.ItemDataRole.UserRole, r)
            self.list.addItem(item)

    def _activated(self, item: QListWidgetItem) -> None:
        self.climbActivated.emit(item.data(Qt.ItemDataRole.UserRole))


class HoldChips(QWidget):
    """The current hold search as removable chips, plus 'clear'."""

    removeRequested = Signal(int)
    clearRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # many chips scroll sideways instead of widening the window
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        inner = QWidget()
        self._lay = QHBoxLayout(inner)
        self._lay.setContentsMargins(0, 0, 0, 0)
        self._lay.setSpacing(4)
        self._scroll.setWidget(inner)
        self._scroll.setFixedHeight(self.fontMetrics().height() * 2 + 12)
        self.hint = QLabel("Hold search: click holds on the wall (any → start → top → feet → not → off).")
        self.hint.setWordWrap(True)
        self.clear_btn = QToolButton(text="Clear holds")
        self.clear_btn.clicked.connect(self.clearRequested)
        outer.addWidget(self._scroll, 1)
        outer.addWidget(self.clear_btn)
        self.chips: dict[int, QToolButton] = {}
        self.set_search({})

    def set_search(self, search: dict[int, SearchState]) -> None:
        while self._lay.count():
            item = self._lay.takeAt(0)
            w = item.widget()
            if w is not None and w is not self.hint:
                w.deleteLater()
        self.chips = {}
        if not search:
            self._lay.addWidget(self.hint, 1)
            self.hint.show()
            self.clear_btn.hide()
            return
        self.hint.hide()
        for num, state in sorted(search.items()):
            b = QToolButton(text=f"{num} · {styles.SEARCH_LABEL[state]}  ✕")
            b.setToolTip(f"Hold {num} must be {'absent' if state is SearchState.EXCLUDED else state.value}. "
                         "Click to remove.")
            color = {SearchState.ANY: styles.REQUIRED, SearchState.START: styles.START, SearchState.TOP: styles.TOP,
                     SearchState.FEET: styles.FEET, SearchState.EXCLUDED: "#888888ff"}[state]
            r, g, bb, _ = styles.rgba(color)
            b.setStyleSheet(f"QToolButton {{ border: 2px solid rgb({r},{g},{bb}); border-radius: 9px; padding: 1px 6px; }}")
            b.clicked.connect(lambda _=False, n=num: self.removeRequested.emit(n))
            self.chips[num] = b
            self._lay.addWidget(b)
        self._lay.addStretch(1)
        self.clear_btn.show()


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
        self.restrict = QCheckBox("Only climbs matching the filters")
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


class WelcomeBanner(QFrame):
    """First start: what the user is looking at, and the next steps."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("welcome")
        self.setStyleSheet("#welcome { background: palette(alternate-base); border-radius: 6px; }")
        title = QLabel("<b>Welcome to mastoc.</b> This is the bundled <b>demo wall</b>: an invented board "
                       "with a few dozen climbs to try everything. Bring your own wall:")
        title.setWordWrap(True)
        self.load_btn = QPushButton("Load a Stokt backup…")
        self.stokt_btn = QPushButton("Import from Stokt…")
        self.server_btn = QPushButton("Connect to a mastoc server…")
        self.close_btn = QToolButton(text="✕")
        self.close_btn.setToolTip("Hide this message")
        self.close_btn.setAutoRaise(True)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.close_btn, 0, Qt.AlignmentFlag.AlignTop)
        btns = QHBoxLayout()
        btns.addWidget(self.load_btn)
        btns.addWidget(self.stokt_btn)
        btns.addWidget(self.server_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addLayout(top)
        lay.addLayout(btns)
        self.close_btn.clicked.connect(self.hide)
