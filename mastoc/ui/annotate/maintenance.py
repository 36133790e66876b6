"""The Maintenance tab: the holds needing attention (condition not `ok`), grouped by condition, with
who reported it and when. Double-click (or Locate) shows the hold on the wall; "Mark as fixed" sets
my condition to `ok` on the chosen holds (undoable, through the window); "Export PDF…" writes the
printable sheet (`mastoc.sheets.maintenance`). Shows what the window gives it (`set_items`)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mastoc.domain import annotations as dom
from mastoc.store.annotations import MaintenanceItem
from mastoc.ui.annotate import looks

HOLD_ROLE = Qt.ItemDataRole.UserRole


class MaintenancePanel(QWidget):
    locateRequested = Signal(int)  # hold number
    markFixedRequested = Signal(list)  # hold ids
    exportRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: list[MaintenanceItem] = []
        self.summary = QLabel("")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([self.tr("#  Hold"), self.tr("Notes"), self.tr("Reported by"), self.tr("When")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setRootIsDecorated(True)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.locate_btn = QPushButton(self.tr("Locate"))
        self.fixed_btn = QPushButton(self.tr("Mark as fixed"))
        self.export_btn = QPushButton(self.tr("Export PDF…"))
        self.locate_btn.clicked.connect(self._locate)
        self.fixed_btn.clicked.connect(self._mark_fixed)
        self.export_btn.clicked.connect(self.exportRequested)
        row = QHBoxLayout()
        for b in (self.locate_btn, self.fixed_btn):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.export_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.tree, 1)
        lay.addLayout(row)
        self._selection_changed()

    def set_items(self, items: list[MaintenanceItem]) -> None:
        self.items = list(items)
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for n, it in enumerate(items, 1):
            group = groups.get(it.condition)
            if group is None:
                group = QTreeWidgetItem([self.tr(dom.label("condition", it.condition))])
                group.setForeground(0, QBrush(QColor(looks.PALETTES["condition"].get(it.condition, "#000000"))))
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                self.tree.addTopLevelItem(group)
                groups[it.condition] = group
            hold = f"Stokt {it.hold.stokt_id}" if it.hold.stokt_id is not None else f"{self.tr('hold')} {it.hold.num}"
            child = QTreeWidgetItem([f"{n}.  {hold}", it.notes, self.tr(it.reported_by) if it.reported_by == "me"
                                     else it.reported_by, (it.reported_at or "—")[:16].replace("T", " ")])
            child.setData(0, HOLD_ROLE, (it.hold.num, it.hold.id))
            group.addChild(child)
        for g in groups.values():
            g.setText(0, f"{g.text(0)} ({g.childCount()})")
        self.tree.expandAll()
        for c in range(4):
            self.tree.resizeColumnToContents(c)
        self.summary.setText(self.tr("%1 hold(s) need attention").replace("%1", str(len(items))) if items
                             else self.tr("No hold needs attention."))
        self.export_btn.setEnabled(True)
        self._selection_changed()

    def selected(self) -> list[tuple[int, str]]:
        return [it.data(0, HOLD_ROLE) for it in self.tree.selectedItems() if it.data(0, HOLD_ROLE)]

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self.locate_btn.setEnabled(len(chosen) == 1)
        self.fixed_btn.setEnabled(bool(chosen))

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        data = item.data(0, HOLD_ROLE)
        if data:
            self.locateRequested.emit(int(data[0]))

    def _locate(self) -> None:
        chosen = self.selected()
        if chosen:
            self.locateRequested.emit(int(chosen[0][0]))

    def _mark_fixed(self) -> None:
        chosen = self.selected()
        if chosen:
            self.markFixedRequested.emit([hid for _num, hid in chosen])
