"""The autosaved draft: `set-draft.json` in the data directory, rewritten on every change.

Written to a temporary file and renamed over the old one, so a crash or a `kill -9` at any moment
leaves either the previous draft or the new one, never half a file (the kernel keeps written data
when a process dies; no fsync per click). The Set mode writes through `DraftWriter`, off the UI
thread, so a click is repainted without waiting for the disk. A file that cannot be read is moved aside to
`set-draft.corrupt.json` and reported in one line; the app keeps running.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from mastoc.ui.setting.draft import Draft

FILE_NAME = "set-draft.json"
CORRUPT_NAME = "set-draft.corrupt.json"


class DraftFileError(Exception):
    """The draft file exists but is not a draft (already moved aside)."""


def path(directory: Path) -> Path:
    return Path(directory) / FILE_NAME


def save(directory: Path, draft: Draft) -> None:
    target = path(directory)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(draft.to_json(), encoding="utf-8")
    os.replace(tmp, target)


def clear(directory: Path) -> None:
    path(directory).unlink(missing_ok=True)


def load(directory: Path) -> Draft | None:
    """The saved draft, None when there is none; `DraftFileError` (file moved aside) when corrupt."""
    p = path(directory)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        reason = str(exc)
    else:
        try:
            return Draft.from_json(text)
        except ValueError as exc:
            reason = str(exc)
    aside = p.with_name(CORRUPT_NAME)
    try:
        os.replace(p, aside)
    except OSError:
        pass
    raise DraftFileError(f"the draft of the climb being set could not be read ({reason}); "
                         f"it was moved to {aside.name}")


class DraftWriter:
    """Writes the latest draft (or its removal) on a thread of its own, so a click never waits for the
    disk; writes land in order, a few milliseconds after the change. `flush()` waits for them."""

    _CLEAR = object()

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._cond = threading.Condition()
        self._pending: object = None  # a Draft, _CLEAR, or None (nothing to do)
        self._busy = False
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, name="mastoc-draft-writer", daemon=True)
        self._thread.start()

    def save(self, draft: Draft) -> None:
        self._put(draft)

    def clear(self) -> None:
        self._put(self._CLEAR)

    def _put(self, item: object) -> None:
        with self._cond:
            self._pending = item
            self._cond.notify_all()

    def flush(self, timeout: float = 5.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self._pending is None and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None)
                item, self._pending, self._busy = self._pending, None, True
            try:
                if item is self._CLEAR:
                    clear(self.directory)
                else:
                    save(self.directory, item)  # type: ignore[arg-type]
                self.error = None
            except OSError as exc:
                self.error = str(exc)
            with self._cond:
                self._busy = False
                self._cond.notify_all()
