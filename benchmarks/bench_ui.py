"""Desktop UI figures P7–P12 of QUALITY.md, offscreen. Prints figures; asserts nothing.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_ui.py [--quick]

P7  switching the displayed climb -> repainted window (1280x800)
P8  full repaint of the wall at fit-to-window (browse with a climb; heatmap for comparison)
P9  click -> hold id (HoldIndex.pick on random points of the real wall; share of overlap points)
P10 process start -> first painted wall (warm), in a fresh process each time
P11 longest UI event-loop stall during filter changes (real wall and 100k synthetic climbs) and
    while a Stokt backup loads on a worker thread (the UI's stand-in for a full sync)
P12 resident memory: real wall + 1,017 climbs; 100k synthetic climbs
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT.parent / "shared" / "stokt" / "fixtures"

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mastoc.domain import holdslist  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.sync.backup import load_backup  # noqa: E402
from mastoc.ui.main_window import MainWindow  # noqa: E402
from mastoc.ui.preferences import Filters  # noqa: E402
from mastoc.ui.wall.modes import Mode  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from paint_timing import start_to_paint_ms  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def spin(cond, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    loop = QEventLoop()
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError
        QTimer.singleShot(5, loop.quit)
        loop.exec()


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} ms, p95 {pct(values, 95):.2f} ms (n={len(values)})"


class StallMeter:
    """A 2 ms timer on the UI thread; the longest gap between ticks is the longest event-loop stall."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(2)
        self.clock = QElapsedTimer()
        self.longest = 0.0
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        ms = self.clock.nsecsElapsed() / 1e6
        self.longest = max(self.longest, ms)
        self.clock.restart()

    def start(self) -> None:
        self.longest = 0.0
        self.clock.start()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.longest


def open_window(directory: Path) -> tuple[MainWindow, Store]:
    st = Store.open(directory)
    w = MainWindow(st)
    w.save_preferences = lambda: None
    w.resize(1280, 800)
    w.show()
    w.start()
    spin(lambda: w._ready_sent and w.tasks.pending() == 0)
    return w, st


def make_real_store(tmp: Path) -> Path:
    d = tmp / "real"
    with Store.open(d) as st:
        load_backup(st, [FIXTURES])
    return d


def make_100k_store(real: Path, tmp: Path, n: int) -> Path:
    """Copy of the real store plus synthetic climbs on the real face (written in one transaction)."""
    from mastoc.domain.models import Climb
    from mastoc.store.db import write_climbs

    d = tmp / "big"
    shutil.copytree(real, d)
    rnd = random.Random(7)
    with Store.open(d) as st:
        face = st.faces()[0]
        nums = [h.num for h in st.holds(face.id)]
        setters = [u.id for u in st.users()]
        batch: list[Climb] = []
        with st.transaction() as conn:
            for i in range(n):
                hs = rnd.sample(nums, rnd.randint(5, 14))
                refs = [holdslist.HoldRef(holdslist.Role.START, hs[0]), holdslist.HoldRef(holdslist.Role.TOP, hs[1])]
                refs += [holdslist.HoldRef(holdslist.Role.OTHER, h) for h in hs[2:]]
                batch.append(Climb(
                    id=f"synthetic-{i:06d}", face_id=face.id, name=f"Synthetic {i}", holds_list=holdslist.format(refs),
                    setter_id=rnd.choice(setters), grade_ircra=rnd.choice([12.0, 14.25, 15.5, 16.5, 17.5, 18.5, 20.5, 22.5]),
                    grade_font="6A", feet_rule="Tous pieds", climbed_by=rnd.randint(0, 50),
                ))
                if len(batch) == 5000:
                    write_climbs(conn, batch)
                    batch = []
            write_climbs(conn, batch)
    return d


def p10(directory: Path, runs: int) -> list[float]:
    return start_to_paint_ms(directory, runs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, 20k instead of 100k synthetic climbs")
    args = ap.parse_args()
    reps = 30 if args.quick else 100
    big_n = 20_000 if args.quick else 100_000
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        real = make_real_store(tmp)
        base_rss = rss_mb()
        w, st = open_window(real)
        print(f"P12 resident memory, real wall + 1,017 climbs: {rss_mb():.0f} MB (process before the window: {base_rss:.0f} MB)")

        # P7
        rows = list(w.model.rows[:reps])
        times = []
        for row in rows:
            t0 = time.perf_counter()
            w.show_climb_row(row)
            app.processEvents()  # benchmark only: deliver the update requests = paint the dirty regions
            times.append((time.perf_counter() - t0) * 1000)
        print(f"P7 switch climb -> repainted pixels (dirty regions: wall, details, list row), 1280x800: {fmt(times)}")
        times = []
        for row in reversed(rows):
            t0 = time.perf_counter()
            w.show_climb_row(row)
            w.repaint()
            times.append((time.perf_counter() - t0) * 1000)
        print(f"    (worst case, whole 1280x800 window repainted synchronously: {fmt(times)})")
        wall_only = []
        for row in rows:
            t0 = time.perf_counter()
            w.scene.set_climb(holdslist.parse(row.holds_list))
            w.view.viewport().repaint()
            wall_only.append((time.perf_counter() - t0) * 1000)
        print(f"    (wall only: set_climb + wall repaint: {fmt(wall_only)})")

        # P8
        w.view.fit()
        for label, mode in (("browse, climb shown", Mode.BROWSE), ("heatmap (all 776 holds filled)", Mode.HEATMAP)):
            w.set_mode(mode)
            spin(lambda: w.tasks.pending() == 0)
            frames = []
            for _ in range(reps):
                t0 = time.perf_counter()
                w.view.viewport().repaint()
                frames.append((time.perf_counter() - t0) * 1000)
            print(f"P8 full wall repaint at fit ({label}), viewport {w.view.viewport().width()}x{w.view.viewport().height()}: {fmt(frames)}")
        w.set_mode(Mode.BROWSE)

        # P9
        rnd = random.Random(3)
        pts = [(rnd.uniform(0, 2263), rnd.uniform(0, 3000)) for _ in range(20000)]
        index = w.scene.index
        t0 = time.perf_counter()
        hits = [index.pick(x, y) for x, y in pts]
        per = (time.perf_counter() - t0) / len(pts) * 1000
        on_hold = [p for p, h in zip(pts, hits, strict=True) if h is not None]
        overlaps = sum(1 for x, y in on_hold if len(index.holds_at(x, y)) > 1)
        t0 = time.perf_counter()
        for x, y in on_hold[:5000]:
            index.pick(x, y, tolerance=4.0)
        per_hit = (time.perf_counter() - t0) / min(5000, len(on_hold)) * 1000
        print(f"P9 click -> hold id: {per:.4f} ms per pick (random points), {per_hit:.4f} ms on holds with tolerance; "
              f"{overlaps / max(1, len(on_hold)) * 100:.1f} % of on-hold points are in 2+ outlines (tie-break applied)")

        # P11 filter changes on the real wall
        meter = StallMeter()
        meter.start()
        for f in (Filters(grade_lo="6A", grade_hi="7A"), Filters(text="a"), Filters(setter="Setter 0"),
                  Filters(feet_rule="Tous pieds", sort="grade"), Filters(benchmark_only=True), Filters()):
            w.filters.set_filters(f)
            w.refresh_query()
            spin(lambda: w.tasks.pending() == 0)
        num = w.scene.holds[300].num
        w.set_mode(Mode.HOLD_SEARCH)
        w.scene.click_at(*w.scene.index.by_num[num].centroid)
        spin(lambda: w.tasks.pending() == 0)
        w.set_mode(Mode.HEATMAP)
        spin(lambda: w.tasks.pending() == 0)
        w.set_mode(Mode.BROWSE)
        w.scene.clear_search()
        spin(lambda: w.tasks.pending() == 0)
        print(f"P11 longest event-loop stall during filter/hold-search/heatmap changes (real wall): {meter.stop():.1f} ms")

        # P11 during a backup load (worker thread) into a fresh store
        fresh = tmp / "fresh"
        Store.open(fresh).close()

        meter.start()
        done = {"v": False}

        def load_fresh():
            with Store.open(fresh) as s:
                return load_backup(s, [FIXTURES])

        w.tasks.submit(load_fresh, on_done=lambda _r: done.update(v=True))
        t0 = time.perf_counter()
        while not done["v"]:
            w.view.viewport().update()
            spin(lambda: True, 1)
            loop = QEventLoop()
            QTimer.singleShot(10, loop.quit)
            loop.exec()
        print(f"P11 longest event-loop stall while a Stokt backup loads on a worker ({(time.perf_counter() - t0):.2f} s): "
              f"{meter.stop():.1f} ms")
        w.close()
        w.tasks.wait()
        st.close()

        # P10
        times = p10(real, 3 if args.quick else 5)
        print(f"P10 process start -> first painted wall (warm, fresh process): median {statistics.median(times):.0f} ms, "
              f"max {max(times):.0f} ms (n={len(times)})")

        # 100k
        t0 = time.perf_counter()
        big = make_100k_store(real, tmp, big_n - 1017)
        print(f"    ({big_n:,} climbs generated in {time.perf_counter() - t0:.1f} s)")
        before = rss_mb()
        wb, stb = open_window(big)
        print(f"P12 resident memory with {big_n:,} climbs: {rss_mb():.0f} MB (before this window: {before:.0f} MB)")
        meter.start()
        for f in (Filters(grade_lo="6A", grade_hi="7A"), Filters(text="12"), Filters(sort="grade"), Filters(sort="name"),
                  Filters(setter="Setter 1"), Filters()):
            wb.filters.set_filters(f)
            wb.refresh_query()
            spin(lambda: wb.tasks.pending() == 0)
        wb.set_mode(Mode.HOLD_SEARCH)
        for h in wb.scene.holds[100:103]:
            wb.scene.click_at(*h.centroid)
            spin(lambda: wb.tasks.pending() == 0)
        wb.set_mode(Mode.HEATMAP)
        spin(lambda: wb.tasks.pending() == 0)
        print(f"P11 longest event-loop stall during filter/hold-search/heatmap changes ({big_n:,} climbs): {meter.stop():.1f} ms")
        wb.set_mode(Mode.BROWSE)
        wb.scene.clear_search()
        spin(lambda: wb.tasks.pending() == 0)
        wb.filters.set_filters(Filters(grade_lo="6A", grade_hi="6C", sort="name"))
        t0 = time.perf_counter()
        wb.refresh_query()
        spin(lambda: wb.model.rowCount() > 0 or not wb.model.is_loading())
        print(f"    first page listed after a query change ({big_n:,} climbs): {(time.perf_counter() - t0) * 1000:.1f} ms; "
              f"rows in the model: {wb.model.rowCount()} of {wb.model.matching}")
        wb.close()
        wb.tasks.wait()
        stb.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
