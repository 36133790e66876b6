"""Sync with Railway from the panel: two devices, one server on real PostgreSQL (the engine's fixtures).
The same climb edited on both: the preview shows the conflict with its three choices; "keep both"
does what it says; the list of runs shows the syncs."""

from __future__ import annotations

from pathlib import Path

from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Source
from mastoc.store.db import Store
from tests.server.conftest import pg_server, pg_template  # noqa: F401
from tests.sync_railway.conftest import LiveServer, device, server, sync  # noqa: F401


def personal_wall_with_a_climb(d: Path) -> str:
    gym, face = new_id(), new_id()
    with Store.open(d) as s:
        with s.transaction() as c:
            c.execute("INSERT INTO gyms (id, display_name, source) VALUES (?, 'Home', 'mastoc')", (gym,))
            c.execute("INSERT INTO faces (id, gym_id, name, picture_path, source) VALUES (?, ?, 'Garage', '', 'mastoc')",
                      (face, gym))
            for n in range(3):
                c.execute("INSERT INTO holds (id, face_id, num, polygon_str, centroid_str) VALUES (?, ?, ?, ?, ?)",
                          (new_id(), face, 1_000_000_000 + n, f"{n},0 {n + 10},0 {n + 10},10", f"{n + 5} 5"))
        cid = new_id()
        s.save_climb(Climb(id=cid, face_id=face, name="Garage traverse", holds_list="S1000000000 O1000000001 T1000000002",
                           grade_font="6A", grade_ircra=15.5, source=Source.MASTOC))
    return cid


def rename(d: Path, cid: str, name: str) -> None:
    with Store.open(d) as s, s.transaction() as c:
        c.execute("UPDATE climbs SET name = ? WHERE id = ?", (name, cid))


def test_conflict_in_the_preview_and_keep_both(qtbot, tmp_path: Path, server: LiveServer, make_panel):  # noqa: F811
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    cid = personal_wall_with_a_climb(a)
    assert sync(a)[1].ok and sync(b)[1].ok
    rename(a, cid, "Name from A")
    assert sync(a)[1].ok
    rename(b, cid, "Name from B")

    panel = make_panel(b, op="railway-sync", backend="railway")
    assert "logged in as" in panel.conn_label.text() and "1 local change waiting" in panel.conn_label.text()
    with qtbot.waitSignal(panel.previewReady, timeout=30_000):
        panel.preview_btn.click()
    conflicts = [r for r in panel.preview_view.row_texts() if r[0] == "conflict"]
    assert len(conflicts) == 1 and "name" in conflicts[0][2]
    assert panel.preview_view.conflict_keys() == [cid]
    compare = {row[0]: row[1:] for row in panel.preview_view.comparison(cid)}
    assert compare["name"][1:] == ("Name from B", "Name from A") and compare["name"][0] not in ("—", "Name from B")
    box = panel.preview_view._choices[cid]
    assert [box.itemText(i) for i in range(box.count())] == ["Decide later", "Keep mine", "Take theirs", "Keep both"]
    assert "1 conflict needs a choice" in panel.message.text()
    panel.preview_view.set_choice(cid, "both")
    with qtbot.waitSignal(panel.runFinished, timeout=30_000) as done:
        panel.run_btn.click()
    assert done.args[0].ok, done.args[0].errors
    with Store.open(b) as s:
        names = sorted(r[0] for r in s.conn.execute("SELECT name FROM climbs"))
    assert len(names) == 2 and "Name from A" in names
    assert any("Name from B" in n for n in names)
    with qtbot.waitSignal(panel.historyLoaded, timeout=10_000):
        panel.tabs.setCurrentIndex(1)
    rows = panel.history_texts()
    assert rows[0][1] == "Railway (mastoc server)" and rows[0][4] == "ok"
    assert len(rows) == 2  # the first sync of B and this one


def test_cancel_mid_railway_upload_then_rerun_finishes(qtbot, tmp_path: Path, server: LiveServer,  # noqa: F811
                                                       fixtures_dir: Path, make_panel):
    from mastoc.sync import operations as ops
    from tests.stokt.standin import StoktStandin

    a = device(tmp_path, "a", server)
    with StoktStandin(fixtures_dir) as standin:
        ops.login("stokt", standin.username, standin.password, standin.url, a)
        assert ops.run(ops.preview(ops.Op.STOKT_IMPORT, a), a).ok
    panel = make_panel(a, op="railway-sync", backend="railway")
    with qtbot.waitSignal(panel.previewReady, timeout=60_000):
        panel.preview_btn.click()
    with qtbot.waitSignal(panel.runFinished, timeout=120_000) as done:
        panel.run_btn.click()
        qtbot.waitUntil(lambda: server.count("climbs") > 0, timeout=60_000)
        panel.cancel_btn.click()
    assert done.args[0].cancelled, done.args[0].message
    on_server = server.count("climbs")
    assert 0 < on_server < 1017
    with Store.open(a) as s:
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert panel.run_btn.isEnabled()
    with qtbot.waitSignal(panel.runFinished, timeout=120_000) as again:
        panel.run_btn.click()  # Run again on the same preview
    assert not again.args[0].cancelled
    assert server.count("climbs") == 1017  # every climb sent, none twice
    # (the engine leaves what changed locally since the preview - here the account's own user row,
    # pulled by the cancelled run - for the next sync, and says so; a fresh preview + run finishes)
    with qtbot.waitSignal(panel.previewReady, timeout=60_000):
        panel.preview_btn.click()
    with qtbot.waitSignal(panel.runFinished, timeout=60_000) as last:
        panel.run_btn.click()
    assert last.args[0].ok, last.args[0].errors
    pv, rep = sync(a)
    assert rep.ok and not pv.items, [(i.entity, i.category, i.title) for i in pv.items][:5]
    with Store.open(a) as s:
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
