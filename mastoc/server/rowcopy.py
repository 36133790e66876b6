"""Writing many new rows into one table at once: `COPY ... FROM STDIN` on PostgreSQL (psycopg 3),
one `executemany` INSERT elsewhere (SQLite), inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, insert

COPY_FROM = 50  # below this many rows an INSERT is as quick


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table`; constraint violations raise as an INSERT's would."""
    if not rows:
        return
    if conn.dialect.name != "postgresql" or len(rows) < COPY_FROM:
        conn.execute(insert(table), rows)
        return
    from psycopg import sql

    cols = list(rows[0])
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name),
                                                     sql.SQL(", ").join(sql.Identifier(c) for c in cols))
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(stmt) as copy:
        for r in rows:
            copy.write_row([r[c] for c in cols])
