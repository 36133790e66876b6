"""Schema step for personal walls: climbs flagged "uses a changed hold".

`climb_hold_flags` has one row per climb and hold of it that was moved, reshaped or removed after
the climb was set (a wall reset). The climb itself is never altered; the flag says it may no longer
be what its setter meant, until someone clears it (`edits.walls.clear_hold_flags`) or the climb's
holds list changes (a trigger drops its flags then). Appended to `schema.MIGRATIONS`; existing stores simply gain the empty table.
"""

from __future__ import annotations

import sqlite3

V_WALLS = """
CREATE TABLE climb_hold_flags (
    climb_id TEXT NOT NULL REFERENCES climbs(id) ON DELETE CASCADE,
    hold_num INTEGER NOT NULL,
    hold_id TEXT,
    change TEXT NOT NULL CHECK (change IN ('moved', 'reshaped', 'removed')),
    changed_at TEXT NOT NULL,
    PRIMARY KEY (climb_id, hold_num)
);
CREATE INDEX climb_hold_flags_hold ON climb_hold_flags(hold_num);
CREATE TRIGGER climb_hold_flags_cleared AFTER UPDATE OF holds_list ON climbs
WHEN NEW.holds_list IS NOT OLD.holds_list
BEGIN
    DELETE FROM climb_hold_flags WHERE climb_id = NEW.id;
END
"""


def v_walls(conn: sqlite3.Connection) -> None:
    table, index, trigger = V_WALLS.split(";\n", 2)
    for statement in (table, index, trigger):
        conn.execute(statement)
