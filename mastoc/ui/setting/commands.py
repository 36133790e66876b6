"""Undo commands of Set mode. Hold changes and detail edits replace the draft (exact before/after
states); save, edit and delete call `mastoc.edits.climbs` and undo through its inverse operations
(delete ↔ restore a snapshot). A drag is one command: every hold it paints merges into the command
of the same drag (`id()` / `mergeWith()`), and so do consecutive edits of one detail field.

Store commands run their operation before being pushed (so a refused operation never enters the
stack); their first `redo()` only skips. The controller (`ctx`) applies drafts and `Changes`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from mastoc.edits import climbs as ops
from mastoc.edits.changes import Changes, EditError
from mastoc.ui.setting.draft import Draft

if TYPE_CHECKING:
    from mastoc.ui.setting.controller import SetController

MERGE_ID = 4210


class DraftCommand(QUndoCommand):
    """Hold roles or details changed: before → after (merges with the next one of the same key)."""

    def __init__(self, ctx: SetController, before: Draft, after: Draft, text: str, merge_key: object = None) -> None:
        super().__init__(text)
        self.ctx, self.before, self.after, self.merge_key = ctx, before, after, merge_key

    def id(self) -> int:
        return MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, DraftCommand) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        if self.merge_key and isinstance(self.merge_key, tuple) and self.merge_key[0] == "drag":
            n = sum(1 for k in set(self.before.roles) | set(self.after.roles)
                    if self.before.roles.get(k) != self.after.roles.get(k))
            self.setText(self.ctx.tr("paint 1 hold") if n == 1 else self.ctx.tr("paint %1 holds").replace("%1", str(n)))
        return True

    def redo(self) -> None:
        self.ctx.apply_draft(self.after)

    def undo(self) -> None:
        self.ctx.apply_draft(self.before)


class StoreCommand(QUndoCommand):
    """An operation already run once; redo/undo re-run it or its inverse and apply the draft."""

    def __init__(self, ctx: SetController, text: str, draft_before: Draft | None, draft_after: Draft | None) -> None:
        super().__init__(text)
        self.ctx, self.draft_before, self.draft_after = ctx, draft_before, draft_after
        self._first = True

    def do(self) -> Changes:
        raise NotImplementedError

    def inverse(self) -> Changes:
        raise NotImplementedError

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._run(self.do, self.draft_after)

    def undo(self) -> None:
        self._run(self.inverse, self.draft_before)

    def _run(self, fn, draft: Draft | None) -> None:
        try:
            changes = fn()
        except EditError as exc:
            self.ctx.report(str(exc))
            return
        self.ctx.after_store(changes, draft)


class SaveNewCommand(StoreCommand):
    def __init__(self, ctx, text, draft_before, draft_after, snapshot: ops.ClimbSnapshot) -> None:
        super().__init__(ctx, text, draft_before, draft_after)
        self.snapshot = snapshot

    def do(self) -> Changes:
        return ops.restore_climb(self.ctx.store, self.snapshot)

    def inverse(self) -> Changes:
        return ops.delete_climb(self.ctx.store, self.snapshot.climb_id)


class EditCommand(StoreCommand):
    def __init__(self, ctx, text, draft_before, draft_after, before: ops.ClimbSnapshot,
                 after: ops.ClimbSnapshot) -> None:
        super().__init__(ctx, text, draft_before, draft_after)
        self.before, self.after = before, after

    def do(self) -> Changes:
        return ops.restore_climb(self.ctx.store, self.after)

    def inverse(self) -> Changes:
        return ops.restore_climb(self.ctx.store, self.before)


class DeleteCommand(StoreCommand):
    def __init__(self, ctx, text, draft_before, draft_after, before: ops.ClimbSnapshot) -> None:
        super().__init__(ctx, text, draft_before, draft_after)
        self.before = before

    def do(self) -> Changes:
        return ops.delete_climb(self.ctx.store, self.before.climb_id)

    def inverse(self) -> Changes:
        return ops.restore_climb(self.ctx.store, self.before)
