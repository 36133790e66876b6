"""`climbs.hold_flags` stays right whoever writes: climb edits, annotation edits, the server's consensus,
and the migration of a store that already has annotations."""

from __future__ import annotations

import json
import shutil
import sqlite3

from mastoc.domain import holdslist
from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Source
from mastoc.edits import annotations as ops
from mastoc.store import annotation_schema, schema, search
from mastoc.store import annotations as reads
from mastoc.store.db import Store, write_climbs


def _ids(store, **kw):
    return set(search.search_ids(store.conn, search.ClimbQuery(**kw)))


def _expected(store, nums, hands_only=False):
    out = set()
    for cid, text in store.conn.execute("SELECT id, holds_list FROM climbs"):
        if not any(r.hold in nums and not (hands_only and r.role.value == "F") for r in holdslist.parse(text)):
            out.add(cid)
    return out


def test_climbs_written_or_edited_after_the_annotation(store, hold_keys):
    a = reads.resolve_hold(store.conn, hold_keys[0])
    b = reads.resolve_hold(store.conn, hold_keys[1])
    ops.annotate(store, a.id, condition="tournee")
    climb = Climb(id=new_id(), face_id=a.face_id, name="new one", holds_list=f"S{b.num} O{a.num} T{b.num}",
                  source=Source.MASTOC)
    with store.transaction() as c:
        write_climbs(c, [climb])
    assert climb.id not in _ids(store, avoid_conditions=("tournee",))
    climb.holds_list = f"S{b.num} T{b.num}"
    with store.transaction() as c:
        write_climbs(c, [climb])
    assert climb.id in _ids(store, avoid_conditions=("tournee",))
    assert _ids(store, avoid_conditions=("tournee",)) == _expected(store, {a.num})


def test_feet_only_use_does_not_count_for_grips(store, hold_keys):
    a = reads.resolve_hold(store.conn, hold_keys[0])
    ops.annotate(store, a.id, grip_type="pince", condition="sale")
    assert _ids(store, no_grips=("pince",)) == _expected(store, {a.num}, hands_only=True)
    assert _ids(store, avoid_conditions=("sale",)) == _expected(store, {a.num})
    ops.annotate(store, a.id, grip_type="bac")
    assert _ids(store, no_grips=("pince",)) == _expected(store, set())


def test_consensus_counts_and_mine_overrides(store, hold_keys):
    a, b = (reads.resolve_hold(store.conn, k) for k in hold_keys[:2])
    data = json.dumps({"condition": "cassee", "condition_votes": 3, "total_annotators": 3})
    with store.transaction() as c:
        c.executemany("INSERT INTO hold_consensus (hold_id, data) VALUES (?, ?)", [(a.id, data), (b.id, data)])
    assert _ids(store, avoid_conditions=("cassee",)) == _expected(store, {a.num, b.num})
    ops.mark_fixed(store, [b.id])
    assert _ids(store, avoid_conditions=("cassee",)) == _expected(store, {a.num})
    ops.clear(store, b.id)
    with store.transaction() as c:
        c.execute("DELETE FROM hold_consensus WHERE hold_id = ?", (a.id,))
    assert _ids(store, avoid_conditions=("cassee",)) == _expected(store, {b.num})


def test_migration_backfills_a_store_that_has_annotations(store_dir, hold_keys, tmp_path):
    step = schema.MIGRATIONS.index(annotation_schema.migrate)
    with Store.open(store_dir) as s:
        hold = reads.resolve_hold(s.conn, hold_keys[0])
    # the loaded real data in a store built by the steps before this one, with an annotation
    fresh = tmp_path / "fresh.sqlite3"
    src = sqlite3.connect(store_dir / "mastoc.sqlite3")
    dst = sqlite3.connect(fresh)
    for m in schema.MIGRATIONS[:step]:
        dst.execute("BEGIN")
        m(dst)
        dst.execute("COMMIT")
    for table in ("gyms", "walls", "faces", "holds", "users", "climbs", "climb_holds"):
        cols = [r[1] for r in dst.execute(f"PRAGMA table_info({table})")]
        rows = src.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
        dst.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
    dst.execute("INSERT INTO hold_annotations (id, hold_id, condition) VALUES ('a1', ?, 'cassee')", (hold.id,))
    dst.execute(f"PRAGMA user_version = {step}")
    dst.commit()
    dst.close()
    src.close()
    target = tmp_path / "migrated"
    target.mkdir()
    shutil.copy(fresh, target / "mastoc.sqlite3")
    with Store.open(target) as s:
        assert s.schema_version() == schema.latest_version()
        assert _ids(s, avoid_conditions=("cassee",)) == _expected(s, {hold.num})
        assert 0 < len(_ids(s, avoid_conditions=("cassee",))) < s.conn.execute("SELECT count(*) FROM climbs").fetchone()[0]


def test_flagged_climbs_are_exactly_the_climbs_using_a_hold_in_a_bad_condition(store, hold_keys):
    a, b, c = (reads.resolve_hold(store.conn, k) for k in hold_keys[:3])
    face = a.face_id
    assert reads.flagged_climbs(store.conn, face) == {}
    ops.annotate(store, a.id, condition="cassee")
    ops.annotate(store, b.id, grip_type="pince")  # a grip type is no warning
    ops.annotate(store, c.id, condition="ok")
    assert set(reads.flagged_climbs(store.conn, face)) == _expected_using(store, {a.num}) != set()
    ops.annotate(store, c.id, condition="tournee")
    assert set(reads.flagged_climbs(store.conn, face)) == _expected_using(store, {a.num, c.num})


def _expected_using(store, nums):
    return {cid for cid, text in store.conn.execute("SELECT id, holds_list FROM climbs")
            if any(r.hold in nums for r in holdslist.parse(text))}
