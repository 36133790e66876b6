"""Issue 9 §4 in the app: a damaged store offers read-only / restore a backup / set aside and start
fresh (the damaged file is never deleted); a second app on the same data directory is warned and
opens read-only; the dialog's texts fit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from mastoc.cli import main
from mastoc.store import locks, startup_check
from mastoc.store.db import Store
from mastoc.ui import store_dialogs
from mastoc.ui.store_dialogs import DamagedStoreDialog, open_for_app
from tests.faults.test_store_faults import damage


@pytest.fixture()
def loaded(data_dir: Path, fixtures_dir: Path, capsys) -> Path:
    assert main(["stokt", "load-backup", str(fixtures_dir)]) == 0
    capsys.readouterr()
    return data_dir


@pytest.fixture()
def no_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: said.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    return said


def _choose(monkeypatch: pytest.MonkeyPatch, *choices: str) -> list[DamagedStoreDialog]:
    shown: list[DamagedStoreDialog] = []
    queue = list(choices)

    def exec_(self: DamagedStoreDialog) -> int:
        shown.append(self)
        self._choose(queue.pop(0))
        return 1

    monkeypatch.setattr(DamagedStoreDialog, "exec", exec_)
    return shown


def _aside(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob("mastoc.sqlite3.damaged-*"))


def test_damaged_store_start_fresh_keeps_the_damaged_file(qtbot, loaded: Path, monkeypatch, no_boxes) -> None:
    damage(loaded)
    damaged = (loaded / "mastoc.sqlite3").read_bytes()
    shown = _choose(monkeypatch, DamagedStoreDialog.START_FRESH)
    opened = open_for_app(loaded)
    assert opened is not None and len(shown) == 1
    with opened.store as store:
        assert not store.readonly and store.counts()["climbs"] == 0
    kept = [p for p in _aside(loaded) if not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert any(str(kept[0]) in text for text in no_boxes)
    opened.lock.release()


def test_damaged_store_restore_a_backup(qtbot, loaded: Path, tmp_path: Path, monkeypatch, no_boxes) -> None:
    backup = tmp_path / "copy.sqlite3"
    assert main(["backup", str(backup)]) == 0
    damage(loaded)
    _choose(monkeypatch, DamagedStoreDialog.RESTORE)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))
    opened = open_for_app(loaded)
    assert opened is not None
    with opened.store as store:
        assert store.counts()["climbs"] == 1017 and not store.readonly
        store.check()
    assert _aside(loaded) and backup.exists()
    opened.lock.release()


def test_damaged_store_open_read_only(qtbot, loaded: Path, monkeypatch, no_boxes) -> None:
    damage(loaded)
    _choose(monkeypatch, DamagedStoreDialog.READ_ONLY)
    opened = open_for_app(loaded)
    assert opened is not None and opened.store.readonly and "damaged" in (opened.notice or "")
    assert not _aside(loaded)
    opened.store.close()
    opened.lock.release()


def test_damaged_store_quit_changes_nothing(qtbot, loaded: Path, monkeypatch, no_boxes) -> None:
    damage(loaded)
    before = (loaded / "mastoc.sqlite3").read_bytes()
    _choose(monkeypatch, DamagedStoreDialog.QUIT)
    assert open_for_app(loaded) is None
    assert (loaded / "mastoc.sqlite3").read_bytes() == before and not _aside(loaded)
    assert not locks.RunLock(loaded, "app").acquire().release()  # the app lock was let go


def test_big_store_is_checked_after_the_paint_and_the_next_start_offers_the_choices(
        qtbot, loaded: Path, monkeypatch, no_boxes) -> None:
    monkeypatch.setattr(startup_check, "CHECK_AT_OPEN_BYTES", 0)  # the real gym stands for a 400k store
    damage(loaded)
    shown = _choose(monkeypatch, DamagedStoreDialog.READ_ONLY)
    opened = open_for_app(loaded)  # a big store opens unchecked: no dialog before the first paint
    assert opened is not None and opened.check_later and not opened.store.readonly and not shown
    reason = startup_check.check_in_background(loaded)
    assert reason and (loaded / startup_check.SUSPECT_FILE).exists()
    opened.store.close()
    opened.lock.release()
    opened = open_for_app(loaded)  # the next start checks at open and offers the choices
    assert opened is not None and len(shown) == 1 and opened.store.readonly and not opened.check_later
    opened.store.close()
    opened.lock.release()


def test_big_store_that_passes_its_background_check_opens_unchecked(qtbot, loaded: Path, monkeypatch,
                                                                   no_boxes) -> None:
    (loaded / startup_check.SUSPECT_FILE).write_text("an old failure\n")
    opened = open_for_app(loaded)  # the mark of a failed check: checked at open (passes, mark removed)
    assert opened is not None and not opened.check_later
    assert not (loaded / startup_check.SUSPECT_FILE).exists()
    opened.store.close()
    opened.lock.release()
    monkeypatch.setattr(startup_check, "CHECK_AT_OPEN_BYTES", 0)
    opened = open_for_app(loaded)
    assert opened is not None and opened.check_later
    assert startup_check.check_in_background(loaded) is None
    assert not (loaded / startup_check.SUSPECT_FILE).exists()
    opened.store.close()
    opened.lock.release()


def test_second_app_is_warned_and_opens_read_only(qtbot, loaded: Path, no_boxes) -> None:
    first = open_for_app(loaded)
    assert first is not None and not first.store.readonly and first.lock is not None
    second = open_for_app(loaded)
    assert second is not None and second.store.readonly and second.lock is None
    assert "already open" in (second.notice or "") and any("already open" in t for t in no_boxes)
    assert second.store.counts()["climbs"] == 1017
    second.store.close()
    first.store.close()
    first.lock.release()
    third = open_for_app(loaded)
    assert third is not None and not third.store.readonly
    third.store.close()
    third.lock.release()


def test_dialog_shows_the_file_and_the_four_choices(qtbot, tmp_path: Path) -> None:
    dialog = DamagedStoreDialog(tmp_path / "mastoc.sqlite3", "database disk image is malformed")
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [b.text() for b in (dialog.read_only_button, dialog.restore_button, dialog.fresh_button,
                                 dialog.quit_button)]
    assert labels == ["Open read-only", "Restore a backup\u2026", "Set it aside and start fresh", "Quit"]
    for b in (dialog.read_only_button, dialog.restore_button, dialog.fresh_button):
        assert b.width() >= b.sizeHint().width()
    assert store_dialogs.__doc__
    assert Store  # imported for type context
