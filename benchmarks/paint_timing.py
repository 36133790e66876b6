"""Process start -> first painted wall, as QUALITY.md P10 measures it: the shipped `app.run` in a
fresh offscreen process, timed until the wall view's first paint with the photo on it. Shared by
`bench_ui.py` and `bench_400k.py`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

P10_SNIPPET = r"""
import sys, time
from PySide6.QtCore import QObject, QEvent
from mastoc.ui import app as app_mod
from mastoc.ui import main_window as mw

class _Spy(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and self.w.scene.photo is not None:
            print(f"PAINTED {time.time():.6f}", flush=True)
            import os; os._exit(0)
        return False

_orig = mw.MainWindow._face_loaded
def _face_loaded(self, fd):
    _orig(self, fd)
    spy = _Spy(self); spy.w = self
    self.view.viewport().installEventFilter(spy)
    self.view.viewport().update()
mw.MainWindow._face_loaded = _face_loaded
sys.exit(app_mod.run(data_dir=sys.argv[1]))
"""


def start_to_paint_ms(directory: Path, runs: int, timeout: float = 120.0) -> list[float]:
    """`runs` start times in ms after one warm-up start, with the store in `directory`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    out = []
    for i in range(runs + 1):
        t0 = time.time()
        r = subprocess.run([sys.executable, "-c", P10_SNIPPET, str(directory)], env=env, capture_output=True,
                           text=True, timeout=timeout)
        line = next((x for x in r.stdout.splitlines() if x.startswith("PAINTED")), None)
        if line is None:
            raise RuntimeError(r.stderr)
        if i:  # the first run warms the caches
            out.append((float(line.split()[1]) - t0) * 1000)
    return out
