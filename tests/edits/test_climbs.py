"""Climb edit operations on the real fixture store: set, edit, delete, restore, validation, duplicates."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from mastoc.domain import holdslist
from mastoc.domain.ids import new_id
from mastoc.edits import climbs as ec
from mastoc.edits.changes import EditError, NotFoundEditError
from mastoc.store import climb_edit_schema, schema, search
from mastoc.store.db import Store

HOLDS = "S829284 F829104 O829309 T829220"


def _face(store: Store) -> str:
    return next(f.id for f in store.faces() if f.stokt_id)  # the real Stokt face


def _state(store: Store) -> dict[str, Any]:
    """Everything an operation might write, to assert that a refused one wrote nothing."""
    out: dict[str, Any] = dict(store.counts())
    for table in ("tombstones", "climb_trash", "stokt_push_base", "settings"):
        out[table] = store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    out["climb_rows"] = store.conn.execute("SELECT group_concat(name || holds_list || ifnull(updated_at, ''), '|') "
                                           "FROM (SELECT * FROM climbs ORDER BY id)").fetchone()[0]
    return out


def _fixture_climb(store: Store, min_holds: int = 0) -> sqlite3.Row:
    for r in store.conn.execute("SELECT * FROM climbs ORDER BY stokt_id"):
        if len(holdslist.hold_ids(holdslist.parse(r["holds_list"]))) >= min_holds:
            return r
    raise AssertionError("no such fixture climb")


def _other_face_hold(store: Store) -> int:
    gym = store.conn.execute("SELECT id FROM gyms").fetchone()[0]
    face = new_id()
    with store.transaction() as c:
        c.execute("INSERT INTO faces (id, gym_id, name, picture_path, source) VALUES (?, ?, 'Garage', '', 'mastoc')",
                  (face, gym))
        c.execute("INSERT INTO holds (id, face_id, num, polygon_str) VALUES (?, ?, 1000000007, '0,0 1,0 1,1')",
                  (new_id(), face))
    return 1000000007


def test_set_climb_makes_a_local_mastoc_climb(store: Store):
    changes = ec.set_climb(store, ec.ClimbInput(_face(store), "  Mon   bloc ", "T829220 S829284 O829309 F829104",
                                                grade="V4", description=" pour tester "))
    (cid,) = changes.climbs
    climb = store.climb(cid)
    assert climb is not None and climb.source.value == "mastoc" and climb.stokt_id is None
    assert climb.name == "Mon bloc" and climb.holds_list == HOLDS and climb.description == "pour tester"
    assert (climb.grade_font, climb.grade_ircra) == ("6B", 17.75)  # V4's band, stored as Font + IRCRA
    assert climb.feet_rule == store.face(_face(store)).feet_rules_options[0]
    assert ec.push_state(store, climb) == ec.LOCAL_ONLY and ec.set_by_me(store, climb)
    hits = search.search(store.conn, search.ClimbQuery(face_id=climb.face_id, text="Mon bloc"))
    assert [h.id for h in hits] == [cid]


def test_a_hold_both_start_and_top_and_feet_only_holds_are_allowed(store: Store):
    (cid,) = ec.set_climb(store, ec.ClimbInput(_face(store), "Loop", "S829284 T829284 F829104", grade="6A")).climbs
    assert store.climb(cid).holds_list == "S829284 F829104 T829284"


@pytest.mark.parametrize(("name", "holds", "needle"), [
    ("", HOLDS, "needs a name"),
    ("   ", HOLDS, "needs a name"),
    ("x" * 500, HOLDS, "at most 80 characters"),
    ("ab", HOLDS, "at least 3 characters"),
    ("Bloc", "S829284 O1 T829220", "unknown hold(s) on this face: 1"),
    ("Bloc", "S829284 S829285 S829309 T829220", "at most two start holds, got 3"),
    ("Bloc", "S829284 T829220 T829309 T829441", "at most two top holds, got 3"),
    ("Bloc", "O829309 T829220", "at least one start hold"),
    ("Bloc", "S829284 X1", "bad holds list"),
    ("Bloc", "S829284 T1000000007", "belongs to another face (Garage)"),
])
def test_bad_input_is_refused_with_one_line_and_nothing_written(store: Store, name: str, holds: str, needle: str):
    _other_face_hold(store)
    before = _state(store)
    with pytest.raises(EditError) as err:
        ec.set_climb(store, ec.ClimbInput(_face(store), name, holds, grade="6A"))
    assert needle in str(err.value) and "\n" not in str(err.value)
    assert _state(store) == before


def test_bad_grade_feet_rule_and_face(store: Store):
    with pytest.raises(EditError, match="unknown grade"):
        ec.set_climb(store, ec.ClimbInput(_face(store), "Bloc", HOLDS, grade="9Z"))
    with pytest.raises(EditError, match="unknown feet rule 'Jumping'"):
        ec.set_climb(store, ec.ClimbInput(_face(store), "Bloc", HOLDS, feet_rule="Jumping"))
    with pytest.raises(NotFoundEditError):
        ec.set_climb(store, ec.ClimbInput("no-such-face", "Bloc", HOLDS))
    with pytest.raises(NotFoundEditError):
        ec.edit_climb(store, "no-such-climb", name="Other")
    with pytest.raises(EditError, match="unknown climb field"):
        ec.edit_climb(store, _fixture_climb(store)["id"], colour="red")


def test_hold_problems_are_the_live_rules(store: Store):
    face = _face(store)
    assert ec.hold_problems(store, face, HOLDS) == []
    assert ec.hold_problems(store, face, "O829309") == ["a climb needs at least one start hold (S)",
                                                         "a climb needs at least one top hold (T)"]


def test_edit_a_mastoc_climb_holds_and_details(store: Store):
    (cid,) = ec.set_climb(store, ec.ClimbInput(_face(store), "Mon bloc", HOLDS, grade="6A")).climbs
    changes = ec.edit_climb(store, cid, holds="S829284 O829341 T829220", name="Mon bloc 2", grade="hueco:V5",
                            is_private=True)
    assert changes.climbs == {cid}
    c = store.climb(cid)
    assert (c.holds_list, c.name, c.grade_font, c.is_private) == ("S829284 O829341 T829220", "Mon bloc 2", "6C", True)
    index = {tuple(r) for r in store.conn.execute("SELECT hold_num, role FROM climb_holds WHERE climb_id = ?", (cid,))}
    assert index == {(829284, "S"), (829341, "O"), (829220, "T")}
    assert not ec.edit_climb(store, cid, name=" Mon bloc 2 ")  # nothing changed: empty Changes
    with pytest.raises(EditError, match="at most two start"):
        ec.edit_climb(store, cid, holds="S829284 S829285 S829309 T829220")
    assert store.climb(cid).holds_list == "S829284 O829341 T829220"


def test_editing_the_holds_of_someone_elses_climb_is_refused(store: Store):
    row = _fixture_climb(store)
    before = _state(store)
    with pytest.raises(EditError, match="read-only") as err:
        ec.edit_climb(store, row["id"], holds=HOLDS)
    assert "Duplicate and edit" in str(err.value) and _state(store) == before
    # its details are editable locally; Stokt's version is kept as the push base
    ec.edit_climb(store, row["stokt_id"], name="Renamed here")
    climb = store.climb(row["id"])
    assert ec.push_state(store, climb) == ec.CHANGED
    assert ec.changed_since_push(store, row["id"]) == {"name": (row["name"], "Renamed here")}
    assert ec.changed_climb_ids(store) == [row["id"]]
    ec.edit_climb(store, row["id"], name=row["name"])  # back to Stokt's values: no longer changed
    assert ec.changed_since_push(store, row["id"]) == {} and ec.changed_climb_ids(store) == []
    assert ec.push_state(store, store.climb(row["id"])) == ec.IMPORTED


def test_climbs_of_the_recorded_stokt_account_are_mine(store: Store):
    row = _fixture_climb(store)
    account = store.conn.execute("SELECT stokt_id FROM users WHERE id = ?", (row["setter_id"],)).fetchone()[0]
    ec.remember_stokt_account(store, account)
    ec.edit_climb(store, row["id"], holds=HOLDS)
    assert store.climb(row["id"]).holds_list == HOLDS
    assert ec.push_state(store, store.climb(row["id"])) == ec.CHANGED


def _list_with(store: Store, climb_id: str, name: str = "Projects") -> tuple[str, str]:
    lst, item = new_id(), new_id()
    with store.transaction() as c:
        c.execute("INSERT INTO climb_lists (id, name) VALUES (?, ?)", (lst, name))
        c.execute("INSERT INTO list_items (id, list_id, climb_id, position) VALUES (?, ?, ?, 0)", (item, lst, climb_id))
    return lst, item


def test_delete_keeps_list_items_flagged_and_restore_puts_it_back_exactly(store: Store):
    row = _fixture_climb(store)
    lst, item = _list_with(store, row["id"])
    face = row["face_id"]
    total = search.count(store.conn, search.ClimbQuery(face_id=face))
    stats = search.hold_stats(store.conn, face)
    snap = ec.climb_snapshot(store, row["id"])
    changes = ec.delete_climb(store, row["stokt_id"])
    assert changes.deleted_climbs == {row["id"]} and changes.list_items == {item}
    assert changes.messages == (f"{row['name']!r} stays in 1 list(s) (Projects), marked \"climb deleted\"",)
    assert store.climb(row["id"]) is None
    assert search.count(store.conn, search.ClimbQuery(face_id=face)) == total - 1
    some_hold = holdslist.parse(row["holds_list"])[0].hold
    assert search.hold_stats(store.conn, face)[some_hold].count == stats[some_hold].count - 1
    assert store.conn.execute("SELECT id FROM list_items").fetchall()[0][0] == item  # kept
    assert ec.deleted_climb_items(store) == [ec.FlaggedItem(item, lst, "Projects", row["id"], row["name"])]
    assert store.conn.execute("SELECT reason FROM tombstones WHERE entity_type = 'climb' AND entity_id = ?",
                              (row["id"],)).fetchone()[0] == "deleted here"
    assert ec.trashed_stokt_ids(store.conn) == {row["stokt_id"]}

    ec.restore_climb(store, ec.trashed_snapshot(store, row["id"]))
    assert dict(store.conn.execute("SELECT * FROM climbs WHERE id = ?", (row["id"],)).fetchone()) == dict(snap.row)
    assert search.hold_stats(store.conn, face) == stats
    assert ec.deleted_climb_items(store) == [] and ec.trashed_stokt_ids(store.conn) == set()
    assert store.conn.execute("SELECT count(*) FROM tombstones").fetchone()[0] == 0


def test_undo_of_an_edit_is_restore_of_the_snapshot(store: Store):
    row = _fixture_climb(store)
    snap = ec.climb_snapshot(store, row["id"])
    ec.edit_climb(store, row["id"], name="Renamed", description="new words")
    ec.restore_climb(store, snap)
    assert dict(store.conn.execute("SELECT * FROM climbs WHERE id = ?", (row["id"],)).fetchone()) == dict(snap.row)
    assert ec.changed_since_push(store, row["id"]) == {}


def test_redo_of_a_set_recreates_the_same_climb(store: Store):
    (cid,) = ec.set_climb(store, ec.ClimbInput(_face(store), "Mon bloc", HOLDS, grade="6A")).climbs
    snap = ec.climb_snapshot(store, cid)
    ec.delete_climb(store, cid)  # undo
    assert store.climb(cid) is None
    ec.restore_climb(store, snap)  # redo
    assert store.climb(cid).name == "Mon bloc"


# -- duplicates on the real fixtures -----------------------------------------------------------------
def test_a_fixture_climbs_hold_set_re_entered_is_named_as_the_same(store: Store):
    row = _fixture_climb(store, min_holds=10)
    refs = holdslist.parse(row["holds_list"])
    shuffled = " ".join(f"O{r.hold}" for r in refs[1:-1])  # roles ignored
    entered = f"S{refs[0].hold} {shuffled} T{refs[-1].hold}"
    dups = ec.find_duplicates(store, row["face_id"], entered)
    assert dups[0].climb_id == row["id"] and dups[0].kind == "same" and dups[0].jaccard == 1.0
    assert ec.describe(dups[0]).startswith(f"same holds as {row['name']!r}")


def test_a_fixture_climb_with_one_hold_swapped_is_a_near_duplicate(store: Store):
    row = _fixture_climb(store, min_holds=10)
    nums = sorted(holdslist.hold_ids(holdslist.parse(row["holds_list"])))
    unused = next(r[0] for r in store.conn.execute("SELECT num FROM holds WHERE face_id = ? ORDER BY num",
                                                   (row["face_id"],)) if r[0] not in nums)
    swapped = [*nums[:-1], unused]
    dups = ec.find_duplicates(store, row["face_id"], swapped)
    mine = [d for d in dups if d.climb_id == row["id"]]
    n = len(nums)
    assert mine and mine[0].kind == "near" and mine[0].jaccard == round((n - 1) / (n + 1), 4)
    assert dups[0].climb_id == row["id"]
    assert ec.find_duplicates(store, row["face_id"], swapped, exclude=row["id"]) == [
        d for d in dups if d.climb_id != row["id"]]
    assert "% shared" in ec.describe(mine[0])


def test_mirror_duplicate_on_a_symmetric_face(store: Store):
    gym = store.conn.execute("SELECT id FROM gyms").fetchone()[0]
    face = new_id()
    spots = {1000000001: (10, 10), 1000000002: (90, 10), 1000000003: (20, 50), 1000000004: (80, 50),
             1000000005: (30, 90), 1000000006: (70, 90)}
    with store.transaction() as c:
        c.execute("INSERT INTO faces (id, gym_id, name, picture_path, picture_width, picture_height, has_symmetry, "
                  "source) VALUES (?, ?, 'Sym', '', 100, 100, 1, 'mastoc')", (face, gym))
        for num, (x, y) in spots.items():
            c.execute("INSERT INTO holds (id, face_id, num, polygon_str, centroid_str) VALUES (?, ?, ?, ?, ?)",
                      (new_id(), face, num, f"{x},{y} {x + 1},{y} {x + 1},{y + 1}", f"{x} {y}"))
    (left,) = ec.set_climb(store, ec.ClimbInput(face, "Left side", "S1000000001 O1000000003 T1000000005")).climbs
    assert ec.mirrored(store, face, "S1000000001 O1000000003 T1000000005") == "S1000000002 O1000000004 T1000000006"
    dups = ec.find_duplicates(store, face, "S1000000002 O1000000004 T1000000006")
    assert [(d.climb_id, d.kind) for d in dups] == [(left, "mirror")]
    assert ec.find_duplicates(store, face, "S1000000002 O1000000004 T1000000006", mirror=False) == []
    with pytest.raises(EditError, match="no symmetry"):
        ec.mirrored(store, _face(store), HOLDS)


# -- the migration ------------------------------------------------------------------------------------
def test_the_migration_keeps_list_items_and_stops_the_cascade(tmp_path):
    conn = sqlite3.connect(tmp_path / "old.sqlite3", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    step = schema.MIGRATIONS.index(climb_edit_schema.migrate)
    for m in schema.MIGRATIONS[:step]:
        m(conn)
    conn.execute("INSERT INTO gyms (id, display_name) VALUES ('g', 'G')")
    conn.execute("INSERT INTO faces (id, gym_id, picture_path) VALUES ('f', 'g', '')")
    conn.execute("INSERT INTO climbs (id, face_id, name, holds_list) VALUES ('c', 'f', 'Bloc', 'S1 T2')")
    conn.execute("INSERT INTO climb_lists (id, name) VALUES ('l', 'Projects')")
    conn.execute("INSERT INTO list_items (id, list_id, climb_id, position) VALUES ('i', 'l', 'c', 3)")
    conn.execute(f"PRAGMA user_version = {step}")
    conn.close()
    with _open_file(tmp_path / "old.sqlite3") as conn2:
        for m in schema.MIGRATIONS[step:]:
            m(conn2)
        assert conn2.execute("SELECT id, list_id, climb_id, position FROM list_items").fetchall() == [("i", "l", "c", 3)]
        conn2.execute("DELETE FROM climbs WHERE id = 'c'")
        assert conn2.execute("SELECT count(*) FROM list_items").fetchone()[0] == 1  # no cascade any more
        conn2.execute("DELETE FROM climb_lists WHERE id = 'l'")
        assert conn2.execute("SELECT count(*) FROM list_items").fetchone()[0] == 0  # the list still cascades
        with pytest.raises(sqlite3.IntegrityError):  # (list, climb) still unique
            conn2.execute("INSERT INTO climb_lists (id, name) VALUES ('l2', 'B')")
            conn2.execute("INSERT INTO list_items (id, list_id, climb_id) VALUES ('a', 'l2', 'x')")
            conn2.execute("INSERT INTO list_items (id, list_id, climb_id) VALUES ('b', 'l2', 'x')")


class _open_file:
    def __init__(self, path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA foreign_keys = ON")

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def test_duplicates_match_a_brute_force_jaccard_on_the_real_climbs(store: Store):
    import random

    face = _face(store)
    sets = {r[0]: holdslist.hold_ids(holdslist.parse(r[1]))
            for r in store.conn.execute("SELECT id, holds_list FROM climbs WHERE face_id = ?", (face,))}
    nums = [r[0] for r in store.conn.execute("SELECT num FROM holds WHERE face_id = ?", (face,))]
    rng = random.Random(3)
    for cid in rng.sample(sorted(sets), 40):
        wanted = set(sets[cid])
        for _ in range(rng.randint(0, 2)):  # perturb: drop or add a hold
            if rng.random() < 0.5 and len(wanted) > 2:
                wanted.discard(rng.choice(sorted(wanted)))
            else:
                wanted.add(rng.choice(nums))
        brute = {k for k, v in sets.items() if len(v & wanted) / len(v | wanted) >= 0.8}
        found = {d.climb_id for d in ec.find_duplicates(store, face, wanted, limit=10_000)}
        assert found == brute, (cid, sorted(wanted))


def test_duplicate_and_edit_makes_my_own_copy_of_someone_elses_climb(store: Store):
    row = _fixture_climb(store)
    (copy_id,) = ec.set_climb(store, ec.duplicate_input(store, row["id"])).climbs
    copy = store.climb(copy_id)
    assert copy.name == f"{row['name']} (copy)" and copy.holds_list == row["holds_list"] and copy.stokt_id is None
    assert copy.grade_font == row["grade_font"] and ec.set_by_me(store, copy)
    ec.edit_climb(store, copy_id, holds=HOLDS)  # its holds are editable
    assert [d.climb_id for d in ec.find_duplicates(store, row["face_id"], row["holds_list"])] == [row["id"]]


def test_stokt_pending_count_includes_updates_and_deletions(store: Store, data_dir):
    from mastoc.sync import operations as ops

    rows_ = store.conn.execute("SELECT id FROM climbs ORDER BY stokt_id LIMIT 2").fetchall()
    base = ops.status("stokt", store.directory).pending_local_changes
    ec.edit_climb(store, rows_[0][0], name="Renamed here")
    ec.delete_climb(store, rows_[1][0])
    assert ops.status("stokt", store.directory).pending_local_changes == base + 2


def test_an_edit_writes_only_the_changed_columns(store: Store):
    row = _fixture_climb(store)
    with store.transaction() as c:
        c.execute("UPDATE climbs SET personal_notes = 'my beta', is_project = 1 WHERE id = ?", (row["id"],))
    before = dict(store.conn.execute("SELECT * FROM climbs WHERE id = ?", (row["id"],)).fetchone())
    ec.edit_climb(store, row["id"], description="new words")
    after = dict(store.conn.execute("SELECT * FROM climbs WHERE id = ?", (row["id"],)).fetchone())
    assert {k for k in before if before[k] != after[k]} == {"description", "updated_at"}
    assert after["personal_notes"] == "my beta" and after["is_project"] == 1
