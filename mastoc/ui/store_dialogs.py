"""Opening the store for the app when something is wrong with it, and the dialogs that say so.

`open_for_app` opens the data directory's store the way the app needs it:

- a second mastoc app on the same data directory (the `app` lock of `mastoc.store.locks` is held) is
  warned and opens the store read-only;
- a store that cannot be written (read-only file or directory) opens read-only, and says so;
- a damaged store (SQLite's quick_check fails; a big store is checked after the first paint instead,
  `mastoc.store.startup_check`, and the next start offers the choices) gets `DamagedStoreDialog`: open it read-only, restore
  a copy made by `mastoc backup`, or move the damaged file aside and start fresh (then sync again).
  The damaged file is never deleted (`mastoc.store.rescue`).

It returns an `OpenedStore` (the store, a notice for the window when it is read-only, and the lock to
keep for the app's lifetime) or None when the user chose to quit.
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mastoc.store import locks, paths, rescue, startup_check
from mastoc.store.db import Store, StoreCorruptError, StoreError


def _tr(text: str) -> str:
    return QCoreApplication.translate("StoreDialogs", text)


@dataclass
class OpenedStore:
    store: Store
    notice: str | None  # why the store is read-only, for the window; None when it can be written
    lock: locks.RunLock | None  # held while this app runs (None when another app holds it)
    check_later: bool = False  # a big store opened unchecked: check it once the wall is painted


class DamagedStoreDialog(QDialog):
    """What to do with a damaged store. `choice` is one of READ_ONLY, RESTORE, START_FRESH, QUIT."""

    READ_ONLY, RESTORE, START_FRESH, QUIT = "read_only", "restore", "start_fresh", "quit"

    def __init__(self, db_file: Path, detail: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = self.QUIT
        self.setWindowTitle(self.tr("mastoc: the store is damaged"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        head = QLabel(self.tr("<b>The file that holds your climbs is damaged.</b>"))
        layout.addWidget(head)
        text = QLabel(self.tr(
            "SQLite's check of {file} failed, so mastoc will not write into it.\n\n"
            "You can browse what is still readable, put back a copy made with \u201cmastoc backup\u201d, "
            "or set the damaged file aside (it is kept, renamed, next to the new one) and start again "
            "from a sync with Stokt or the server.").format(file=str(db_file)))
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(text)
        reason = QLabel(self.tr("SQLite says: <i>{detail}</i>").format(detail=html.escape(detail)))
        reason.setWordWrap(True)
        reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(reason)
        layout.addSpacing(8)
        buttons = QHBoxLayout()
        self.read_only_button = self._button(self.tr("Open read-only"), self.READ_ONLY, buttons)
        self.restore_button = self._button(self.tr("Restore a backup\u2026"), self.RESTORE, buttons)
        self.fresh_button = self._button(self.tr("Set it aside and start fresh"), self.START_FRESH, buttons)
        buttons.addStretch(1)
        self.quit_button = self._button(self.tr("Quit"), self.QUIT, buttons)
        self.read_only_button.setDefault(True)
        layout.addLayout(buttons)

    def _button(self, label: str, choice: str, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(label, self)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self._choose(choice))
        row.addWidget(button)
        return button

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept() if choice != self.QUIT else self.reject()


def _say(parent: QWidget | None, title: str, text: str, interactive: bool, warning: bool = True) -> None:
    print(f"mastoc: {text}", file=sys.stderr)
    if interactive:
        (QMessageBox.warning if warning else QMessageBox.information)(parent, title, text)


def open_for_app(data_dir: str | Path | None, *, interactive: bool = True,
                 parent: QWidget | None = None) -> OpenedStore | None:
    """Open the store for the app (see the module docstring); None if the user chose to quit (or,
    not interactive, when the store is damaged)."""
    directory = paths.data_dir(data_dir)
    lock: locks.RunLock | None = locks.RunLock(directory, "app")
    notice: str | None = None
    busy = False
    try:
        assert lock is not None
        lock.acquire()
    except locks.LockBusyError as exc:
        lock, busy = None, True
        who = _tr(" (process {pid})").format(pid=exc.holder) if exc.holder else ""
        notice = _tr("Read-only: mastoc is already open on this data directory{who}.").format(who=who)
        _say(parent, _tr("mastoc is already open"), _tr(
            "mastoc is already open on {dir}{who}. This window opens the store read-only: make changes "
            "in the first one.").format(dir=str(directory), who=who), interactive)
    except OSError:  # the data directory cannot hold a lock file (read-only): opened read-only below
        lock = None
    while True:
        check_now = startup_check.check_at_open(directory)
        try:
            if busy and paths.db_path(directory).exists():
                store = Store.open(directory, readonly=True)
            else:
                store = Store.open(directory, check=check_now)
                if check_now:
                    startup_check.passed(directory)
        except StoreCorruptError as exc:
            print(f"mastoc: {exc}", file=sys.stderr)
            choice = _ask_damaged(paths.db_path(directory), exc.reason, interactive, parent)
            result = _act_on_damage(choice, directory, interactive, parent)
            if result is None:
                _release(lock)
                return None
            if result == "read_only":
                try:
                    store = Store.open(directory, readonly=True)
                except StoreError as exc2:
                    _say(parent, _tr("mastoc"), str(exc2), interactive)
                    _release(lock)
                    return None
                return OpenedStore(store, _tr("Read-only: the store is damaged."), lock)
            continue  # restored or set aside: open again
        except StoreError as exc:
            _say(parent, _tr("mastoc"), str(exc), interactive)
            _release(lock)
            return None
        if store.readonly and notice is None:
            reason = store.readonly_reason or _tr("the store is read-only")
            notice = _tr("Read-only: {reason}.").format(reason=reason)
            _say(parent, _tr("mastoc opens read-only"), _tr(
                "{reason}: mastoc opens it read-only. You can browse, but not change anything.").format(
                    reason=reason), interactive, warning=False)
        return OpenedStore(store, notice, lock, check_later=not check_now and not store.readonly)


def say_damaged_later(parent: QWidget | None, reason: str) -> None:
    """The background check of a big store failed (`startup_check`): say so; the next start offers the
    damaged-store choices."""
    _say(parent, _tr("mastoc: the store is damaged"), _tr(
        "SQLite's check of the store failed ({reason}). Make no more changes: quit mastoc and start it "
        "again to open it read-only, restore a backup or start fresh.").format(reason=reason), True)


def _ask_damaged(db_file: Path, detail: str, interactive: bool, parent: QWidget | None) -> str:
    if not interactive:
        return DamagedStoreDialog.QUIT
    dialog = DamagedStoreDialog(db_file, detail, parent)
    dialog.exec()
    return dialog.choice


def _act_on_damage(choice: str, directory: Path, interactive: bool, parent: QWidget | None) -> str | None:
    """Carry out the user's choice: "read_only", "reopen" (restored or set aside), or None (quit)."""
    if choice == DamagedStoreDialog.READ_ONLY:
        return "read_only"
    if choice == DamagedStoreDialog.RESTORE:
        backup, _filter = QFileDialog.getOpenFileName(
            parent, _tr("Restore a backup made by \u201cmastoc backup\u201d"), str(Path.home()),
            _tr("mastoc stores (*.sqlite3 *.sqlite *.db *.bak);;All files (*)"))
        if not backup:
            return "reopen"  # cancelled: ask again
        try:
            aside = rescue.restore_backup(directory, backup)
        except StoreError as exc:
            _say(parent, _tr("Restore failed"), str(exc), interactive)
            return "reopen"
        _say(parent, _tr("Backup restored"), _tr("The backup is in place; the damaged file was kept as {file}.")
             .format(file=str(aside)), interactive, warning=False)
        return "reopen"
    if choice == DamagedStoreDialog.START_FRESH:
        try:
            aside = rescue.move_aside(directory)
        except StoreError as exc:
            _say(parent, _tr("mastoc"), str(exc), interactive)
            return None
        _say(parent, _tr("A fresh start"), _tr(
            "The damaged file was kept as {file}. mastoc starts with an empty store: sync with Stokt or "
            "the server to get your climbs back.").format(file=str(aside)), interactive, warning=False)
        return "reopen"
    return None


def _release(lock: locks.RunLock | None) -> None:
    if lock is not None:
        lock.release()
