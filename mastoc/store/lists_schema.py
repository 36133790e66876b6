"""Schema step for lists and the logbook (owned by the lists work, appended to `schema.MIGRATIONS`).

- `climb_lists.user_id` becomes `owner_id` (the strategy document's name; data kept by the rename),
  plus `list_type` (personal | circuit | project) and `synced_at`.
- `list_items` gains `stokt_id` (an item imported from Stokt), `notes` and `status`
  (todo | in_progress | done).
- `climb_log`: the logbook, one row per session on a climb (date, attempts, sent / flashed, a note);
  rows imported from Stokt's `my-sent-climbs` carry `stokt_key` (unique), so a re-import adds nothing.
"""

from __future__ import annotations

import sqlite3

LISTS = """
ALTER TABLE climb_lists RENAME COLUMN user_id TO owner_id;
ALTER TABLE climb_lists ADD COLUMN list_type TEXT NOT NULL DEFAULT 'personal'
    CHECK (list_type IN ('personal', 'circuit', 'project'));
ALTER TABLE climb_lists ADD COLUMN synced_at TEXT;
ALTER TABLE list_items ADD COLUMN stokt_id TEXT;
ALTER TABLE list_items ADD COLUMN notes TEXT;
ALTER TABLE list_items ADD COLUMN status TEXT NOT NULL DEFAULT 'todo'
    CHECK (status IN ('todo', 'in_progress', 'done'));
CREATE UNIQUE INDEX list_items_stokt ON list_items(stokt_id) WHERE stokt_id IS NOT NULL;
CREATE INDEX list_items_list_position ON list_items(list_id, position);
CREATE INDEX IF NOT EXISTS list_items_climb ON list_items(climb_id);
CREATE TABLE climb_log (
    id TEXT PRIMARY KEY,
    climb_id TEXT NOT NULL REFERENCES climbs(id) ON DELETE CASCADE,
    date TEXT,
    attempts INTEGER CHECK (attempts IS NULL OR attempts >= 0),
    sent INTEGER NOT NULL DEFAULT 0,
    flashed INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    source TEXT NOT NULL DEFAULT 'mastoc',
    stokt_key TEXT UNIQUE,
    created_at TEXT
);
CREATE INDEX climb_log_climb ON climb_log(climb_id, date);
CREATE INDEX climb_log_sent ON climb_log(climb_id) WHERE sent = 1
"""


def migrate(conn: sqlite3.Connection) -> None:
    for statement in LISTS.split(";"):
        if statement.strip():
            conn.execute(statement)
