"""The climb list model: pages of 200 rows fetched on worker threads, never all rows on the UI thread.

`set_query(q)` resets the model and asks for the first page and the counts; scrolling to the end makes
the view call `fetchMore`, which asks for the page after the last row held (keyset paging). Results of an older query are dropped (the
task runner's keys), so the list always matches the last filter. Rows are the store's light
`ClimbRow`s; grades are shown in the chosen grade system.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal

from mastoc.domain import grades
from mastoc.store import search as s
from mastoc.store.search import ClimbQuery, ClimbRow
from mastoc.ui import data
from mastoc.ui.tasks import TaskRunner

PAGE = 200
COLUMNS = ("Name", "Grade", "Setter")
CLIMB_MIME = "application/x-mastoc-climb-ids"  # dragged climbs: their ids, one a line

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
        self.warnings: dict[str, str] = {}  # climb id -> why it has a warning sign
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
        self._request_page()  # first: the rows are what the user waits for; the count may take longer
        self.tasks.submit(data.counts, self.directory, self.query, key="climb-counts",
                          on_done=lambda c: self._on_counts(gen, c), on_error=self._on_error)

    def set_warnings(self, flags: dict[str, str]) -> None:
        """Climbs to mark with a warning sign, with the reason (e.g. a broken hold)."""
        if flags != self.warnings:
            self.warnings = dict(flags)
            if self.rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def set_grade_system(self, system: str) -> None:
        self.grade_system = system
        if self.rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self.rows) - 1, 1))

    def _request_page(self) -> None:
        if self.query is None or self._pending or self._exhausted:
            return
        self._pending = True
        gen = self._generation
        # keyset: the page after the last row held (a seek, as fast at row 400,000 as at the top)
        after = s.sort_key(self.rows[-1], self.query.sort) if self.rows else None
        q = replace(self.query, offset=0, after=after)
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
                changed = "⚠ " if getattr(row, "uses_changed_hold", False) or row.id in self.warnings else ""
                return changed + ("★ " if row.is_benchmark else "") + row.name
            if col == 1:
                return grades.label(self.grade_system, row.grade_ircra)
            return row.setter_name or ""
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            tip = row.name
            if getattr(row, "uses_changed_hold", False):
                tip += "\n" + self.tr("uses a changed hold (moved, reshaped or removed since it was set)")
            if row.id in self.warnings:
                tip += f"\n⚠ {self.warnings[row.id]}"
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return [CLIMB_MIME]

    def mimeData(self, indexes) -> QMimeData:  # type: ignore[no-untyped-def, override]
        """Dragged rows as climb ids (dropped on a list, they are added to it)."""
        rows = list({i.row(): self.rows[i.row()] for i in indexes if i.isValid() and i.row() < len(self.rows)}.values())
        md = QMimeData()
        md.setData(CLIMB_MIME, "\n".join(r.id for r in rows).encode())
        md.setText("\n".join(r.name for r in rows))
        return md

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
