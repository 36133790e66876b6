"""Schema step (issue 9): the strategy document's names, the sync base's content, name search.

Kept in its own module and appended to `schema.MIGRATIONS`; it migrates stores with data.

- `id_mappings` becomes the strategy document's Stokt mapping: `entity_type, mastoc_id, stokt_id,
  sync_direction` (`stokt_to_mastoc` | `mastoc_to_stokt`), `synced_at`; one row per Stokt id and
  per mastoc id of a type. Existing Stokt rows are kept (directions `both`/`railway` written by
  older versions become `stokt_to_mastoc`: the record came from Stokt). The Railway mapping lives
  in `sync_state` (backend `railway`), which already held every one of those rows.
- `holds.centroid_x` / `centroid_y`: the centroid as numbers, computed by SQLite from
  `centroid_str` (generated columns: every writer keeps them right).
- `sync_state.base_values`: the remote version at the last sync as JSON (local column values), so
  a conflict can show the base next to mine and theirs, field by field.
- `climbs.name_search`: the name folded for accent- and case-insensitive search
  (`mastoc.domain.textfold.fold`, registered as the SQL function `mastoc_fold` on every store
  connection), kept current by triggers on insert and on a change of `name`.
"""

from __future__ import annotations

import sqlite3

from mastoc.domain.textfold import fold

DIRECTIONS = ("stokt_to_mastoc", "mastoc_to_stokt")

_ID_MAPPINGS = """
CREATE TABLE id_mappings_new (
    id INTEGER PRIMARY KEY,
    entity_type TEXT NOT NULL,
    mastoc_id TEXT NOT NULL,
    stokt_id TEXT NOT NULL,
    sync_direction TEXT NOT NULL CHECK (sync_direction IN ('stokt_to_mastoc', 'mastoc_to_stokt')),
    synced_at TEXT,
    UNIQUE (entity_type, stokt_id),
    UNIQUE (entity_type, mastoc_id)
);
INSERT OR IGNORE INTO id_mappings_new (entity_type, mastoc_id, stokt_id, sync_direction, synced_at)
    SELECT entity_type, mastoc_id, remote_id,
           CASE sync_direction WHEN 'mastoc_to_stokt' THEN 'mastoc_to_stokt' ELSE 'stokt_to_mastoc' END, synced_at
    FROM id_mappings WHERE backend = 'stokt' ORDER BY id;
DROP TABLE id_mappings;
ALTER TABLE id_mappings_new RENAME TO id_mappings
"""

_CENTROID = "trim(replace(centroid_str, ',', ' '))"
_HOLDS = f"""
ALTER TABLE holds ADD COLUMN centroid_x REAL GENERATED ALWAYS AS (CASE WHEN instr({_CENTROID}, ' ') > 0
    THEN CAST(substr({_CENTROID}, 1, instr({_CENTROID}, ' ') - 1) AS REAL) END) VIRTUAL;
ALTER TABLE holds ADD COLUMN centroid_y REAL GENERATED ALWAYS AS (CASE WHEN instr({_CENTROID}, ' ') > 0
    THEN CAST(trim(substr({_CENTROID}, instr({_CENTROID}, ' ') + 1)) AS REAL) END) VIRTUAL
"""

_SEARCH = """
ALTER TABLE climbs ADD COLUMN name_search TEXT NOT NULL DEFAULT '';
UPDATE climbs SET name_search = mastoc_fold(name);
CREATE TRIGGER climbs_name_search_insert AFTER INSERT ON climbs BEGIN
    UPDATE climbs SET name_search = mastoc_fold(new.name) WHERE id = new.id;
END;
CREATE TRIGGER climbs_name_search_update AFTER UPDATE OF name ON climbs BEGIN
    UPDATE climbs SET name_search = mastoc_fold(new.name) WHERE id = new.id;
END
"""


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the schema's triggers call (every store connection registers them)."""
    conn.create_function("mastoc_fold", 1, fold, deterministic=True)


def migrate(conn: sqlite3.Connection) -> None:
    register_functions(conn)
    for script in (_ID_MAPPINGS, _HOLDS, _SEARCH):
        for statement in _statements(script):
            conn.execute(statement)
    conn.execute("ALTER TABLE sync_state ADD COLUMN base_values TEXT")


def _statements(script: str) -> list[str]:
    """Statements of `script`; a trigger body (BEGIN … END) stays one statement."""
    out: list[str] = []
    buf = ""
    for part in script.split(";"):
        buf = f"{buf};{part}" if buf else part
        if "BEGIN" in buf and not buf.rstrip().endswith("END"):
            continue
        if buf.strip():
            out.append(buf)
        buf = ""
    return out
