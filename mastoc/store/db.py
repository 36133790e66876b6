"""The store: one SQLite file per data directory, opened, checked and migrated here.

Connections run in autocommit mode; every write goes through `Store.transaction()` (`BEGIN IMMEDIATE`,
so two writers queue on the busy timeout instead of failing halfway). WAL mode lets readers (the UI's
worker threads, a backup) run while a sync writes. Open one `Store` per thread.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from mastoc.domain.models import Climb, Face, Gym, Hold, User, Wall
from mastoc.errors import UserFacingError
from mastoc.store import images, paths, rows, schema

# How long a writer waits for another mastoc (app, CLI, sync) holding the write lock.
BUSY_TIMEOUT_MS = int(os.environ.get("MASTOC_BUSY_TIMEOUT_MS", "10000"))

COUNTED_TABLES = (
    "gyms", "walls", "faces", "holds", "users", "climbs", "climb_holds",
    "climb_lists", "list_items", "hold_annotations", "id_mappings", "images",
)


class StoreError(UserFacingError):
    """A problem with the local store, worded for the user."""


class StoreCorruptError(StoreError):
    pass


class StoreLockedError(StoreError):
    pass


class StoreReadOnlyError(StoreError):
    pass


class Store:
    """An open local store. Use `Store.open()`; close it (or use it as a context manager)."""

    def __init__(self, directory: Path, conn: sqlite3.Connection, readonly: bool) -> None:
        self.directory = directory
        self.conn = conn
        self.readonly = readonly
        self._depth = 0

    # -- opening --------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        directory: str | Path | None = None,
        *,
        readonly: bool = False,
        check: bool = False,
        migrate: bool = True,
    ) -> Store:
        """Open (creating and migrating when needed) the store of `directory`.

        `check=True` runs `PRAGMA quick_check` and raises `StoreCorruptError` when it fails.
        """
        directory = paths.data_dir(directory)
        db_file = paths.db_path(directory)
        if readonly:
            if not db_file.exists():
                raise StoreError(f"no mastoc store at {db_file}")
            uri = f"file:{db_file}?mode=ro"
            conn = _connect(uri, uri=True)
        else:
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the data directory {directory}: {exc.strerror}") from exc
            conn = _connect(str(db_file))
        store = cls(directory, conn, readonly)
        try:
            store._configure()
            if check:
                store.check()
            if migrate and not readonly:
                store.migrate()
            elif store.schema_version() != schema.latest_version() and not readonly:
                raise StoreError("the store needs a migration")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _translate(exc, db_file) from exc
        except StoreError:
            conn.close()
            raise
        return store

    def _configure(self) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        c.execute("PRAGMA foreign_keys = ON")
        if not self.readonly:
            mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"could not switch the store to WAL mode (got {mode})")
            c.execute("PRAGMA synchronous = NORMAL")

    def check(self) -> None:
        """Raise `StoreCorruptError` unless SQLite's quick_check passes."""
        try:
            result = [r[0] for r in self.conn.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.DatabaseError as exc:
            raise StoreCorruptError(f"the store {self.path} is damaged ({exc}); restore a backup or re-sync") from exc
        if result != ["ok"]:
            raise StoreCorruptError(
                f"the store {self.path} is damaged ({result[0]}); restore a backup or re-sync"
            )

    def migrate(self) -> int:
        """Bring the schema to the latest version; each step is atomic. Returns the version."""
        current = self.schema_version()
        latest = schema.latest_version()
        if current > latest:
            raise StoreError(
                f"the store {self.path} was written by a newer mastoc (schema {current} > {latest})"
            )
        for version in range(current, latest):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                schema.MIGRATIONS[version](self.conn)
                self.conn.execute(f"PRAGMA user_version = {version + 1}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return latest

    @property
    def path(self) -> Path:
        return paths.db_path(self.directory)

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of writes (nested calls become savepoints)."""
        if self.readonly:
            raise StoreReadOnlyError(f"the store {self.path} is open read-only")
        c = self.conn
        if self._depth:
            name = f"sp{self._depth}"
            c.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield c
            except BaseException:
                c.execute(f"ROLLBACK TO {name}")
                c.execute(f"RELEASE {name}")
                raise
            else:
                c.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        try:
            c.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _translate(exc, self.path) from exc
        self._depth = 1
        try:
            yield c
        except BaseException:
            c.execute("ROLLBACK")
            raise
        else:
            try:
                c.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                c.execute("ROLLBACK")
                raise _translate(exc, self.path) from exc
        finally:
            self._depth = 0

    def backup_to(self, target: str | Path) -> Path:
        """A consistent copy of the store (SQLite's online backup API: safe while a sync writes).

        Written to a temporary file beside `target` and renamed when complete and checked.
        """
        target = Path(target)
        if target.exists():
            raise StoreError(f"{target} already exists; choose a new file name")
        tmp = target.with_name(f".{target.name}.partial")
        dest = sqlite3.connect(tmp)
        try:
            self.conn.backup(dest, pages=1024)
            ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
            dest.close()
            if ok != "ok":
                raise StoreCorruptError(f"the backup failed its integrity check ({ok})")
            os.replace(tmp, target)
        except BaseException:
            dest.close()
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        return target

    # -- reading --------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES}

    def gyms(self) -> list[Gym]:
        return [rows.gym_from_row(r) for r in self.conn.execute("SELECT * FROM gyms ORDER BY display_name, id")]

    def walls(self) -> list[Wall]:
        return [rows.wall_from_row(r) for r in self.conn.execute("SELECT * FROM walls ORDER BY name, id")]

    def faces(self) -> list[Face]:
        return [rows.face_from_row(r) for r in self.conn.execute("SELECT * FROM faces ORDER BY name, id")]

    def face(self, key: str) -> Face | None:
        """A face by mastoc id or Stokt id."""
        r = self.conn.execute("SELECT * FROM faces WHERE id = ? OR stokt_id = ? LIMIT 1", (key, key)).fetchone()
        return rows.face_from_row(r) if r else None

    def holds(self, face_id: str) -> list[Hold]:
        cur = self.conn.execute("SELECT * FROM holds WHERE face_id = ? ORDER BY num", (face_id,))
        return [rows.hold_from_row(r) for r in cur]

    def users(self) -> list[User]:
        return [rows.user_from_row(r) for r in self.conn.execute("SELECT * FROM users ORDER BY full_name, id")]

    def climb(self, key: str) -> Climb | None:
        """A climb by mastoc id or Stokt id, with its setter's name."""
        r = self.conn.execute(
            "SELECT c.*, u.full_name AS setter_name FROM climbs c LEFT JOIN users u ON u.id = c.setter_id "
            "WHERE c.id = ? OR c.stokt_id = ? LIMIT 1",
            (key, key),
        ).fetchone()
        return rows.climb_from_row(r) if r else None

    # -- writing single entities ------------------------------------------------------------------

    def save_climb(self, climb: Climb) -> None:
        """Insert or replace one climb and its climb<->hold index rows, atomically."""
        with self.transaction() as c:
            write_climbs(c, [climb])

    # -- images ---------------------------------------------------------------------------------

    def image_path(self, sha256: str) -> Path | None:
        return images.existing_path(paths.images_dir(self.directory), sha256)

    def put_image(self, data: bytes, *, expected_sha256: str | None = None, source_name: str | None = None) -> str:
        """Store image bytes under their SHA-256 (atomic, verified) and record them. Returns the hash."""
        info = images.write_image(paths.images_dir(self.directory), data, expected_sha256=expected_sha256)
        with self.transaction() as c:
            images.record(c, info, source_name)
        return info.sha256


def write_climbs(conn: sqlite3.Connection, climbs: list[Climb]) -> None:
    """Upsert climbs and rebuild their climb<->hold index rows (inside the caller's transaction)."""
    if not climbs:
        return
    cols = rows.CLIMB_COLUMNS
    conn.executemany(
        f"INSERT INTO climbs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
        f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols if c != 'id')}",
        [rows.climb_to_row(c) for c in climbs],
    )
    ids = [(c.id,) for c in climbs]
    conn.executemany("DELETE FROM climb_holds WHERE climb_id = ?", ids)
    rows.insert_climb_holds(conn, [r for c in climbs for r in rows.climb_hold_rows(c.id, c.holds_list, c.grade_ircra)])


def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(
        target, uri=uri, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    return conn


def _translate(exc: sqlite3.DatabaseError, db_file: Path) -> StoreError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreLockedError(f"the store {db_file} is busy (another mastoc is writing); try again")
    if "readonly" in text or "read-only" in text:
        return StoreReadOnlyError(f"the store {db_file} is read-only")
    if "disk" in text and "full" in text:
        return StoreError(f"the disk holding {db_file} is full; nothing was changed")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreCorruptError(f"the store {db_file} is damaged ({exc}); restore a backup or re-sync")
    return StoreError(f"database error in {db_file}: {exc}")
