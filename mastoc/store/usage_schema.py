"""Schema step for hold usage statistics (owned by `mastoc.store.search.hold_stats`).

`hold_grade_usage` counts, per hold and per IRCRA grade (-1 for ungraded climbs), how many climbs
use the hold, exact on every write path (imports, syncs, edits): rows enter `climb_holds` only
through `rows.insert_climb_holds`, which counts each new (hold, climb) pair once per batch; a
trigger removes one when a deleted row leaves its pair with no row (deleted climbs cascade here
too) — a climb using a hold in two roles (start and top) counts once. `climb_holds` rows are
replaced, never updated (an update is refused), and every row of a climb carries that climb's
grade, so the grade of a pair is well defined.

The whole-face heatmap then reads ~30 rows per hold instead of scanning the index table (1.2M
rows at 100k climbs).
"""

from __future__ import annotations

import sqlite3

STATEMENTS = (
    """CREATE TABLE hold_grade_usage (
        hold_num INTEGER NOT NULL,
        grade_key REAL NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (hold_num, grade_key)
    ) WITHOUT ROWID""",
    """INSERT INTO hold_grade_usage (hold_num, grade_key, n)
        SELECT hold_num, ifnull(grade_ircra, -1), count(DISTINCT climb_id) FROM climb_holds
        GROUP BY hold_num, ifnull(grade_ircra, -1)""",
    """CREATE TRIGGER climb_holds_usage_delete AFTER DELETE ON climb_holds
        WHEN NOT EXISTS (SELECT 1 FROM climb_holds x WHERE x.hold_num = OLD.hold_num
                         AND x.climb_id = OLD.climb_id)
        BEGIN
            UPDATE hold_grade_usage SET n = n - 1
            WHERE hold_num = OLD.hold_num AND grade_key = ifnull(OLD.grade_ircra, -1);
        END""",
    """CREATE TRIGGER climb_holds_no_update BEFORE UPDATE ON climb_holds
        BEGIN
            SELECT RAISE(ABORT, 'climb_holds rows are replaced, not updated');
        END""",
)


def migrate(conn: sqlite3.Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
