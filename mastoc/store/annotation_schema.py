"""Schema step for hold annotations: the server's consensus per hold, and pulled records kept for later.

Kept in its own module (owned by the annotations work) and appended to `schema.MIGRATIONS`.

- `hold_consensus`: per local hold, the consensus of everyone's annotations as the server last
  reported it (`data`: the JSON of `mastoc.domain.annotations.Consensus.as_dict()`), and when.
  Other people's annotations never reach this device one by one (the server's changes feed gives
  each account only its own); their consensus does.
- `sync_deferred`: records pulled from a server that this device cannot store yet (an annotation or
  a consensus for a hold it does not have): kept as received, with the reason, and applied by a
  later sync once the hold is here — nothing pulled is dropped.
- an index on `hold_annotations(condition)` for the condition-aware search and the maintenance list.
"""

from __future__ import annotations

import sqlite3

V_ANNOTATIONS = """
CREATE TABLE hold_consensus (
    hold_id TEXT PRIMARY KEY REFERENCES holds(id) ON DELETE CASCADE,
    data TEXT NOT NULL,
    updated_at TEXT
);
CREATE TABLE sync_deferred (
    backend TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    data TEXT,
    reason TEXT,
    received_at TEXT NOT NULL,
    PRIMARY KEY (backend, entity_type, remote_id)
);
CREATE INDEX hold_annotations_condition ON hold_annotations(condition, hold_id);
CREATE INDEX hold_annotations_grip ON hold_annotations(grip_type, hold_id)
"""


def migrate(conn: sqlite3.Connection) -> None:
    for statement in V_ANNOTATIONS.split(";"):
        if statement.strip():
            conn.execute(statement)
