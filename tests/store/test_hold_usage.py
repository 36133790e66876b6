"""The whole-face hold statistics (heatmaps) stay exact through every kind of write.

`hold_grade_usage` is kept by triggers; each test writes through a real write path and compares
`search.hold_stats` with a count made from `climbs.holds_list` in plain Python.
"""

from __future__ import annotations

import dataclasses
import random
import sqlite3

import pytest

from mastoc.domain import holdslist
from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Role, Source
from mastoc.edits import climbs as climb_edits
from mastoc.store import schema, search, usage_schema
from mastoc.store.db import Store, write_climbs


def _expected(conn: sqlite3.Connection, face_id: str) -> dict[int, tuple[int, float | None, float | None]]:
    out: dict[int, list] = {}
    for text, g in conn.execute("SELECT holds_list, grade_ircra FROM climbs WHERE face_id = ?", (face_id,)):
        for h in {ref.hold for ref in holdslist.parse(text)}:
            e = out.setdefault(h, [0, None, None])
            e[0] += 1
            if g is not None:
                e[1] = g if e[1] is None else min(e[1], g)
                e[2] = g if e[2] is None else max(e[2], g)
    return {h: (v[0], v[1], v[2]) for h, v in out.items()}


def _stats(store: Store, face_id: str) -> dict[int, tuple[int, float | None, float | None]]:
    return {h: (s.count, s.min_ircra, s.max_ircra) for h, s in search.hold_stats(store.conn, face_id).items()}


def _climb(face_id: str, holds: list[int], grade: float | None, rng: random.Random) -> Climb:
    refs = [holdslist.HoldRef(Role.START, holds[0]), holdslist.HoldRef(Role.TOP, holds[-1])]
    refs += [holdslist.HoldRef(rng.choice([Role.OTHER, Role.FEET]), h) for h in holds[1:-1]]
    return Climb(id=new_id(), face_id=face_id, name=f"Usage {rng.random():.6f}", holds_list=holdslist.format(refs),
                 grade_ircra=grade, grade_font=None, source=Source.MASTOC)


def test_stats_follow_inserts_rewrites_and_deletes(loaded_store: Store) -> None:
    face = loaded_store.faces()[0]
    assert _stats(loaded_store, face.id) == _expected(loaded_store.conn, face.id)
    nums = [r[0] for r in loaded_store.conn.execute("SELECT num FROM holds WHERE face_id = ?", (face.id,))]
    rng = random.Random(7)
    new = [_climb(face.id, rng.sample(nums, rng.randint(3, 9)), rng.choice([None, 12.0, 18.5, 30.0]), rng)
           for _ in range(200)]
    with loaded_store.transaction() as c:
        write_climbs(c, new)
    assert _stats(loaded_store, face.id) == _expected(loaded_store.conn, face.id)
    # rewrite half of them with other holds and grades (the upsert path of imports and syncs)
    changed = []
    for climb in new[:100]:
        other = _climb(face.id, rng.sample(nums, rng.randint(3, 9)), rng.choice([None, 5.0, 33.0]), rng)
        changed.append(dataclasses.replace(climb, holds_list=other.holds_list, grade_ircra=other.grade_ircra))
    with loaded_store.transaction() as c:
        write_climbs(c, changed)
    assert _stats(loaded_store, face.id) == _expected(loaded_store.conn, face.id)
    # the hardest and easiest climbs of some holds go: min/max must follow
    with loaded_store.transaction() as c:
        c.execute("DELETE FROM climbs WHERE id IN (SELECT id FROM climbs ORDER BY grade_ircra DESC LIMIT 50)")
        c.execute("DELETE FROM climbs WHERE id IN (SELECT id FROM climbs WHERE grade_ircra IS NOT NULL "
                  "ORDER BY grade_ircra ASC LIMIT 50)")
    assert _stats(loaded_store, face.id) == _expected(loaded_store.conn, face.id)


def test_a_hold_both_start_and_top_counts_once(loaded_store: Store) -> None:
    face = loaded_store.faces()[0]
    nums = [r[0] for r in loaded_store.conn.execute("SELECT num FROM holds WHERE face_id = ? ORDER BY num", (face.id,))]
    h = nums[0]
    before = search.hold_stats(loaded_store.conn, face.id).get(h)
    text = f"S{h} T{h} O{nums[1]}"
    climb = Climb(id=new_id(), face_id=face.id, name="Same hold twice", holds_list=text, grade_ircra=99.0,
                  grade_font=None, source=Source.MASTOC)
    with loaded_store.transaction() as c:
        write_climbs(c, [climb])
    after = search.hold_stats(loaded_store.conn, face.id)[h]
    assert after.count == (before.count if before else 0) + 1
    assert after.max_ircra == 99.0
    assert _stats(loaded_store, face.id) == _expected(loaded_store.conn, face.id)
    with loaded_store.transaction() as c:
        c.execute("DELETE FROM climbs WHERE id = ?", (climb.id,))
    assert search.hold_stats(loaded_store.conn, face.id).get(h) == before


def test_edit_operations_keep_stats_exact(loaded_store: Store) -> None:
    face = loaded_store.faces()[0]
    victims = [r[0] for r in loaded_store.conn.execute(
        "SELECT id FROM climbs WHERE face_id = ? ORDER BY grade_ircra DESC LIMIT 5", (face.id,))]
    for climb_id in victims:
        climb_edits.delete_climb(loaded_store, climb_id)
    assert _stats(loaded_store, face.id) == _expected(loaded_store.conn, face.id)


def test_climb_holds_rows_are_never_updated(loaded_store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError), loaded_store.transaction() as c:
        c.execute("UPDATE climb_holds SET grade_ircra = 1")


def test_migration_backfills_an_existing_store(loaded_store: Store) -> None:
    """A store at the step before usage statistics, with data, gets exact counts when migrated."""
    face = loaded_store.faces()[0]
    conn = loaded_store.conn
    with loaded_store.transaction() as c:
        c.execute("DROP TRIGGER climb_holds_usage_delete")
        c.execute("DROP TRIGGER climb_holds_no_update")
        c.execute("DROP TABLE hold_grade_usage")
        usage_schema.migrate(c)
    assert _stats(loaded_store, face.id) == _expected(conn, face.id)
    assert schema.MIGRATIONS.count(usage_schema.migrate) == 1


def test_rows_enter_climb_holds_only_through_the_counting_helper() -> None:
    """A writer inserting into climb_holds directly would leave the statistics wrong."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "mastoc"
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name in ("rows.py", "schema.py"):  # the helper itself; the v2 backfill before statistics exist
            continue
        if "INTO climb_holds" in text or "CLIMB_HOLD_INSERT" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
