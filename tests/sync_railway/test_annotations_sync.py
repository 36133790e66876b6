"""Hold annotations through the Railway sync: edits and deletions reach another device, a conflict is
shown like a climb's, the consensus of two accounts reaches both, and an annotation of a hold the
device does not have is kept (with a clear message) until the hold arrives."""

from __future__ import annotations

from pathlib import Path

from mastoc.edits import annotations as edit
from mastoc.store import annotations as reads
from mastoc.store.db import Store
from mastoc.sync import operations as ops
from tests.sync_railway.conftest import LiveServer, device, register, sync
from tests.sync_railway.test_two_devices import _personal_wall


def _mine(d: Path) -> dict[str, tuple]:
    with Store.open(d) as s:
        return {h: (a.grip_type, a.condition, a.notes) for h, a in reads.mine(s.conn).items()}


def _consensus(d: Path, hold: str):
    with Store.open(d) as s:
        return reads.consensus(s.conn, [hold]).get(hold)


def test_edits_and_deletions_reach_the_other_device(tmp_path: Path, server: LiveServer):
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    _face, holds = _personal_wall(a)
    with Store.open(a) as s:
        edit.annotate(s, holds[0], grip_type="pince", condition="tournee", notes="spins")
        edit.set_field(s, holds[1:], "condition", "cassee")
    assert sync(a)[1].ok
    assert sync(b)[1].ok
    assert _mine(b) == {holds[0]: ("pince", "tournee", "spins"), holds[1]: (None, "cassee", None),
                        holds[2]: (None, "cassee", None)}
    assert _consensus(b, holds[0]).condition.value == "tournee" and _consensus(b, holds[0]).total_annotators == 1
    with Store.open(a) as s:
        edit.mark_fixed(s, [holds[1]])
        edit.clear(s, holds[2])
    assert sync(a)[1].ok
    assert server.count("hold_annotations") == 2
    pv, rep = sync(b)
    assert rep.ok, rep.errors
    assert _mine(b) == {holds[0]: ("pince", "tournee", "spins"), holds[1]: (None, "ok", None)}
    assert _consensus(b, holds[2]) is None  # nobody's annotation left on it
    with Store.open(b) as s:
        assert not [r for r in reads.maintenance(s.conn) if r.hold.id == holds[1]]


def test_same_hold_edited_on_two_devices_is_a_conflict_like_a_climb(tmp_path: Path, server: LiveServer):
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    _face, holds = _personal_wall(a)
    with Store.open(a) as s:
        edit.annotate(s, holds[0], condition="sale")
    sync(a)
    sync(b)
    with Store.open(a) as s:
        edit.annotate(s, holds[0], condition="cassee")
    with Store.open(b) as s:
        edit.annotate(s, holds[0], condition="ok", notes="brushed it")
    assert sync(a)[1].ok
    pv, rep = sync(b)
    conflicts = [i for i in pv.items if i.category == "conflict"]
    assert [(i.entity, i.choices) for i in conflicts] == [("hold_annotation", ("mine", "theirs"))]
    assert "1000000000" in conflicts[0].title and not rep.ok and "conflict" in rep.message
    assert _mine(b)[holds[0]] == (None, "ok", "brushed it")  # untouched until decided
    rep = ops.run(pv, b, resolutions={conflicts[0].key: "theirs"})
    assert rep.ok, rep.errors
    assert _mine(b)[holds[0]] == (None, "cassee", None)


def test_two_accounts_meet_in_the_consensus(tmp_path: Path, server: LiveServer):
    a = device(tmp_path, "a", server)
    _face, holds = _personal_wall(a)
    assert sync(a)[1].ok
    register(server.url, "other@example.org", "other", "password-456", "Other")
    c = tmp_path / "c"
    c.mkdir()
    ops.login("railway", "other@example.org", "password-456", url=server.url, data_dir=c)
    assert sync(c)[1].ok  # the wall is public: c has the holds
    with Store.open(a) as s:
        edit.annotate(s, holds[0], grip_type="pince", condition="cassee")
    with Store.open(c) as s:
        edit.annotate(s, holds[0], grip_type="pince", condition="tournee")
    assert sync(a)[1].ok and sync(c)[1].ok and sync(a)[1].ok
    for d in (a, c):
        cons = _consensus(d, holds[0])
        assert cons.total_annotators == 2 and cons.grip_type.value == "pince" and cons.grip_type.votes == 2
        assert cons.condition.value == "cassee" and cons.condition.votes == 1  # tie: the most severe
    assert _mine(a)[holds[0]] == ("pince", "cassee", None) and _mine(c)[holds[0]] == ("pince", "tournee", None)


def test_an_annotation_of_a_hold_this_device_lacks_is_kept_until_the_hold_arrives(tmp_path: Path,
                                                                                  server: LiveServer):
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    _face, holds = _personal_wall(a)
    with Store.open(a) as s:
        edit.annotate(s, holds[1], condition="usee", notes="polished")
    assert sync(a)[1].ok
    hidden = "00000000-0000-4000-8000-000000000000"
    server.sql("UPDATE change_log SET owner_id = :o WHERE entity = 'hold'", o=hidden)  # b will not see the holds
    pv, rep = sync(b)
    assert rep.ok, rep.errors
    assert any("hold 1000000001: that hold is not on this device; kept" in w for w in pv.warnings), pv.warnings
    with Store.open(b) as s:
        assert [tuple(r) for r in s.conn.execute("SELECT entity_type FROM sync_deferred ORDER BY 1")] == [
            ("hold_annotation",), ("hold_consensus",)]
        assert s.conn.execute("SELECT count(*) FROM hold_annotations").fetchone()[0] == 0
    # the holds become visible (as if their face had just been shared): the next sync applies what was kept
    server.sql("UPDATE change_log SET owner_id = NULL, seq = seq + 1000000 WHERE owner_id = :o", o=hidden)
    server.sql("UPDATE change_counter SET value = value + 2000000")
    pv, rep = sync(b)
    assert rep.ok, rep.errors
    assert _mine(b) == {holds[1]: (None, "usee", "polished")}
    assert _consensus(b, holds[1]).condition.value == "usee"
    with Store.open(b) as s:
        assert s.conn.execute("SELECT count(*) FROM sync_deferred").fetchone()[0] == 0
