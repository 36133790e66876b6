"""Sync-panel test fixtures: Qt warnings fail the test (as in tests/ui), a panel factory, a fake facade."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.ui.conftest import _qt_warnings_fail, open_window, real_data_dir, real_store_template  # noqa: E402,F401
from tests.ui_sync.fake_ops import FakeOps  # noqa: E402


@pytest.fixture()
def fake_ops() -> FakeOps:
    return FakeOps()


@pytest.fixture()
def make_panel(qtbot):
    """Factory: a shown SyncPanel on `directory` with facade `ops`, its first status loaded."""
    from mastoc.ui.sync_panel import SyncPanel

    made = []

    def make(directory: Path, ops=None, op: str | None = None, backend: str | None = None):
        panel = SyncPanel(directory, ops=ops)
        qtbot.addWidget(panel)
        with qtbot.waitSignal(panel.statusLoaded, timeout=10_000):
            panel.show_for(op, backend)
        made.append(panel)
        return panel

    yield make
    for p in made:
        p.cancel()
        p.tasks.wait(20_000)
