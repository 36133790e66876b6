"""Running a request's transaction again when it lost a race to a concurrent one.

Two imports of the same new rows (two admins, or a client retry overlapping a slow first attempt)
both find the rows missing; the second to insert waits for the first's transaction and then fails
on the unique constraint. Two writers that lock rows in different orders can also deadlock
(PostgreSQL aborts one). In both cases the loser's transaction is rolled back (its pending
changes-feed records go with it, see `changes`) and run again, once the winner's rows are committed
and visible, so it sees them as existing and reports `exists` or `updated` as if it had come after.
`run(session, work)` does that a bounded number of times; any other error, or a conflict that
outlives the attempts (a real clash, not a race), is raised as before (the app answers 409).

SQLite serialises writers (`BEGIN IMMEDIATE` with a busy timeout, see `db`), so there the race
cannot happen; its "database is locked" after the timeout stays a 503.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

ATTEMPTS = 4  # a retry is needed only when another transaction committed first: one per rival
RACE_SQLSTATES = ("23505", "40P01", "40001")  # unique_violation, deadlock_detected, serialization_failure

T = TypeVar("T")
log = logging.getLogger(__name__)


def lost_race(exc: DBAPIError) -> bool:
    """A unique violation, deadlock or serialization failure: what a concurrent writer causes."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in RACE_SQLSTATES:  # psycopg 3
        return True
    return type(orig).__name__ == "IntegrityError" and "UNIQUE constraint failed" in str(orig)  # sqlite3


def run(session: Session, work: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """`work()` then commit, in a fresh transaction each attempt; rolled back on any error."""
    for attempt in range(1, attempts + 1):
        try:
            out = work()
            session.commit()
            return out
        except DBAPIError as exc:
            session.rollback()
            if attempt == attempts or not lost_race(exc):
                raise
            log.info("transaction lost a race (%s), attempt %d of %d", getattr(exc.orig, "sqlstate", "unique"),
                     attempt + 1, attempts)
            # a short random pause lets the winner take the rows it was waiting for before this
            # attempt asks for them again (otherwise the two can collide once more)
            time.sleep(random.uniform(0.005, 0.03) * attempt)
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")
