"""The two views of the Lists tab and their models.

- `ListsModel` / `ListsView`: the lists (name, type, done / total). Climbs dragged from the climb
  list (`CLIMB_MIME`) and dropped on a list emit `climbsDropped(list_id, climb_ids)`.
- `ItemsModel` / `ItemsView`: one list's items in order (position, name, grade, status, notes; a
  deleted climb is greyed and flagged). Dragging an item to another row emits
  `orderDropped(item_ids)`, the new order; the models never reorder themselves: the window runs the
  edit and refreshes them from the store.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QListView, QTableView

from mastoc.store.list_rows import ItemInfo, ListInfo
from mastoc.ui.panels.climb_model import CLIMB_MIME

ITEM_MIME = "application/x-mastoc-list-item-ids"
Index = QModelIndex | QPersistentModelIndex
STATUS_MARK = {"todo": "○", "in_progress": "◐", "done": "●"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Lists", text)


def type_label(list_type: str) -> str:
    return {"personal": _tr("personal"), "circuit": _tr("circuit"), "project": _tr("project")}.get(list_type, list_type)


def status_label(status: str) -> str:
    return {"todo": _tr("to do"), "in_progress": _tr("in progress"), "done": _tr("done")}.get(status, status)


def _ids(md: QMimeData, mime: str) -> list[str]:
    raw = bytes(md.data(mime).data()).decode("utf-8", "replace") if md.hasFormat(mime) else ""
    return [x for x in raw.split("\n") if x]


class ListsModel(QAbstractListModel):
    climbsDropped = Signal(str, list)  # list id, climb ids

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.lists: list[ListInfo] = []

    def set_lists(self, lists: list[ListInfo]) -> None:
        self.beginResetModel()
        self.lists = list(lists)
        self.endResetModel()

    def row_of(self, list_id: str) -> int | None:
        return next((n for n, x in enumerate(self.lists) if x.id == list_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lists)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.lists):
            return None
        x = self.lists[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            shared = _tr("public") if x.is_public else _tr("private")
            return f"{x.name}  ({type_label(x.list_type)}, {x.done}/{x.items}, {shared})"
        if role == Qt.ItemDataRole.ToolTipRole:
            return x.description or x.name
        if role == Qt.ItemDataRole.UserRole:
            return x.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = super().flags(index)
        return f | Qt.ItemFlag.ItemIsDropEnabled if index.isValid() else f

    def mimeTypes(self) -> list[str]:
        return [CLIMB_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        return data.hasFormat(CLIMB_MIME) and parent.isValid()

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        ids = _ids(data, CLIMB_MIME)
        if not ids or not parent.isValid():
            return False
        self.climbsDropped.emit(self.lists[parent.row()].id, ids)
        return False  # the window adds them (and refreshes): nothing for the view to move


class ListsView(QListView):
    def __init__(self, model: ListsModel, parent=None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMaximumHeight(self.fontMetrics().height() * 6)


class ItemsModel(QAbstractTableModel):
    orderDropped = Signal(list)  # item ids in their new order

    COLUMNS = ("#", "Climb", "Grade", "Status", "Notes")  # translated in headerData

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: list[ItemInfo] = []
        self.current_climb: str | None = None

    def set_items(self, items: list[ItemInfo]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def row_of_climb(self, climb_id: str | None) -> int | None:
        return next((n for n, i in enumerate(self.items) if i.climb_id == climb_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (_tr("#"), _tr("Climb"), _tr("Grade"), _tr("Status"), _tr("Notes"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.items):
            return None
        it = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(it.position)
            if col == 1:
                return it.climb_name + (self.tr("  (climb deleted)") if it.climb_deleted else "")
            if col == 2:
                return it.grade or ""
            if col == 3:
                return f"{STATUS_MARK[it.status]} {status_label(it.status)}"
            return it.notes or ""
        if role == Qt.ItemDataRole.ForegroundRole and it.climb_deleted:
            return QBrush(QColor("gray"))
        if role == Qt.ItemDataRole.FontRole and it.climb_id == self.current_climb:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.UserRole:
            return it
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = super().flags(index)
        if index.isValid():
            return f | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        return f | Qt.ItemFlag.ItemIsDropEnabled

    def mimeTypes(self) -> list[str]:
        return [ITEM_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction  # either way, the item moves

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeData(self, indexes) -> QMimeData:  # type: ignore[no-untyped-def, override]
        rows = sorted({i.row() for i in indexes if i.isValid()})
        md = QMimeData()
        md.setData(ITEM_MIME, QByteArray("\n".join(self.items[r].id for r in rows).encode()))
        return md

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        moved = _ids(data, ITEM_MIME)
        known = [i.id for i in self.items]
        if not moved or any(m not in known for m in moved):
            return False
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(known))
        before = [i for i in known[:target] if i not in moved]
        after = [i for i in known[target:] if i not in moved]
        order = before + moved + after
        if order != known:
            self.orderDropped.emit(order)
        return False  # the window reorders in the store and refreshes


class ItemsView(QTableView):
    def __init__(self, model: ItemsModel, parent=None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragDropOverwriteMode(False)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.setWordWrap(False)
        h = self.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
