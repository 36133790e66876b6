"""`search.count` of "this hold but not that one" (the usage statistics less the climbs using both) is exact."""

from __future__ import annotations

import random

from mastoc.domain import grades
from mastoc.domain.models import Role
from mastoc.store import search
from mastoc.store.db import Store
from mastoc.store.search import ClimbQuery, HoldFilter


def _sql_count(store: Store, q: ClimbQuery) -> int:
    """The count as one SQL query (the excluded hold probed per climb), as before."""
    body, params = search._from_and_where(store.conn, q)
    return int(store.conn.execute(f"SELECT count(*) {body}", params).fetchone()[0])


def test_one_hold_less_one_excluded_counts_as_the_plain_query(loaded_store: Store) -> None:
    conn = loaded_store.conn
    face = loaded_store.faces()[0].id
    holds = [r[0] for r in conn.execute("SELECT DISTINCT hold_num FROM climb_holds ORDER BY hold_num")]
    other_face_hold = conn.execute("SELECT max(num) + 1000 FROM holds").fetchone()[0]
    rng = random.Random(7)
    lo, hi = grades.filter_bounds(grades.GradeSystem.FONT, "6A", "7A")
    seen = set()
    for _ in range(150):
        a, b = rng.choice(holds), rng.choice([*holds, other_face_hold])
        extra = rng.choice([{}, {"grade_min": lo, "grade_max": hi}, {"include_ungraded": False},
                            {"face_id": face}, {"face_id": "no-such-face"}])
        q = ClimbQuery(holds_all=(HoldFilter(a),), holds_none=(b,), **extra)
        n = search.count(conn, q)
        assert n == _sql_count(loaded_store, q), q
        seen.add(n)
    q = ClimbQuery(face_id=face, holds_all=(HoldFilter(holds[0]),), holds_none=(holds[0],))
    assert search.count(conn, q) == 0
    # a role on the required hold, or two excluded holds: the plain query
    q = ClimbQuery(face_id=face, holds_all=(HoldFilter(holds[0], Role.START),), holds_none=(holds[1],))
    assert search.count(conn, q) == _sql_count(loaded_store, q)
    assert len(seen) > 20
