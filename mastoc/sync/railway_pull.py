"""Writing what a Railway sync pulls, in batches: the rows the server sent and their new bases.

`apply_sync` decides per record what to do (`railway._apply`); the records it takes from the server
go through a `PullWriter`, which keeps them until the entity changes (parents are written before
their children: the plan follows `railway_map.ORDER`), a batch is full, or another kind of write
must come first (`flush()`), then writes them with a few `executemany` calls: the rows (one
statement per column set), for climbs their climb↔hold index (`rows.insert_climb_holds`, one call)
and Stokt id mappings, and the `sync_state` bases. The same SQL as one record at a time
(`railway._write_local` / `_set_state`, still used by the push side), without a round trip per row.

"Is the parent here?" (`missing_parent`) is answered from id sets read once per table and kept up
to date with what the writer wrote or the caller deleted (`forget`), not by one query per row.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mastoc.store import rows
from mastoc.sync import railway_map as rm

BATCH = 2000  # rows per flush: bounded memory, and progress between flushes
PARENTS: dict[str, list[tuple[str, str]]] = {
    "climb_personal": [("climbs", "id")], "face": [("gyms", "gym_id")], "wall": [("gyms", "gym_id")],
    "hold": [("faces", "face_id")], "climb": [("faces", "face_id")], "hold_annotation": [("holds", "hold_id")],
    "list_item": [("climb_lists", "list_id"), ("climbs", "climb_id")],
}
_DATES = ("created_at", "added_at", "date_modified")
_LIST = re.compile(r"[\s,]*(?:[SFOT]\d{1,10}(?:[\s,]+[SFOT]\d{1,10})*)?[\s,]*")  # holdslist.parse's grammar
_PAIR = re.compile(r"([SFOT])(\d{1,10})")


def hold_rows(climb_id: str, holds_list: str, grade: float | None) -> list[tuple[Any, ...]]:
    """`rows.climb_hold_rows` for a well-formed list, with two regular expressions instead of the
    full parser (this runs for every pulled climb); anything else goes to `rows.climb_hold_rows`."""
    if holds_list and _LIST.fullmatch(holds_list):
        out = [(int(num), climb_id, role, grade) for role, num in _PAIR.findall(holds_list)]
        if len({(r[2], r[0]) for r in out}) == len(out):
            return out
    return rows.climb_hold_rows(climb_id, holds_list, grade)


class PullWriter:
    def __init__(self, c: Any, backend: str) -> None:
        self.c = c
        self.backend = backend
        self.written = 0  # rows flushed so far
        self._entity: str | None = None
        self._pending: list[tuple[str, str, dict[str, Any], bool]] = []  # (local id, remote id, values, exists)
        self._ids: dict[str, set[str]] = {}

    # -- parents ---------------------------------------------------------------------------------
    def _known(self, table: str) -> set[str]:
        if table not in self._ids:
            self.flush()  # what is pending is in the table before it is read
            self._ids[table] = {r[0] for r in self.c.execute(f"SELECT id FROM {table}")}  # noqa: S608 - fixed names
        return self._ids[table]

    def missing_parent(self, entity: str, values: dict[str, Any]) -> str | None:
        """Why a pulled row cannot be written (a parent this device does not have), or None."""
        for table, col in PARENTS.get(entity, []):
            if values.get(col) not in self._known(table):
                return f"{entity} {values['id']}: its {col[:-3]} is not on this device; skipped"
        return None

    def forget(self, entity: str, local_id: str) -> None:
        """The caller deleted this row."""
        table = rm.TABLES[entity]
        if table in self._ids and entity != "climb_personal":
            self._ids[table].discard(local_id)

    # -- writing ---------------------------------------------------------------------------------
    def take(self, entity: str, local_id: str, remote_id: str, values: dict[str, Any], *, exists: bool) -> None:
        """Write the server's version `values` of this row and make it the new base (at the next flush)."""
        if entity != self._entity or len(self._pending) >= BATCH:
            self.flush()
            self._entity = entity
        self._pending.append((local_id, remote_id, values, exists))
        if entity != "climb_personal" and rm.TABLES[entity] in self._ids:
            self._ids[rm.TABLES[entity]].add(values["id"])

    def flush(self) -> None:
        if not self._pending:
            return
        entity, batch = self._entity, self._pending
        assert entity is not None
        self._pending = []
        normalized = [rm.normalize(entity, values) for _lid, _rid, values, _e in batch]
        self._write_rows(entity, batch, normalized)
        self._write_state(entity, batch, normalized)
        self.written += len(batch)

    def _write_rows(self, entity: str, batch: list[tuple[str, str, dict[str, Any], bool]],
                    normalized: list[dict[str, Any]]) -> None:
        c, table = self.c, rm.TABLES[entity]
        groups: dict[tuple[bool, tuple[str, ...]], list[tuple[Any, ...]]] = {}
        climbs: list[tuple[str, dict[str, Any], bool]] = []
        walls = self._known("walls") if entity == "face" else set()
        for (_lid, _rid, values, exists), vals in zip(batch, normalized, strict=True):
            exists = exists or entity == "climb_personal"  # columns of an existing climb
            cols = tuple(col for col in rm.WRITTEN[entity] if not (exists and col in rm.KEEP_ON_UPDATE.get(entity, ())))
            if entity == "face":
                vals = dict(vals)  # (what is written may differ from the base below)
            if exists:  # a server that does not send a date (an older one) does not erase ours
                cols = tuple(col for col in cols if not (col in _DATES and vals.get(col) is None))
            if entity == "face" and not exists and not vals.get("picture_path"):
                vals["picture_path"] = ""
            if entity == "face" and vals.get("wall_id") and vals["wall_id"] not in walls:
                vals["wall_id"] = None  # a wall this device does not have (yet)
            groups.setdefault((exists, cols), []).append((*(vals[col] for col in cols), values["id"]))
            if entity == "climb":
                climbs.append((values["id"], vals, exists))
        if entity == "climb":  # a climb this device imported under another id gives up its Stokt id
            c.executemany("UPDATE climbs SET stokt_id = NULL WHERE stokt_id = ? AND id != ?",
                          [(v["stokt_id"], cid) for cid, v, exists in climbs if not exists and v.get("stokt_id")])
        for (exists, cols), params in groups.items():
            if exists:
                c.executemany(f"UPDATE {table} SET {', '.join(f'{col} = ?' for col in cols)} WHERE id = ?", params)
            else:
                c.executemany(f"INSERT INTO {table} ({', '.join(cols)}, id) VALUES ({', '.join('?' * (len(cols) + 1))}) "
                              f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{col} = excluded.{col}' for col in cols)}",
                              params)
        if entity == "climb":
            self._write_climb_extras(climbs)

    def _write_climb_extras(self, climbs: list[tuple[str, dict[str, Any], bool]]) -> None:
        c = self.c
        ids = [(cid,) for cid, _v, _e in climbs]
        c.executemany("DELETE FROM climb_trash WHERE climb_id = ?", ids)  # back from the server
        existing = [(cid,) for cid, _v, exists in climbs if exists]  # (a new climb has no index rows yet)
        c.executemany("DELETE FROM climb_holds WHERE climb_id = ?", existing)
        rows.insert_climb_holds(c, [r for cid, v, _e in climbs for r in hold_rows(cid, v["holds_list"], v["grade_ircra"])],
                                fresh=not existing)
        mapped = [(cid, v["stokt_id"]) for cid, v, _e in climbs if v.get("stokt_id")]
        if mapped:
            c.executemany("DELETE FROM id_mappings WHERE entity_type = 'climb' AND ((mastoc_id = ? AND stokt_id != ?) "
                          "OR (stokt_id = ? AND mastoc_id != ?))", [(cid, sid, sid, cid) for cid, sid in mapped])
            now = rows.now_ts()
            c.executemany("INSERT INTO id_mappings (entity_type, mastoc_id, stokt_id, sync_direction, synced_at) "
                          "VALUES ('climb', ?, ?, 'stokt_to_mastoc', ?) ON CONFLICT DO NOTHING",
                          [(cid, sid, now) for cid, sid in mapped])

    def _write_state(self, entity: str, batch: list[tuple[str, str, dict[str, Any], bool]],
                     normalized: list[dict[str, Any]]) -> None:
        c = self.c
        now = write_bases(c, self.backend, entity, [(lid, rid, v) for lid, rid, v, _e in batch], normalized)
        if entity == "list":
            c.executemany("UPDATE climb_lists SET synced_at = ? WHERE id = ?", [(now, lid) for lid, _r, _v, _e in batch])


def write_bases(c: Any, backend: str, entity: str, items: list[tuple[str, str, dict[str, Any]]],
                normalized: list[dict[str, Any]] | None = None) -> str:
    """Record (local_id, remote_id, values) as in sync with `backend` (two executemany, one timestamp,
    returned): the content and edit hashes and the normalized values are the sync's base. `normalized`
    saves normalizing again when the caller has it."""
    now = rows.now_ts()
    norm = normalized if normalized is not None else [rm.normalize(entity, v) for _l, _r, v in items]
    c.executemany("DELETE FROM sync_state WHERE backend = ? AND entity_type = ? AND (local_id = ? OR remote_id = ?)",
                  [(backend, entity, lid, rid) for lid, rid, _v in items])
    edit = entity in rm.EDIT
    c.executemany("INSERT INTO sync_state (backend, entity_type, local_id, remote_id, base_hash, base_edit_hash, "
                  "last_seen_at, base_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  [(backend, entity, lid, rid, rm.content_hash(entity, v), rm.edit_hash(entity, v) if edit else None,
                    now, json.dumps(n, ensure_ascii=False, default=str))
                   for (lid, rid, v), n in zip(items, norm, strict=True)])
    return now
