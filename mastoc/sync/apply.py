"""Applying climb plans to the store, and reading the local side the planner needs.

Every function here runs inside the caller's transaction and writes with a few `executemany`
calls per batch (no per-row statements beyond that, no commits). What is written is exactly what the
actions say: the climbs' imported columns, the climb<->hold index, `id_mappings`, `sync_state`
(base hashes, the pass that saw the climb), tombstones for upstream deletions, and the losing side
of resolved conflicts. Attached local data (annotations, list items, notes) is never touched.
"""

from __future__ import annotations

import json
import operator
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence

from mastoc.domain.textfold import fold
from mastoc.edits.climbs import clear_push_base, set_push_base
from mastoc.store import bulk, rows
from mastoc.sync.plan import IMPORT_COLUMNS, ClimbAction, KnownClimb, LocalClimb

_CHUNK = 500
_TOKEN = re.compile(r"([SFOT])(\d+)")


def _index_rows(climb_id: str, holds_list: str, grade: float | None) -> list[tuple]:
    """climb<->hold index rows of a holds list the mapping already validated (a regex, not the full
    parser: this runs for every imported climb)."""
    return [(int(num), climb_id, role, grade) for role, num in dict.fromkeys(_TOKEN.findall(holds_list or ""))]
_SELECT = ", ".join(f"c.{c}" for c in IMPORT_COLUMNS)
_IMPORT_VALUES = operator.itemgetter(*IMPORT_COLUMNS[1:])  # an action's values after the id, in column order


def load_locals(conn: sqlite3.Connection, stokt_ids: Sequence[str], backend: str = "stokt") -> dict[str, LocalClimb]:
    """The local side of the given Stokt climb ids (those that exist locally), keyed by Stokt id."""
    out: dict[str, LocalClimb] = {}
    ids = list(stokt_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        cur = conn.execute(
            f"SELECT {_SELECT}, s.base_hash, s.base_edit_hash, c.remote_deleted_at, s.base_values FROM climbs c "
            "LEFT JOIN sync_state s ON s.backend = ? AND s.entity_type = 'climb' AND s.local_id = c.id "
            f"WHERE c.stokt_id IN ({marks})",
            [backend, *chunk],
        )
        n = len(IMPORT_COLUMNS)
        for r in cur:
            values = tuple(r)
            row = dict(zip(IMPORT_COLUMNS, values[:n], strict=True))
            out[row["stokt_id"]] = LocalClimb(
                id=row["id"], stokt_id=row["stokt_id"], row=row, base_hash=values[n],
                base_edit_hash=values[n + 1], deleted_upstream=values[n + 2] is not None,
                base_values=json.loads(values[n + 3]) if values[n + 3] else None,
            )
    return out


def known_unseen(conn: sqlite3.Connection, face_ids: Iterable[str], pass_id: str,
                 backend: str = "stokt") -> list[KnownClimb]:
    """Climbs of `face_ids` mapped on `backend` that the full pass `pass_id` did not see."""
    faces = list(face_ids)
    if not faces:
        return []
    marks = ", ".join("?" * len(faces))
    cur = conn.execute(
        "SELECT c.id, s.remote_id, c.name, s.remote_deleted_at FROM sync_state s JOIN climbs c ON c.id = s.local_id "
        f"WHERE s.backend = ? AND s.entity_type = 'climb' AND c.face_id IN ({marks}) "
        "AND ifnull(s.seen_pass, '') != ?",
        [backend, *faces, pass_id],
    )
    return [KnownClimb(r[0], r[1], r[2], r[3] is not None) for r in cur]


def mark_seen(conn: sqlite3.Connection, stokt_ids: Iterable[str], pass_id: str, now: str,
              backend: str = "stokt") -> None:
    conn.executemany(
        "UPDATE sync_state SET seen_pass = ?, last_seen_at = ? WHERE backend = ? AND entity_type = 'climb' "
        "AND remote_id = ?",
        [(pass_id, now, backend, s) for s in stokt_ids],
    )


def apply_climb_actions(conn: sqlite3.Connection, actions: Sequence[ClimbAction], *, now: str,
                        pass_id: str | None = None, backend: str = "stokt", fresh_ids: bool = False) -> int:
    """Write `actions` (inside the caller's transaction). Returns the number of rows written.

    `fresh_ids=True`: the caller knows no `new` action's id is stored yet (a bulk load into a store
    that had no climbs: ids are derived from Stokt ids, which the planner found unknown), so their
    index rows are written without reading the rows already there (`rows.insert_climb_holds`)."""
    written = 0
    new = [a for a in actions if a.kind == "new"]
    if new:
        cols = (*IMPORT_COLUMNS, "synced_at", "name_search")  # name_search here: no trigger UPDATE per row
        bulk.insert_rows(
            conn, f"INSERT INTO climbs ({', '.join(cols)})",
            [(a.local_id, *_IMPORT_VALUES(a.values), now, fold(a.values["name"] or "")) for a in new],
            f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols[1:])}",
        )
        written += len(new)
    # updates, grouped by the set of columns they change
    groups: dict[tuple[str, ...], list[ClimbAction]] = defaultdict(list)
    for a in actions:
        if a.kind in ("updated", "restored") and a.fields:
            groups[tuple(a.fields)].append(a)
    for fields, group in groups.items():
        sets = ", ".join(f"{c} = ?" for c in fields)
        conn.executemany(
            f"UPDATE climbs SET {sets}, synced_at = ? WHERE id = ?",
            [(*(a.values[c] for c in fields), now, a.local_id) for a in group],
        )
        written += len(group)
    # climb<->hold index for new climbs and changed holds/grades
    reindex = [a for a in actions if a.kind == "new" or (
        a.kind in ("updated", "restored") and ("holds_list" in a.fields or "grade_ircra" in a.fields))]
    if reindex:
        re_ids = [a.local_id for a in reindex if a.kind != "new"]
        conn.executemany("DELETE FROM climb_holds WHERE climb_id = ?", [(i,) for i in re_ids])
        index_rows: list[tuple] = []
        for a in reindex:
            if a.kind == "new":
                holds, grade = a.values.get("holds_list") or "", a.values.get("grade_ircra")
            else:  # already updated above: read the row as it is now
                holds, grade = conn.execute(
                    "SELECT holds_list, grade_ircra FROM climbs WHERE id = ?", (a.local_id,)).fetchone()
            index_rows.extend(_index_rows(a.local_id, holds, grade))
        # the rows of updated climbs were deleted just above; new ones have none when their ids are fresh
        rows.insert_climb_holds(conn, index_rows, fresh=fresh_ids)  # (sorted there in primary-key order)
        written += len(index_rows)
    if new:
        bulk.insert_rows(
            conn, "INSERT INTO id_mappings (entity_type, mastoc_id, stokt_id, sync_direction, synced_at)",
            [("climb", a.local_id, a.stokt_id, "stokt_to_mastoc", now) for a in new], "ON CONFLICT DO NOTHING",
        )
    seen = [a for a in actions if a.kind != "deleted_upstream"]
    if seen:
        bulk.insert_rows(
            conn, "INSERT INTO sync_state (backend, entity_type, local_id, remote_id, base_hash, base_edit_hash, "
            "seen_pass, last_seen_at, remote_deleted_at, base_values)",
            [(backend, "climb", a.local_id, a.stokt_id, a.base_hash, a.base_edit_hash, pass_id, now, None,
              json.dumps(a.base_values, ensure_ascii=False) if a.base_values is not None else None) for a in seen],
            "ON CONFLICT(backend, entity_type, remote_id) DO UPDATE SET local_id = excluded.local_id, "
            "base_hash = coalesce(excluded.base_hash, sync_state.base_hash), "
            "base_values = coalesce(excluded.base_values, sync_state.base_values), "
            "base_edit_hash = coalesce(excluded.base_edit_hash, sync_state.base_edit_hash), "
            "seen_pass = coalesce(excluded.seen_pass, sync_state.seen_pass), "
            "last_seen_at = excluded.last_seen_at, "
            "remote_deleted_at = NULL",
        )
    restored = [a for a in actions if a.kind == "restored"]
    if restored:
        conn.executemany("UPDATE climbs SET remote_deleted_at = NULL WHERE id = ?", [(a.local_id,) for a in restored])
        conn.executemany("DELETE FROM tombstones WHERE entity_type = 'climb' AND entity_id = ?",
                         [(a.local_id,) for a in restored])
    deleted = [a for a in actions if a.kind == "deleted_upstream"]
    if deleted:
        conn.executemany("UPDATE climbs SET remote_deleted_at = ? WHERE id = ?", [(now, a.local_id) for a in deleted])
        conn.executemany(
            "UPDATE sync_state SET remote_deleted_at = ? WHERE backend = ? AND entity_type = 'climb' AND local_id = ?",
            [(now, backend, a.local_id) for a in deleted],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO tombstones (entity_type, entity_id, deleted_at, reason) VALUES ('climb', ?, ?, ?)",
            [(a.local_id, now, f"deleted on {backend}") for a in deleted],
        )
        written += len(deleted)
    losers = [a for a in actions if a.losing is not None]
    if losers:
        conn.executemany(
            "INSERT INTO sync_conflicts (backend, entity_type, local_id, remote_id, local_version, remote_version, "
            "resolution, created_at) VALUES (?, 'climb', ?, ?, ?, ?, ?, ?)",
            [(backend, a.local_id, a.stokt_id,
              json.dumps(a.losing, ensure_ascii=False) if a.resolution == "theirs" else None,
              json.dumps(a.losing, ensure_ascii=False) if a.resolution == "mine" else None,
              a.resolution, now) for a in losers],
        )
    for a in losers:  # the push base follows what Stokt now has (mastoc.edits.climbs)
        if a.resolution == "theirs":
            clear_push_base(conn, a.local_id)
        elif a.resolution == "mine" and a.losing is not None:
            set_push_base(conn, a.local_id, a.losing)
    return written
