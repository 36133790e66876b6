"""Schema step for fast bulk writes (issue 15): no per-row trigger program on the import's inserts.

Kept in its own module and appended to `schema.MIGRATIONS`; it changes triggers only (no data), so
stores with data migrate as they are: every value the old triggers kept is still right.

- `climbs_name_search_insert` fires only for an insert that leaves `name_search` at its default
  (`''`): the batch writers (`mastoc.sync.apply`, `db.write_climbs`) set `name_search` to
  `mastoc_fold(name)` in the INSERT itself, so no UPDATE of the row just written is needed; every
  other insert path is folded by the trigger as before. (A guarded trigger still costs ~2 µs a row
  for its WHEN test; the UPDATE it used to run cost ~5 µs more, a second B-tree write per climb.)
- `climb_holds_flags_insert` is dropped: rows enter `climb_holds` only through
  `rows.insert_climb_holds` (enforced by `tests/store/test_hold_usage.py`), which ORs the new rows'
  hold bits into `climbs.hold_flags` itself, once per climb and batch, for the few climbs whose holds
  carry any bits (the trigger's WHEN test alone cost ~10 µs per index row, +60 % on an import's
  writes). The delete trigger (recompute the climb) and the annotation triggers stay.
- `deferred_indexes`: indexes a bulk load dropped to build them once at its end
  (`mastoc.store.bulk.defer_indexes`), with their SQL, so that a load killed halfway still gets
  them back: `Store.open` rebuilds whatever is listed when no import is running.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = (
    "DROP TRIGGER IF EXISTS climbs_name_search_insert",
    "CREATE TRIGGER climbs_name_search_insert AFTER INSERT ON climbs WHEN NEW.name_search = '' BEGIN "
    "UPDATE climbs SET name_search = mastoc_fold(NEW.name) WHERE id = NEW.id; END",
    "DROP TRIGGER IF EXISTS climb_holds_flags_insert",
    "CREATE TABLE deferred_indexes (name TEXT PRIMARY KEY, sql TEXT NOT NULL)",
)


def migrate(conn: sqlite3.Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
