"""P11 for a Railway download from the Sync panel: the longest UI event-loop stall while a new device
previews and runs its first sync of a big catalogue, and what the progress bar showed.

    PYTHONPATH=. QT_QPA_PLATFORM=offscreen python benchmarks/bench_sync_panel_download.py [--climbs 100000]

Setup (not measured): a throw-away PostgreSQL (pgserver) and `mastoc serve` in its own process (so the
server does not compete with the UI for this process's GIL); device A sends the real gym
(`init-from-stokt` from the Stokt stand-in); the server's database is then seeded directly with
synthetic copies of its climbs up to `--climbs` (`tests/sync_railway/seed.py`). Measured: the main
window of device C (the demo wall, nothing synced) opens the Sync panel on "Sync with Railway",
previews, runs, and waits for its wall and list to reload. A 2 ms timer on the UI thread measures the
longest gap between its ticks (`bench_ui.StallMeter`) over the preview and over the run + reload;
every value of the progress bar is recorded (distinct values, whether it reached its maximum).
A tooling script: it waits with a local event loop.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore")

from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.bench_sync_panel import RailwayServer, spin  # noqa: E402
from benchmarks.bench_ui import StallMeter  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.sync import operations as ops  # noqa: E402
from mastoc.ui import first_start  # noqa: E402
from mastoc.ui.main_window import MainWindow  # noqa: E402

FIXTURES = (ROOT / ".." / "shared" / "stokt" / "fixtures").resolve()


def database_url(server: RailwayServer) -> str:
    base, _, query = server.pg.get_uri().partition("?")
    return base.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/bench?" + query


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--climbs", type=int, default=100_000)
    args = ap.parse_args()
    from mastoc.server import db
    from mastoc.sync.railway_init import init_from_stokt
    from tests.stokt.standin import StoktStandin
    from tests.sync_railway.seed import seed_climbs

    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="bench-panel-download-"))
    server = RailwayServer()
    try:
        a, c = tmp / "a", tmp / "c"
        with StoktStandin(FIXTURES) as standin:
            ops.login("railway", server.email, server.password, server.url, a)
            ops.login("stokt", standin.username, standin.password, url=standin.url, data_dir=a)
            os.environ["MASTOC_STOKT_URL"] = standin.url
            init_from_stokt(a)
        engine = db.make_engine(database_url(server))
        total = seed_climbs(engine, max(0, args.climbs - 1017)) if args.climbs > 1017 else 1017
        engine.dispose()
        print(f"load {os.getloadavg()[0]:.2f}; server: {total:,} climbs (PostgreSQL, `mastoc serve` in its own process)")
        with Store.open(c) as st:
            first_start.ensure_demo(st)
        ops.login("railway", server.email, server.password, server.url, c)
        st = Store.open(c)
        w = MainWindow(st)
        w.save_preferences = lambda: None
        w.resize(1280, 800)
        w.show()
        w.start()
        spin(lambda: w._ready_sent and w.tasks.pending() == 0)
        w.open_sync_panel("railway-sync", "railway")  # as the menu's "Sync with Railway…"
        panel = w.sync_panel
        spin(lambda: panel.current_op() == "railway-sync" and panel.status is not None
             and panel.status.backend == "railway" and not panel.busy)
        got: dict[str, object] = {}
        panel.previewReady.connect(lambda pv: got.update(preview=pv))
        panel.runFinished.connect(lambda r: got.update(report=r))
        bar: list[tuple[int, int]] = []
        panel.progress.valueChanged.connect(lambda v: bar.append((v, panel.progress.maximum())))
        meter = StallMeter()
        # reference, same run: the longest stall while a worker thread only runs Python code (the GIL's
        # switch interval and this machine's load: the floor for any work done beside the UI thread)
        import threading

        stop = threading.Event()

        def busy() -> None:
            n = 0
            while not stop.is_set():
                n = (n * 31 + 7) % 1_000_003

        worker = threading.Thread(target=busy)
        meter.start()
        worker.start()
        t_end = time.monotonic() + 3.0
        spin(lambda: time.monotonic() > t_end)
        stop.set()
        worker.join()
        stall_floor = meter.stop()

        meter.start()
        t0 = time.perf_counter()
        panel.start_preview()
        spin(lambda: "preview" in got, timeout=600)
        t_preview = time.perf_counter() - t0
        stall_preview = meter.stop()
        bar_preview, bar[:] = list(bar), []

        meter.start()
        t1 = time.perf_counter()
        panel.start_run()
        spin(lambda: "report" in got, timeout=1200)
        t_run = time.perf_counter() - t1
        stall_run = meter.stop()
        meter.start()
        spin(lambda: w.tasks.pending() == 0 and not w.model.is_loading(), timeout=600)
        t_reload = time.perf_counter() - t1 - t_run
        stall_reload = meter.stop()
        rep = got["report"]
        with Store.open(c) as s2:
            n = s2.counts()["climbs"]

        def bar_words(values: list[tuple[int, int]]) -> str:
            det = [(v, m) for v, m in values if m > 1]
            return (f"{len({v for v, _m in det})} distinct determinate values, "
                    f"reached its end: {any(v == m for v, m in det)}")

        print(f"reference: longest UI stall while a worker thread spins in Python for 3 s: {stall_floor:.1f} ms")
        print(f"device C first sync from the panel ({n:,} climbs now on the device, ok={rep.ok}):")
        print(f"  preview        {t_preview:7.2f} s; P11 longest UI stall {stall_preview:6.1f} ms; "
              f"bar: {bar_words(bar_preview)}")
        print(f"  run            {t_run:7.2f} s; P11 longest UI stall {stall_run:6.1f} ms; bar: {bar_words(bar)}")
        print(f"  then the wall/list reload {t_reload:.2f} s; longest UI stall {stall_reload:6.1f} ms")
        print(f"  preview + run  {t_preview + t_run:7.2f} s")
        w.close()
        w.tasks.wait()
        panel.tasks.wait()
        st.close()
    finally:
        server.close()
    app.quit()


if __name__ == "__main__":
    main()
