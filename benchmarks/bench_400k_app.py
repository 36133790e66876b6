"""The app-process half of `bench_400k.py`: run in a fresh offscreen process on one store, prints one
JSON line (peak RSS, filter change -> first page listed, scroll -> next page shown, longest stall).

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_400k_app.py STORE_DIR
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mastoc.store.db import Store  # noqa: E402
from mastoc.ui.main_window import MainWindow  # noqa: E402
from mastoc.ui.preferences import Filters  # noqa: E402
from mastoc.ui.wall.modes import Mode  # noqa: E402


def status(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def spin(cond, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    loop = QEventLoop()
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError
        QTimer.singleShot(1, loop.quit)
        loop.exec()


class StallMeter:
    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(2)
        self.clock = QElapsedTimer()
        self.longest = 0.0
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.longest = max(self.longest, self.clock.nsecsElapsed() / 1e6)
        self.clock.restart()

    def start(self) -> None:
        self.clock.start()
        self.timer.start()


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    st = Store.open(Path(sys.argv[1]), migrate=False)
    w = MainWindow(st)
    w.save_preferences = lambda: None  # the cached store keeps its preferences
    w.resize(1280, 800)
    w.show()
    w.start()
    spin(lambda: w._ready_sent and w.tasks.pending() == 0)
    start_rss = status("VmRSS")
    meter = StallMeter()
    meter.start()
    filter_ms = []
    for f in (Filters(grade_lo="6A", grade_hi="7A"), Filters(text="bloc"), Filters(sort="grade"), Filters(sort="name"),
              Filters(setter="an"), Filters(grade_lo="5+", grade_hi="6B", sort="popularity"), Filters(text="zz"),
              Filters(benchmark_only=True), Filters()):
        w.filters.set_filters(f)
        t0 = time.perf_counter()
        w.refresh_query()
        spin(lambda: w.model.rowCount() > 0 or (not w.model.is_loading() and not w.model.has_more()))
        filter_ms.append((time.perf_counter() - t0) * 1000)
        spin(lambda: w.tasks.pending() == 0)
    w.set_mode(Mode.HOLD_SEARCH)
    for h in w.scene.holds[100:103]:
        t0 = time.perf_counter()
        w.scene.click_at(*h.centroid)
        spin(lambda: w.tasks.pending() == 0)
        filter_ms.append((time.perf_counter() - t0) * 1000)
    w.set_mode(Mode.BROWSE)
    w.scene.clear_search()
    spin(lambda: w.tasks.pending() == 0)
    scroll_ms = []
    for _ in range(50):
        if not w.model.has_more():
            break
        n = w.model.rowCount()
        t0 = time.perf_counter()
        w.table.scrollToBottom()
        spin(lambda n=n: w.model.rowCount() > n or not w.model.has_more())
        app.processEvents()  # benchmark only: paint the new rows
        scroll_ms.append((time.perf_counter() - t0) * 1000)
    w.set_mode(Mode.HEATMAP)
    spin(lambda: w.tasks.pending() == 0)
    w.set_mode(Mode.BROWSE)
    spin(lambda: w.tasks.pending() == 0)
    out = {
        "start_rss_mb": start_rss, "peak_rss_mb": status("VmHWM"),
        "filter_med": statistics.median(filter_ms), "filter_max": max(filter_ms),
        "scroll_med": statistics.median(scroll_ms) if scroll_ms else float("nan"),
        "scroll_max": max(scroll_ms) if scroll_ms else float("nan"),
        "rows": w.model.rowCount(), "stall_ms": meter.longest,
    }
    print(json.dumps(out), flush=True)
    os._exit(0)  # the numbers are out; skip the teardown


if __name__ == "__main__":
    sys.exit(main())
