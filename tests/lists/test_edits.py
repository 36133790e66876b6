"""List and logbook edit operations: validation, uniqueness, order, undo data, nothing half-written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mastoc.edits import lists as ops
from mastoc.edits import logbook
from mastoc.edits.changes import EditError, NotFoundEditError
from mastoc.store import lists_schema, paths, schema
from mastoc.store.db import Store

from .conftest import climb_ids


def _snapshot(store: Store) -> tuple:
    c = store.conn
    return (c.execute("SELECT * FROM climb_lists ORDER BY id").fetchall(),
            c.execute("SELECT * FROM list_items ORDER BY id").fetchall(),
            c.execute("SELECT * FROM tombstones ORDER BY entity_id").fetchall())


def _rows(snap: tuple) -> list:
    return [[tuple(r) for r in part] for part in snap]


def test_create_add_show_in_order(store: Store) -> None:
    ch = ops.create_list(store, "  Winter   circuit ", list_type="circuit", description="blue tape")
    (lid,) = ch.lists
    a, b, c = climb_ids(store, 3)
    ch = ops.add_items(store, lid, [a, b, c])
    assert ch.lists == {lid} and len(ch.list_items) == 3
    lst = ops.find_list(store, "Winter circuit")
    assert (lst.name, lst.list_type, lst.items, lst.description) == ("Winter circuit", "circuit", 3, "blue tape")
    assert [i.climb_id for i in ops.items(store, lid)] == [a, b, c]
    assert [i.position for i in ops.items(store, lid)] == [1, 2, 3]


def test_adding_twice_is_refused_and_writes_nothing(store: Store) -> None:
    (lid,) = ops.create_list(store, "Tonight").lists
    a, b = climb_ids(store, 2)
    ops.add_items(store, lid, [a])
    before = _rows(_snapshot(store))
    with pytest.raises(EditError, match="already in the list Tonight"):
        ops.add_items(store, lid, [b, a])
    assert _rows(_snapshot(store)) == before
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as c:  # the store itself refuses too
        c.execute("INSERT INTO list_items (id, list_id, climb_id) VALUES ('x', ?, ?)", (lid, a))


def test_a_climb_in_several_lists(store: Store) -> None:
    (l1,) = ops.create_list(store, "One").lists
    (l2,) = ops.create_list(store, "Two").lists
    (a,) = climb_ids(store, 1)
    ops.add_items(store, l1, [a])
    ops.add_items(store, l2, [a])
    assert sorted(ops.lists_of_climb(store, a)) == sorted([l1, l2])


@pytest.mark.parametrize("bad", ["", "   ", "x" * 10_000])
def test_bad_names_refused(store: Store, bad: str) -> None:
    before = _rows(_snapshot(store))
    with pytest.raises(EditError, match="name"):
        ops.create_list(store, bad)
    assert _rows(_snapshot(store)) == before


def test_bad_type_status_position(store: Store) -> None:
    with pytest.raises(EditError, match="unknown list type"):
        ops.create_list(store, "x", list_type="tick")
    (lid,) = ops.create_list(store, "L").lists
    a, b = climb_ids(store, 2)
    ops.add_items(store, lid, [a, b])
    before = _rows(_snapshot(store))
    with pytest.raises(EditError, match="unknown status 'finished'"):
        ops.set_status(store, lid, a, "finished")
    with pytest.raises(EditError, match="position 3 is out of range; use 1 to 2"):
        ops.move_item(store, lid, a, 3)
    with pytest.raises(EditError, match="out of range"):
        ops.move_item(store, lid, a, 0)
    with pytest.raises(NotFoundEditError):
        ops.find_list(store, "nope")
    assert _rows(_snapshot(store)) == before


def test_move_status_notes_and_order_undo(store: Store) -> None:
    (lid,) = ops.create_list(store, "L").lists
    a, b, c = climb_ids(store, 3)
    ops.add_items(store, lid, [a, b, c])
    old = ops.item_order(store, lid)
    ch = ops.move_item(store, lid, c, 1)
    assert [i.climb_id for i in ops.items(store, lid)] == [c, a, b]
    assert len(ch.list_items) == 3
    ops.set_order(store, lid, old)
    assert [i.climb_id for i in ops.items(store, lid)] == [a, b, c]
    ops.set_status(store, lid, b, "done")
    ops.set_notes(store, lid, b, "crux is the heel")
    it = ops.items(store, lid)[1]
    assert (it.status, it.notes) == ("done", "crux is the heel")
    assert ops.get_list(store, lid).done == 1


def test_delete_and_restore(store: Store) -> None:
    (lid,) = ops.create_list(store, "Gone", list_type="project").lists
    a, b = climb_ids(store, 2)
    ops.add_items(store, lid, [a, b])
    ops.set_status(store, lid, a, "in_progress")
    before = _rows(_snapshot(store))[:2]
    snap = ops.snapshot_list(store, lid)
    ch = ops.delete_list(store, lid)
    assert ch.lists == {lid} and len(ch.list_items) == 2
    assert store.conn.execute("SELECT count(*) FROM tombstones WHERE entity_type IN ('list', 'list_item')").fetchone()[0] == 3
    ops.restore_list(store, snap)
    assert _rows(_snapshot(store))[:2] == before
    assert store.conn.execute("SELECT count(*) FROM tombstones").fetchone()[0] == 0


def test_remove_and_restore_items(store: Store) -> None:
    (lid,) = ops.create_list(store, "L").lists
    a, b, c = climb_ids(store, 3)
    ops.add_items(store, lid, [a, b, c])
    ops.set_notes(store, lid, b, "note")
    rows_ = ops.snapshot_items(store, lid, [b])
    ops.remove_items(store, lid, [b])
    assert [i.climb_id for i in ops.items(store, lid)] == [a, c]
    ops.restore_items(store, rows_)
    its = ops.items(store, lid)
    assert [i.climb_id for i in its] == [a, b, c] and its[1].notes == "note"


def test_personal_fields_and_logbook(store: Store) -> None:
    (a,) = climb_ids(store, 1)
    logbook.set_personal(store, a, is_project=True, personal_notes="left hand first", personal_rating=4)
    assert logbook.personal(store, a) == {"is_project": True, "personal_notes": "left hand first", "personal_rating": 4}
    with pytest.raises(EditError, match="1 to 5"):
        logbook.set_personal(store, a, personal_rating=6)
    logbook.add_session(store, a, date="2026-11-30", attempts=5, note="close")
    logbook.add_session(store, a, date="2026-12-01", attempts=1, flashed=True)
    s = logbook.sessions(store, a)
    assert [(x.date, x.attempts, x.sent, x.flashed) for x in s] == [("2026-12-01", 1, True, True), ("2026-11-30", 5, False, False)]
    assert logbook.sent_climbs(store) == {a}
    with pytest.raises(EditError, match="YYYY-MM-DD"):
        logbook.add_session(store, a, date="yesterday")
    row = logbook.session_row(store, s[0].id)
    logbook.delete_session(store, s[0].id)
    assert logbook.sent_climbs(store) == set()
    logbook.restore_session(store, row)
    assert logbook.sent_climbs(store) == {a}


def test_migration_keeps_existing_lists(tmp_path: Path) -> None:
    """A store at the previous version, with a list, migrates: user_id becomes owner_id, data kept."""
    d = tmp_path / "old"
    d.mkdir()
    c = sqlite3.connect(paths.db_path(d), isolation_level=None)
    for version in range(schema.MIGRATIONS.index(lists_schema.migrate)):
        c.execute("BEGIN IMMEDIATE")
        schema.MIGRATIONS[version](c)
        c.execute(f"PRAGMA user_version = {version + 1}")
        c.execute("COMMIT")
    c.execute("INSERT INTO gyms (id, display_name) VALUES ('g', 'G')")
    c.execute("INSERT INTO faces (id, gym_id, picture_path) VALUES ('f', 'g', 'p')")
    c.execute("INSERT INTO users (id, full_name) VALUES ('u', 'Me')")
    c.execute("INSERT INTO climbs (id, face_id, name, holds_list) VALUES ('c', 'f', 'C', 'S1 T2')")
    c.execute("INSERT INTO climb_lists (id, user_id, name) VALUES ('l', 'u', 'Old list')")
    c.execute("INSERT INTO list_items (id, list_id, climb_id, position) VALUES ('i', 'l', 'c', 0)")
    c.close()
    with Store.open(d) as s:
        assert s.schema_version() == schema.latest_version()
        r = s.conn.execute("SELECT owner_id, name, list_type, synced_at FROM climb_lists").fetchone()
        assert tuple(r) == ("u", "Old list", "personal", None)
        r = s.conn.execute("SELECT status, notes, stokt_id FROM list_items").fetchone()
        assert tuple(r) == ("todo", None, None)
        assert s.conn.execute("SELECT count(*) FROM climb_log").fetchone()[0] == 0


def test_deleting_a_climb_keeps_its_item_flagged(store: Store) -> None:
    from mastoc.edits import climbs

    (lid,) = ops.create_list(store, "L").lists
    a, b = climb_ids(store, 2)
    ops.add_items(store, lid, [a, b])
    name = store.conn.execute("SELECT name FROM climbs WHERE id = ?", (a,)).fetchone()[0]
    ch = climbs.delete_climb(store, a)
    assert ch.list_items and "climb deleted" in ch.messages[0]
    its = ops.items(store, lid)
    assert [(i.climb_name, i.climb_deleted) for i in its][0] == (name, True) and not its[1].climb_deleted
    ops.remove_items(store, lid, [a])  # until the user removes it
    assert [i.climb_id for i in ops.items(store, lid)] == [b]
