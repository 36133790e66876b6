"""The local schema and its migrations.

The schema version is SQLite's `PRAGMA user_version`. Each migration is a function run inside one
`BEGIN IMMEDIATE … COMMIT` together with the version bump, so a crash (or `kill -9`) during a
migration leaves the file entirely at the old version or entirely at the new one.

Table and column names follow the seed schema (`gyms`, `faces`, `holds`, `climbs`, `users`,
`climb_lists`, `list_items`, `hold_annotations`, `id_mappings`) so people can query the file.
Timestamps are ISO 8601 strings in UTC with a `+00:00` offset; booleans are 0/1; ids are UUID strings
except `holds.num`/`holds.stokt_id`, integers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from mastoc.domain import holdslist
from mastoc.store import (
    annotation_schema,
    climb_edit_schema,
    lists_schema,
    names_schema,
    scale_schema,
    sync_schema,
    usage_schema,
    walls_schema,
    write_path_schema,
)

V1 = """
CREATE TABLE gyms (
    id TEXT PRIMARY KEY,
    stokt_id TEXT UNIQUE,
    display_name TEXT NOT NULL,
    location_string TEXT,
    source TEXT NOT NULL DEFAULT 'stokt',
    created_at TEXT,
    updated_at TEXT
);
CREATE TABLE walls (
    id TEXT PRIMARY KEY,
    stokt_id TEXT UNIQUE,
    gym_id TEXT NOT NULL REFERENCES gyms(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    angle TEXT,
    is_active INTEGER NOT NULL DEFAULT 1,
    feet_rules TEXT NOT NULL DEFAULT '[]',
    default_feet_rule TEXT,
    source TEXT NOT NULL DEFAULT 'stokt',
    updated_at TEXT
);
CREATE TABLE faces (
    id TEXT PRIMARY KEY,
    stokt_id TEXT UNIQUE,
    gym_id TEXT NOT NULL REFERENCES gyms(id) ON DELETE CASCADE,
    wall_id TEXT REFERENCES walls(id) ON DELETE SET NULL,
    name TEXT,
    picture_path TEXT NOT NULL,
    picture_width INTEGER,
    picture_height INTEGER,
    picture_sha256 TEXT,
    small_picture_path TEXT,
    feet_rules_options TEXT NOT NULL DEFAULT '[]',
    has_symmetry INTEGER NOT NULL DEFAULT 0,
    is_active INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL DEFAULT 'stokt',
    date_modified TEXT,
    created_at TEXT,
    synced_at TEXT,
    updated_at TEXT
);
CREATE TABLE holds (
    id TEXT PRIMARY KEY,
    face_id TEXT NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
    num INTEGER NOT NULL,
    stokt_id INTEGER UNIQUE,
    area TEXT,
    polygon_str TEXT NOT NULL,
    touch_polygon_str TEXT NOT NULL DEFAULT '',
    path_str TEXT NOT NULL DEFAULT '',
    centroid_str TEXT NOT NULL DEFAULT '',
    top_polygon_str TEXT NOT NULL DEFAULT '',
    center_tape_str TEXT NOT NULL DEFAULT '',
    left_tape_str TEXT NOT NULL DEFAULT '',
    right_tape_str TEXT NOT NULL DEFAULT '',
    UNIQUE (face_id, num)
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    stokt_id TEXT UNIQUE,
    full_name TEXT NOT NULL,
    avatar_path TEXT,
    source TEXT NOT NULL DEFAULT 'stokt',
    created_at TEXT
);
CREATE TABLE climbs (
    id TEXT PRIMARY KEY,
    stokt_id TEXT UNIQUE,
    face_id TEXT NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
    setter_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    holds_list TEXT NOT NULL,
    mirror_holds_list TEXT NOT NULL DEFAULT '',
    grade_font TEXT,
    grade_ircra REAL,
    feet_rule TEXT,
    description TEXT,
    tags TEXT NOT NULL DEFAULT '',
    circuit TEXT NOT NULL DEFAULT '',
    is_private INTEGER NOT NULL DEFAULT 0,
    is_benchmark INTEGER NOT NULL DEFAULT 0,
    climbed_by INTEGER NOT NULL DEFAULT 0,
    total_likes INTEGER NOT NULL DEFAULT 0,
    total_comments INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'stokt',
    created_at TEXT,
    updated_at TEXT,
    synced_at TEXT,
    personal_notes TEXT,
    personal_rating INTEGER,
    is_project INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE climb_lists (
    id TEXT PRIMARY KEY,
    stokt_id TEXT UNIQUE,
    user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    description TEXT,
    is_public INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'mastoc',
    created_at TEXT,
    updated_at TEXT
);
CREATE TABLE list_items (
    id TEXT PRIMARY KEY,
    list_id TEXT NOT NULL REFERENCES climb_lists(id) ON DELETE CASCADE,
    climb_id TEXT NOT NULL REFERENCES climbs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    added_at TEXT,
    UNIQUE (list_id, climb_id)
);
CREATE TABLE hold_annotations (
    id TEXT PRIMARY KEY,
    hold_id TEXT NOT NULL REFERENCES holds(id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    grip_type TEXT,
    condition TEXT,
    difficulty TEXT,
    notes TEXT,
    created_at TEXT,
    updated_at TEXT
);
CREATE UNIQUE INDEX hold_annotations_hold_user ON hold_annotations(hold_id, ifnull(user_id, ''));
CREATE TABLE id_mappings (
    id INTEGER PRIMARY KEY,
    entity_type TEXT NOT NULL,
    mastoc_id TEXT NOT NULL,
    backend TEXT NOT NULL DEFAULT 'stokt',
    remote_id TEXT NOT NULL,
    sync_direction TEXT NOT NULL,
    synced_at TEXT,
    UNIQUE (entity_type, backend, remote_id),
    UNIQUE (entity_type, backend, mastoc_id)
);
"""

# Version 2: what search and sync need beyond the seed schema.
V2 = """
CREATE TABLE climb_holds (
    hold_num INTEGER NOT NULL,
    climb_id TEXT NOT NULL REFERENCES climbs(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('S', 'F', 'O', 'T')),
    grade_ircra REAL,
    PRIMARY KEY (hold_num, climb_id, role)
) WITHOUT ROWID;
CREATE INDEX climb_holds_climb ON climb_holds(climb_id);
CREATE INDEX climbs_face_grade ON climbs(face_id, grade_ircra);
CREATE INDEX climbs_setter ON climbs(setter_id);
CREATE INDEX climbs_face_newest ON climbs(face_id, created_at DESC, id);
CREATE INDEX climbs_face_grade_sort ON climbs(face_id, ifnull(grade_ircra, 1e9), name COLLATE NOCASE, id);
CREATE INDEX climbs_face_name ON climbs(face_id, name COLLATE NOCASE, id);
CREATE INDEX climbs_face_popularity ON climbs(face_id, climbed_by DESC, total_likes DESC, id);
CREATE TABLE images (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    media_type TEXT,
    width INTEGER,
    height INTEGER,
    source_name TEXT,
    created_at TEXT
);
CREATE TABLE sync_runs (
    id INTEGER PRIMARY KEY,
    backend TEXT NOT NULL,
    direction TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    counts TEXT NOT NULL DEFAULT '{}',
    message TEXT
);
CREATE TABLE tombstones (
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    deleted_at TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (entity_type, entity_id)
);
ALTER TABLE climbs ADD COLUMN remote_deleted_at TEXT;
"""


def _v1(conn: sqlite3.Connection) -> None:
    _script(conn, V1)


def _v2(conn: sqlite3.Connection) -> None:
    _script(conn, V2)
    # Backfill the climb<->hold index from the climbs already stored.
    rows = conn.execute("SELECT id, holds_list, grade_ircra FROM climbs").fetchall()
    index_rows: list[tuple[int, str, str, float | None]] = []
    for climb_id, text, grade in rows:
        try:
            refs = holdslist.parse(text)
        except holdslist.HoldsListError:
            continue
        index_rows.extend((ref.hold, climb_id, ref.role.value, grade) for ref in refs)
    conn.executemany(
        "INSERT OR IGNORE INTO climb_holds (hold_num, climb_id, role, grade_ircra) VALUES (?, ?, ?, ?)", index_rows
    )


def _script(conn: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the surrounding transaction; run statement by statement instead.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


# Index i holds the migration from version i to version i + 1. Append only.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v1, _v2, sync_schema.v3, sync_schema.v4, climb_edit_schema.migrate, names_schema.migrate,
    walls_schema.v_walls, annotation_schema.migrate, lists_schema.migrate, usage_schema.migrate,
    scale_schema.migrate, write_path_schema.migrate,
]


def latest_version() -> int:
    return len(MIGRATIONS)
