"""`bulk.insert_rows` writes exactly what `executemany` of the same rows writes (order, conflicts,
chunk boundaries, SQLite's variable limit)."""

from __future__ import annotations

import random
import sqlite3

import pytest

from mastoc.store import bulk

HEAD = "INSERT INTO t (k, v, n)"
UPSERT = "ON CONFLICT(k) DO UPDATE SET v = excluded.v, n = t.n + excluded.n"


def _table() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v REAL, n INTEGER)")
    return conn


@pytest.mark.parametrize("per", [1, 3, 500])
@pytest.mark.parametrize("variable_limit", [7, 999, None])
def test_same_rows_as_executemany(monkeypatch: pytest.MonkeyPatch, per: int, variable_limit: int | None) -> None:
    monkeypatch.setattr(bulk, "VALUES_ROWS", per)
    rng = random.Random(per)
    rows = [(f"k{rng.randint(0, 40)}", rng.choice([None, 1.5, 2.0]), rng.randint(0, 9)) for _ in range(257)]
    want, got = _table(), _table()
    if variable_limit:
        got.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, variable_limit)
    want.executemany(f"{HEAD} VALUES (?, ?, ?) {UPSERT}", rows)  # repeated keys: later rows update earlier ones
    bulk.insert_rows(got, HEAD, rows, UPSERT)
    assert got.execute("SELECT * FROM t ORDER BY k").fetchall() == want.execute("SELECT * FROM t ORDER BY k").fetchall()
    bulk.insert_rows(got, HEAD, [])  # nothing to write
    with pytest.raises(sqlite3.IntegrityError):
        bulk.insert_rows(got, HEAD, rows[:1])  # no conflict clause: a repeated key fails as executemany does
