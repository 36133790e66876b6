"""When the app checks its store's integrity: at open for small stores, after the first paint for big ones.

SQLite's `PRAGMA quick_check` reads the whole file: ~50 ms for the real gym, ~2.5 s at 100k climbs
and ~10 s at 400k, so checking before the first paint would make a big catalogue start in seconds.
The app therefore checks at open only a store of at most `CHECK_AT_OPEN_BYTES` (or one a previous
check found damaged: `SUSPECT_FILE` in the data directory); a bigger one opens unchecked and is
checked by `check_in_background` on a worker thread once the wall is painted. A failed background
check leaves `SUSPECT_FILE`, so the next start checks at open and offers the damaged-store choices
(read-only, restore a backup, start fresh); a passing check at open or in the background removes it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from mastoc.store import paths
from mastoc.store.db import Store, StoreError

CHECK_AT_OPEN_BYTES = 64 * 1024 * 1024
SUSPECT_FILE = "store-check-failed"


def check_at_open(directory: Path) -> bool:
    """Whether the store of `directory` should be checked before the app uses it."""
    db_file = paths.db_path(directory)
    if (directory / SUSPECT_FILE).exists():
        return True
    try:
        return db_file.stat().st_size <= CHECK_AT_OPEN_BYTES
    except OSError:
        return True  # no store yet (or unreadable): opening says what is wrong


def passed(directory: Path) -> None:
    """A check of the store passed: forget an earlier failure."""
    with contextlib.suppress(OSError):
        (directory / SUSPECT_FILE).unlink(missing_ok=True)


def check_in_background(directory: Path) -> str | None:
    """Run the integrity check on a read-only connection of its own (any thread). None when the store
    passes; otherwise SQLite's reason, and the next start checks the store at open."""
    try:
        with Store.open(directory, readonly=True) as st:
            st.check()
    except StoreError as exc:
        reason = getattr(exc, "reason", None) or str(exc)
        with contextlib.suppress(OSError):
            (directory / SUSPECT_FILE).write_text(reason + "\n", encoding="utf-8")
        return reason
    passed(directory)
    return None
