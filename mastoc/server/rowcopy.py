"""Writing many new rows into one table at once, inside the caller's transaction: `COPY ... FROM
STDIN` on PostgreSQL (psycopg 3), the driver's `executemany` on SQLite, a Core `insert` for a few rows.
Errors raise as SQLAlchemy's (`IntegrityError` on a duplicate key, ...), whatever the path."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.exc import DBAPIError

COPY_FROM = 50  # below this many rows an INSERT is as quick


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table`; constraint violations raise as an INSERT's would."""
    if not rows:
        return
    if len(rows) < COPY_FROM or conn.dialect.name not in ("postgresql", "sqlite"):
        conn.execute(insert(table), rows)
        return
    if conn.dialect.name == "sqlite":
        _sqlite_executemany(conn, table, rows)
        return
    import psycopg
    from psycopg import sql

    cols = list(rows[0])
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name),
                                                     sql.SQL(", ").join(sql.Identifier(c) for c in cols))
    raw = conn.connection.driver_connection
    assert raw is not None
    try:
        with raw.cursor() as cur, cur.copy(stmt) as copy:
            for r in rows:
                copy.write_row([r[c] for c in cols])
    except psycopg.Error as exc:  # the raw driver's error, as SQLAlchemy would have wrapped it
        raise DBAPIError.instance(stmt.as_string(raw), None, exc, psycopg.Error, hide_parameters=True,
                                  dialect=conn.dialect) from exc


def _sqlite_executemany(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """The driver's executemany with the columns' own bind conversions (dates, booleans) applied
    once per value: the very values `insert(table)` would send, without its per-row bookkeeping."""
    cols = list(rows[0])
    procs = [table.c[c].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for c in cols]
    quoted = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in cols)
    stmt = f"INSERT INTO {conn.dialect.identifier_preparer.quote(table.name)} ({quoted}) VALUES ({', '.join('?' * len(cols))})"
    conn.exec_driver_sql(stmt, [tuple(v if p is None or v is None else p(v) for p, v in zip(procs, (r[c] for c in cols),
                                                                                             strict=True))
                                for r in rows])
