"""The Sync panel's progress bar during a Railway download: determinate, it moves, it reaches the end.

The server (real PostgreSQL) holds 2,500 climbs seeded directly in its database (several changes
pages); a new device previews and runs its first sync from the panel. Every value the bar takes is
recorded (the panel's 50 ms throttle is turned off so the record does not depend on the machine's
speed; the throttle's own rule, that the end of a step always gets through, is tested below)."""

from __future__ import annotations

from pathlib import Path

from mastoc.store.db import Store
from mastoc.sync.operations import Progress
from mastoc.ui import sync_panel
from tests.server.conftest import pg_server, pg_template  # noqa: F401
from tests.sync_railway.conftest import LiveServer, device, server, sync  # noqa: F401
from tests.sync_railway.seed import seed_climbs
from tests.ui_sync.test_panel_railway_sync import personal_wall_with_a_climb


def record_bar(panel) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    panel.progress.valueChanged.connect(lambda v: seen.append((v, panel.progress.maximum())))
    return seen


def test_progress_bar_moves_and_reaches_the_end_during_a_first_sync(qtbot, tmp_path: Path, server: LiveServer,  # noqa: F811
                                                                    make_panel, monkeypatch):
    a = device(tmp_path, "a", server)
    personal_wall_with_a_climb(a)
    assert sync(a)[1].ok
    assert seed_climbs(server.app.state.engine, 2500) == 2501
    b = device(tmp_path, "b", server)
    monkeypatch.setattr(sync_panel, "PROGRESS_INTERVAL", 0.0)
    panel = make_panel(b, op="railway-sync", backend="railway")

    seen = record_bar(panel)
    with qtbot.waitSignal(panel.previewReady, timeout=60_000):
        panel.preview_btn.click()
    determinate = [(v, m) for v, m in seen if m > 1]
    assert len({v for v, _m in determinate}) >= 3, seen  # the feed's pages, then the comparison
    assert any(v == m for v, m in determinate), seen

    seen.clear()
    with qtbot.waitSignal(panel.runFinished, timeout=120_000) as done:
        panel.run_btn.click()
    assert done.args[0].ok, done.args[0].errors
    writing = [(v, m) for v, m in seen if m > 1]
    values = [v for v, _m in writing]
    assert len(set(values)) >= 3, seen
    assert values == sorted(values)  # it only moves forward
    assert writing[-1][0] == writing[-1][1], seen  # and reaches the end
    with Store.open(b) as s:
        assert s.counts()["climbs"] == 2501


def test_the_end_of_a_step_is_never_dropped_by_the_throttle(qtbot, data_dir, fake_ops, make_panel):
    panel = make_panel(data_dir, fake_ops)
    got: list[Progress] = []
    panel._relay.progressed.connect(lambda _job, p: got.append(p))
    cb = panel._progress_callback(panel._job)
    for n in range(11):  # far faster than the throttle's interval
        cb(Progress("Writing what the server sent", n, 10))
    qtbot.waitUntil(lambda: bool(got) and got[-1].done == 10, timeout=2_000)
    assert len(got) < 11  # still throttled in between
