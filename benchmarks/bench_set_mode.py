"""Set mode figures, offscreen, real wall, 1280x800 window. Prints figures; asserts nothing.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_set_mode.py [--reps N]

- Set-mode click -> repainted: `scene.click_at` (role cycle, undo command, draft autosave, Set panel,
  duplicate check handed to a worker) then the dirty regions painted (target p95 <= 16 ms);
- a mouse move during a drag (holds crossed painted, merged into the drag's undo command) -> repainted;
- undo of a drag across the wall (one undo step) -> repainted; redo of it;
- reference in the same run: a full repaint of the wall viewport in Browse with a climb shown (P8).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.bench_ui import fmt, make_real_store, open_window, spin  # noqa: E402
from mastoc.ui.wall.modes import Mode  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=200)
    args = ap.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        d = make_real_store(Path(tmp))
        w, st = open_window(d)
        w.view.fit()
        ref = []
        for _ in range(args.reps):
            t0 = time.perf_counter()
            w.view.viewport().repaint()
            ref.append((time.perf_counter() - t0) * 1000)
        print(f"reference: full wall repaint in Browse with a climb (P8), viewport "
              f"{w.view.viewport().width()}x{w.view.viewport().height()}: {fmt(ref)}")
        w.set_mode(Mode.SET)
        holds = w.scene.holds
        clicks = []
        for i in range(args.reps):
            h = holds[(i * 7) % 40 + 100]  # cycles roles on 40 holds, so the climb keeps ~30 holds
            t0 = time.perf_counter()
            w.scene.click_at(*h.centroid)
            app.processEvents()  # benchmark only: deliver the update requests = paint the dirty regions
            clicks.append((time.perf_counter() - t0) * 1000)
        spin(lambda: w.tasks.pending() == 0)
        print(f"Set-mode click -> repainted (1280x800, real wall, ~30 holds set): {fmt(clicks)}; "
              f"p95 / reference median {sorted(clicks)[int(0.95 * (len(clicks) - 1))] / sorted(ref)[len(ref) // 2]:.1f}x")
        drags, undos, redos, painted = [], [], [], []
        rect = w.scene.sceneRect()
        for k in range(max(5, args.reps // 10)):
            # a real drag: mouse moves of 8 scene px (about 2-3 screen px at fit), left to right
            x, y = rect.width() * 0.15, rect.height() * (0.2 + 0.6 * k / max(5, args.reps // 10))
            before = len(w.setter.draft.roles)
            while w.scene.pick(x, y) is None:
                x += 4
            assert w.scene.drag_start_at(x, y)
            for _ in range(90):
                x += 8
                t0 = time.perf_counter()
                w.scene.drag_to(x, y)
                app.processEvents()
                drags.append((time.perf_counter() - t0) * 1000)
            w.scene.drag_end()
            painted.append(len(w.setter.draft.roles) - before)
            t0 = time.perf_counter()
            w.act_undo.trigger()
            app.processEvents()
            undos.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            w.act_redo.trigger()
            app.processEvents()
            redos.append((time.perf_counter() - t0) * 1000)
        spin(lambda: w.tasks.pending() == 0)
        print(f"drag: one mouse move (8 scene px) -> holds painted and repainted: {fmt(drags)}")
        print(f"undo of a drag ({min(painted)}-{max(painted)} holds painted, one undo step) -> repainted: {fmt(undos)}")
        print(f"redo of it -> repainted: {fmt(redos)}")
        w.setter.discard()
        w.close()
        w.tasks.wait(10_000)
        st.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
