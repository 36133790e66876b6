"""Issue 9 §5 (and §2 in the GUI): after File → Load a Stokt backup, a summary the user can read,
with every problem (a damaged photo included), instead of a status-bar flash."""

from __future__ import annotations

import shutil
from pathlib import Path

from mastoc.store.db import Store
from mastoc.sync.backup import LoadReport
from mastoc.ui import first_start
from mastoc.ui.backup_report import BackupReportDialog
from mastoc.ui.main_window import MainWindow
from tests.ui.conftest import wait_idle


def test_loading_a_backup_with_a_damaged_photo_shows_a_summary_with_the_problem(qtbot, data_dir: Path,
                                                                                fixtures_dir: Path,
                                                                                tmp_path: Path) -> None:
    backup = tmp_path / "backup"
    shutil.copytree(fixtures_dir, backup)
    (backup / "wall_full.jpg").write_bytes((fixtures_dir / "wall_full.jpg").read_bytes()[:300 * 1024])
    st = Store.open(data_dir)
    first_start.ensure_demo(st)
    w = MainWindow(st)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.ready, timeout=20_000):
        w.show()
        w.start()
    reports: list = []
    w.load_backup([str(backup)], on_done=reports.append)
    qtbot.waitUntil(lambda: bool(reports), timeout=30_000)
    wait_idle(qtbot, w)
    dialog = w.backup_report
    assert dialog.isVisible()
    text = dialog.problems.toPlainText()
    assert "wall_full.jpg" in text and "damaged image" in text
    assert "1017" in dialog.headline.text().replace(",", "") or "new or changed" in dialog.headline.text()
    assert dialog.table.item(5, 0).text() == "1,017"  # climbs, new
    dialog.close()
    w.tasks.wait()
    w.close()
    st.close()


def test_summary_of_a_clean_load(qtbot) -> None:
    report = LoadReport(files=3, counts={"climbs": {"new": 0, "updated": 0, "unchanged": 1017}})
    dialog = BackupReportDialog(report)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "nothing changed" in dialog.headline.text()
    assert not dialog.problems.isVisible()
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "1,017"
