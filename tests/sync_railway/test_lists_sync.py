"""Lists between two data directories through a live server: lists, items, type, status and notes
travel; reordering the same list on both devices is a conflict on its order, shown in the preview
(never merged silently) and resolved; a deletion travels."""

from __future__ import annotations

from pathlib import Path

from mastoc.edits import lists as lists_ops
from mastoc.store.db import Store
from mastoc.sync import operations as ops
from tests.sync_railway.conftest import LiveServer, device, register, sync
from tests.sync_railway.test_two_devices import _climb, _personal_wall


def _order(d: Path, lid: str) -> list[str]:
    with Store.open(d) as s:
        return [i.climb_name for i in lists_ops.items(s, lid)]


def test_lists_travel_and_a_reorder_on_both_sides_is_a_conflict(tmp_path: Path, server: LiveServer) -> None:
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    face, _holds = _personal_wall(a)
    c1, c2, c3 = (_climb(a, face, name) for name in ("One", "Two", "Three"))
    with Store.open(a) as s:
        (lid,) = lists_ops.create_list(s, "Winter circuit", list_type="circuit", description="blue tape").lists
        lists_ops.add_items(s, lid, [c1, c2, c3])
        lists_ops.set_status(s, lid, c2, "done")
        lists_ops.set_notes(s, lid, c2, "heel hook")
    assert sync(a)[1].ok
    pv, rep = sync(b)
    assert rep.ok, rep.errors
    with Store.open(b) as s:
        lst = lists_ops.get_list(s, lid)
        assert (lst.name, lst.list_type, lst.description, lst.done) == ("Winter circuit", "circuit", "blue tape", 1)
        assert s.conn.execute("SELECT synced_at FROM climb_lists").fetchone()[0]
        assert [(i.climb_name, i.status, i.notes) for i in lists_ops.items(s, lid)] == [
            ("One", "todo", None), ("Two", "done", "heel hook"), ("Three", "todo", None)]
    sync(a)  # a hears back the server's answers

    with Store.open(a) as s:
        lists_ops.move_item(s, lid, c3, 1)  # Three, One, Two
    assert sync(a)[1].ok
    with Store.open(b) as s:
        lists_ops.move_item(s, lid, c1, 3)  # Two, Three, One
    pv, rep = sync(b)
    conflicts = [i for i in pv.items if i.category == "conflict"]
    assert conflicts and all(i.entity == "list_item" for i in conflicts)
    assert all(i.title.startswith("Order of list Winter circuit: ") for i in conflicts)
    assert any("reordered on both sides (position 3 here, 2 on the server)" in i.detail for i in conflicts)
    assert not rep.ok and "conflict" in rep.message
    assert _order(b, lid) == ["Two", "Three", "One"]  # nothing merged silently
    pv, rep = sync(b)
    assert [i for i in pv.items if i.category == "conflict"]  # still there until decided

    rep = ops.run(pv, b, default_resolution="theirs")
    assert rep.ok, rep.errors
    assert _order(b, lid) == ["Three", "One", "Two"]
    for d in (a, b):
        assert sync(d)[1].ok
    assert _order(a, lid) == _order(b, lid) == ["Three", "One", "Two"]

    # deleting the list on b removes it on a
    with Store.open(b) as s:
        lists_ops.delete_list(s, lid)
    assert sync(b)[1].ok
    assert server.count("climb_lists") == 0 and server.count("list_items") == 0
    assert sync(a)[1].ok
    with Store.open(a) as s:
        assert lists_ops.all_lists(s) == []


def test_a_private_list_stays_with_its_owner(tmp_path: Path, server: LiveServer) -> None:
    """Another account of the server sees a public list, not a private one."""

    a = device(tmp_path, "a", server)
    face, _holds = _personal_wall(a)
    cid = _climb(a, face)
    with Store.open(a) as s:
        (private,) = lists_ops.create_list(s, "Mine only").lists
        (public,) = lists_ops.create_list(s, "Everyone", is_public=True).lists
        lists_ops.add_items(s, private, [cid])
        lists_ops.add_items(s, public, [cid])
    assert sync(a)[1].ok
    register(server.url, "other@example.org", "other", "password-456", "Other")
    b = tmp_path / "b"
    b.mkdir()
    ops.login("railway", "other@example.org", "password-456", url=server.url, data_dir=b)
    pv, rep = sync(b)
    with Store.open(b) as s:
        assert [x.name for x in lists_ops.all_lists(s)] == ["Everyone"]


def test_a_deleted_climb_stays_in_its_lists_flagged_on_both_devices(tmp_path: Path, server: LiveServer) -> None:
    from mastoc.edits import climbs

    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    face, _holds = _personal_wall(a)
    c1, c2 = _climb(a, face, "Gone soon"), _climb(a, face, "Stays")
    with Store.open(a) as s:
        (lid,) = lists_ops.create_list(s, "Projects", list_type="project").lists
        lists_ops.add_items(s, lid, [c1, c2])
    for d in (a, b, a):
        assert sync(d)[1].ok
    with Store.open(a) as s:
        climbs.delete_climb(s, c1)
    for d in (a, a, b, b, a):
        pv, rep = sync(d)
        assert rep.ok, rep.errors
    for d in (a, b):
        with Store.open(d) as s:
            assert [(i.climb_name, i.climb_deleted) for i in lists_ops.items(s, lid)] == [
                ("Gone soon", True), ("Stays", False)], d
            assert s.climb(c1) is None
    pv, _rep = sync(a)
    assert not pv.items, [(i.entity, i.category, i.title) for i in pv.items]
    with Store.open(b) as s:  # until the user removes it
        lists_ops.remove_items(s, lid, [c1])
    assert sync(b)[1].ok
    with Store.open(b) as s:
        assert [i.climb_name for i in lists_ops.items(s, lid)] == ["Stays"]
