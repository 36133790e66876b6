"""The Climb tab marks a climb "not on Stokt yet" and its Push to Stokt button opens the Sync panel's push
preview with only that climb ticked; running it sends only that climb to the stand-in."""

from __future__ import annotations

import inspect

from tests.ui.conftest import wait_idle
from tests.ui_sync.test_panel_stokt import imported, logged_in, set_climbs, standin  # noqa: F401


def test_push_to_stokt_for_one_climb(qtbot, imported, standin, open_window):  # noqa: F811
    ids = set_climbs(imported, ["Bloc A", "Bloc B"])
    w = open_window(imported)
    w.select_climb(ids[0])
    wait_idle(qtbot, w)
    ca = w.side.climb_actions
    assert ca.state.text() == "not on Stokt yet" and not ca.push_btn.isHidden()
    ca.push_btn.click()
    qtbot.waitUntil(lambda: getattr(w, "sync_panel", None) is not None, timeout=10_000)
    panel = w.sync_panel
    qtbot.waitUntil(lambda: panel.preview is not None and bool(panel.preview_view.selectable_keys()), timeout=30_000)
    assert panel.current_op() == "stokt-push" and set(panel.preview_view.selectable_keys()) == set(ids)
    assert panel.preview_view.selected() == {ids[0]}
    # deleting on Stokt is a separate check box, shown once the facade takes `delete_remote`
    assert panel.delete_box.isVisible() == ("delete_remote" in inspect.signature(panel.ops.preview).parameters)
    with qtbot.waitSignal(panel.runFinished, timeout=60_000) as b:
        panel.run_btn.click()
    assert b.args[0].ok, b.args[0].message
    assert [p["name"] for p in standin.posted] == ["Bloc A"]
    wait_idle(qtbot, w)
    panel.tasks.wait(10_000)
    assert w.store.climb(ids[0]).stokt_id and ca.state.isHidden()
