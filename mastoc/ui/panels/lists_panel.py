"""The Lists tab: the lists (create, rename, describe, delete with confirmation, type, public flag;
climbs dropped on a list are added to it), the chosen list's items (reorder by drag and drop,
status, notes, remove), a progress bar (done / total), the circuit walk (Previous / Next show each
climb on the wall, in order) and the climb-list filters "only this list" and "hide sent climbs".

Reads the store through `mastoc.store.list_rows` (small queries) and changes it only through the
`ListsController` (undoable commands). `showClimb(climb_id)` asks the window to show a climb;
`filtersChanged()` to re-run the climb query.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mastoc.domain.lists import LIST_TYPES, STATUSES
from mastoc.edits.changes import Changes
from mastoc.store import list_rows
from mastoc.store.db import Store
from mastoc.store.list_rows import ItemInfo
from mastoc.ui.lists_controller import ListsController
from mastoc.ui.panels.list_views import ItemsModel, ItemsView, ListsModel, ListsView, status_label, type_label


class ListsPanel(QWidget):
    showClimb = Signal(str)
    filtersChanged = Signal()

    def __init__(self, store: Store, controller: ListsController, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.controller = controller
        self.current_list: str | None = None
        self.walk_index = -1
        self._quiet = False

        self.lists_model = ListsModel(self)
        self.lists_view = ListsView(self.lists_model)
        self.items_model = ItemsModel(self)
        self.items_view = ItemsView(self.items_model)
        self.new_btn = QToolButton(text=self.tr("New…"))
        self.rename_btn = QToolButton(text=self.tr("Rename…"))
        self.describe_btn = QToolButton(text=self.tr("Describe…"))
        self.delete_btn = QToolButton(text=self.tr("Delete"))
        self.type_box = QComboBox()
        for t in LIST_TYPES:
            self.type_box.addItem(type_label(t), t)
        self.public_box = QCheckBox(self.tr("Public"))
        self.public_box.setToolTip(self.tr("Public lists are visible to the other users of the server; "
                                           "private ones stay on your devices and the server"))
        self.description = QLabel("")
        self.description.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("%v of %m done"))
        self.status_box = QComboBox()
        for s in STATUSES:
            self.status_box.addItem(status_label(s), s)
        self.notes = QLineEdit(placeholderText=self.tr("Notes on this climb in the list"))
        self.remove_btn = QToolButton(text=self.tr("Remove"))
        self.prev_btn = QPushButton(self.tr("◀ Previous"))
        self.next_btn = QPushButton(self.tr("Next ▶"))
        self.walk_label = QLabel("")
        self.only_list = QCheckBox(self.tr("Show only this list"))
        self.hide_sent = QCheckBox(self.tr("Hide sent climbs"))

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        for w in (self.new_btn, self.rename_btn, self.describe_btn, self.delete_btn):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.type_box)
        row.addWidget(self.public_box)
        lay.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.lists_view)
        split.addWidget(self.items_view)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        self.lists_view.setMinimumHeight(self.fontMetrics().height() * 2)  # small screens: the window fits
        self.items_view.setMinimumHeight(self.fontMetrics().height() * 3)
        lay.addWidget(split, 1)
        lay.addWidget(self.description)
        lay.addWidget(self.progress)
        row = QHBoxLayout()
        row.addWidget(self.status_box)
        row.addWidget(self.notes, 1)
        row.addWidget(self.remove_btn)
        lay.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.prev_btn)
        row.addWidget(self.walk_label, 1, Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.next_btn)
        lay.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.only_list)
        row.addWidget(self.hide_sent)
        row.addStretch(1)
        lay.addLayout(row)

        self.new_btn.clicked.connect(lambda: self.new_list())
        self.rename_btn.clicked.connect(lambda: self.rename_list())
        self.describe_btn.clicked.connect(lambda: self.describe_list())
        self.delete_btn.clicked.connect(lambda: self.delete_list())
        self.type_box.activated.connect(self._type_chosen)
        self.public_box.clicked.connect(self._public_toggled)
        self.lists_view.selectionModel().currentRowChanged.connect(self._list_picked)
        self.lists_model.climbsDropped.connect(self.controller.add_climbs)
        self.items_model.orderDropped.connect(lambda order: self.current_list and
                                              self.controller.set_order(self.current_list, order))
        self.items_view.selectionModel().currentRowChanged.connect(self._item_picked)
        self.items_view.doubleClicked.connect(self._item_activated)
        self.status_box.activated.connect(self._status_chosen)
        self.notes.editingFinished.connect(self._notes_done)
        self.remove_btn.clicked.connect(self.remove_selected)
        self.prev_btn.clicked.connect(self.walk_previous)
        self.next_btn.clicked.connect(self.walk_next)
        self.only_list.toggled.connect(lambda _on: self.filtersChanged.emit())
        self.hide_sent.toggled.connect(lambda _on: self.filtersChanged.emit())
        self.controller.changed.connect(self.on_changed)
        self.refresh()

    # -- reading --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the lists and the current list's items from the store."""
        lists = list_rows.all_lists(self.store)
        self._quiet = True
        self.lists_model.set_lists(lists)
        if self.current_list is not None and self.lists_model.row_of(self.current_list) is None:
            self.current_list = None
        if self.current_list is None and lists:
            self.current_list = lists[0].id
        row = self.lists_model.row_of(self.current_list) if self.current_list else None
        if row is not None:
            self.lists_view.setCurrentIndex(self.lists_model.index(row))
        self._quiet = False
        self._show_list()

    def _show_list(self) -> None:
        lst = next((x for x in self.lists_model.lists if x.id == self.current_list), None)
        items = list_rows.items(self.store, lst.id) if lst else []
        selected = self.selected_item()
        self.items_model.set_items(items)
        for w in (self.rename_btn, self.describe_btn, self.delete_btn, self.type_box, self.public_box,
                  self.only_list):
            w.setEnabled(lst is not None)
        if lst is not None:
            self.type_box.setCurrentIndex(max(0, self.type_box.findData(lst.list_type)))
            self.public_box.setChecked(lst.is_public)
        self.description.setText(lst.description or "" if lst else self.tr("No list yet: create one with New…"))
        self.progress.setMaximum(max(1, len(items)))
        self.progress.setValue(sum(1 for i in items if i.status == "done"))
        self.progress.setFormat(self.tr("%1 of %2 done").replace("%1", str(self.progress.value()))
                                .replace("%2", str(len(items))))
        if selected is not None:
            row = self.items_model.row_of_climb(selected.climb_id)
            if row is not None:
                self.items_view.selectRow(row)
        self.walk_index = min(self.walk_index, len(items) - 1)
        self._update_walk()
        self._item_picked(self.items_view.currentIndex(), QModelIndex())

    def selected_item(self) -> ItemInfo | None:
        idx = self.items_view.currentIndex()
        if not idx.isValid() or idx.row() >= len(self.items_model.items):
            return None
        return self.items_model.items[idx.row()]

    def filter_kwargs(self) -> dict:
        """The part of the climb query this tab sets (combined with the filter bar's)."""
        return {"list_id": self.current_list if self.only_list.isChecked() else None,
                "hide_sent": self.hide_sent.isChecked()}

    def on_changed(self, changes: Changes) -> None:
        if changes.lists or changes.list_items or changes.deleted_climbs:
            if len(changes.lists) == 1 and self._exists(next(iter(changes.lists))):
                self.current_list = next(iter(changes.lists))  # show the list just changed (or restored)
            self.refresh()
            if self.only_list.isChecked():
                self.filtersChanged.emit()
        elif changes.climbs:
            self._show_list()

    def _exists(self, list_id: str) -> bool:
        return self.store.conn.execute("SELECT 1 FROM climb_lists WHERE id = ?", (list_id,)).fetchone() is not None

    # -- lists ----------------------------------------------------------------------------------

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Normal, text)
        return value if ok else None

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def new_list(self, name: str | None = None, list_type: str = "personal") -> str | None:
        if name is None:
            name = self.ask_text(self.tr("New list"), self.tr("Name of the new list:"))
            if name is None:
                return None
        list_id = self.controller.create_list(name, list_type=list_type)
        if list_id is not None:
            self.current_list = list_id
            self.refresh()
        return list_id

    def rename_list(self, name: str | None = None) -> None:
        lst = self._current()
        if lst is None:
            return
        if name is None:
            name = self.ask_text(self.tr("Rename list"), self.tr("New name:"), lst.name)
        if name is not None and name != lst.name:
            self.controller.update_list(lst.id, self.tr("Rename list"), name=name)

    def describe_list(self, text: str | None = None) -> None:
        lst = self._current()
        if lst is None:
            return
        if text is None:
            text = self.ask_text(self.tr("Describe list"), self.tr("Description:"), lst.description or "")
        if text is not None:
            self.controller.update_list(lst.id, self.tr("Describe list"), description=text or None)

    def delete_list(self) -> bool:
        lst = self._current()
        if lst is None:
            return False
        question = self.tr("Delete the list %1 and its %2 climb(s)? (Edit ▸ Undo brings it back)")
        if not self.confirm(self.tr("Delete list"), question.replace("%1", lst.name).replace("%2", str(lst.items))):
            return False
        return self.controller.delete_list(lst.id)

    def _current(self):  # -> ListInfo | None
        return next((x for x in self.lists_model.lists if x.id == self.current_list), None)

    def _type_chosen(self, _index: int) -> None:
        lst = self._current()
        t = self.type_box.currentData()
        if lst is not None and t != lst.list_type:
            self.controller.update_list(lst.id, self.tr("Change list type"), list_type=t)

    def _public_toggled(self, on: bool) -> None:
        lst = self._current()
        if lst is not None and on != lst.is_public:
            self.controller.update_list(lst.id, self.tr("Make list public") if on else self.tr("Make list private"),
                                        is_public=on)

    def _list_picked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        self.current_list = self.lists_model.lists[current.row()].id
        self.walk_index = -1
        self._show_list()
        if self.only_list.isChecked():
            self.filtersChanged.emit()

    # -- items ----------------------------------------------------------------------------------

    def add_climb(self, climb_id: str) -> bool:
        """Add a climb to the current list (the shortcut and the climb view's button)."""
        return self.current_list is not None and self.controller.add_climbs(self.current_list, [climb_id])

    def _item_picked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        it = self.selected_item()
        for w in (self.status_box, self.notes, self.remove_btn):
            w.setEnabled(it is not None)
        if it is not None:
            self.status_box.setCurrentIndex(max(0, self.status_box.findData(it.status)))
            if not self.notes.hasFocus():
                self.notes.setText(it.notes or "")

    def _item_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.walk_index = index.row()
            self._show_walk()

    def _status_chosen(self, _index: int) -> None:
        it = self.selected_item()
        if it is not None and self.current_list and self.status_box.currentData() != it.status:
            self.controller.set_status(self.current_list, it.climb_id, self.status_box.currentData())

    def _notes_done(self) -> None:
        it = self.selected_item()
        text = self.notes.text().strip() or None
        if it is not None and self.current_list and text != it.notes:
            self.controller.set_notes(self.current_list, it.climb_id, text)

    def remove_selected(self) -> None:
        it = self.selected_item()
        if it is not None and self.current_list:
            self.controller.remove_climbs(self.current_list, [it.climb_id])

    # -- the circuit walk ------------------------------------------------------------------------

    def walk_next(self) -> None:
        self._walk(1)

    def walk_previous(self) -> None:
        self._walk(-1)

    def _walk(self, step: int) -> None:
        n = len(self.items_model.items)
        if n == 0:
            return
        self.walk_index = 0 if self.walk_index < 0 else max(0, min(n - 1, self.walk_index + step))
        self._show_walk()

    def _show_walk(self) -> None:
        it = self.items_model.items[self.walk_index]
        self.items_view.selectRow(self.walk_index)
        self.items_model.current_climb = it.climb_id
        self._update_walk()
        if not it.climb_deleted:
            self.showClimb.emit(it.climb_id)

    def _update_walk(self) -> None:
        n = len(self.items_model.items)
        self.prev_btn.setEnabled(n > 0 and self.walk_index > 0)
        self.next_btn.setEnabled(n > 0 and self.walk_index < n - 1)
        if n and self.walk_index >= 0:
            it = self.items_model.items[self.walk_index]
            self.walk_label.setText(self.tr("%1 / %2: %3").replace("%1", str(self.walk_index + 1))
                                    .replace("%2", str(n)).replace("%3", it.climb_name))
        else:
            self.walk_label.setText(self.tr("%1 climb(s)").replace("%1", str(n)))
