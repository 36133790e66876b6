"""Undo commands for lists, list items, personal fields and the logbook (Qt's `QUndoCommand`).

Each command runs an operation of `mastoc.edits` in `redo()` and its inverse (another operation of
`mastoc.edits`) in `undo()`; it keeps what the inverse needs (a snapshot, the old order, the old
value). `ListsController.push(...)` runs a command once (`run_first`: a refused operation raises
`EditError` there, so it never reaches the stack), then puts it on the window's `QUndoStack`; every
redo / undo reports the `Changes` to the views.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from mastoc.edits import lists as ops
from mastoc.edits import logbook
from mastoc.edits.changes import Changes
from mastoc.store.db import Store

Notify = Callable[[Changes], None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("ListCommands", text)


class EditCommand(QUndoCommand):
    """A command over two callables: `do()` and `undo()` each return the `Changes` they made."""

    def __init__(self, store: Store, text: str, notify: Notify) -> None:
        super().__init__(text)
        self.store = store
        self.notify = notify
        self.last = Changes()
        self._ran = False

    def run_first(self) -> Changes:
        """Run the operation once before the command is pushed (a refusal raises here, not in Qt)."""
        self.last = self.do()
        self._ran = True
        return self.last

    def do(self) -> Changes:  # pragma: no cover - overridden
        raise NotImplementedError

    def undo_op(self) -> Changes:  # pragma: no cover - overridden
        raise NotImplementedError

    def redo(self) -> None:
        if not self._ran:
            self.last = self.do()
        self._ran = False
        self.notify(self.last)

    def undo(self) -> None:
        self.notify(self.undo_op())


class CreateList(EditCommand):
    def __init__(self, store: Store, notify: Notify, name: str, **fields: Any) -> None:
        super().__init__(store, _tr("create the list %1").replace("%1", name), notify)
        self.name, self.fields, self.list_id = name, fields, None
        self.snapshot: ops.ListSnapshot | None = None

    def do(self) -> Changes:
        if self.snapshot is not None:  # redo after undo: the same list, the same id
            return ops.restore_list(self.store, self.snapshot)
        ch = ops.create_list(self.store, self.name, **self.fields)
        self.list_id = next(iter(ch.lists))
        return ch

    def undo_op(self) -> Changes:
        assert self.list_id is not None
        self.snapshot = ops.snapshot_list(self.store, self.list_id)
        return ops.delete_list(self.store, self.list_id)


class UpdateList(EditCommand):
    """Rename, describe, retype or (un)publish: the old values are read before."""

    def __init__(self, store: Store, notify: Notify, list_id: str, text: str, **fields: Any) -> None:
        super().__init__(store, text, notify)
        old = ops.get_list(store, list_id)
        self.list_id, self.fields = list_id, fields
        self.old = {k: getattr(old, k) for k in fields}

    def do(self) -> Changes:
        return ops.update_list(self.store, self.list_id, clear_description="description" in self.fields,
                               **self.fields)

    def undo_op(self) -> Changes:
        return ops.update_list(self.store, self.list_id, clear_description="description" in self.old, **self.old)


class DeleteList(EditCommand):
    def __init__(self, store: Store, notify: Notify, list_id: str) -> None:
        super().__init__(store, _tr("delete the list %1").replace("%1", ops.get_list(store, list_id).name), notify)
        self.list_id = list_id
        self.snapshot = ops.snapshot_list(store, list_id)

    def do(self) -> Changes:
        self.snapshot = ops.snapshot_list(self.store, self.list_id)
        return ops.delete_list(self.store, self.list_id)

    def undo_op(self) -> Changes:
        return ops.restore_list(self.store, self.snapshot)


class AddItems(EditCommand):
    def __init__(self, store: Store, notify: Notify, list_id: str, climb_ids: list[str]) -> None:
        text = _tr("add %1 climb(s) to %2").replace("%1", str(len(climb_ids)))
        super().__init__(store, text.replace("%2", ops.get_list(store, list_id).name), notify)
        self.list_id, self.climb_ids = list_id, climb_ids
        self.rows: tuple[dict[str, Any], ...] = ()

    def do(self) -> Changes:
        if self.rows:
            return ops.restore_items(self.store, list(self.rows))
        return ops.add_items(self.store, self.list_id, self.climb_ids)

    def undo_op(self) -> Changes:
        self.rows = ops.snapshot_items(self.store, self.list_id, self.climb_ids)
        return ops.remove_items(self.store, self.list_id, self.climb_ids)


class RemoveItems(EditCommand):
    def __init__(self, store: Store, notify: Notify, list_id: str, climb_ids: list[str]) -> None:
        super().__init__(store, _tr("remove %1 climb(s) from %2").replace("%1", str(len(climb_ids))).replace(
            "%2", ops.get_list(store, list_id).name), notify)
        self.list_id, self.climb_ids = list_id, climb_ids
        self.rows = ops.snapshot_items(store, list_id, climb_ids)

    def do(self) -> Changes:
        self.rows = ops.snapshot_items(self.store, self.list_id, self.climb_ids)
        return ops.remove_items(self.store, self.list_id, self.climb_ids)

    def undo_op(self) -> Changes:
        return ops.restore_items(self.store, list(self.rows))


class SetOrder(EditCommand):
    def __init__(self, store: Store, notify: Notify, list_id: str, order: list[str]) -> None:
        super().__init__(store, _tr("reorder the list"), notify)
        self.list_id, self.order = list_id, order
        self.old = ops.item_order(store, list_id)

    def do(self) -> Changes:
        return ops.set_order(self.store, self.list_id, self.order)

    def undo_op(self) -> Changes:
        return ops.set_order(self.store, self.list_id, self.old)


class SetItem(EditCommand):
    """An item's status or notes (`field` "status" | "notes")."""

    def __init__(self, store: Store, notify: Notify, list_id: str, climb_id: str, field: str, value: Any) -> None:
        super().__init__(store, _tr("change the status") if field == "status" else _tr("change the notes"), notify)
        self.list_id, self.climb_id, self.field, self.value = list_id, climb_id, field, value
        item = next(i for i in ops.items(store, list_id) if i.climb_id == climb_id)
        self.old = getattr(item, field)

    def _set(self, value: Any) -> Changes:
        fn = ops.set_status if self.field == "status" else ops.set_notes
        return fn(self.store, self.list_id, self.climb_id, value)

    def do(self) -> Changes:
        return self._set(self.value)

    def undo_op(self) -> Changes:
        return self._set(self.old)


class SetPersonal(EditCommand):
    def __init__(self, store: Store, notify: Notify, climb_id: str, **fields: Any) -> None:
        super().__init__(store, _tr("edit my notes on the climb"), notify)
        self.climb_id, self.fields = climb_id, fields
        old = logbook.personal(store, climb_id)
        self.old = {k: old[k] for k in fields}

    def do(self) -> Changes:
        return logbook.set_personal(self.store, self.climb_id, **self.fields)

    def undo_op(self) -> Changes:
        return logbook.set_personal(self.store, self.climb_id, **self.old)


class AddSession(EditCommand):
    def __init__(self, store: Store, notify: Notify, climb_id: str, **fields: Any) -> None:
        super().__init__(store, _tr("log a session"), notify)
        self.climb_id, self.fields = climb_id, fields
        self.row: dict[str, Any] | None = None
        self.session_id: str | None = None

    def do(self) -> Changes:
        if self.row is not None:
            return logbook.restore_session(self.store, self.row)
        before = {s.id for s in logbook.sessions(self.store, self.climb_id)}
        ch = logbook.add_session(self.store, self.climb_id, **self.fields)
        self.session_id = next(s.id for s in logbook.sessions(self.store, self.climb_id) if s.id not in before)
        return ch

    def undo_op(self) -> Changes:
        assert self.session_id is not None
        self.row = logbook.session_row(self.store, self.session_id)
        return logbook.delete_session(self.store, self.session_id)
