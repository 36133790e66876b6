"""A list reordered on two devices, in the Sync panel: the preview shows the conflict on the list's
order (per climb, both positions) with its choices; "take theirs" gives this device the other one's
order."""

from __future__ import annotations

from pathlib import Path

from mastoc.edits import lists as lists_ops
from mastoc.store.db import Store
from tests.server.conftest import pg_server, pg_template  # noqa: F401
from tests.sync_railway.conftest import LiveServer, device, server, sync  # noqa: F401
from tests.sync_railway.test_two_devices import _climb, _personal_wall


def test_reorder_conflict_shown_and_resolved(qtbot, tmp_path: Path, server: LiveServer, make_panel):  # noqa: F811
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    face, _holds = _personal_wall(a)
    ids = [_climb(a, face, n) for n in ("One", "Two", "Three")]
    with Store.open(a) as s:
        (lid,) = lists_ops.create_list(s, "Winter circuit", list_type="circuit").lists
        lists_ops.add_items(s, lid, ids)
    for d in (a, b, a):
        assert sync(d)[1].ok
    with Store.open(a) as s:
        lists_ops.move_item(s, lid, ids[2], 1)
    assert sync(a)[1].ok
    with Store.open(b) as s:
        lists_ops.move_item(s, lid, ids[0], 3)

    panel = make_panel(b, op="railway-sync", backend="railway")
    with qtbot.waitSignal(panel.previewReady, timeout=30_000):
        panel.preview_btn.click()
    conflicts = [r for r in panel.preview_view.row_texts() if r[0] == "conflict"]
    assert conflicts and all(r[1].startswith("Order of list Winter circuit: ") for r in conflicts)
    assert all("reordered on both sides" in r[2] for r in conflicts)
    keys = panel.preview_view.conflict_keys()
    assert len(keys) == len(conflicts)
    for k in keys:
        panel.preview_view.set_choice(k, "theirs")
    with qtbot.waitSignal(panel.runFinished, timeout=30_000) as done:
        panel.run_btn.click()
    assert done.args[0].ok, done.args[0].errors
    with Store.open(b) as s:
        assert [i.climb_name for i in lists_ops.items(s, lid)] == ["Three", "One", "Two"]
