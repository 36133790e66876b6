"""Schema step for big catalogues (issue 15, 400k climbs): sort indexes that also answer the filters.

Each sort order of `mastoc.store.search` has one index whose leading columns are the order itself
(so a page is an index walk, and keyset paging a seek) and whose trailing columns are what the common
filters test (grade, setter, annotation flags, benchmark): a page of a broad filter walks the index
and tests each entry without reading the table row (a "covering" walk: ~0.3 µs an entry instead of a
row lookup). The newest order sorts `ifnull(created_at, '')`, the same order as before (no date last
when newest first) without NULLs, so its keyset condition stays a plain comparison.

They replace the four sort indexes of schema v2 and `climbs_face_newest_flags` (same number of index
writes per climb); the setter index gains the face, so a setter's count is an index range.
"""

from __future__ import annotations

import sqlite3

FILTER_COLUMNS = "grade_ircra, setter_id, hold_flags, is_benchmark"

STATEMENTS = (
    "DROP INDEX IF EXISTS climbs_face_newest",
    "DROP INDEX IF EXISTS climbs_face_newest_flags",
    "DROP INDEX IF EXISTS climbs_face_grade_sort",
    "DROP INDEX IF EXISTS climbs_face_name",
    "DROP INDEX IF EXISTS climbs_face_popularity",
    "DROP INDEX IF EXISTS climbs_setter",
    # created_at itself too: SQLite 3.40 sees the walk as covering only if the expression's column is there
    f"CREATE INDEX climbs_sort_newest ON climbs(face_id, ifnull(created_at, '') DESC, id, created_at, {FILTER_COLUMNS})",
    "CREATE INDEX climbs_sort_grade ON climbs(face_id, ifnull(grade_ircra, 1e9), name COLLATE NOCASE, id, "
    f"{FILTER_COLUMNS})",
    f"CREATE INDEX climbs_sort_name ON climbs(face_id, name COLLATE NOCASE, id, {FILTER_COLUMNS})",
    f"CREATE INDEX climbs_sort_popularity ON climbs(face_id, climbed_by DESC, total_likes DESC, id, {FILTER_COLUMNS})",
    "CREATE INDEX climbs_setter_face ON climbs(setter_id, face_id)",
)


def migrate(conn: sqlite3.Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
