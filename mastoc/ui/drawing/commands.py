"""Undoable hold edits: `QUndoCommand`s whose redo and undo call `edits.walls` operations.

A command runs once through `DrawContext.run` before it is pushed (so an `EditError` — an invalid
outline — is shown and nothing lands on the undo stack); later redos repeat the same operation with
the same ids (a re-added hold keeps its id and number). Undo is the inverse operation: a drawn hold
is removed again, a moved or reshaped hold gets its old outline back, a removed hold is restored with
its annotations, and the "uses a changed hold" flags the edit raised are cleared.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand, QUndoStack

from mastoc.edits import walls
from mastoc.edits.changes import Changes, EditError
from mastoc.store.db import Store

Point = tuple[float, float]


def _tr(text: str) -> str:
    return QCoreApplication.translate("DrawHolds", text)


@dataclass
class DrawContext:
    """What the commands need: the store, the face drawn on, the undo stack and where results go."""

    store: Store
    face_id: str
    stack: QUndoStack
    on_changes: Callable[[Changes], None]
    on_error: Callable[[str], None]

    def run(self, command: HoldCommand) -> bool:
        """Apply `command` now and push it on the stack; False (message shown) when refused."""
        try:
            command.apply()
        except EditError as exc:
            self.on_error(str(exc))
            return False
        self.stack.push(command)
        return True


class HoldCommand(QUndoCommand):
    def __init__(self, ctx: DrawContext, text: str) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._applied = False

    def apply(self) -> None:
        self.ctx.on_changes(self.do())
        self._applied = True

    def redo(self) -> None:
        if self._applied:  # already done by DrawContext.run just before the push
            self._applied = False
            return
        self.ctx.on_changes(self.do())

    def undo(self) -> None:
        self.ctx.on_changes(self.undo_changes())

    def do(self) -> Changes:
        raise NotImplementedError

    def undo_changes(self) -> Changes:
        raise NotImplementedError


class AddHoldsCommand(HoldCommand):
    """Draw one hold, or accept several proposals at once (one undo step)."""

    def __init__(self, ctx: DrawContext, outlines: Sequence[Sequence[Point]], text: str | None = None) -> None:
        super().__init__(ctx, text or (_tr("Draw a hold") if len(outlines) == 1 else _tr("Accept proposals")))
        self.outlines = [list(o) for o in outlines]
        self.ids: list[tuple[str, int]] = []  # (hold id, number), once created

    def do(self) -> Changes:
        store, face = self.ctx.store, self.ctx.face_id
        out = Changes()
        with store.transaction():
            if not self.ids:
                for outline in self.outlines:
                    ch = walls.add_hold(store, face, outline)
                    (hid,) = ch.holds
                    num = store.conn.execute("SELECT num FROM holds WHERE id = ?", (hid,)).fetchone()[0]
                    self.ids.append((hid, int(num)))
                    out |= ch
            else:
                for (hid, num), outline in zip(self.ids, self.outlines, strict=True):
                    out |= walls.add_hold(store, face, outline, hold_id=hid, num=num)
        return out

    def undo_changes(self) -> Changes:
        out = Changes()
        with self.ctx.store.transaction():
            for hid, _num in self.ids:
                out |= walls.delete_hold(self.ctx.store, hid, flag=False)
        return out


class ReshapeHoldCommand(HoldCommand):
    """Move a hold or edit its vertices (same id and number); climbs using it get flagged."""

    def __init__(self, ctx: DrawContext, hold_id: str, num: int, before: Sequence[Point], after: Sequence[Point],
                 moved: bool) -> None:
        super().__init__(ctx, _tr("Move a hold") if moved else _tr("Reshape a hold"))
        self.hold_id, self.num, self.moved = hold_id, num, moved
        self.before, self.after = list(before), list(after)
        self.flagged: frozenset[str] = frozenset()

    def do(self) -> Changes:
        ch = walls.reshape_hold(self.ctx.store, self.hold_id, self.after, change="moved" if self.moved else "reshaped")
        self.flagged = ch.climbs
        return ch

    def undo_changes(self) -> Changes:
        with self.ctx.store.transaction():
            ch = walls.reshape_hold(self.ctx.store, self.hold_id, self.before, flag=False)
            if self.flagged:
                ch |= walls.clear_hold_flags(self.ctx.store, self.flagged, self.num)
        return ch


class DeleteHoldCommand(HoldCommand):
    """Remove a hold (climbs using it flagged, never altered); undo restores it exactly."""

    def __init__(self, ctx: DrawContext, hold_id: str) -> None:
        super().__init__(ctx, _tr("Remove a hold"))
        self.hold_id = hold_id
        self.snap: walls.HoldSnapshot | None = None
        self.flagged: frozenset[str] = frozenset()

    def do(self) -> Changes:
        self.snap = walls.snapshot(self.ctx.store, self.hold_id)
        ch = walls.delete_hold(self.ctx.store, self.hold_id)
        self.flagged = ch.climbs
        return ch

    def undo_changes(self) -> Changes:
        assert self.snap is not None
        with self.ctx.store.transaction():
            ch = walls.restore_hold(self.ctx.store, self.snap)
            if self.flagged:
                ch |= walls.clear_hold_flags(self.ctx.store, self.flagged, self.snap.hold.num)
        return ch
