"""The Sync panel: pick a backend, see its connection, preview an operation, run it, read the history.

A non-modal dialog of the main window (Sync menu, toolbar, Ctrl+Shift+S). It computes nothing itself:
everything goes through the sync facade (`mastoc.sync.operations`, injectable as `ops` for tests) on
worker threads via `TaskRunner`; progress comes back through a queued signal (throttled on the worker
side), Cancel sets an event the facade checks between batches. Errors are shown in plain words
(`sync_words.plain_error`) with Retry; a rate limit with a known wait retries by itself after it.
`synced` is emitted after every run that may have changed the store (the main window then reloads
its wall and climb list).
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)

from mastoc.ui.sync_login import LoginDialog
from mastoc.ui.sync_panel_build import TAB_PREVIEW, build_panel
from mastoc.ui.sync_panel_feedback import FeedbackMixin
from mastoc.ui.sync_words import (
    BACKEND_NAMES,
    OP_BACKEND,
    OP_NAMES,
    OPS_WHEN_ACTIVE,
    counts_text,
    plain_error,
    when_text,
)
from mastoc.ui.tasks import TaskRunner

PROGRESS_INTERVAL = 0.05  # s: at most ~20 progress updates a second reach the UI thread


class _Relay(QObject):
    progressed = Signal(int, object)  # job, Progress


def load_facade() -> Any:
    return importlib.import_module("mastoc.sync.operations")


class SyncPanel(FeedbackMixin, QDialog):
    synced = Signal(object)          # RunReport: the store may have changed
    statusLoaded = Signal(object)    # BackendStatus
    previewReady = Signal(object)    # Preview
    runFinished = Signal(object)     # RunReport
    historyLoaded = Signal(list)
    errorShown = Signal(str)
    loggedIn = Signal(str)
    busyChanged = Signal(bool)

    def __init__(self, directory: Path, tasks: TaskRunner | None = None, ops: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sync"))
        self.setObjectName("sync-panel")
        self.directory = Path(directory)
        self.tasks = tasks or TaskRunner(self)
        self.ops = ops if ops is not None else load_facade()
        self.active = "railway"
        self.status: Any = None
        self.preview: Any = None
        self.busy = ""  # "" | "preview" | "run" | "login"
        self._job = 0
        self._cancel = threading.Event()
        self._retry: Callable[[], None] | None = None
        self._retry_at: float | None = None
        self._retry_text = ""
        self._wait_until: float | None = None
        self._wait_step = ""
        self._last_step = ""
        self._loading_active = False
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._on_progress)
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._on_tick)
        self.login_dialog: LoginDialog | None = None
        build_panel(self)
        self.resize(940, 640)

    # --- construction -------------------------------------------------------------------------

    # --- opening ------------------------------------------------------------------------------

    def show_for(self, op: str | None = None, backend: str | None = None) -> None:
        """Show the panel on an operation (and backend, persisted when it differs from the active one).
        While something runs, it is only shown: the running operation keeps its backend."""
        if self.busy:
            op = backend = None
        self._wanted_op = op
        was_visible = self.isVisible()
        self.show()
        if was_visible and QGuiApplication.platformName() != "offscreen":  # (no window stacking offscreen)
            self.raise_()
            self.activateWindow()
        if not self.busy:
            self._load_active(backend)

    def _load_active(self, switch_to: str | None = None) -> None:
        def done(active: str) -> None:
            if switch_to and switch_to != active:
                self.set_backend(switch_to)
                return
            self._apply_active(active)

        self.tasks.submit(self.ops.active_backend, self.directory, key="sync-active", on_done=done,
                          on_error=lambda e: self._show_error(plain_error(e), None))

    def _apply_active(self, active: str) -> None:
        self.active = active
        self._loading_active = True
        self.backend_box.setCurrentIndex(max(0, self.backend_box.findData(active)))
        self._loading_active = False
        wanted = getattr(self, "_wanted_op", None) or self.current_op()
        self.op_box.blockSignals(True)
        self.op_box.clear()
        for op in OPS_WHEN_ACTIVE.get(active, ()):
            self.op_box.addItem(OP_NAMES[op], op)
        i = self.op_box.findData(wanted)
        self.op_box.setCurrentIndex(i if i >= 0 else 0)
        self.op_box.blockSignals(False)
        self._wanted_op = None
        self._on_op_chosen()

    def current_op(self) -> str | None:
        return self.op_box.currentData()

    def op_backend(self) -> str:
        op = self.current_op()
        return OP_BACKEND.get(op, self.active) if op else self.active

    # --- backend and connection ---------------------------------------------------------------

    def _on_backend_chosen(self) -> None:
        if self._loading_active:
            return
        name = self.backend_box.currentData()
        if name and name != self.active:
            self.set_backend(name)

    def set_backend(self, name: str) -> None:
        """Make `name` the active backend (persisted by the facade) and show its operations."""
        self.tasks.submit(self.ops.set_active_backend, name, self.directory, key="sync-active",
                          on_done=lambda _: self._apply_active(name),
                          on_error=lambda e: self._show_error(plain_error(e), None))

    def _on_op_chosen(self) -> None:
        op = self.current_op()
        self.full_box.setVisible(op == "stokt-import")
        self.delete_box.setVisible(op == "stokt-push" and _accepts(self.ops.preview, "delete_remote"))
        if self.preview is not None and str(self.preview.op) != op:
            self._drop_preview()
        self.refresh_status()
        self._set_busy(self.busy)

    def refresh_status(self) -> None:
        backend = self.op_backend()
        self.conn_title.setText(f"{BACKEND_NAMES.get(backend, backend)}")
        self.tasks.submit(self.ops.status, backend, self.directory, key="sync-status", on_done=self._status_loaded,
                          on_error=lambda e: self.conn_label.setText(plain_error(e, backend).text))

    def _status_loaded(self, st: Any) -> None:
        self.status = st
        who = (self.tr("logged in as <b>{0}</b>").format(_esc(st.account)) if st.logged_in and st.account
               else (self.tr("logged in") if st.logged_in else self.tr("<b>not logged in</b>")))
        pending = st.pending_local_changes
        waiting = (self.tr("{0} local change waiting") if pending == 1
                   else self.tr("{0} local changes waiting")).format(f"{pending:,}")
        self.conn_label.setText(self.tr("{0} · {1}<br>Last successful sync: {2} · {3}").format(
            _esc(st.url), who, when_text(st.last_success), waiting))
        self.login_btn.setText(self.tr("Log in again…") if st.logged_in else self.tr("Log in…"))
        self.logout_btn.setEnabled(st.logged_in and not self.busy)
        self.statusLoaded.emit(st)

    def open_login(self) -> None:
        backend = self.op_backend()
        url = self.status.url if self.status is not None and self.status.backend == backend else ""
        account = self.status.account if self.status is not None and self.status.backend == backend else ""
        dlg = LoginDialog(backend, url, account or "", self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.submitted.connect(self._login)
        dlg.destroyed.connect(lambda: setattr(self, "login_dialog", None))
        self.login_dialog = dlg
        dlg.open()

    def _login(self, backend: str, url: str, username: str, password: str) -> None:
        def done(account: str) -> None:
            if self.login_dialog is not None:
                self.login_dialog.accept()
            self._set_message(f"Logged in to {BACKEND_NAMES.get(backend, backend)} as {account}.")
            self.loggedIn.emit(account)
            self.refresh_status()

        def failed(exc: Exception) -> None:
            err = plain_error(exc, backend, logging_in=True)
            if self.login_dialog is not None:
                self.login_dialog.show_error(err.text)
            else:
                self._show_error(err, None)

        self.tasks.submit(self.ops.login, backend, username, password, url or None, self.directory,
                          key="sync-login", on_done=done, on_error=failed)

    def logout(self) -> None:
        backend = self.op_backend()

        def done(_: object) -> None:
            self._set_message(f"Logged out of {BACKEND_NAMES.get(backend, backend)}.")
            self.refresh_status()

        self.tasks.submit(self.ops.logout, backend, self.directory, key="sync-login", on_done=done,
                          on_error=lambda e: self._show_error(plain_error(e, backend), None))

    # --- preview and run ----------------------------------------------------------------------

    def _progress_callback(self, job: int) -> Callable[[Any], None]:
        relay = self._relay
        last = [0.0, ""]

        def cb(p: Any) -> None:  # runs on the worker thread
            now = time.monotonic()
            if p.wait_seconds or p.step != last[1] or now - last[0] >= PROGRESS_INTERVAL:
                last[0], last[1] = now, p.step
                relay.progressed.emit(job, p)

        return cb

    def _begin(self, what: str) -> tuple[int, Callable[[Any], None], Callable[[], bool]]:
        self._job += 1
        self._cancel = threading.Event()
        self._stop_countdown()
        self.retry_btn.hide()
        self._set_busy(what)
        self.progress.setRange(0, 0)
        self.step_label.setText(self.tr("Starting…"))
        return self._job, self._progress_callback(self._job), self._cancel.is_set

    def start_preview(self) -> None:
        op = self.current_op()
        if not op or self.busy:
            return
        self._drop_preview()
        self._set_message(f"Preparing the preview of “{OP_NAMES[op]}”…")
        job, cb, cancel = self._begin("preview")
        full = self.full_box.isChecked() and op == "stokt-import"
        self._delete_remote = self.delete_box.isChecked() and op == "stokt-push"
        self.tasks.submit(self._call_preview, op, full, cb, cancel, key="sync-work",
                          on_done=lambda pv: self._preview_done(job, pv),
                          on_error=lambda e: self._failed(job, e, self.start_preview))

    def _call_preview(self, op: str, full: bool, cb: Callable, cancel: Callable) -> Any:
        extra = {"delete_remote": True} if getattr(self, "_delete_remote", False) else {}  # (only asked for)
        return self.ops.preview(self.ops.Op(op), self.directory, full=full, progress=cb, cancel=cancel, **extra)

    def _preview_done(self, job: int, pv: Any) -> None:
        if job != self._job:
            return
        self._set_busy("")
        self._end_progress()
        if self._cancel.is_set():
            self._set_message("Preview cancelled: nothing was changed.")
            return
        self.preview = pv
        self.preview_view.set_preview(pv)
        self.preview_view.selectionChanged.connect(self._update_run_button)
        self.counts_label.setText(counts_text(pv.counts))
        conflicts = len(self.preview_view.conflict_keys())
        n = len(pv.items)
        if n == 0:
            self._set_message("Everything is up to date: nothing to do.")
        else:
            extra = (f" {conflicts} conflict{'s need' if conflicts != 1 else ' needs'} a choice (left as they are"
                     " when you decide later).") if conflicts else ""
            self._set_message(f"Preview ready: {n:,} change{'s' if n != 1 else ''}. Nothing has been written yet; "
                              f"press Run to apply.{extra}")
        warnings = getattr(pv, "warnings", [])
        if warnings:
            self._set_message(self.message.text() + " " + self.tr("Note: ") + " ".join(warnings[:3])
                              + (f" (+{len(warnings) - 3})" if len(warnings) > 3 else ""))
        self.tabs.setCurrentIndex(TAB_PREVIEW)
        self._set_busy("")
        self.previewReady.emit(pv)

    def start_run(self) -> None:
        if self.preview is None or self.busy:
            return
        pv = self.preview
        selected = self.preview_view.selected()
        resolutions = self.preview_view.resolutions()
        self._set_message(f"Running “{OP_NAMES.get(str(pv.op), str(pv.op))}”…")
        job, cb, cancel = self._begin("run")
        self.tasks.submit(self._call_run, pv, selected, resolutions, cb, cancel, key="sync-work",
                          on_done=lambda rep: self._run_done(job, rep),
                          on_error=lambda e: self._failed(job, e, self.start_run))

    def _call_run(self, pv: Any, selected: set[str] | None, resolutions: dict[str, str], cb: Callable,
                  cancel: Callable) -> Any:
        return self.ops.run(pv, self.directory, selected=selected, resolutions=resolutions or None,
                            progress=cb, cancel=cancel)

    def _run_done(self, job: int, report: Any) -> None:
        if job != self._job:
            return
        self._set_busy("")
        self._end_progress()
        name = OP_NAMES.get(str(report.op), str(report.op))
        if report.cancelled:
            text = (f"“{name}” cancelled. What was done is kept and the store is consistent; "
                    "press Run to finish the rest.")
        elif report.ok:
            text = f"“{name}” done. {report.message}"
            self._drop_preview()
        else:  # the plan is used up: what is left shows in a new preview
            text = f"“{name}” finished with problems. {report.message} Preview again to see what is left."
            self._drop_preview()
        if report.errors:
            text += "\n• " + "\n• ".join(report.errors[:5])
            if len(report.errors) > 5:
                text += f"\n• … and {len(report.errors) - 5} more"
        self.counts_label.setText(counts_text(report.counts))
        self._set_message(text, error=not report.ok and not report.cancelled)
        self.refresh_status()
        self.load_history()
        self.runFinished.emit(report)
        self.synced.emit(report)

    def cancel(self) -> None:
        if self._retry_at is not None:  # cancel a pending automatic retry
            self._stop_countdown()
            self._set_message("Automatic retry cancelled.")
            return
        if not self.busy or self.busy == "login":
            return
        self._cancel.set()
        self.step_label.setText(self.tr("Cancelling after the current batch…"))
        self.cancel_btn.setEnabled(False)

    # --- state --------------------------------------------------------------------------------

    def _drop_preview(self) -> None:
        self.preview = None
        self.preview_view.clear_preview()
        self.counts_label.setText("")
        self._update_run_button()

    def _update_run_button(self) -> None:
        ok = self.preview is not None and not self.busy
        if ok and self.preview_view.selected() is not None and not self.preview_view.selected():
            ok = False  # Push to Stokt with every box unticked
        self.run_btn.setEnabled(ok)

    def _set_busy(self, what: str) -> None:
        was = bool(self.busy)
        self.busy = what
        idle = not what
        self.preview_btn.setEnabled(idle and self.current_op() is not None)
        self.cancel_btn.setEnabled(what in ("preview", "run"))
        self.op_box.setEnabled(idle)
        self.backend_box.setEnabled(idle)
        self.login_btn.setEnabled(idle)
        self.logout_btn.setEnabled(idle and self.status is not None and self.status.logged_in)
        self.full_box.setEnabled(idle)
        self.delete_box.setEnabled(idle)
        self.preview_view.setEnabled(idle)
        self._update_run_button()
        if was != bool(what):
            self.busyChanged.emit(bool(what))


def _accepts(fn: Callable, name: str) -> bool:
    """Whether the facade function takes keyword `name` (the delete-on-Stokt choice is newer than some)."""
    import inspect

    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _esc(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
