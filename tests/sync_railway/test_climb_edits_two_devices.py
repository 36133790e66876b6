"""Two devices: an edit and a deletion of climbs made on A (through `mastoc.edits.climbs`) reach B
through `mastoc railway sync`; list items of the deleted climb are kept, flagged, on both devices."""

from __future__ import annotations

from pathlib import Path

from mastoc.cli import main
from mastoc.domain.ids import new_id
from mastoc.edits import climbs as ec
from mastoc.store.db import Store
from tests.sync_railway.conftest import LiveServer, device
from tests.sync_railway.test_two_devices import _personal_wall


def _sync(d: Path) -> int:
    return main(["--data-dir", str(d), "railway", "sync"])


def test_an_edit_and_a_deletion_on_a_reach_b(tmp_path: Path, server: LiveServer, capsys):
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    face, _holds = _personal_wall(a)
    lst, item = new_id(), new_id()
    with Store.open(a) as s:
        (kept,) = ec.set_climb(s, ec.ClimbInput(face, "Garage traverse", "S1000000000 O1000000001 T1000000002",
                                                grade="6A")).climbs
        (gone,) = ec.set_climb(s, ec.ClimbInput(face, "Garage dyno", "S1000000000 T1000000002", grade="6C")).climbs
        with s.transaction() as c:
            c.execute("INSERT INTO climb_lists (id, name) VALUES (?, 'Projects')", (lst,))
            c.execute("INSERT INTO list_items (id, list_id, climb_id, position) VALUES (?, ?, ?, 0)", (item, lst, gone))
    assert _sync(a) == 0 and _sync(b) == 0
    with Store.open(b) as s:
        assert s.climb(kept).name == "Garage traverse" and s.climb(gone) is not None
        assert s.conn.execute("SELECT climb_id FROM list_items").fetchall()[0][0] == gone

    with Store.open(a) as s:
        ec.edit_climb(s, kept, name="Garage traverse (left)", holds="S1000000000 T1000000001", grade="6B")
        changes = ec.delete_climb(s, gone)
        assert changes.list_items == {item}
    assert server.count("climbs") == 2
    capsys.readouterr()
    assert _sync(a) == 0
    assert server.count("climbs") == 1
    assert _sync(b) == 0
    capsys.readouterr()
    with Store.open(b) as s:
        c = s.climb(kept)
        assert (c.name, c.holds_list, c.grade_font) == ("Garage traverse (left)", "S1000000000 T1000000001", "6B")
        assert {tuple(r) for r in s.conn.execute("SELECT hold_num, role FROM climb_holds WHERE climb_id = ?",
                                                 (kept,))} == {(1000000000, "S"), (1000000001, "T")}
        assert s.climb(gone) is None
        assert s.conn.execute("SELECT reason FROM tombstones WHERE entity_id = ?", (gone,)).fetchone() is not None
        assert [(f.item_id, f.climb_name) for f in ec.deleted_climb_items(s)] == [(item, "Garage dyno")]
    for d in (a, b):  # settled: the flagged item stays on both devices, nothing more to send
        assert _sync(d) == 0
        with Store.open(d) as s:
            assert [f.item_id for f in ec.deleted_climb_items(s)] == [item]
            from mastoc.sync import railway

            assert railway.local_changes(s.conn) == []
