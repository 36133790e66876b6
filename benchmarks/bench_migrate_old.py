"""Time of `mastoc server migrate-from-old` on a first-version database, on PostgreSQL (pgserver).

Builds the old server's schema and rows with `tests/server/oldserver.py` (--climbs climbs,
--annotations hold annotations, 776 holds as on the real wall, bcrypt password hashes), then
migrates it into a fresh new-schema database twice: the first run copies everything, the second
finds nothing to change. Reference in the same run: the time to write those rows into the old
database (plain bulk INSERTs) and to read them back (SELECT *). Target: first run <= 30 s for
10,000 climbs and 5,000 annotations.

    PYTHONPATH=. python benchmarks/bench_migrate_old.py [--climbs 10000] [--annotations 5000]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from mastoc.server import db, legacy
from tests.server import oldserver


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--climbs", type=int, default=10_000)
    ap.add_argument("--annotations", type=int, default=5_000)
    args = ap.parse_args()
    import pgserver

    pgdir = Path(tempfile.mkdtemp(prefix="mastoc-bench-pg-"))
    srv = pgserver.get_server(pgdir, cleanup_mode="stop")
    try:
        uri = srv.get_uri()
        base, _, query = uri.partition("?")

        def url(name: str) -> str:
            return base.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}?{query}"

        admin = create_engine(url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            for name in ("old_server", "new_server"):
                c.execute(text(f"DROP DATABASE IF EXISTS {name}"))
                c.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()

        rows = oldserver.sample(n_climbs=args.climbs, n_annotations=args.annotations, n_holds=776)
        old = create_engine(url("old_server"))
        oldserver.create_schema(old)
        t0 = time.perf_counter()
        oldserver.write(old, rows)
        t_write = time.perf_counter() - t0
        t0 = time.perf_counter()
        legacy.read_old(old, legacy.Report())
        t_read = time.perf_counter() - t0
        old.dispose()

        new = db.make_engine(url("new_server"))
        db.migrate(new)
        t0 = time.perf_counter()
        first = legacy.migrate_from_old(url("old_server"), new)
        t_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        second = legacy.migrate_from_old(url("old_server"), new)
        t_second = time.perf_counter() - t0
        new.dispose()
        counts = {k: len(v) for k, v in rows.items()}
        print(f"old database: {counts}")
        print(f"reference: bulk INSERT of the old rows {t_write:6.2f} s, SELECT * of them {t_read:6.2f} s")
        print(f"migrate-from-old, first run : {t_first:6.2f} s  ({first.changed} rows created or changed; "
              f"{t_first / t_write:.1f}x the bulk INSERT)  target <= 30 s")
        print(f"migrate-from-old, second run: {t_second:6.2f} s  ({second.changed} rows changed)")
    finally:
        srv.cleanup()
        shutil.rmtree(pgdir, ignore_errors=True)


if __name__ == "__main__":
    main()
