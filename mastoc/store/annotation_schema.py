"""Schema step for hold annotations: the server's consensus, deferred pulls, and per-climb flags.

Kept in its own module (owned by the annotations work) and appended to `schema.MIGRATIONS`.

- `hold_consensus`: per local hold, the consensus of everyone's annotations as the server last
  reported it (`data`: the JSON of `mastoc.domain.annotations.Consensus.as_dict()`), and when.
  Other people's annotations never reach this device one by one (the server's changes feed gives
  each account only its own); their consensus does.
- `sync_deferred`: records pulled from a server that this device cannot store yet (an annotation or
  a consensus for a hold it does not have): kept as received, with the reason, and applied by a
  later sync once the hold is here — nothing pulled is dropped.
- `climbs.hold_flags`: a bit mask of the effective conditions (bit `i` = `CONDITIONS[i]`, any role)
  and grip types (bit `8 + j` = `GRIP_TYPES[j]`, hand roles only) of the climb's holds, so the
  condition- and grip-aware search is one integer test per climb (`(hold_flags & ?) = 0`). The
  effective value of a hold is mine (`hold_annotations.user_id` NULL) when given, else the server's
  consensus; `hold_flags` (table) holds the bits of the holds that have any. SQLite triggers keep
  both current whoever writes (annotation edits, the sync, climb edits and imports): a climb's
  index rows add their hold's bits on insert (done by `rows.insert_climb_holds` since
  `write_path_schema` dropped that trigger) and recompute the climb on delete; an annotation or
  consensus change recomputes its hold and the climbs using it. An index on (face_id, hold_flags)
  lets a filtered count read the index alone, and one on the default sort (newest) carrying
  `hold_flags` lets a page skip excluded climbs in the index, even when most climbs are excluded.
"""

from __future__ import annotations

import sqlite3

from mastoc.domain.models import CONDITIONS, GRIP_TYPES

GRIP_BIT_OFFSET = 8


def bit(dimension: str, value: str) -> int:
    if dimension == "condition":
        return 1 << CONDITIONS.index(value)
    return 1 << (GRIP_BIT_OFFSET + GRIP_TYPES.index(value))


TABLES = """
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
CREATE TABLE annotation_bits (
    dimension TEXT NOT NULL,
    value TEXT NOT NULL,
    bit INTEGER NOT NULL,
    PRIMARY KEY (dimension, value)
);
CREATE TABLE hold_flags (
    num INTEGER PRIMARY KEY,
    bits INTEGER NOT NULL,
    hand_bits INTEGER NOT NULL
);
ALTER TABLE climbs ADD COLUMN hold_flags INTEGER NOT NULL DEFAULT 0;
CREATE INDEX climbs_face_flags ON climbs(face_id, hold_flags);
CREATE INDEX climbs_face_newest_flags ON climbs(face_id, created_at DESC, id, hold_flags);
CREATE VIEW hold_flags_effective AS
SELECT h.id AS hold_id, h.num AS num,
    ifnull((SELECT b.bit FROM annotation_bits b WHERE b.dimension = 'condition' AND b.value = coalesce(
        (SELECT a.condition FROM hold_annotations a WHERE a.hold_id = h.id AND a.user_id IS NULL),
        (SELECT json_extract(c.data, '$.condition') FROM hold_consensus c WHERE c.hold_id = h.id))), 0) AS bits,
    ifnull((SELECT b.bit FROM annotation_bits b WHERE b.dimension = 'grip_type' AND b.value = coalesce(
        (SELECT a.grip_type FROM hold_annotations a WHERE a.hold_id = h.id AND a.user_id IS NULL),
        (SELECT json_extract(c.data, '$.grip_type') FROM hold_consensus c WHERE c.hold_id = h.id))), 0) AS hand_bits
FROM holds h
"""

# a climb's mask: the OR of its rows' single bits (UNION keeps each bit once, so the sum is the OR)
_CLIMB_MASK = """(SELECT ifnull(sum(m.b), 0) FROM (
    SELECT f.bits AS b FROM climb_holds ch JOIN hold_flags f ON f.num = ch.hold_num WHERE ch.climb_id = {climb}
    UNION SELECT f.hand_bits FROM climb_holds ch JOIN hold_flags f ON f.num = ch.hold_num
          WHERE ch.climb_id = {climb} AND ch.role != 'F') AS m)"""

_REFRESH_HOLD = """
    DELETE FROM hold_flags WHERE num = (SELECT num FROM holds WHERE id = {hold});
    INSERT INTO hold_flags (num, bits, hand_bits)
        SELECT num, bits, hand_bits FROM hold_flags_effective WHERE hold_id = {hold} AND (bits != 0 OR hand_bits != 0);
    UPDATE climbs SET hold_flags = """ + _CLIMB_MASK.format(climb="climbs.id") + """
        WHERE id IN (SELECT climb_id FROM climb_holds WHERE hold_num = (SELECT num FROM holds WHERE id = {hold}));"""


def _triggers() -> list[str]:
    out = [
        "CREATE TRIGGER climb_holds_flags_insert AFTER INSERT ON climb_holds "
        "WHEN EXISTS (SELECT 1 FROM hold_flags WHERE num = NEW.hold_num) BEGIN "
        "UPDATE climbs SET hold_flags = hold_flags | (SELECT bits | CASE WHEN NEW.role != 'F' THEN hand_bits ELSE 0 END "
        "FROM hold_flags WHERE num = NEW.hold_num) WHERE id = NEW.climb_id; END",
        "CREATE TRIGGER climb_holds_flags_delete AFTER DELETE ON climb_holds "
        "WHEN EXISTS (SELECT 1 FROM hold_flags WHERE num = OLD.hold_num) BEGIN "
        f"UPDATE climbs SET hold_flags = {_CLIMB_MASK.format(climb='OLD.climb_id')} WHERE id = OLD.climb_id; END",
    ]
    for table in ("hold_annotations", "hold_consensus"):
        out.append(f"CREATE TRIGGER {table}_flags_insert AFTER INSERT ON {table} BEGIN "
                   f"{_REFRESH_HOLD.format(hold='NEW.hold_id')} END")
        out.append(f"CREATE TRIGGER {table}_flags_delete AFTER DELETE ON {table} BEGIN "
                   f"{_REFRESH_HOLD.format(hold='OLD.hold_id')} END")
        out.append(f"CREATE TRIGGER {table}_flags_update AFTER UPDATE ON {table} BEGIN "
                   f"{_REFRESH_HOLD.format(hold='OLD.hold_id')}{_REFRESH_HOLD.format(hold='NEW.hold_id')} END")
    return out


def migrate(conn: sqlite3.Connection) -> None:
    for statement in TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.executemany("INSERT INTO annotation_bits (dimension, value, bit) VALUES (?, ?, ?)",
                     [("condition", v, bit("condition", v)) for v in CONDITIONS]
                     + [("grip_type", v, bit("grip_type", v)) for v in GRIP_TYPES])
    for trigger in _triggers():
        conn.execute(trigger)
    # existing annotations: their holds' bits, then the climbs using those holds
    conn.execute("INSERT INTO hold_flags (num, bits, hand_bits) SELECT num, bits, hand_bits FROM hold_flags_effective "
                 "WHERE bits != 0 OR hand_bits != 0")
    conn.execute(f"UPDATE climbs SET hold_flags = {_CLIMB_MASK.format(climb='climbs.id')} "
                 "WHERE id IN (SELECT climb_id FROM climb_holds WHERE hold_num IN (SELECT num FROM hold_flags))")
