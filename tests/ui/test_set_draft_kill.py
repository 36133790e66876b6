"""The draft of the climb being set survives a `kill -9` of a real app process and is offered at the next
start; restoring it gives back the exact holds and details."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from mastoc.ui.setting import draft_file
from mastoc.ui.wall.modes import Mode

ROOT = Path(__file__).resolve().parents[2]

SETTER = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from mastoc.store.db import Store
from mastoc.ui.main_window import MainWindow
from mastoc.ui.wall.modes import Mode

app = QApplication([])
store = Store.open(sys.argv[1])
w = MainWindow(store)
w.save_preferences = lambda: None

def go():
    w.set_mode(Mode.SET)
    holds = w.scene.holds
    for h, times in ((holds[100], 2), (holds[101], 3), (holds[102], 1), (holds[103], 4)):
        for _ in range(times):
            w.scene.click_at(*h.centroid)
    w.setter.panel.name.setText("Killed Mid Set")
    w.setter.panel.name.textEdited.emit("Killed Mid Set")
    w.setter.writer.flush()  # (written off the UI thread within milliseconds; the test kills right after)
    print("SET", w.setter.draft.holds_list(), flush=True)

w.ready.connect(lambda: QTimer.singleShot(0, go))
w.start()
w.show()
app.exec()
"""


def test_the_draft_survives_kill_9_and_is_offered_at_the_next_start(qtbot, real_data_dir, open_window):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", SETTER, str(real_data_dir)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    try:
        line = proc.stdout.readline()
        assert line.startswith("SET "), line
        holds_list = line.split(" ", 1)[1].strip()
        assert draft_file.path(real_data_dir).exists()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    w = open_window(real_data_dir)
    box = w.setter.last_question
    assert box is not None and box.isVisible()
    assert "Killed Mid Set" in box.text() and "4 holds" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert w.scene.mode == Mode.SET
    assert w.setter.draft.holds_list() == holds_list and w.setter.draft.details.name == "Killed Mid Set"
    assert w.setter.dirty and w.setter.panel.name.text() == "Killed Mid Set"
    w.setter.discard()
