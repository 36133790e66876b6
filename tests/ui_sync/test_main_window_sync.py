"""The Sync panel inside the main window: menu and first-start buttons open it on the right operation,
and after a run the wall and the climb list refresh without a restart."""

from __future__ import annotations

import json
from pathlib import Path

from mastoc.store.db import Store
from mastoc.sync import operations as ops
from mastoc.ui import first_start
from tests.stokt.standin import FACE_ID, StoktStandin


def _panel(qtbot, w):
    qtbot.waitUntil(lambda: getattr(w, "sync_panel", None) is not None and w.sync_panel.status is not None,
                    timeout=10_000)
    return w.sync_panel


def test_first_start_buttons_open_the_panel_on_the_right_operation(qtbot, data_dir: Path, open_window):
    with Store.open(data_dir) as st:
        first_start.ensure_demo(st)
    w = open_window(data_dir)
    assert w.welcome.isVisible()
    w.welcome.stokt_btn.click()
    panel = _panel(qtbot, w)
    qtbot.waitUntil(lambda: panel.current_op() == "stokt-import" and panel.status.backend == "stokt", timeout=10_000)
    assert ops.active_backend(data_dir) == "stokt"
    assert panel.isVisible()
    with qtbot.waitSignal(panel.statusLoaded, timeout=10_000):
        w.welcome.server_btn.click()
    qtbot.waitUntil(lambda: panel.current_op() == "railway-sync" and panel.status.backend == "railway",
                    timeout=10_000)
    assert ops.active_backend(data_dir) == "railway"
    assert panel.backend_box.currentData() == "railway"
    panel.tasks.wait(10_000)


def test_sync_menu_shortcut(qtbot, data_dir: Path, open_window):
    w = open_window(data_dir)
    assert w.act_sync.shortcut().toString() == "Ctrl+Shift+S"
    w.act_sync.trigger()
    panel = _panel(qtbot, w)
    assert panel.current_op() == "railway-sync"  # Railway is the default backend
    panel.tasks.wait(10_000)


def test_after_an_import_the_wall_and_list_refresh(qtbot, data_dir: Path, fixtures_dir: Path, open_window):
    with Store.open(data_dir) as st:
        first_start.ensure_demo(st)
    with StoktStandin(fixtures_dir) as standin:
        ops.login("stokt", standin.username, standin.password, standin.url, data_dir)
        w = open_window(data_dir)
        demo_rows = w.model.total
        w.import_from_stokt()
        panel = _panel(qtbot, w)
        qtbot.waitUntil(lambda: panel.current_op() == "stokt-import" and panel.preview_btn.isEnabled(), timeout=10_000)
        with qtbot.waitSignal(panel.previewReady, timeout=30_000):
            panel.preview_btn.click()
        with qtbot.waitSignal(w.faceLoaded, timeout=60_000) as loaded:
            panel.run_btn.click()
        assert w.face is not None and w.face.stokt_id == FACE_ID and loaded.args[0] == w.face.id
        qtbot.waitUntil(lambda: w.model.total == 1017, timeout=20_000)
        assert demo_rows != 1017
        assert len(w.scene.holds) == 776
        # an upstream rename reaches the list at the next import, without rebuilding the wall
        first = json.loads((fixtures_dir / "climbs_page_1.json").read_text(encoding="utf-8"))["results"][0]
        standin.edit_climb(first["id"], name="Renamed upstream")
        qtbot.waitUntil(lambda: not panel.busy and panel.preview_btn.isEnabled(), timeout=10_000)
        with qtbot.waitSignal(panel.previewReady, timeout=30_000):
            panel.preview_btn.click()
        assert [r[1] for r in panel.preview_view.row_texts() if r[0] == "updated"] == ["Renamed upstream"]
        with qtbot.assertNotEmitted(w.faceLoaded, wait=500), qtbot.waitSignal(w.model.pageLoaded, timeout=30_000):
            panel.run_btn.click()
        local = w.store.climb(first["id"]).id
        qtbot.waitUntil(lambda: w.model.row_of(local) is not None
                        and w.model.rows[w.model.row_of(local)].name == "Renamed upstream", timeout=10_000)
        panel.tasks.wait(10_000)
