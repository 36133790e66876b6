"""The Hold tab (a hold's climbs) and the hold-search chips (the active hold criteria)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mastoc.domain import grades
from mastoc.store.search import ClimbRow
from mastoc.ui import styles
from mastoc.ui.styles import SearchState


class HoldInfo(QWidget):
    """A hold's id(s), how many climbs use it, and those climbs (click one to display it)."""

    climbActivated = Signal(object)  # ClimbRow

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel(self.tr("Click a hold on the wall."))
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
            self.title.setText(self.tr("Click a hold on the wall."))
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
        self.hint = QLabel(self.tr("Hold search: click holds on the wall (any → start → top → feet → not → off)."))
        self.hint.setWordWrap(True)
        self.clear_btn = QToolButton(text=self.tr("Clear holds"))
        self.clear_btn.clicked.connect(self.clearRequested)
        self.note = QLabel(self.tr("Hold search still on:"))
        self.note.setToolTip(self.tr("The list is still filtered by these holds (Search by holds mode). "
                                     "Clear them to see every climb."))
        self.note.setStyleSheet("color: #b9770e; font-weight: 600;")
        outer.addWidget(self.note)
        outer.addWidget(self._scroll, 1)
        outer.addWidget(self.clear_btn)
        self.chips: dict[int, QToolButton] = {}
        self.set_search({})

    def set_search(self, search: dict[int, SearchState], still_active: bool = False) -> None:
        """Show the criteria; `still_active`: outside hold-search mode (the note says they still filter)."""
        self.note.setVisible(still_active and bool(search))
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
            b = QToolButton(text=f"{num} · {self._state_label(state)}  ✕")
            b.setToolTip(self._must_text(state).format(num))
            color = {SearchState.ANY: styles.REQUIRED, SearchState.START: styles.START, SearchState.TOP: styles.TOP,
                     SearchState.FEET: styles.FEET, SearchState.EXCLUDED: "#888888ff"}[state]
            r, g, bb, _ = styles.rgba(color)
            b.setStyleSheet(f"QToolButton {{ border: 2px solid rgb({r},{g},{bb}); border-radius: 9px; padding: 1px 6px; }}")
            b.clicked.connect(lambda _=False, n=num: self.removeRequested.emit(n))
            self.chips[num] = b
            self._lay.addWidget(b)
        self._lay.addStretch(1)
        self.clear_btn.show()

    def _state_label(self, state: SearchState) -> str:
        """The chip's short word for a search state."""
        return {SearchState.ANY: self.tr("any"), SearchState.START: self.tr("start"), SearchState.TOP: self.tr("top"),
                SearchState.FEET: self.tr("feet"), SearchState.EXCLUDED: self.tr("not")}.get(state, state.value)

    def _must_text(self, state: SearchState) -> str:
        """The chip's tooltip, with {0} for the hold number."""
        return {SearchState.ANY: self.tr("Hold {0} must be in the climb. Click to remove."),
                SearchState.START: self.tr("Hold {0} must be a start hold. Click to remove."),
                SearchState.TOP: self.tr("Hold {0} must be a top hold. Click to remove."),
                SearchState.FEET: self.tr("Hold {0} must be a foot hold. Click to remove."),
                SearchState.EXCLUDED: self.tr("Hold {0} must be absent. Click to remove.")
                }.get(state, self.tr("Hold {0}. Click to remove."))
