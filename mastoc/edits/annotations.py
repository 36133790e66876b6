"""Edit operations on my hold annotations: annotate, clear, set one field on many holds, mark fixed,
and `restore` (the inverse every other one needs for undo).

"Me" is described in `mastoc.store.annotations` (rows with `user_id` NULL). Each operation validates
everything first (values exactly those of `railway/API.md` §6.5, holds that exist, notes of at most
`NOTES_MAX` characters), then writes in one transaction, and returns `Changes(annotations=<the
annotation ids written or deleted>, holds=<their holds>)`. The Railway sync finds the changes by
content hash; a removed annotation leaves a `tombstones` row. A hold that gets my annotation back
(undo of a clear, annotating again) reuses the id the server knows, so a sync sends one update
instead of a delete plus a create.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from mastoc.domain import annotations as dom
from mastoc.domain.ids import new_id
from mastoc.edits.changes import Changes, EditError, NotFoundEditError
from mastoc.store import annotations as reads
from mastoc.store import rows
from mastoc.store.db import Store

FIELDS = ("grip_type", "condition", "difficulty", "notes")


@dataclass(frozen=True, slots=True)
class Values:
    """The four editable fields of one annotation (None: not set)."""

    grip_type: str | None = None
    condition: str | None = None
    difficulty: str | None = None
    notes: str | None = None

    def empty(self) -> bool:
        return not any((self.grip_type, self.condition, self.difficulty, self.notes))


Snapshot = dict[str, Values | None]  # hold id -> my values (None: no annotation)


def _validated(field: str, value: str | None) -> str | None:
    if field == "notes":
        if value is not None and len(value) > dom.NOTES_MAX:
            raise EditError(f"notes are limited to {dom.NOTES_MAX} characters (got {len(value)}); nothing was stored")
        return value or None
    try:
        return dom.validate(field, value)
    except ValueError as exc:
        raise EditError(f"{exc}; nothing was stored") from None


def _hold_ids(store: Store, holds: Iterable[str | int]) -> list[str]:
    out = []
    for key in holds:
        ref = reads.resolve_hold(store.conn, key)
        if ref is None:
            raise NotFoundEditError(f"no hold {key} in the store; nothing was stored")
        if ref.id not in out:
            out.append(ref.id)
    if not out:
        raise EditError("no hold given")
    return out


def snapshot(store: Store, hold_ids: Iterable[str]) -> Snapshot:
    """My current values for `hold_ids` (what `restore` puts back)."""
    ids = list(hold_ids)
    mine = reads.mine(store.conn, ids)
    return {h: (Values(*(getattr(mine[h], f) for f in FIELDS)) if h in mine else None) for h in ids}


def _reusable_id(c: sqlite3.Connection, hold_id: str) -> str:
    """The id my annotation of this hold had on the server (if deleted here since), else a new one."""
    num = c.execute("SELECT num FROM holds WHERE id = ?", (hold_id,)).fetchone()
    if num is not None:
        r = c.execute("SELECT local_id FROM sync_state WHERE entity_type = 'hold_annotation' AND remote_id LIKE ? "
                      "AND local_id NOT IN (SELECT id FROM hold_annotations)", (f"{int(num[0])}:%",)).fetchone()
        if r is not None:
            return str(r[0])
    return new_id()


def _write(c: sqlite3.Connection, hold_id: str, values: Values | None) -> str | None:
    """Make my annotation of `hold_id` hold `values` (None or all empty: removed). Returns the id
    written or deleted, None when nothing changed."""
    row = c.execute("SELECT id, grip_type, condition, difficulty, notes FROM hold_annotations "
                    "WHERE hold_id = ? AND user_id IS NULL", (hold_id,)).fetchone()
    now = rows.now_ts()
    if values is None or values.empty():
        if row is None:
            return None
        c.execute("DELETE FROM hold_annotations WHERE id = ?", (row[0],))
        c.execute("INSERT OR REPLACE INTO tombstones (entity_type, entity_id, deleted_at, reason) VALUES (?, ?, ?, ?)",
                  ("hold_annotation", row[0], now, "annotation cleared"))
        return str(row[0])
    new = tuple(getattr(values, f) for f in FIELDS)
    if row is None:
        aid = _reusable_id(c, hold_id)
        c.execute("DELETE FROM tombstones WHERE entity_type = 'hold_annotation' AND entity_id = ?", (aid,))
        c.execute("INSERT INTO hold_annotations (id, hold_id, user_id, grip_type, condition, difficulty, notes, "
                  "created_at, updated_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)", (aid, hold_id, *new, now, now))
        return aid
    if tuple(row[1:]) == new:
        return None
    c.execute("UPDATE hold_annotations SET grip_type = ?, condition = ?, difficulty = ?, notes = ?, updated_at = ? "
              "WHERE id = ?", (*new, now, row[0]))
    return str(row[0])


def _apply(store: Store, targets: Mapping[str, Values | None]) -> Changes:
    written: set[str] = set()
    holds: set[str] = set()
    with store.transaction() as c:
        for hold_id, values in targets.items():
            aid = _write(c, hold_id, values)
            if aid is not None:
                written.add(aid)
                holds.add(hold_id)
    return Changes(annotations=frozenset(written), holds=frozenset(holds))


_UNSET = object()


def annotate(store: Store, hold: str | int, *, grip_type: object = _UNSET, condition: object = _UNSET,
             difficulty: object = _UNSET, notes: object = _UNSET) -> Changes:
    """Set the given fields of my annotation of `hold` (None or "" clears a field; absent keeps it)."""
    given = {f: v for f, v in (("grip_type", grip_type), ("condition", condition), ("difficulty", difficulty),
                               ("notes", notes)) if v is not _UNSET}
    checked = {f: _validated(f, None if v is None else str(v)) for f, v in given.items()}
    (hold_id,) = _hold_ids(store, [hold])
    current = snapshot(store, [hold_id])[hold_id] or Values()
    return _apply(store, {hold_id: replace(current, **checked)})


def clear(store: Store, hold: str | int) -> Changes:
    """Remove my annotation of `hold` (nothing to remove: no change)."""
    (hold_id,) = _hold_ids(store, [hold])
    return _apply(store, {hold_id: None})


def set_field(store: Store, holds: Iterable[str | int], field: str, value: str | None) -> Changes:
    """Set one field of my annotation on every hold of `holds` (the other fields are kept)."""
    if field not in FIELDS:
        raise EditError(f"unknown annotation field {field!r}; choose one of {', '.join(FIELDS)}")
    checked = _validated(field, value)
    ids = _hold_ids(store, holds)
    current = snapshot(store, ids)
    return _apply(store, {h: replace(current[h] or Values(), **{field: checked}) for h in ids})


def mark_fixed(store: Store, holds: Iterable[str | int]) -> Changes:
    """The holds are in order again: my condition becomes `ok` (notes and other fields are kept)."""
    return set_field(store, holds, "condition", "ok")


def restore(store: Store, before: Snapshot) -> Changes:
    """Put my annotations of the snapshot's holds back as they were (the undo of any operation here)."""
    for values in before.values():
        if values is not None:
            for f in FIELDS:
                _validated(f, getattr(values, f))
    ids = _hold_ids(store, before)
    return _apply(store, {h: before[h] for h in ids})
