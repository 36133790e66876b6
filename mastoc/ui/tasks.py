"""The one background-task helper: run a function on a worker thread, get its result on the main thread.

`TaskRunner.submit(fn, *args, on_done=..., on_error=..., key=...)` runs `fn(*args)` on Qt's global
thread pool. The result (or the exception) comes back through a queued signal, so callbacks always run
on the thread that owns the runner (the UI thread) — never a `processEvents()` loop. With `key`, a newer
submission under the same key makes older results stale: they are dropped, not delivered, so a fast
typist never sees an old filter's rows arrive last.
"""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    finished = Signal(int, bool, object)  # ticket, ok, result-or-exception


class _Job(QRunnable):
    def __init__(self, relay: _Relay, ticket: int, fn: Callable[..., Any], args: tuple) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._relay = relay
        self._ticket = ticket
        self._fn = fn
        self._args = args

    def run(self) -> None:
        try:
            result = self._fn(*self._args)
        except Exception as exc:  # operation boundary: handed to on_error on the UI thread
            exc.__mastoc_traceback__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._relay.finished.emit(self._ticket, False, exc)
            return
        self._relay.finished.emit(self._ticket, True, result)


class TaskRunner(QObject):
    """Submit work to worker threads; results and errors are delivered on this object's thread."""

    failed = Signal(str)  # a task without on_error failed: a user-visible message

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._relay = _Relay(self)
        self._relay.finished.connect(self._deliver)
        self._tickets = itertools.count(1)
        self._pending: dict[int, tuple[str | None, Callable | None, Callable | None]] = {}
        self._latest: dict[str, int] = {}

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        key: str | None = None,
    ) -> int:
        ticket = next(self._tickets)
        self._pending[ticket] = (key, on_done, on_error)
        if key is not None:
            self._latest[key] = ticket
        self._pool.start(_Job(self._relay, ticket, fn, args))
        return ticket

    def pending(self) -> int:
        return len(self._pending)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (tests, shutdown). Results still arrive via the event loop."""
        return self._pool.waitForDone(msecs)

    @Slot(int, bool, object)
    def _deliver(self, ticket: int, ok: bool, payload: object) -> None:
        key, on_done, on_error = self._pending.pop(ticket, (None, None, None))
        if key is not None and self._latest.get(key) != ticket:
            return  # superseded by a newer submission with the same key
        if ok:
            if on_done is not None:
                on_done(payload)
        elif on_error is not None:
            on_error(payload)  # type: ignore[arg-type]
        else:
            self.failed.emit(str(payload) or type(payload).__name__)
