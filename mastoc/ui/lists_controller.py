"""What the Lists tab, the climb list and the climb view ask of lists: each request becomes an undo
command (`list_commands`) pushed on the window's `QUndoStack`; a refusal (`EditError`, e.g. a climb
already in the list) is reported through `error` and writes nothing. `changed(Changes)` tells the
views what to refresh after every do / undo / redo.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from mastoc.edits.changes import Changes, EditError
from mastoc.store.db import Store
from mastoc.ui import list_commands as cmd


class ListsController(QObject):
    changed = Signal(object)  # Changes
    error = Signal(str)

    def __init__(self, store: Store, undo_stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.undo_stack = undo_stack

    def _notify(self, changes: Changes) -> None:
        self.changed.emit(changes)

    def push(self, command: cmd.EditCommand) -> Changes | None:
        """Run `command` once and put it on the undo stack; None (and `error`) when it was refused."""
        try:
            changes = command.run_first()
        except EditError as exc:
            self.error.emit(str(exc))
            return None
        self.undo_stack.push(command)  # its redo() reports the changes it already made
        return changes

    def _build(self, factory: Any, *args: Any, **kwargs: Any) -> Changes | None:
        try:
            command: QUndoCommand = factory(self.store, self._notify, *args, **kwargs)
        except EditError as exc:
            self.error.emit(str(exc))
            return None
        return self.push(command)  # type: ignore[arg-type]

    # -- lists ------------------------------------------------------------------------------------

    def create_list(self, name: str, *, list_type: str = "personal", description: str | None = None,
                    is_public: bool = False) -> str | None:
        """The new list's id, or None when refused."""
        ch = self._build(cmd.CreateList, name, list_type=list_type, description=description, is_public=is_public)
        return next(iter(ch.lists)) if ch else None

    def update_list(self, list_id: str, text: str, **fields: Any) -> bool:
        return self._build(cmd.UpdateList, list_id, text, **fields) is not None

    def delete_list(self, list_id: str) -> bool:
        return self._build(cmd.DeleteList, list_id) is not None

    # -- items ------------------------------------------------------------------------------------

    def add_climbs(self, list_id: str, climb_ids: list[str]) -> bool:
        return bool(climb_ids) and self._build(cmd.AddItems, list_id, list(climb_ids)) is not None

    def remove_climbs(self, list_id: str, climb_ids: list[str]) -> bool:
        return bool(climb_ids) and self._build(cmd.RemoveItems, list_id, list(climb_ids)) is not None

    def set_order(self, list_id: str, order: list[str]) -> bool:
        return self._build(cmd.SetOrder, list_id, list(order)) is not None

    def set_status(self, list_id: str, climb_id: str, status: str) -> bool:
        return self._build(cmd.SetItem, list_id, climb_id, "status", status) is not None

    def set_notes(self, list_id: str, climb_id: str, notes: str | None) -> bool:
        return self._build(cmd.SetItem, list_id, climb_id, "notes", notes or None) is not None

    # -- a climb's own record -----------------------------------------------------------------------

    def set_personal(self, climb_id: str, **fields: Any) -> bool:
        return self._build(cmd.SetPersonal, climb_id, **fields) is not None

    def add_session(self, climb_id: str, **fields: Any) -> bool:
        return self._build(cmd.AddSession, climb_id, **fields) is not None
