"""P11 for the Sync panel: the longest UI event-loop stall during a full import driven from the panel.

    PYTHONPATH=. QT_QPA_PLATFORM=offscreen python benchmarks/bench_sync_panel.py [--latency 0.02]

The main window runs on the demo wall; the Stokt stand-in runs in its own process (with per-response
latency); the panel previews a first (full) import of the real fixtures (1,017 climbs, the photo),
runs it, and the main window reloads the wall and the list; then a second full import (nothing new)
is previewed and run (the list reloads, the wall is kept); then a first Sync with Railway uploads it all
to a mastoc server (`mastoc serve` on PostgreSQL, its own process). A 2 ms timer on the UI thread measures
the longest gap between its ticks over each phase. A tooling script: it waits with a local event loop.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.bench_stokt_sync import Server  # noqa: E402
from benchmarks.bench_ui import StallMeter  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.sync import operations as ops  # noqa: E402
from mastoc.ui import first_start  # noqa: E402
from mastoc.ui.main_window import MainWindow  # noqa: E402


def spin(cond, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    loop = QEventLoop()
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("timed out")
        QTimer.singleShot(5, loop.quit)
        loop.exec()


class RailwayServer:
    """`mastoc serve` in its own process over a throw-away PostgreSQL (pgserver), one admin account."""

    def __init__(self) -> None:
        import os
        import secrets
        import socket
        import subprocess

        import pgserver
        import requests

        self.pgdir = Path(tempfile.mkdtemp(prefix="bench-sync-pg-"))
        self.pg = pgserver.get_server(self.pgdir, cleanup_mode="stop")
        self.pg.psql("CREATE DATABASE bench;")
        base, _, query = self.pg.get_uri().partition("?")
        url = base.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/bench?" + query
        env = {**os.environ, "MASTOC_SECRET_KEY": secrets.token_urlsafe(32), "DATABASE_URL": url,
               "MASTOC_DATA_DIR": tempfile.mkdtemp(prefix="bench-sync-srv-"), "PYTHONPATH": str(ROOT),
               "LOG_LEVEL": "warning"}
        env.pop("MASTOC_API_KEY", None)
        self.email, self.password = "bench@example.org", secrets.token_urlsafe(12)
        subprocess.run([sys.executable, "-m", "mastoc", "server", "create-user", "--admin", self.email],
                       input=self.password + "\n", text=True, env=env, check=True, capture_output=True)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "mastoc", "serve", "--port", str(port)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{self.url}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the mastoc server did not start")
            time.sleep(0.1)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.pg.cleanup()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--latency", type=float, default=0.02)
    ap.add_argument("--no-railway", dest="railway", action="store_false", help="skip the Railway phase")
    args = ap.parse_args()
    app = QApplication.instance() or QApplication([])
    directory = Path(tempfile.mkdtemp(prefix="bench-sync-panel-"))
    with Store.open(directory) as st:
        first_start.ensure_demo(st)
    with Server(latency=args.latency) as server:
        ops.login("stokt", "climber@example.com", "correct horse", server.url, directory)
        st = Store.open(directory)
        w = MainWindow(st)
        w.save_preferences = lambda: None
        w.resize(1280, 800)
        w.show()
        w.start()
        spin(lambda: w._ready_sent and w.tasks.pending() == 0)
        w.import_from_stokt()
        panel = w.sync_panel
        spin(lambda: panel.current_op() == "stokt-import" and panel.status is not None and not panel.busy)
        meter = StallMeter()
        panel.full_box.setChecked(True)
        got: dict[str, object] = {}
        panel.previewReady.connect(lambda pv: got.update(preview=pv))
        panel.runFinished.connect(lambda r: got.update(report=r))
        w.faceLoaded.connect(lambda _f: got.update(face=True))

        meter.start()
        t0 = time.perf_counter()
        panel.start_preview()
        spin(lambda: "preview" in got)
        t_preview = time.perf_counter() - t0
        stall_preview = meter.stop()
        rows = len(panel.preview_view.row_texts())

        meter.start()
        t0 = time.perf_counter()
        panel.start_run()
        spin(lambda: "report" in got and "face" in got and w.tasks.pending() == 0 and w.model.total == 1017)
        t_run = time.perf_counter() - t0
        stall_run = meter.stop()
        report = got["report"]

        # a second full reconciliation (nothing changed upstream): preview + run + list refresh
        got.clear()
        meter.start()
        t0 = time.perf_counter()
        panel.start_preview()
        spin(lambda: "preview" in got)
        panel.start_run()
        spin(lambda: "report" in got and w.tasks.pending() == 0 and not w.model.is_loading())
        t_again = time.perf_counter() - t0
        stall_again = meter.stop()
        print(f"latency per response: {args.latency * 1000:.0f} ms")
        print(f"preview of a full import: {t_preview:.2f} s, {rows:,} rows listed; "
              f"P11 longest UI stall {stall_preview:.1f} ms")
        print(f"run + wall/list refresh:  {t_run:.2f} s (ok={report.ok}); P11 longest UI stall {stall_run:.1f} ms")
        print(f"second full import (no change) + list refresh: {t_again:.2f} s; P11 longest UI stall {stall_again:.1f} ms")
        if args.railway:
            railway = RailwayServer()
            try:
                ops.login("railway", railway.email, railway.password, railway.url, directory)
                panel.show_for("railway-sync", "railway")
                spin(lambda: panel.current_op() == "railway-sync" and panel.status is not None
                     and panel.status.backend == "railway" and not panel.busy)
                got.clear()
                meter.start()
                t0 = time.perf_counter()
                panel.start_preview()
                spin(lambda: "preview" in got, timeout=300)
                t_rpv = time.perf_counter() - t0
                n_items = len(got["preview"].items)
                panel.start_run()
                spin(lambda: "report" in got and w.tasks.pending() == 0 and not w.model.is_loading(), timeout=600)
                t_rrun = time.perf_counter() - t0
                stall_rail = meter.stop()
                rep = got["report"]
                print(f"first Sync with Railway (upload of the wall, photo and {n_items:,} items; PostgreSQL, "
                      f"`mastoc serve` in its own process): preview {t_rpv:.2f} s, preview+run {t_rrun:.2f} s "
                      f"(ok={rep.ok}); P11 longest UI stall {stall_rail:.1f} ms")
            finally:
                railway.close()
        w.close()
        w.tasks.wait()
        panel.tasks.wait()
        st.close()
    app.quit()


if __name__ == "__main__":
    main()
