"""Schema step for editing climbs (owned by `mastoc.edits.climbs`), appended to `schema.MIGRATIONS`.

- `list_items.climb_id` loses its `ON DELETE CASCADE` foreign key: deleting a climb keeps the list
  items that point at it (they are shown flagged "climb deleted" until the user removes them). The
  table is rebuilt from its own stored SQL, so columns other migrations added survive; its indexes
  are re-created, and an index on `climb_id` is added (the flag is a lookup by climb).
- `climb_trash`: one row per climb deleted on this device (or by a pulled deletion): what it was
  (a JSON snapshot of the row, for "undo" and for the flagged list items' names), its Stokt id, and
  when Stokt was told (`stokt_deleted_at`, set by `mastoc stokt push --delete-remote`). While a row
  with a Stokt id and no `stokt_deleted_at` exists, the Stokt import does not bring that climb back.
- `stokt_push_base`: for a climb with a Stokt id edited locally, the values of its editable fields
  at the last push or import (JSON) — "changed since last push to Stokt" is "current != base", and
  the push sends exactly the keys that differ. No row: unchanged since the last push/import.
"""

from __future__ import annotations

import re
import sqlite3

_FK_TO_CLIMBS = re.compile(
    r"(climb_id\s+TEXT\s+NOT\s+NULL)\s+REFERENCES\s+climbs\s*\(\s*id\s*\)(\s+ON\s+DELETE\s+CASCADE)?",
    re.IGNORECASE,
)

TABLES = """
CREATE TABLE climb_trash (
    climb_id TEXT PRIMARY KEY,
    stokt_id TEXT,
    face_id TEXT,
    name TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    deleted_at TEXT NOT NULL,
    stokt_deleted_at TEXT
);
CREATE INDEX climb_trash_stokt ON climb_trash(stokt_id) WHERE stokt_id IS NOT NULL;
CREATE TABLE stokt_push_base (
    climb_id TEXT PRIMARY KEY REFERENCES climbs(id) ON DELETE CASCADE,
    base TEXT NOT NULL,
    recorded_at TEXT NOT NULL
)
"""


def migrate(conn: sqlite3.Connection) -> None:
    _keep_list_items(conn)
    for statement in TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)


def _keep_list_items(conn: sqlite3.Connection) -> None:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'list_items'").fetchone()
    if row is None:
        return
    sql = _FK_TO_CLIMBS.sub(r"\1", row[0])
    indexes = [r[0] for r in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'list_items' AND sql IS NOT NULL")]
    new_sql = re.sub(r"^\s*CREATE\s+TABLE\s+\"?list_items\"?", "CREATE TABLE list_items_rebuilt", sql,
                     count=1, flags=re.IGNORECASE)
    conn.execute(new_sql)
    conn.execute("INSERT INTO list_items_rebuilt SELECT * FROM list_items")
    conn.execute("DROP TABLE list_items")
    conn.execute("ALTER TABLE list_items_rebuilt RENAME TO list_items")
    for index_sql in indexes:
        conn.execute(index_sql)
    conn.execute("CREATE INDEX IF NOT EXISTS list_items_climb ON list_items(climb_id)")
