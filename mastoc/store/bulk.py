"""Bulk writes keyed by Stokt id: compare incoming rows with stored ones, then insert and update in
a few `executemany` calls inside the caller's transaction (no per-row commits).

A row whose `stokt_id` is already bound to a local id keeps that local id (a climb set in mastoc and
pushed to Stokt keeps its mastoc id when it comes back from Stokt); the returned `id_map` tells the
caller how to re-point children (climbs → faces, holds → faces, …).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

_CHUNK = 500
BULK_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def bulk_settings(conn: sqlite3.Connection, cache_kib: int = BULK_CACHE_KIB) -> Iterator[None]:
    """Connection settings for a bulk write (an import of a big catalogue), restored afterwards.

    - `cache_size`: with 100k climbs the random-keyed indexes (ids are UUIDs) outgrow SQLite's
      default 2 MB and every batch would re-read and spill the B-tree pages it touches. Pages are
      only allocated as used, and given back when the size is restored.
    - `temp_store = MEMORY`: an INSERT that can fail halfway (a foreign key, a trigger) keeps a
      statement journal of the pages it changes; on disk that is a temporary file written for every
      row (measured: 100k climbs 17.5 s -> 5.8 s, most of the sys time of an import).
    """
    old_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    old_temp = conn.execute("PRAGMA temp_store").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-int(cache_kib)}")
    conn.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(old_cache)}")
        conn.execute(f"PRAGMA temp_store = {int(old_temp)}")


@dataclass(slots=True)
class UpsertResult:
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    id_map: dict[str, str] = field(default_factory=dict)  # incoming id -> stored id (only when they differ)

    @property
    def changed(self) -> list[str]:
        return self.new + self.updated


BULK_LOCK = "stokt-import"  # the run lock (`mastoc.store.locks`) of the imports that defer indexes
VALUES_ROWS = 500  # rows per multi-row INSERT statement (bounded by SQLite's variable limit too)


def insert_rows(conn: sqlite3.Connection, head: str, rows: Sequence[tuple], tail: str = "") -> None:
    """`conn.executemany(f"{head} VALUES (?, …) {tail}", rows)`, as multi-row `VALUES` statements of
    up to `VALUES_ROWS` rows (same rows, same order, same conflict handling: `tail` may be an
    `ON CONFLICT …` clause). Every row is still written by SQLite one after the other; what goes is
    a `sqlite3_step` (and a GIL release and re-acquisition) per row: 1.6x less CPU for the index
    rows of an import, and the page fetcher's threads no longer stall each row's write."""
    if not rows:
        return
    width = len(rows[0])
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(VALUES_ROWS, limit // width))
    group = "(" + ", ".join("?" * width) + ")"
    start = 0
    while start < len(rows):
        # chunks of `per` rows, the rest in powers of two: a few statement texts, all kept in the
        # connection's statement cache (compiling a statement of hundreds of rows costs ~1 ms)
        left = len(rows) - start
        n = per if left >= per else 1 << (left.bit_length() - 1)
        chunk = rows[start:start + n]
        conn.execute(f"{head} VALUES {', '.join([group] * n)} {tail}", [v for row in chunk for v in row])
        start += n


def defer_indexes(conn: sqlite3.Connection, names: Sequence[str]) -> list[str]:
    """Drop the (non-unique, explicitly created) indexes `names` for a bulk load into an almost empty
    table, inside the caller's transaction, recording their SQL in `deferred_indexes`: building an
    index once from the loaded rows (a sort) costs far less than keeping it through random inserts.
    `restore_indexes` builds them again; so does `Store.open` after a crash. Returns those dropped."""
    dropped = []
    for name in names:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone()
        if row is None or not row[0] or row[0].lstrip().upper().startswith("CREATE UNIQUE"):
            continue  # absent, or a constraint (never dropped)
        conn.execute("INSERT OR REPLACE INTO deferred_indexes (name, sql) VALUES (?, ?)", (name, row[0]))
        conn.execute(f'DROP INDEX "{name}"')
        dropped.append(name)
    return dropped


def has_deferred_indexes(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM deferred_indexes LIMIT 1").fetchone() is not None


def restore_indexes(conn: sqlite3.Connection) -> list[str]:
    """Build every index `defer_indexes` dropped (inside the caller's transaction). Returns them."""
    rows = conn.execute("SELECT name, sql FROM deferred_indexes ORDER BY name").fetchall()
    for name, sql in rows:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone() is None:
            conn.execute(sql)
    conn.execute("DELETE FROM deferred_indexes")
    return [r[0] for r in rows]


def existing_by_stokt_id(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], stokt_ids: Sequence[object]
) -> dict[object, tuple]:
    """Stored rows of `table` (as tuples in `columns` order) keyed by their stokt_id."""
    out: dict[object, tuple] = {}
    sel = ", ".join(columns)
    ids = list(stokt_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        for row in conn.execute(f"SELECT {sel} FROM {table} WHERE stokt_id IN ({marks})", chunk):
            out[row[columns.index("stokt_id")]] = tuple(row)
    return out


def upsert_by_stokt_id(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple],
    dry_run: bool = False,
) -> UpsertResult:
    """Insert new rows, update changed ones, leave equal ones alone. `columns` starts with "id" and
    contains "stokt_id"; only these columns are written, so local-only columns are preserved."""
    columns = list(columns)
    if columns[0] != "id" or "stokt_id" not in columns:
        raise ValueError("columns must start with 'id' and include 'stokt_id'")
    sk = columns.index("stokt_id")
    result = UpsertResult()
    stored = existing_by_stokt_id(conn, table, columns, [r[sk] for r in rows])
    inserts: list[tuple] = []
    updates: list[tuple] = []
    for row in rows:
        old = stored.get(row[sk])
        if old is None:
            inserts.append(row)
            result.new.append(row[0])
            continue
        if old[0] != row[0]:
            result.id_map[row[0]] = old[0]
            row = (old[0], *row[1:])
        if tuple(old) == tuple(row):
            result.unchanged.append(row[0])
        else:
            updates.append((*row[1:], row[0]))
            result.updated.append(row[0])
    if not dry_run:
        if inserts:
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", inserts
            )
        if updates:
            sets = ", ".join(f"{c} = ?" for c in columns[1:])
            conn.executemany(f"UPDATE {table} SET {sets} WHERE id = ?", updates)
    return result


def remap(rows: Sequence[tuple], index: int, id_map: dict[str, str]) -> list[tuple]:
    """Rows with column `index` re-pointed through `id_map` (for children of remapped parents)."""
    if not id_map:
        return list(rows)
    return [(*r[:index], id_map.get(r[index], r[index]), *r[index + 1:]) for r in rows]
