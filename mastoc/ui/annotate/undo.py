"""Undo for annotation edits: each edit is one `QUndoCommand` on the main window's undo stack.

`run_edit` calls the operation once (an `EditError` is shown, nothing is pushed), snapshots my values
of the touched holds before and after, and pushes a command whose undo restores the "before" values
and whose redo restores the "after" ones, both through `mastoc.edits.annotations.restore`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence, QUndoCommand, QUndoStack

from mastoc.edits import annotations as ops
from mastoc.edits.changes import Changes, EditError
from mastoc.store.db import Store


def ensure_undo_stack(window) -> QUndoStack:  # type: ignore[no-untyped-def]
    """The window's undo stack: the one Set mode made (its Undo / Redo are in the Edit menu), else a
    new one with Edit ▸ Undo / Redo. One history for the window: Set mode clears it when a new climb
    is started, annotation steps included."""
    stack = getattr(window, "undo_stack", None)
    if stack is None:
        stack = getattr(getattr(window, "setter", None), "stack", None)
    if stack is not None:
        window.undo_stack = stack
    else:
        stack = QUndoStack(window)
        window.undo_stack = stack
        undo = stack.createUndoAction(window, QCoreApplication.translate("Annotate", "&Undo"))
        undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        redo = stack.createRedoAction(window, QCoreApplication.translate("Annotate", "&Redo"))
        redo.setShortcut(QKeySequence(QKeySequence.StandardKey.Redo))
        menu = getattr(window, "edit_menu", None)
        if menu is not None:
            first = menu.actions()[0] if menu.actions() else None
            menu.insertAction(first, undo)
            menu.insertAction(first, redo)
        window.act_undo, window.act_redo = undo, redo
    return stack


class AnnotationCommand(QUndoCommand):
    def __init__(self, store: Store, text: str, before: ops.Snapshot, after: ops.Snapshot,
                 changed: Callable[[Changes], None]) -> None:
        super().__init__(text)
        self.store, self.before, self.after, self.changed = store, before, after, changed
        self._first = True

    def redo(self) -> None:
        if self._first:  # the edit itself already ran
            self._first = False
            return
        self.changed(ops.restore(self.store, self.after))

    def undo(self) -> None:
        self.changed(ops.restore(self.store, self.before))


def run_edit(stack: QUndoStack, store: Store, text: str, hold_ids: list[str], op: Callable[[], Changes],
             changed: Callable[[Changes], None], failed: Callable[[str], None]) -> Changes | None:
    before = ops.snapshot(store, hold_ids)
    try:
        ch = op()
    except EditError as exc:
        failed(str(exc))
        return None
    if ch:
        stack.push(AnnotationCommand(store, text, before, ops.snapshot(store, hold_ids), changed))
    changed(ch)
    return ch
