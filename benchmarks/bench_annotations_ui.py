"""Annotation overlays on the real wall: switching overlay -> repainted wall (target <= 16 ms median).

Offscreen, 1280x800 window on the real store; every one of the 776 holds gets an annotation (random
grip type, condition, difficulty, a note on one in five), so each overlay colours the whole wall.
Times `panel.set_overlay(...)` (reads the values, restyles the holds) plus a synchronous repaint of
the wall viewport, cycling condition -> grip type -> difficulty -> notes, mine and consensus. In the
same run, references: a climb switch + wall repaint (P7's wall part) and a full heatmap repaint.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_annotations_ui.py [--reps 60]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_ui import fmt, make_real_store, open_window, spin  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mastoc.domain import annotations as dom  # noqa: E402
from mastoc.domain import holdslist  # noqa: E402
from mastoc.edits import annotations as ops  # noqa: E402
from mastoc.ui.annotate.mode import ANNOTATE  # noqa: E402
from mastoc.ui.wall.modes import Mode  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=60)
    args = ap.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmpdir:
        real = make_real_store(Path(tmpdir))
        w, st = open_window(real)
        holds = [r[0] for r in st.conn.execute("SELECT id FROM holds WHERE face_id = ?", (w.face.id,))]
        for field, values in (("grip_type", dom.VALUES["grip_type"]), ("condition", dom.VALUES["condition"]),
                              ("difficulty", dom.VALUES["difficulty"])):
            for v in values:
                chosen = [h for h in holds if rng.choice(values) == v]
                if chosen:
                    ops.set_field(st, chosen, field, v)
        ops.set_field(st, holds[::5], "notes", "a note")
        w.set_mode(ANNOTATE)
        spin(lambda: w.tasks.pending() == 0)
        w.view.fit()
        panel = w.annotate.panel
        cycle = [(o, s) for s in ("mine", "consensus") for o in ("condition", "grip_type", "difficulty", "notes")]
        times = []
        for i in range(args.reps):
            overlay, source = cycle[i % len(cycle)]
            t0 = time.perf_counter()
            panel.set_overlay(overlay, source)
            w.view.viewport().repaint()
            times.append((time.perf_counter() - t0) * 1000)
        styled = len(w.annotate.mode.values)  # holds with a value in the last overlay shown
        print(f"overlay switch -> repainted wall ({styled} holds coloured in the last one), viewport "
              f"{w.view.viewport().width()}x{w.view.viewport().height()}: {fmt(times)}")
        rows = list(w.model.rows[:args.reps])
        ref = []
        for row in rows:
            t0 = time.perf_counter()
            w.scene.set_climb(holdslist.parse(row.holds_list))
            w.view.viewport().repaint()
            ref.append((time.perf_counter() - t0) * 1000)
        print(f"reference: climb switch + wall repaint (annotate mode, overlay on): {fmt(ref)}")
        w.scene.set_climb(None)
        w.set_mode(Mode.HEATMAP)
        spin(lambda: w.tasks.pending() == 0)
        heat = []
        for _ in range(args.reps):
            t0 = time.perf_counter()
            w.view.viewport().repaint()
            heat.append((time.perf_counter() - t0) * 1000)
        print(f"reference: full heatmap repaint (one baked image): {fmt(heat)}")
        w.tasks.wait(10_000)
        st.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
