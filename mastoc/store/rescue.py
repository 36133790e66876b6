"""What a user can do with a damaged store: keep it aside, restore a backup, start again. Never delete.

`move_aside` renames the store file (and its -wal/-shm companions) to `mastoc.sqlite3.damaged-<UTC
time>` in the same directory, so a fresh store can be created in its place and the damaged one stays
for recovery tools. `restore_backup` checks that a file is a mastoc store that passes SQLite's
integrity check (a copy made by `mastoc backup`), moves the current file aside and copies the backup
into place (to a temporary name first, then renamed). The UI's damaged-store dialog calls these.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from mastoc.store import paths, schema
from mastoc.store.db import StoreError

COMPANIONS = ("-wal", "-shm")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def move_aside(directory: str | Path | None, reason: str = "damaged") -> Path | None:
    """Rename the store of `directory` out of the way; returns the new name (None if there was none)."""
    db_file = paths.db_path(paths.data_dir(directory))
    if not db_file.exists():
        return None
    stamp = _stamp()
    target = db_file.with_name(f"{db_file.name}.{reason}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = db_file.with_name(f"{db_file.name}.{reason}-{stamp}-{n}")
    try:
        os.replace(db_file, target)
        for suffix in COMPANIONS:
            extra = db_file.with_name(db_file.name + suffix)
            if extra.exists():
                os.replace(extra, target.with_name(target.name + suffix))
    except OSError as exc:
        raise StoreError(f"could not move {db_file} aside: {exc.strerror}") from exc
    return target


def check_backup(path: str | Path) -> int:
    """The schema version of the mastoc store at `path`; StoreError if it is not a sound mastoc store."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path} is not a file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"{path} cannot be opened ({exc})") from exc
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise StoreError(f"{path} is damaged too ({ok})")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"climbs", "faces", "holds"} <= tables:
            raise StoreError(f"{path} is not a mastoc store (no climbs, faces and holds tables)")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a mastoc store ({exc})") from exc
    finally:
        conn.close()
    if version > schema.latest_version():
        raise StoreError(f"{path} was written by a newer mastoc (schema {version})")
    return version


def restore_backup(directory: str | Path | None, backup: str | Path, reason: str = "damaged") -> Path | None:
    """Put the backup `backup` in place of the store of `directory` (the current file is moved aside,
    never deleted). Returns where the previous file went (None if there was none)."""
    check_backup(backup)
    directory = paths.data_dir(directory)
    db_file = paths.db_path(directory)
    tmp = db_file.with_name(f".{db_file.name}.restoring")
    try:
        shutil.copyfile(backup, tmp)
    except OSError as exc:
        raise StoreError(f"could not copy {backup}: {exc.strerror}") from exc
    aside = move_aside(directory, reason)
    try:
        os.replace(tmp, db_file)
    except OSError as exc:
        raise StoreError(f"could not put the backup in place: {exc.strerror}") from exc
    return aside
