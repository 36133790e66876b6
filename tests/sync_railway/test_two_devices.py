"""Two devices (two data directories) and one server on real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Source
from mastoc.store.db import Store
from mastoc.sync import operations as ops
from tests.sync_railway.conftest import LiveServer, device, sync


def _personal_wall(d: Path) -> tuple[str, list[str]]:
    """A face drawn in mastoc on device `d`: a gym, a face, three holds."""
    gym, face = new_id(), new_id()
    holds = [new_id() for _ in range(3)]
    with Store.open(d) as s, s.transaction() as c:
        c.execute("INSERT INTO gyms (id, display_name, source) VALUES (?, 'Home', 'mastoc')", (gym,))
        c.execute("INSERT INTO faces (id, gym_id, name, picture_path, source) VALUES (?, ?, 'Garage', '', 'mastoc')",
                  (face, gym))
        for n, h in enumerate(holds):
            c.execute("INSERT INTO holds (id, face_id, num, polygon_str, centroid_str) VALUES (?, ?, ?, ?, ?)",
                      (h, face, 1_000_000_000 + n, f"{n},0 {n + 10},0 {n + 10},10", f"{n + 5} 5"))
    return face, holds


def _climb(d: Path, face: str, name: str = "Garage traverse") -> str:
    cid = new_id()
    with Store.open(d) as s:
        s.save_climb(Climb(id=cid, face_id=face, name=name, holds_list="S1000000000 O1000000001 T1000000002",
                           grade_font="6A", grade_ircra=15.5, source=Source.MASTOC))
    return cid


def test_set_annotate_list_on_a_then_b_has_them_with_the_same_ids(tmp_path: Path, server: LiveServer):
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    face, holds = _personal_wall(a)
    cid = _climb(a, face)
    ann, lst, item = new_id(), new_id(), new_id()
    with Store.open(a) as s, s.transaction() as c:
        c.execute("INSERT INTO hold_annotations (id, hold_id, grip_type, notes) VALUES (?, ?, 'reglette', 'sharp')",
                  (ann, holds[1]))
        c.execute("INSERT INTO climb_lists (id, name) VALUES (?, 'Projects')", (lst,))
        c.execute("INSERT INTO list_items (id, list_id, climb_id, position) VALUES (?, ?, ?, 0)", (item, lst, cid))
    assert ops.status("railway", a).pending_local_changes >= 7

    pv, rep = sync(a)
    assert pv.counts["climb"]["create"] == 1 and pv.counts["hold"]["create"] == 3
    assert rep.ok, rep.errors
    assert ops.status("railway", a).pending_local_changes == 0
    assert server.count("climbs") == 1 and server.count("hold_annotations") == 1 and server.count("list_items") == 1

    pv, rep = sync(b)
    assert rep.ok, rep.errors
    assert pv.counts["climb"]["new"] == 1
    with Store.open(b) as s:
        c = s.climb(cid)
        assert c is not None and c.name == "Garage traverse" and c.holds_list == "S1000000000 O1000000001 T1000000002"
        assert s.conn.execute("SELECT id, grip_type, notes FROM hold_annotations").fetchall()[0][:] == (
            ann, "reglette", "sharp")
        assert s.conn.execute("SELECT hold_id FROM hold_annotations").fetchone()[0] == holds[1]
        assert s.conn.execute("SELECT id, name FROM climb_lists").fetchall()[0][:] == (lst, "Projects")
        assert s.conn.execute("SELECT id, list_id, climb_id FROM list_items").fetchall()[0][:] == (item, lst, cid)
        assert s.face(face) is not None and len(s.holds(face)) == 3
    # A hears back what the server made of its pushes (the personal-walls gym); then nothing is left
    pv, rep = sync(a)
    assert rep.ok and {(i.entity, i.category) for i in pv.items} <= {("gym", "new")}
    for d in (a, b):
        pv, rep = sync(d)
        assert not pv.items, [(i.entity, i.category, i.title) for i in pv.items]
    with Store.open(a) as sa, Store.open(b) as sb:
        for table in ("climbs", "holds", "hold_annotations", "climb_lists", "list_items"):
            ids_a = {r[0] for r in sa.conn.execute(f"SELECT id FROM {table}")}
            assert ids_a == {r[0] for r in sb.conn.execute(f"SELECT id FROM {table}")}, table
        q = "SELECT id, num, polygon_str, centroid_str FROM holds ORDER BY num"
        assert [tuple(r) for r in sa.conn.execute(q)] == [tuple(r) for r in sb.conn.execute(q)]
        for d in (sa, sb):  # the Railway mapping (sync_state) is unique on both sides
            assert d.conn.execute("SELECT count(*) FROM sync_state WHERE backend = 'railway'").fetchone()[0] == \
                d.conn.execute("SELECT count(DISTINCT entity_type || local_id) FROM sync_state "
                               "WHERE backend = 'railway'").fetchone()[0]


def _edit(d: Path, cid: str, **values: object) -> None:
    with Store.open(d) as s, s.transaction() as c:
        for k, v in values.items():
            c.execute(f"UPDATE climbs SET {k} = ? WHERE id = ?", (v, cid))


def _two_edits(tmp_path: Path, server: LiveServer) -> tuple[Path, Path, str]:
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    face, _holds = _personal_wall(a)
    cid = _climb(a, face)
    sync(a)
    sync(b)
    _edit(a, cid, name="Name from A", grade_font="6B")
    assert sync(a)[1].ok
    _edit(b, cid, name="Name from B")
    return a, b, cid


def test_same_climb_edited_on_both_devices_is_a_conflict_until_decided(tmp_path: Path, server: LiveServer):
    a, b, cid = _two_edits(tmp_path, server)
    pv, rep = sync(b)
    conflicts = [i for i in pv.items if i.category == "conflict"]
    assert [(i.key, i.choices) for i in conflicts] == [(cid, ("mine", "theirs", "both"))]
    assert "name" in conflicts[0].detail
    assert not rep.ok and "conflict" in rep.message
    with Store.open(b) as s:
        assert s.climb(cid).name == "Name from B"  # untouched
    assert server.sql("SELECT name FROM climbs WHERE id = :i", i=cid)[0][0] == "Name from A"
    pv, rep = sync(b)  # still there: never resolved silently
    assert [i.key for i in pv.items if i.category == "conflict"] == [cid]


def test_resolve_mine(tmp_path: Path, server: LiveServer):
    a, b, cid = _two_edits(tmp_path, server)
    pv, rep = sync(b, default_resolution="mine")
    assert rep.ok, rep.errors
    assert server.sql("SELECT name FROM climbs WHERE id = :i", i=cid)[0][0] == "Name from B"
    sync(a)
    with Store.open(a) as s:
        assert s.climb(cid).name == "Name from B"
    with Store.open(b) as s:
        assert s.climb(cid).name == "Name from B"
        assert s.conn.execute("SELECT resolution FROM sync_conflicts").fetchone()[0] == "mine"


def test_resolve_theirs(tmp_path: Path, server: LiveServer):
    a, b, cid = _two_edits(tmp_path, server)
    pv = ops.preview(ops.Op.RAILWAY_SYNC, b)
    rep = ops.run(pv, b, resolutions={cid: "theirs"})
    assert rep.ok, rep.errors
    with Store.open(b) as s:
        c = s.climb(cid)
        assert (c.name, c.grade_font) == ("Name from A", "6B")
    assert server.sql("SELECT name FROM climbs WHERE id = :i", i=cid)[0][0] == "Name from A"
    assert not sync(b)[0].items


def test_resolve_both_keeps_mine_as_a_new_climb(tmp_path: Path, server: LiveServer):
    a, b, cid = _two_edits(tmp_path, server)
    pv = ops.preview(ops.Op.RAILWAY_SYNC, b)
    rep = ops.run(pv, b, resolutions={cid: "both"})
    assert rep.ok, rep.errors
    with Store.open(b) as s:
        names = sorted(r[0] for r in s.conn.execute("SELECT name FROM climbs"))
    assert names == ["Name from A", "Name from B (my version)"]
    assert sorted(r[0] for r in server.sql("SELECT name FROM climbs")) == names
    sync(a)
    with Store.open(a) as s:
        assert sorted(r[0] for r in s.conn.execute("SELECT name FROM climbs")) == names


def test_deletions_travel_as_tombstones(tmp_path: Path, server: LiveServer):
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    face, _holds = _personal_wall(a)
    keep, gone = _climb(a, face, "Stays"), _climb(a, face, "Goes")
    sync(a)
    sync(b)
    with Store.open(b) as s, s.transaction() as c:
        c.execute("DELETE FROM climbs WHERE id = ?", (gone,))
    pv, rep = sync(b)
    assert [(i.entity, i.category) for i in pv.items] == [("climb", "delete_remote")] and rep.ok
    assert server.count("climbs") == 1
    pv, rep = sync(a)
    assert ("climb", "deleted_upstream") in {(i.entity, i.category) for i in pv.items}
    with Store.open(a) as s:
        assert s.climb(gone) is None and s.climb(keep) is not None
        assert s.conn.execute("SELECT reason FROM tombstones WHERE entity_id = ?", (gone,)).fetchone()[0]


def test_cancel_mid_run_leaves_a_consistent_store_and_a_rerun_finishes(tmp_path: Path, server: LiveServer):
    a = device(tmp_path, "a", server)
    face, _holds = _personal_wall(a)
    for n in range(6):
        _climb(a, face, f"Climb {n}")
    pv = ops.preview(ops.Op.RAILWAY_SYNC, a)
    steps: list[str] = []
    rep = ops.run(pv, a, progress=lambda p: steps.append(p.step),
                  cancel=lambda: sum("Sending climbs" in s for s in steps) >= 3)
    assert rep.cancelled and not rep.ok and "cancelled" in rep.message
    sent = server.count("climbs")
    assert 0 < sent < 6
    with Store.open(a) as s:
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert ops.history(a)[0]["status"] == "cancelled"
    pv, rep = sync(a)
    assert rep.ok and pv.counts["climb"]["create"] == 6 - sent
    assert server.count("climbs") == 6 and ops.status("railway", a).pending_local_changes == 0


def test_logging_in_to_another_server_sends_everything_there(tmp_path: Path, server: LiveServer,
                                                              pg_server, pg_template):  # noqa: ANN001
    from tests.sync_railway.conftest import start_server

    a = device(tmp_path, "a", server)
    face, _holds = _personal_wall(a)
    _climb(a, face)
    assert sync(a)[1].ok
    other = start_server(pg_server, pg_template, tmp_path / "other")
    try:
        from tests.sync_railway.conftest import EMAIL, PASSWORD

        ops.login("railway", EMAIL, PASSWORD, url=other.url, data_dir=a)
        pv, rep = sync(a)
        assert rep.ok, rep.errors
        assert other.count("climbs") == 1 and other.count("holds") == 3
    finally:
        other.stop()
        other.app.state.engine.dispose()


def test_personal_notes_rating_and_project_flag_travel(tmp_path: Path, server: LiveServer):
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    face, _holds = _personal_wall(a)
    cid = _climb(a, face)
    _edit(a, cid, personal_notes="heel hook at the top", personal_rating=4, is_project=1)
    assert sync(a)[1].ok
    pv, rep = sync(b)
    assert rep.ok, rep.errors
    with Store.open(b) as s:
        c = s.climb(cid)
        assert (c.personal_notes, c.personal_rating, c.is_project) == ("heel hook at the top", 4, True)
    _edit(a, cid, personal_notes="from A")
    assert sync(a)[1].ok
    _edit(b, cid, personal_notes="from B")
    pv, rep = sync(b)
    assert [(i.entity, i.category) for i in pv.items] == [("climb_personal", "conflict")]
    rep = ops.run(ops.preview(ops.Op.RAILWAY_SYNC, b), b, default_resolution="theirs")
    assert rep.ok
    with Store.open(b) as s:
        assert s.climb(cid).personal_notes == "from A"


def test_deleted_here_changed_there_is_a_conflict_both_ways(tmp_path: Path, server: LiveServer):
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    face, _holds = _personal_wall(a)
    one, two = _climb(a, face, "One"), _climb(a, face, "Two")
    sync(a)
    sync(b)
    _edit(a, one, name="One, renamed on A")
    _edit(a, two, name="Two, renamed on A")
    assert sync(a)[1].ok
    with Store.open(b) as s, s.transaction() as c:
        c.execute("DELETE FROM climbs WHERE id IN (?, ?)", (one, two))
    pv = ops.preview(ops.Op.RAILWAY_SYNC, b)
    assert {(i.key, i.category) for i in pv.items} == {(one, "conflict"), (two, "conflict")}
    assert all(i.choices == ("mine", "theirs") for i in pv.items)
    rep = ops.run(pv, b, resolutions={one: "mine", two: "theirs"})
    assert rep.ok, rep.errors
    assert [r[0] for r in server.sql("SELECT name FROM climbs")] == ["Two, renamed on A"]
    with Store.open(b) as s:
        assert s.climb(one) is None and s.climb(two).name == "Two, renamed on A"


def test_keep_both_keeps_the_original_setter_on_the_copy(tmp_path: Path, server: LiveServer):
    """Issue 9 §1: the copy made by "keep both" is credited to whoever set the climb, not to the account
    that synced it (on this device, on the server and on the other device)."""
    from mastoc.domain.ids import id_for_stokt

    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    face, _holds = _personal_wall(a)
    setter = id_for_stokt("user", "5e7b0c1e-0000-4000-8000-000000000001")
    with Store.open(a) as s, s.transaction() as c:
        c.execute("INSERT INTO users (id, stokt_id, full_name, source) VALUES (?, ?, 'Zoé Setter', 'stokt')",
                  (setter, "5e7b0c1e-0000-4000-8000-000000000001"))
    cid = _climb(a, face)
    _edit(a, cid, setter_id=setter)
    assert sync(a)[1].ok
    assert server.sql("SELECT setter_id FROM climbs WHERE id = :i", i=cid)[0][0] == setter
    sync(b)
    _edit(a, cid, name="Name from A")
    assert sync(a)[1].ok
    _edit(b, cid, name="Name from B")
    rep = ops.run(ops.preview(ops.Op.RAILWAY_SYNC, b), b, resolutions={cid: "both"})
    assert rep.ok, rep.errors
    copy = "Name from B (my version)"
    assert server.sql("SELECT setter_id FROM climbs WHERE name = :n", n=copy)[0][0] == setter
    sync(a)
    for d in (a, b):
        with Store.open(d) as s:
            assert s.conn.execute("SELECT setter_id FROM climbs WHERE name = ?", (copy,)).fetchone()[0] == setter


def test_a_conflict_shows_base_mine_and_theirs_field_by_field(tmp_path: Path, server: LiveServer):
    """Issue 9 §5: "keep mine / take theirs" is not a blind choice: the plan keeps the base version's
    content (not only its hash) and every conflict lists each field as base, mine and theirs."""
    a, b, cid = _two_edits(tmp_path, server)
    pv = ops.preview(ops.Op.RAILWAY_SYNC, b)
    (conflict,) = [i for i in pv.items if i.category == "conflict"]
    rows = {f: (base, mine, theirs) for f, base, mine, theirs in conflict.compare}
    assert rows["name"] == ("Garage traverse", "Name from B", "Name from A")
    assert rows["grade_font"] == ("6A", "6A", "6B")
    assert "holds_list" not in rows  # the same everywhere: not listed
    assert pv.as_dict()["items"][[i.key for i in pv.items].index(cid)]["compare"]
