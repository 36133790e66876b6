"""What the main window does to bring data in: load a Stokt backup (files or a folder, on a worker),
open the Sync panel (created once), and refresh after a sync — the wall only when it may have changed.

A mixin of `MainWindow` (it uses the window's store, tasks, status bar and faces), so the window
module stays a list of wiring.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from mastoc.store.db import Store
from mastoc.ui import data


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class IoMixin:
    """Loading backups and the Sync panel, for `MainWindow`."""

    def choose_backup_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, _tr("Load a Stokt backup"), str(Path.home()),
                                                _tr("Stokt backup (*.json *.jpg *.jpeg *.png);;All files (*)"))
        if files:
            self.load_backup(files)


    def choose_backup_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _tr("Load a Stokt backup folder"), str(Path.home()))
        if folder:
            self.load_backup([folder])


    def load_backup(self, paths: list[str], on_done: Callable[[object], None] | None = None) -> None:
        self.statusBar().showMessage(_tr("Loading the backup…"))

        def done(report) -> None:
            from mastoc.ui.backup_report import BackupReportDialog

            self.statusBar().clearMessage()
            self.backup_report = BackupReportDialog(report, self)  # a readable summary, with the problems
            self.backup_report.open()
            faces = [f for f in self.store.faces() if f.stokt_id != self._demo_id]
            if faces:
                self._pending_climb = None
                self.open_face(faces[0].id)
            if on_done is not None:
                on_done(report)

        self.tasks.submit(_load_backup, self.directory, paths, key="backup", on_done=done,
                       on_error=lambda e: self.show_error(f"Could not load the backup: {e}"))


    def open_sync_panel(self, op: str | None = None, backend: str | None = None) -> None:
        """Show the Sync panel (created once), on an operation and backend when given."""
        if getattr(self, "sync_panel", None) is None:
            from mastoc.ui.sync_panel import SyncPanel

            self.sync_panel = SyncPanel(self.directory, parent=self)
            self.sync_panel.synced.connect(self.after_sync)
        self.sync_panel.show_for(op, backend)


    def after_sync(self, report: object = None) -> None:
        """After a sync: reload the climb list (and the wall itself when faces, holds or photos changed)."""
        faces = [f for f in self.store.faces() if f.stokt_id != self._demo_id]
        if self.face is not None and (self.face.stokt_id != self._demo_id or not faces):
            if wall_changed(report):
                self.open_face(self.face.id)
            else:  # climbs only: no need to rebuild 776 hold outlines and the photo
                self.tasks.submit(data.setters, self.directory, self.face.id, key="setters", on_done=self.filters.set_setters)
                self.refresh_query()
                self._show_details()
        elif faces:
            self._pending_climb = None
            self.open_face(faces[0].id)

    def import_from_stokt(self) -> None:
        self.open_sync_panel("stokt-import", "stokt")

    def connect_server(self) -> None:
        self.open_sync_panel("railway-sync", "railway")

    def _inform(self, title: str, text: str) -> None:
        """A non-blocking message box (no nested event loop)."""
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_message = box
        box.open()


def wall_changed(report: object) -> bool:
    """Whether a sync report may have changed a face, its holds or its photo (True when unsure)."""
    counts = getattr(report, "counts", None)
    if not isinstance(counts, dict):
        return True
    return any(n for entity in ("gym", "wall", "face", "hold", "image", "photo")
               for cat, n in (counts.get(entity) or {}).items() if cat not in _NOT_LOCAL)


# categories of a sync report that leave the local rows as they are (sent to the backend, or nothing)
_NOT_LOCAL = frozenset({"unchanged", "create", "created", "update", "delete_remote", "deleted_remote", "upload",
                        "uploaded", "to_push", "pushed", "reconciled", "skipped", "failed"})


def _load_backup(directory: Path, paths: list[str]):
    from mastoc.sync.backup import load_backup

    with Store.open(directory) as st:  # a writer connection of its own, on the worker thread
        return load_backup(st, paths)
