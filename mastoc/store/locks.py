"""Advisory locks of a data directory: one run of a kind at a time (a push, an import, the app).

A lock is an OS file lock (`flock` on POSIX, `msvcrt.locking` on Windows) on `<data>/locks/<name>.lock`,
held for as long as the `RunLock` is open. The OS releases it when the process dies, even on
`kill -9`, so a lock can never go stale, and holding it proves that no other run of that kind is
alive: records such a run left "running" or "pending" can be settled. The file holds the holder's
pid, for messages only.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from mastoc.store import paths


class LockBusyError(Exception):
    """Another process (or another part of this one) holds the lock."""

    def __init__(self, name: str, holder: int | None) -> None:
        super().__init__(f"{name} is held by {'process ' + str(holder) if holder else 'another process'}")
        self.name = name
        self.holder = holder


class RunLock:
    """`RunLock(directory, "stokt-push").acquire()` or `with RunLock(...)`: raises `LockBusyError`."""

    def __init__(self, directory: str | Path | None, name: str) -> None:
        self.path = paths.data_dir(directory) / "locks" / f"{name}.lock"
        self.name = name
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(fd)
        except OSError:
            holder = _read_pid(fd)
            os.close(fd)
            raise LockBusyError(self.name, holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                _unlock(fd)
            os.close(fd)

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
