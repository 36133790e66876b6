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
from mastoc.domain.textfold import fold
from mastoc.errors import UserFacingError
from mastoc.store import bulk, images, locks, names_schema, paths, rows, schema

# How long a writer waits for another mastoc (app, CLI, sync) holding the write lock.
BUSY_TIMEOUT_MS = int(os.environ.get("MASTOC_BUSY_TIMEOUT_MS", "10000"))

COUNTED_TABLES = (
    "gyms", "walls", "faces", "holds", "users", "climbs", "climb_holds",
    "climb_lists", "list_items", "hold_annotations", "id_mappings", "images",
)


class StoreError(UserFacingError):
    """A problem with the local store, worded for the user."""


DAMAGED_HINT = ("nothing was changed; restore a copy made by `mastoc backup`, or move the file aside and "
                "sync again (the app offers both)")


class StoreCorruptError(StoreError):
    """The store fails SQLite's checks. `reason` is SQLite's own words (for a details line)."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


class StoreDiskFullError(StoreError):
    pass


class StoreIOError(StoreError):
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
        # why a store asked for read-write was opened read-only (a read-only file or directory), if so
        self.readonly_reason: str | None = None
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
        reason = None
        if not readonly and db_file.exists():
            reason = _not_writable(directory, db_file)
            readonly = reason is not None
        if readonly:
            if not db_file.exists():
                raise StoreError(f"no mastoc store at {db_file}")
            conn = _connect_readonly(db_file)
        else:
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the data directory {directory}: {exc.strerror}") from exc
            if not os.access(directory, os.W_OK):
                raise StoreReadOnlyError(f"cannot create a store in {directory}: the directory is read-only")
            conn = _connect(str(db_file))
        store = cls(directory, conn, readonly)
        store.readonly_reason = reason
        try:
            store._configure()
            if check:
                store.check()
            if migrate and not readonly:
                store.migrate()
                store._restore_deferred_indexes()
            elif store.schema_version() != schema.latest_version() and not readonly:
                raise StoreError("the store needs a migration")
            elif readonly and store.schema_version() > schema.latest_version():
                raise StoreError(f"the store {db_file} was written by a newer mastoc")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _translate(exc, db_file) from exc
        except UnicodeDecodeError as exc:  # text in a damaged page (e.g. the schema's) that does not decode
            conn.close()
            raise StoreCorruptError(f"the store {db_file} is damaged (unreadable text); {DAMAGED_HINT}",
                                    "unreadable text") from exc
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
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged page may not even decode
            why = " ".join(str(exc).split())
            raise StoreCorruptError(f"the store {self.path} is damaged ({why}); {DAMAGED_HINT}", why) from exc
        if result != ["ok"]:
            why = " ".join(str(result[0]).split())  # SQLite's report can span lines: one line for the user
            raise StoreCorruptError(f"the store {self.path} is damaged ({why}); {DAMAGED_HINT}", why)

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
            except BaseException as exc:
                self._rollback()
                fatal = _fatal(exc, self.path)
                if fatal is not None:
                    raise fatal from exc
                raise
        return latest

    def _restore_deferred_indexes(self) -> None:
        """Rebuild the indexes a bulk load dropped (`bulk.defer_indexes`) and did not get to build
        again (killed, crashed) - unless that import is running now: it builds them at its end."""
        if not bulk.has_deferred_indexes(self.conn):
            return
        try:
            lock = locks.RunLock(self.directory, bulk.BULK_LOCK).acquire()
        except locks.LockBusyError:
            return
        try:
            with self.transaction() as c:
                bulk.restore_indexes(c)
        finally:
            lock.release()

    def _rollback(self) -> None:
        """ROLLBACK if a transaction is still open: SQLite rolls back by itself on some errors (disk
        full, I/O), and a second ROLLBACK would hide the real error behind "no transaction is active"."""
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.OperationalError:
                if self.conn.in_transaction:
                    raise

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
                if c.in_transaction:  # not when SQLite already rolled everything back (disk full)
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
        except BaseException as exc:
            self._rollback()
            fatal = _fatal(exc, self.path)
            if fatal is not None:
                raise fatal from exc
            raise
        else:
            try:
                c.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                self._rollback()
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
    cols = (*rows.CLIMB_COLUMNS, "name_search")  # folded here: no trigger UPDATE per inserted row
    conn.executemany(
        f"INSERT INTO climbs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
        f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols if c != 'id')}",
        [(*rows.climb_to_row(c), fold(c.name or "")) for c in climbs],
    )
    ids = [(c.id,) for c in climbs]
    conn.executemany("DELETE FROM climb_holds WHERE climb_id = ?", ids)
    rows.insert_climb_holds(conn, [r for c in climbs for r in rows.climb_hold_rows(c.id, c.holds_list, c.grade_ircra)])


def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(
        target, uri=uri, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    names_schema.register_functions(conn)
    return conn


def _connect_readonly(db_file: Path) -> sqlite3.Connection:
    """A read-only connection. A WAL store in a directory we cannot write (no -shm file can be made)
    is opened `immutable` (nothing else can be writing there either)."""
    conn = _connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        if os.access(db_file.parent, os.W_OK):
            raise
    return _connect(f"file:{db_file}?mode=ro&immutable=1", uri=True)


def _not_writable(directory: Path, db_file: Path) -> str | None:
    """Why the store cannot be opened for writing (a read-only file or directory), or None."""
    if not os.access(db_file, os.W_OK):
        return f"the file {db_file} is read-only"
    if not os.access(directory, os.W_OK):
        wal = db_file.with_name(db_file.name + "-wal")
        shm = db_file.with_name(db_file.name + "-shm")
        if not (os.access(wal, os.W_OK) and os.access(shm, os.W_OK)):
            return f"the data directory {directory} is read-only"
    return None


def describe_error(exc: sqlite3.DatabaseError, db_file: Path) -> StoreError:
    """The one-line, user-worded error for an SQLite failure on the store `db_file`."""
    return _translate(exc, db_file)


def _fatal(exc: BaseException, db_file: Path) -> StoreError | None:
    """A StoreError for SQLite failures of the store itself (disk full, I/O, damage, read-only)
    raised inside a transaction; None for other errors (they are the caller's to handle)."""
    if not isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) or isinstance(
            exc, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError):
        return None
    err = _translate(exc, db_file)
    return None if type(err) is StoreError else err


def _translate(exc: sqlite3.DatabaseError, db_file: Path) -> StoreError:
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorname", "") or ""
    if "locked" in text or "busy" in text:
        return StoreLockedError(f"the store {db_file} is busy (another mastoc is writing); try again")
    if "readonly" in text or "read-only" in text:
        return StoreReadOnlyError(f"the store {db_file} is read-only")
    if code == "SQLITE_FULL" or ("disk" in text and "full" in text):
        return StoreDiskFullError(f"the disk is full ({db_file.parent}): nothing was changed; free some space "
                                  "and try again")
    if code.startswith("SQLITE_IOERR") or "disk i/o" in text:
        return StoreDiskFullError(f"the disk holding {db_file} failed to read or write (I/O error): "
                                  "nothing was changed") if "full" in text else StoreIOError(
            f"the disk holding {db_file} failed to read or write (I/O error): nothing was changed")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreCorruptError(f"the store {db_file} is damaged ({exc}); {DAMAGED_HINT}", str(exc))
    return StoreError(f"database error in {db_file}: {exc}")
