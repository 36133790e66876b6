"""Lists in the main window: the Lists tab, the personal part of the Climb tab, the climb list's
context menu ("Add to list ▸"), the shortcut adding the shown climb to the current list, the undo
stack the list commands go on, and the list filters of the climb query.

A mixin of `MainWindow` (placed before `ClimbNavMixin`): `setup_lists()` is called once the side
panel, the menus and Set mode exist. List commands go on the window's undo stack (`undo_stack`:
Set mode's stack, whose Undo / Redo are in the Edit menu; created here when there is none).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import QFrame, QMenu, QScrollArea, QVBoxLayout, QWidget

from mastoc.edits.changes import Changes
from mastoc.store import list_rows
from mastoc.ui import menus
from mastoc.ui.lists_controller import ListsController
from mastoc.ui.panels.climb_personal import ClimbPersonal
from mastoc.ui.panels.lists_panel import ListsPanel
from mastoc.ui.panels.side import TAB_CLIMB


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


class ListsMixin:
    """Lists for `MainWindow`."""

    def setup_lists(self) -> None:
        setter = getattr(self, "setter", None)  # Set mode's stack, with Undo / Redo in the Edit menu
        if getattr(self, "undo_stack", None) is None and setter is not None:
            self.undo_stack = setter.stack
        if getattr(self, "undo_stack", None) is None:
            self.undo_stack = QUndoStack(self)
            undo = self.undo_stack.createUndoAction(self, self.tr("&Undo"))
            undo.setShortcut(QKeySequence.StandardKey.Undo)
            redo = self.undo_stack.createRedoAction(self, self.tr("&Redo"))
            redo.setShortcut(QKeySequence.StandardKey.Redo)
            self.edit_menu.insertActions(self.edit_menu_end, [undo, redo])
            self.act_undo, self.act_redo = undo, redo
        self.lists_controller = ListsController(self.store, self.undo_stack, self)
        self.lists_panel = ListsPanel(self.store, self.lists_controller)
        self.tab_lists = self.side.add_tab(self.lists_panel, self.tr("Lists"))
        self.personal = ClimbPersonal(self.store, self.lists_controller)
        climb_tab = self.tabs.widget(TAB_CLIMB)
        if climb_tab is not self.details and climb_tab.layout() is not None:
            # below the climb's details and actions; scrolled, so the window still fits small screens
            climb_tab.layout().addWidget(_scrolled(self.personal))
        else:
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            self.tabs.removeTab(TAB_CLIMB)
            lay.addWidget(self.details, 1)
            lay.addWidget(_scrolled(self.personal))
            self.tabs.insertTab(TAB_CLIMB, box, self.tr("Climb"))
            self.tabs.setCurrentIndex(TAB_CLIMB)

        self.lists_controller.error.connect(self._list_refused)
        self.lists_controller.changed.connect(self._lists_changed)
        self.lists_panel.showClimb.connect(self.show_list_climb)
        self.lists_panel.filtersChanged.connect(self.refresh_query)
        self.personal.addToList.connect(lambda lid, cid: self.lists_controller.add_climbs(lid, [cid]))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._climb_context_menu)

        self.climb_menu.insertSeparator(self.climb_menu_end)
        self.act_add_to_list = menus.action(self, None, self.tr("Add to the current &list"), self.add_shown_to_list,
                                            "Ctrl+L", tip=self.tr("Add the shown climb to the list chosen in the Lists tab"))
        self.act_list_next = menus.action(self, None, self.tr("Next in the list"), self.lists_panel.walk_next, "Ctrl+]")
        self.act_list_prev = menus.action(self, None, self.tr("Previous in the list"), self.lists_panel.walk_previous,
                                          "Ctrl+[")
        self.act_show_lists = menus.action(self, None, self.tr("Show the &Lists tab"),
                                           lambda: self.tabs.setCurrentIndex(self.tab_lists), "Ctrl+Shift+L")
        self.climb_menu.insertActions(self.climb_menu_end, [self.act_add_to_list, self.act_list_next,
                                                           self.act_list_prev, self.act_show_lists])

    # -- the climb query ------------------------------------------------------------------------

    def list_filter_kwargs(self) -> dict:
        panel = getattr(self, "lists_panel", None)
        return panel.filter_kwargs() if panel is not None else {}

    # -- adding climbs --------------------------------------------------------------------------

    def add_shown_to_list(self) -> bool:
        if self.current is None:
            self.show_error(self.tr("No climb is shown."))
            return False
        if self.lists_panel.current_list is None:
            self.show_error(self.tr("Create a list first (Lists tab)."))
            return False
        return self.lists_panel.add_climb(self.current.id)

    def _climb_context_menu(self, pos: QPoint) -> None:
        menu = self.climb_list_menu(self.table.indexAt(pos).row())
        if menu is not None:
            menu.popup(self.table.viewport().mapToGlobal(pos))

    def climb_list_menu(self, row: int) -> QMenu | None:
        """The climb list's context menu for `row`: "Add to list ▸ <each list>" (kept for tests)."""
        if row < 0 or row >= len(self.model.rows):
            return None
        climb = self.model.rows[row]
        menu = QMenu(self)
        sub = menu.addMenu(self.tr("Add to list"))
        lists = list_rows.all_lists(self.store)
        for x in lists:
            a = sub.addAction(x.name)
            a.triggered.connect(lambda _=False, lid=x.id: self.lists_controller.add_climbs(lid, [climb.id]))
        if not lists:
            sub.addAction(self.tr("(no list yet)")).setEnabled(False)
        self.climb_context_menu = menu
        return menu

    # -- reacting -------------------------------------------------------------------------------

    def show_list_climb(self, climb_id: str) -> None:
        """A circuit step: the climb on the wall (and in the Climb tab's personal part)."""
        if not self.select_climb(climb_id):
            self.show_error(self.tr("This climb is not in the store any more."))
            return
        self.tabs.setCurrentIndex(self.tab_lists)  # stay on the list while walking it

    def _show_details(self) -> None:
        super()._show_details()  # type: ignore[misc]
        personal = getattr(self, "personal", None)
        if personal is not None:
            personal.show_climb(self.current.id if self.current is not None else None)

    def _list_refused(self, message: str) -> None:
        self.show_error(message)

    def _lists_changed(self, changes: Changes) -> None:
        for m in changes.messages:
            self.statusBar().showMessage(m, 8000)
        if changes.climbs and self.lists_panel.hide_sent.isChecked():
            self.refresh_query()
