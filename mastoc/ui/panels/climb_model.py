"""The climb list model: pages of 200 rows fetched on worker threads, never all rows on the UI thread.

`set_query(q)` resets the model and asks for the first page and the counts; scrolling to the end makes
the view call `fetchMore`, which asks for the next page. Results of an older query are dropped (the
task runner's keys), so the list always matches the last filter. Rows are the store's light
`ClimbRow`s; grades are shown in the chosen grade system.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from mastoc.domain import grades
from mastoc.store.search import ClimbQuery, ClimbRow
from mastoc.ui import data
from mastoc.ui.tasks import TaskRunner

PAGE = 200
COLUMNS = ("Name", "Grade", "Setter")

Index = QModelIndex | QPersistentModelIndex


class ClimbListModel(QAbstractTableModel):
    countsChanged = Signal(int, int)  # matching, total
    pageLoaded = Signal(int)  # rows loaded so far
    failed = Signal(str)

    def __init__(self, tasks: TaskRunner, directory: Path, parent=None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.directory = directory
        self.query: ClimbQuery | None = None
        self.rows: list[ClimbRow] = []
        self.grade_system = grades.GradeSystem.FONT.value
        self.matching: int | None = None
        self.total: int | None = None
        self._generation = 0
        self._pending = False
        self._exhausted = True

    # --- queries -------------------------------------------------------------------------

    def set_query(self, q: ClimbQuery) -> None:
        self._generation += 1
        self.beginResetModel()
        self.query = replace(q, limit=PAGE, offset=0)
        self.rows = []
        self.matching = None
        self._exhausted = False
        self._pending = False
        self.endResetModel()
        gen = self._generation
        self.tasks.submit(data.counts, self.directory, self.query, key="climb-counts",
                          on_done=lambda c: self._on_counts(gen, c), on_error=self._on_error)
        self._request_page()

    def set_grade_system(self, system: str) -> None:
        self.grade_system = system
        if self.rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self.rows) - 1, 1))

    def _request_page(self) -> None:
        if self.query is None or self._pending or self._exhausted:
            return
        self._pending = True
        gen = self._generation
        q = replace(self.query, offset=len(self.rows))
        self.tasks.submit(data.page, self.directory, q, key=f"climb-page-{gen}",
                          on_done=lambda rows: self._on_page(gen, rows), on_error=self._on_error)

    def _on_page(self, gen: int, rows: list[ClimbRow]) -> None:
        if gen != self._generation:
            return
        self._pending = False
        if len(rows) < PAGE:
            self._exhausted = True
        if rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        self.pageLoaded.emit(len(self.rows))

    def _on_counts(self, gen: int, c: data.Counts) -> None:
        if gen != self._generation:
            return
        self.matching, self.total = c.matching, c.total
        self.countsChanged.emit(c.matching, c.total)

    def _on_error(self, exc: Exception) -> None:
        self._pending = False
        self.failed.emit(f"Could not read climbs: {exc}")

    # --- Qt model API --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted and not self._pending

    def fetchMore(self, parent: Index) -> None:
        if not parent.isValid():
            self._request_page()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                changed = "⚠ " if getattr(row, "uses_changed_hold", False) else ""
                return changed + ("★ " if row.is_benchmark else "") + row.name
            if col == 1:
                return grades.label(self.grade_system, row.grade_ircra)
            return row.setter_name or ""
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            if getattr(row, "uses_changed_hold", False):
                return row.name + "\n" + self.tr("uses a changed hold (moved, reshaped or removed since it was set)")
            return row.name
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    # --- helpers -------------------------------------------------------------------------

    def row_of(self, climb_id: str) -> int | None:
        for i, r in enumerate(self.rows):
            if r.id == climb_id or r.stokt_id == climb_id:
                return i
        return None

    def has_more(self) -> bool:
        """More matching rows exist than are loaded (a page may already be on its way)."""
        return self.query is not None and not self._exhausted

    def is_loading(self) -> bool:
        return self._pending or self.matching is None
