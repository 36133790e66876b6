"""What the Sync panel tells while and after it works: progress and waits, errors in plain words with
Retry, the automatic retry countdown after a rate limit, and the history of past runs
(`FeedbackMixin`, mixed into `SyncPanel`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTableWidgetItem

from mastoc.ui.sync_words import PlainError, history_row, plain_error


class FeedbackMixin:
    """Needs the panel's widgets (`message`, `retry_btn`, `progress`, `step_label`, `cancel_btn`), its
    `_tick` timer, job counter and cancel event, and its `start_preview` / `start_run` / `open_login`."""

    _job: int
    _cancel: Any
    _tick: Any

    def _failed(self, job: int, exc: Exception, again: Callable[[], None]) -> None:
        if job != self._job:
            return
        self._set_busy("")
        self._end_progress()
        err = plain_error(exc, self.op_backend())
        if err.kind == "cancelled" or (self._cancel.is_set() and err.kind in ("other", "cancelled")):
            self._set_message("Cancelled. The store is consistent; nothing half-written.")
            return
        if err.kind == "stale":
            again = self.start_preview
        self._show_error(err, again)
        if again == self.start_run:
            self.synced.emit(None)  # earlier batches may have landed
            self.load_history()
        self.refresh_status()

    def _show_error(self, err: PlainError, again: Callable[[], None] | None) -> None:
        self._retry = again
        self._set_message(err.text, error=True)
        self.retry_btn.setVisible(again is not None)
        if err.kind == "auth":
            self.retry_btn.setText(self.tr("Log in…"))
            self._retry = self.open_login
            self.retry_btn.show()
        else:
            self.retry_btn.setText(self.tr("Retry"))
        if again is not None and err.retry_in:
            self._retry_at = time.monotonic() + err.retry_in
            self._retry_text = err.text.split(";")[0]
            self._tick.start()
        self.errorShown.emit(err.text)

    def retry(self) -> None:
        again = self._retry
        self._stop_countdown()
        if again is not None:
            self.retry_btn.hide()
            again()

    def _stop_countdown(self) -> None:
        self._retry_at = None
        self._wait_until = None
        self._tick.stop()

    def _on_tick(self) -> None:
        now = time.monotonic()
        if self._retry_at is not None:
            left = self._retry_at - now
            if left <= 0:
                self.retry()
            else:
                self.message.setText(self.tr("{0}; retrying in {1} s").format(self._retry_text, int(left + 0.99)))
        elif self._wait_until is not None:
            left = self._wait_until - now
            if left <= 0:
                self._wait_until = None
                self._tick.stop()
                self.step_label.setText(self.tr("{0}; retrying now").format(self._wait_step))
            else:
                self.step_label.setText(self.tr("{0}; retrying in {1} s").format(self._wait_step, int(left + 0.99)))
        else:
            self._tick.stop()

    def _on_progress(self, job: int, p: Any) -> None:
        if job != self._job or not self.busy:
            return
        if p.total:
            self.progress.setRange(0, int(p.total))
            self.progress.setValue(min(int(p.done), int(p.total)))
            self.progress.setFormat("%v of %m done")
        else:
            self.progress.setRange(0, 0)
        if self._cancel.is_set():
            return
        if p.wait_seconds:
            self._wait_step = wait_words(p.step, self.op_backend())
            self._wait_until = time.monotonic() + float(p.wait_seconds)
            self._on_tick()
            self._tick.start()
        else:
            self._wait_until = None
            self._last_step = p.step
            self.step_label.setText(p.step)

    def _end_progress(self) -> None:
        self._wait_until = None
        self._tick.stop()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)  # idle: an empty bar (the message says how it ended)
        self.progress.setFormat("")
        self.step_label.setText("")

    def _set_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)
        if not error:
            self.retry_btn.hide()

    # --- history ------------------------------------------------------------------------------

    def load_history(self) -> None:
        self.tasks.submit(self.ops.history, self.directory, key="sync-history", on_done=self._history_loaded,
                          on_error=lambda e: self._show_error(plain_error(e), None))

    def _history_loaded(self, runs: list[dict]) -> None:
        self.history.setRowCount(len(runs))
        for r, run in enumerate(runs):
            for c, text in enumerate(history_row(run)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.history.setItem(r, c, item)
        self.historyLoaded.emit(runs)

    def history_texts(self) -> list[tuple[str, ...]]:
        return [tuple(self.history.item(r, c).text() for c in range(5)) for r in range(self.history.rowCount())]


def wait_words(reason: str, backend: str) -> str:
    """What a wait inside an operation is about: "Stokt is rate limiting", "network problem"…"""
    head = reason.split(";")[0].strip()
    if head.startswith("rate limited"):
        return (QCoreApplication.translate("SyncPanel", "Stokt is rate limiting") if backend == "stokt"
                else QCoreApplication.translate("SyncPanel", "The mastoc server is rate limiting"))
    return head[:1].upper() + head[1:]
