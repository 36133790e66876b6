"""A Railway sync's preview and run work with the cyclic garbage collector off (its full passes over
a 100k-record plan hold the GIL for up to a second: UI stalls), and leave it as they found it."""

from __future__ import annotations

import gc
from pathlib import Path

from mastoc.sync import operations as ops
from mastoc.sync.gc_pause import bulk_phase
from tests.server.conftest import pg_server, pg_template  # noqa: F401
from tests.sync_railway.conftest import LiveServer, device, server  # noqa: F401
from tests.ui_sync.test_panel_railway_sync import personal_wall_with_a_climb


def test_bulk_phase_nests_and_restores():
    assert gc.isenabled()
    with bulk_phase():
        assert not gc.isenabled()
        with bulk_phase():
            assert not gc.isenabled()
        assert not gc.isenabled()
        kept = [object() for _ in range(10)]
    assert gc.isenabled() and gc.get_freeze_count() > 0  # what survived is out of the collector's walks
    with bulk_phase():
        assert gc.get_freeze_count() == 0  # given back first
    del kept
    gc.disable()
    try:
        with bulk_phase():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()


def test_preview_and_run_of_a_sync_run_without_the_collector(tmp_path: Path, server: LiveServer):  # noqa: F811
    a = device(tmp_path, "a", server)
    personal_wall_with_a_climb(a)
    seen: list[bool] = []
    pv = ops.preview(ops.Op.RAILWAY_SYNC, a, progress=lambda _p: seen.append(gc.isenabled()))
    assert seen and not any(seen)
    seen.clear()
    assert ops.run(pv, a, progress=lambda _p: seen.append(gc.isenabled())).ok
    assert seen and not any(seen)
    assert gc.isenabled()
