"""The annotation edit operations: validation before any write, one transaction, Changes, undo."""

from __future__ import annotations

import pytest

from mastoc.edits import annotations as ops
from mastoc.edits.changes import EditError, NotFoundEditError
from mastoc.store import annotations as reads


def _table(store):
    return store.conn.execute("SELECT hold_id, grip_type, condition, difficulty, notes FROM hold_annotations "
                              "ORDER BY hold_id").fetchall()


def test_annotate_by_stokt_id_sets_and_keeps_fields(store, hold_keys):
    ch = ops.annotate(store, hold_keys[0], grip_type="pince", condition="tournee")
    ref = reads.resolve_hold(store.conn, hold_keys[0])
    assert ch.holds == {ref.id} and len(ch.annotations) == 1
    ops.annotate(store, ref.id, notes="loose bolt")  # by mastoc id; other fields kept
    a = reads.mine(store.conn)[ref.id]
    assert (a.grip_type, a.condition, a.difficulty, a.notes) == ("pince", "tournee", None, "loose bolt")
    assert ops.annotate(store, ref.id, notes="loose bolt") == ops.Changes()  # no change, nothing written


@pytest.mark.parametrize("kwargs, words", [
    ({"grip_type": "pinch"}, "allowed: plat, reglette"),
    ({"condition": "broken"}, "allowed: ok, a_brosser, sale, tournee, usee, cassee"),
    ({"difficulty": "hard"}, "allowed: facile, normale, dure"),
    ({"notes": "x" * 100_000}, "limited to 5000 characters"),
])
def test_bad_values_are_refused_and_nothing_is_written(store, hold_keys, kwargs, words):
    ops.annotate(store, hold_keys[0], grip_type="bac")
    before = _table(store)
    with pytest.raises(EditError, match=words):
        ops.annotate(store, hold_keys[0], **{"condition": "sale", **kwargs})
    with pytest.raises(EditError, match=words):
        ops.set_field(store, hold_keys[:3], next(iter(kwargs)), next(iter(kwargs.values())))
    assert _table(store) == before


def test_unknown_hold_is_not_found_and_a_batch_writes_nothing(store, hold_keys):
    with pytest.raises(NotFoundEditError, match="no hold 999999999"):
        ops.annotate(store, 999999999, condition="sale")
    with pytest.raises(NotFoundEditError):
        ops.set_field(store, [hold_keys[0], "no-such-hold"], "condition", "sale")
    assert _table(store) == []


def test_batch_changes_exactly_the_given_holds_and_restore_undoes(store, hold_keys):
    ops.annotate(store, hold_keys[0], grip_type="bac", notes="keep me")
    ids = [reads.resolve_hold(store.conn, k).id for k in hold_keys[:4]]
    before = ops.snapshot(store, ids)
    ch = ops.set_field(store, hold_keys[:4], "condition", "cassee")
    assert ch.holds == set(ids)
    mine = reads.mine(store.conn)
    assert set(mine) == set(ids) and all(a.condition == "cassee" for a in mine.values())
    assert (mine[ids[0]].grip_type, mine[ids[0]].notes) == ("bac", "keep me")
    ops.restore(store, before)
    mine = reads.mine(store.conn)
    assert set(mine) == {ids[0]} and mine[ids[0]].condition is None and mine[ids[0]].grip_type == "bac"


def test_clear_tombstones_and_reannotating_reuses_the_synced_id(store, hold_keys):
    ops.annotate(store, hold_keys[1], condition="sale")
    ref = reads.resolve_hold(store.conn, hold_keys[1])
    aid = reads.mine(store.conn)[ref.id].id
    with store.transaction() as c:  # as if a sync had sent it
        c.execute("INSERT INTO sync_state (backend, entity_type, local_id, remote_id) VALUES "
                  "('railway', 'hold_annotation', ?, ?)", (aid, f"{ref.num}:{aid}"))
    assert ops.clear(store, hold_keys[1]).annotations == {aid}
    assert store.conn.execute("SELECT count(*) FROM tombstones WHERE entity_id = ?", (aid,)).fetchone()[0] == 1
    ops.annotate(store, hold_keys[1], condition="ok")
    assert reads.mine(store.conn)[ref.id].id == aid
    assert store.conn.execute("SELECT count(*) FROM tombstones WHERE entity_id = ?", (aid,)).fetchone()[0] == 0


def test_mark_fixed_and_the_maintenance_list(store, hold_keys):
    ops.set_field(store, hold_keys[:2], "condition", "tournee")
    ops.annotate(store, hold_keys[2], condition="cassee", notes="cracked")
    items = reads.maintenance(store.conn)
    assert [(i.hold.public_id, i.condition) for i in items] == [
        (hold_keys[2], "cassee"), *sorted([(hold_keys[0], "tournee"), (hold_keys[1], "tournee")])]
    assert items[0].notes == "cracked" and items[0].reported_by == "me" and items[0].reported_at
    ops.mark_fixed(store, [hold_keys[2]])
    assert [i.hold.public_id for i in reads.maintenance(store.conn)] == sorted(hold_keys[:2])
