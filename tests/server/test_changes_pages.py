"""Pages of the changes feed: bounded work per page, and still every visible record exactly once.

Records are written straight into `change_log` (as a bulk import leaves them: many at once, the
database's statistics not refreshed yet)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import insert, text

from mastoc.server.models import ChangeLog
from mastoc.server.routes.changes import WINDOW, page_query
from mastoc.server.timeutil import utcnow


def add_records(app, owners: list[str | None]) -> None:
    """One change-log record per item of `owners` (None = public), after the existing ones."""
    with app.state.engine.begin() as c:
        last = c.execute(text("SELECT value FROM change_counter WHERE id = 1")).scalar_one()
        now = utcnow()
        c.execute(insert(ChangeLog), [{"seq": last + 1 + i, "entity": "climb", "entity_id": f"c{last + 1 + i}",
                                       "op": "upsert", "owner_id": o, "at": now,
                                       "data": json.dumps({"n": last + 1 + i})} for i, o in enumerate(owners)])
        c.execute(text("UPDATE change_counter SET value = :v WHERE id = 1"), {"v": last + len(owners)})


def user_id(app, name: str) -> str:
    with app.state.engine.connect() as c:
        return str(c.execute(text("SELECT id FROM users WHERE username = :u"), {"u": name}).scalar_one())


def walk(api, headers, limit: int) -> tuple[list[str], list[dict]]:
    ids, pages, cursor = [], [], 0
    while True:
        page = api.get("/api/changes", params={"since": cursor, "limit": limit}, headers=headers).json()
        pages.append(page)
        assert page["cursor"] >= cursor and len(page["changes"]) <= limit
        ids += [ch["id"] for ch in page["changes"] if ch["entity"] == "climb"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return ids, pages


def test_every_visible_record_once_in_order_across_short_and_empty_pages(api, app):
    me = api.user("alice")
    api.user("bob")
    alice, bob = user_id(app, "alice"), user_id(app, "bob")
    # public records, then a long stretch of Bob's own (empty windows for Alice), then mixed
    owners = [None] * 250 + [bob] * 1000 + [alice, None, bob] * 100
    add_records(app, owners)
    ids, pages = walk(api, me, limit=50)
    with app.state.engine.connect() as c:
        first = int(c.execute(text("SELECT min(seq) FROM change_log WHERE entity = 'climb'")).scalar_one())
    expected = [f"c{first + i}" for i, o in enumerate(owners) if o in (None, alice)]
    assert ids == expected
    assert any(p["has_more"] and not p["changes"] for p in pages)  # a window of only Bob's records
    assert pages[-1]["cursor"] == pages[-1]["latest"]


def test_a_page_reads_a_bounded_range_whatever_the_plan(api, app, backend):
    if backend != "postgres":
        pytest.skip("the plan in question is PostgreSQL's")
    api.user("alice")
    alice = user_id(app, "alice")
    add_records(app, [None] * 5000 + [alice] * 10)  # no ANALYZE: the planner thinks the table is tiny
    with app.state.engine.connect() as c:
        latest = int(c.execute(text("SELECT max(seq) FROM change_log")).scalar_one())
        query, end = page_query(0, latest, alice, 100)
        sql = str(query.compile(dialect=c.dialect, compile_kwargs={"literal_binds": True}))
        plan = c.execute(text("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)).scalar_one()

    def rows_read(node: dict) -> list[int]:
        return [int(node.get("Actual Rows", 0))] + [n for child in node.get("Plans", []) for n in rows_read(child)]

    assert max(rows_read(plan[0]["Plan"])) <= WINDOW * 100 + 1
    assert end == WINDOW * 100
