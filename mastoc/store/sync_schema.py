"""Schema step 3: per-backend sync state, cursors, push intents and conflict copies.

Kept in its own module (owned by the sync work) and appended to `schema.MIGRATIONS`.

- `sync_state`: one row per mapped entity and backend: the remote id, the content hash of the remote
  version at the last sync (`base_hash`, all mapped fields) and of its user-editable fields
  (`base_edit_hash`, the base of the 3-way conflict check), the full pass that last saw it
  (`seen_pass`), and when it was flagged as deleted upstream.
- `sync_cursors`: small key/value state per backend (resume URL of an interrupted pass, the pass id,
  the time of the last completed full reconciliation, the gym last imported).
- `push_intents`: a climb about to be posted, recorded BEFORE the request so that a crash after the
  backend's answer is reconciled (against the backend's list) instead of posting a duplicate.
- `sync_conflicts`: the losing side of a resolved conflict, as JSON, so nothing is lost silently.

Schema step 4 (`v4`): `settings`, a small key/value table for choices that are not per backend
(the active backend of the sync facade, `mastoc.sync.operations`).
"""

from __future__ import annotations

import sqlite3

V3 = """
CREATE TABLE sync_state (
    backend TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    local_id TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    base_hash TEXT,
    base_edit_hash TEXT,
    seen_pass TEXT,
    last_seen_at TEXT,
    remote_deleted_at TEXT,
    PRIMARY KEY (backend, entity_type, remote_id),
    UNIQUE (backend, entity_type, local_id)
);
CREATE TABLE sync_cursors (
    backend TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (backend, key)
);
CREATE TABLE push_intents (
    id INTEGER PRIMARY KEY,
    backend TEXT NOT NULL,
    climb_id TEXT NOT NULL REFERENCES climbs(id) ON DELETE CASCADE,
    face_remote_id TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    remote_id TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT,
    message TEXT
);
CREATE UNIQUE INDEX push_intents_pending ON push_intents(backend, climb_id) WHERE status = 'pending';
CREATE TABLE sync_conflicts (
    id INTEGER PRIMARY KEY,
    backend TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    local_id TEXT NOT NULL,
    remote_id TEXT,
    local_version TEXT,
    remote_version TEXT,
    resolution TEXT,
    created_at TEXT NOT NULL
);
"""


def v3(conn: sqlite3.Connection) -> None:
    for statement in V3.split(";"):
        if statement.strip():
            conn.execute(statement)


V4 = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT
)
"""


def v4(conn: sqlite3.Connection) -> None:
    conn.execute(V4)
