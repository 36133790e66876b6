"""The bulk write path sets what the insert triggers used to (issue 15, `write_path_schema`):
`climbs.name_search` is folded in the batch INSERT, `climbs.hold_flags` gets its holds' bits from
`rows.insert_climb_holds`; other insert paths are still folded by the guarded trigger; a populated
store of the version before is migrated with its values intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mastoc.domain.models import Climb, Source
from mastoc.domain.textfold import fold
from mastoc.store import annotation_schema, names_schema, schema, write_path_schema
from mastoc.store.db import Store, write_climbs
from mastoc.sync import apply
from mastoc.sync.plan import IMPORT_COLUMNS, ClimbAction

CONDITION = annotation_schema.bit("condition", "sale")
GRIP = annotation_schema.bit("grip_type", "pince")


def _fill(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO gyms (id, display_name) VALUES ('g', 'Gym')")
    conn.execute("INSERT INTO faces (id, gym_id, picture_path) VALUES ('f', 'g', 'p.jpg')")
    for num in (11, 12, 13):
        conn.execute("INSERT INTO holds (id, face_id, num, stokt_id, polygon_str) VALUES (?, 'f', ?, ?, '0,0 1,0 1,1')",
                     (f"h{num}", num, num))
    # hold 11: a condition (any role); hold 12: a grip type (hand roles only)
    conn.execute("INSERT INTO hold_annotations (id, hold_id, condition) VALUES ('a1', 'h11', 'sale')")
    conn.execute("INSERT INTO hold_annotations (id, hold_id, grip_type) VALUES ('a2', 'h12', 'pince')")


def _previous_store(directory: Path) -> None:
    before = schema.MIGRATIONS.index(write_path_schema.migrate)
    directory.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(directory / "mastoc.sqlite3", isolation_level=None)
    names_schema.register_functions(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN")
    for step in schema.MIGRATIONS[:before]:
        step(conn)
    conn.execute(f"PRAGMA user_version = {before}")
    _fill(conn)
    conn.execute("INSERT INTO climbs (id, face_id, name, holds_list) VALUES ('old', 'f', 'Crème Brûlée', 'S11 F12 T13')")
    conn.execute("INSERT INTO climb_holds (hold_num, climb_id, role) VALUES (11, 'old', 'S'), (12, 'old', 'F'), "
                 "(13, 'old', 'T')")
    conn.execute("COMMIT")
    conn.close()


def _triggers(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def _flags(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT id, hold_flags FROM climbs").fetchall())


def _climb(cid: str, name: str, holds: str) -> Climb:
    return Climb(id=cid, face_id="f", name=name, holds_list=holds, source=Source.MASTOC)


def test_a_populated_store_migrates_and_new_writes_get_their_values(tmp_path: Path) -> None:
    _previous_store(tmp_path)
    with Store.open(tmp_path) as s:
        assert s.schema_version() == schema.latest_version()
        assert "climb_holds_flags_insert" not in _triggers(s.conn)
        # the old trigger's values are kept
        assert s.conn.execute("SELECT name_search FROM climbs WHERE id = 'old'").fetchone()[0] == "creme brulee"
        assert _flags(s.conn) == {"old": CONDITION}  # hold 12 is a foothold there: its grip does not count
        with s.transaction() as c:
            write_climbs(c, [_climb("hands", "ÉCHAUFFE", "S12 O13 T11"), _climb("none", "Plain", "S13 T13")])
        assert _flags(s.conn) == {"old": CONDITION, "hands": CONDITION | GRIP, "none": 0}
        # another insert path (no name_search given) is still folded by the guarded trigger
        with s.transaction() as c:
            c.execute("INSERT INTO climbs (id, face_id, name, holds_list) VALUES ('raw', 'f', 'Œuvre', 'S13')")
        names = dict(s.conn.execute("SELECT id, name_search FROM climbs").fetchall())
        assert names == {"old": "creme brulee", "hands": "echauffe", "none": "plain", "raw": "oeuvre"}


def test_the_guarded_trigger_leaves_a_given_name_search_alone(tmp_path: Path) -> None:
    with Store.open(tmp_path) as s, s.transaction() as c:
        _fill(c)
        c.execute("INSERT INTO climbs (id, face_id, name, holds_list, name_search) VALUES ('c', 'f', 'Zèbre', '', 'x')")
        assert c.execute("SELECT name_search FROM climbs").fetchone()[0] == "x"  # no second write of the row
        c.execute("UPDATE climbs SET name = 'Déjà' WHERE id = 'c'")
        assert c.execute("SELECT name_search FROM climbs").fetchone()[0] == "deja"


def test_the_import_batch_path_sets_name_search_flags_and_usage(tmp_path: Path) -> None:
    with Store.open(tmp_path) as s:
        with s.transaction() as c:
            _fill(c)
        actions = []
        for cid, name, holds in (("i1", "Àrête", "S11 F12 T13"), ("i2", "Pince Party", "S12 T12"),
                                 ("i3", "Nothing", "S13 T13")):
            values = dict.fromkeys(IMPORT_COLUMNS)
            values.update(id=cid, stokt_id=f"s-{cid}", face_id="f", name=name, holds_list=holds,
                          mirror_holds_list="", tags="", circuit="", is_private=0, is_benchmark=0, climbed_by=0,
                          total_likes=0, total_comments=0, source="stokt", grade_ircra=12.0)
            actions.append(ClimbAction("new", cid, f"s-{cid}", name, values=values))
        with s.transaction() as c:
            apply.apply_climb_actions(c, actions, now="2026-01-01T00:00:00+00:00")
        rows = {r[0]: (r[1], r[2]) for r in s.conn.execute("SELECT id, name_search, hold_flags FROM climbs")}
        assert rows == {"i1": (fold("Àrête"), CONDITION), "i2": ("pince party", GRIP), "i3": ("nothing", 0)}
        usage = dict(((r[0], r[1]), r[2]) for r in s.conn.execute("SELECT hold_num, grade_key, n FROM hold_grade_usage"))
        assert usage == {(11, 12.0): 1, (12, 12.0): 2, (13, 12.0): 2}  # i2 uses 12 as start and top: once
