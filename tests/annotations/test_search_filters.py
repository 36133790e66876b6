"""Condition- and grip-aware search on the real fixtures, against a plain Python computation."""

from __future__ import annotations

import json

from mastoc.domain import holdslist
from mastoc.edits import annotations as ops
from mastoc.store import annotations as reads
from mastoc.store import search


def _climbs(store):
    return {r[0]: holdslist.parse(r[1]) for r in store.conn.execute("SELECT id, holds_list FROM climbs")}


def test_avoid_condition_removes_exactly_the_climbs_using_a_broken_hold(store, hold_keys):
    broken = hold_keys[::3]
    ops.set_field(store, broken, "condition", "cassee")
    ops.set_field(store, hold_keys[1:3], "condition", "sale")
    nums = {reads.resolve_hold(store.conn, k).num for k in broken}
    expected = {cid for cid, refs in _climbs(store).items() if not any(r.hold in nums for r in refs)}
    got = set(search.search_ids(store.conn, search.ClimbQuery(avoid_conditions=("cassee",))))
    assert got == expected and 0 < len(got) < store.conn.execute("SELECT count(*) FROM climbs").fetchone()[0]
    assert search.count(store.conn, search.ClimbQuery(avoid_conditions=("cassee",), limit=None)) == len(expected)
    page = search.search(store.conn, search.ClimbQuery(avoid_conditions=("cassee",), limit=20))
    assert {r.id for r in page} <= expected and len(page) == 20
    # "sale" holds too
    dirty = nums | {reads.resolve_hold(store.conn, k).num for k in hold_keys[1:3]}
    expected2 = {cid for cid, refs in _climbs(store).items() if not any(r.hold in dirty for r in refs)}
    assert set(search.search_ids(store.conn, search.ClimbQuery(avoid_conditions=("cassee", "sale")))) == expected2


def test_no_grip_ignores_feet_only_uses(store, hold_keys):
    ops.set_field(store, hold_keys[:5], "grip_type", "pince")
    nums = {reads.resolve_hold(store.conn, k).num for k in hold_keys[:5]}
    expected = {cid for cid, refs in _climbs(store).items()
                if not any(r.hold in nums and r.role.value != "F" for r in refs)}
    assert set(search.search_ids(store.conn, search.ClimbQuery(no_grips=("pince",)))) == expected


def test_consensus_from_the_server_counts_unless_mine_says_otherwise(store, hold_keys):
    a, b = (reads.resolve_hold(store.conn, k) for k in hold_keys[:2])
    data = json.dumps({"condition": "tournee", "condition_votes": 2, "condition_confidence": 1.0, "total_annotators": 2})
    with store.transaction() as c:
        c.executemany("INSERT INTO hold_consensus (hold_id, data, updated_at) VALUES (?, ?, '2026-01-01')",
                      [(a.id, data), (b.id, data)])
    ops.mark_fixed(store, [hold_keys[1]])  # I fixed b: mine wins
    assert reads.affected_nums(store.conn, "condition", ("tournee",)) == [a.num]
    warned = reads.climb_warnings(store.conn, [r[0] for r in store.conn.execute(
        "SELECT climb_id FROM climb_holds WHERE hold_num = ?", (a.num,))])
    assert warned and all(w == [reads.Warning(a.num, a.public_id, "condition", "tournee")] for w in warned.values())
    assert [i.reported_by for i in reads.maintenance(store.conn)] == ["consensus (2 of 2)"]
