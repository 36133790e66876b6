"""The climb list: a table over `ClimbListModel` (pages of 200), one row selected at a time."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from mastoc.ui.panels.climb_model import ClimbListModel


class ClimbTable(QTableView):
    def __init__(self, model: ClimbListModel, parent=None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        fm = self.fontMetrics()
        self.setColumnWidth(1, fm.horizontalAdvance("Grade") + 24)
        self.setColumnWidth(2, fm.horizontalAdvance("Demo Setter WW") + 16)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setDragEnabled(True)  # climbs are dragged onto a list (Lists tab)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)

    def select_row(self, row: int) -> None:
        """Make `row` current and selected, scrolled into view."""
        idx = self.model().index(row, 0)
        self.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.scrollTo(idx)
