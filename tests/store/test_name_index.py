"""The in-memory name index (`mastoc.store.name_index`) answers the name filter exactly as the SQL scan.

The reference is the same search with the index switched off (`search._text_ids` answering None: the
`LIKE` test on `climbs.name_search` every query had before), on random texts — substrings of real
names, accented and upper-case spellings, 1–2 characters, LIKE's own wildcards — alone and beside
other filters, in every sort, both page paths (the matches driving, the sort order walked), and after
the store changed under the index (an edit, an insert, a deletion, another connection, an import).
"""

from __future__ import annotations

import dataclasses
import random
import sqlite3
import uuid

import pytest

from mastoc.domain import grades
from mastoc.edits.climbs import delete_climb, edit_climb
from mastoc.store import name_index, search
from mastoc.store.db import Store
from mastoc.store.search import ClimbQuery, HoldFilter


def _answers(conn: sqlite3.Connection, q: ClimbQuery) -> tuple:
    """Everything a query answers: the first page, the next (keyset) page, the count, grade counts, hold stats."""
    page = search.search(conn, q)
    nxt = (search.search(conn, dataclasses.replace(q, after=search.sort_key(page[-1], q.sort)))
           if page and q.limit else [])
    face = q.face_id or conn.execute("SELECT id FROM faces").fetchone()[0]
    return ([r.id for r in page], [r.id for r in nxt], search.count(conn, q), search.grade_counts(conn, q),
            search.hold_stats(conn, face, q))


def _scan(conn: sqlite3.Connection, q: ClimbQuery, monkeypatch: pytest.MonkeyPatch) -> tuple:
    with monkeypatch.context() as m:
        m.setattr(search, "_text_ids", lambda conn, q: None)
        return _answers(conn, q)


def _texts(conn: sqlite3.Connection, rng: random.Random, n: int) -> list[str]:
    names = [r[0] for r in conn.execute("SELECT name FROM climbs ORDER BY id")]
    out = ["e", "a", "z", "é", "ou", "E ", "%", "_", "\\", "a%b", "zzqx", " ", "ÉCHOUFFE", "ça"]
    while len(out) < n:
        name = rng.choice(names)
        k = rng.randint(1, 6)
        s = rng.randrange(max(1, len(name) - k + 1))
        text = name[s:s + k]
        out.append(rng.choice([text, text.upper(), text.lower()]))
    return out


@pytest.mark.parametrize("drive_limit,walk_cap", [(None, None), (10, 120), (0, 40)])
def test_random_texts_answer_as_the_scan(loaded_store: Store, monkeypatch: pytest.MonkeyPatch,
                                         drive_limit: int | None, walk_cap: int | None) -> None:
    """(10, 120) and (0, 40): most texts take the walk, with the cap reached or not (the real gym alone
    is too small to reach the default bounds)."""
    if drive_limit is not None:
        monkeypatch.setattr(search, "TEXT_DRIVE_LIMIT", drive_limit)
        monkeypatch.setattr(search, "TEXT_WALK_CAP", walk_cap)
    conn = loaded_store.conn
    face = loaded_store.faces()[0].id
    rng = random.Random(15 + (drive_limit or 0))
    setters = [r[0] for r in conn.execute("SELECT full_name FROM users WHERE full_name IS NOT NULL ORDER BY id")]
    holds = [r[0] for r in conn.execute("SELECT hold_num FROM climb_holds GROUP BY hold_num ORDER BY count(*) DESC "
                                        "LIMIT 40")]
    lo, hi = grades.filter_bounds(grades.GradeSystem.FONT, "6A", "7A")
    matched = 0
    for text in _texts(conn, rng, 50):
        for extra in ({}, {"grade_min": lo, "grade_max": hi}, {"setter": rng.choice(setters)[:3]},
                      {"holds_all": (HoldFilter(rng.choice(holds)),)}, {"benchmark_only": True}):
            q = ClimbQuery(face_id=rng.choice([face, None]), text=text, sort=rng.choice(search.SORTS),
                           reverse=rng.random() < 0.3, limit=rng.choice([25, 200]), **extra)
            got = _answers(conn, q)
            assert got == _scan(conn, q, monkeypatch), q
            matched += got[2] > 0
    assert matched > 100


def test_the_index_is_used_and_counts_a_name_only_filter(loaded_store: Store, monkeypatch) -> None:
    conn = loaded_store.conn
    face = loaded_store.faces()[0].id
    q = ClimbQuery(face_id=face, text="ou")
    calls: list[str] = []
    real = name_index.NameIndex.matches
    monkeypatch.setattr(name_index.NameIndex, "matches", lambda self, t, cap: calls.append(t) or real(self, t, cap))
    n = search.count(conn, q)
    assert calls == ["ou"]
    assert n == conn.execute("SELECT count(*) FROM climbs WHERE face_id = ? AND name_search LIKE '%ou%'",
                             (face,)).fetchone()[0] > 50


def _fresh_name(conn: sqlite3.Connection, q: ClimbQuery, monkeypatch) -> None:
    assert _answers(conn, q) == _scan(conn, q, monkeypatch)


def test_an_edit_an_insert_and_a_deletion_are_seen_at_once(loaded_store: Store, monkeypatch) -> None:
    conn = loaded_store.conn
    face = loaded_store.faces()[0].id
    q = ClimbQuery(face_id=face, text="Zébulon")
    assert search.count(conn, q) == 0  # the index is built now
    victim = conn.execute("SELECT id FROM climbs WHERE face_id = ? ORDER BY id LIMIT 1", (face,)).fetchone()[0]
    edit_climb(loaded_store, victim, name="Le grand Zébulon")  # through the edit operation
    assert [r.id for r in search.search(conn, q)] == [victim]
    assert search.count(conn, dataclasses.replace(q, text="ZEBUL")) == 1
    _fresh_name(conn, q, monkeypatch)
    # a row written directly (an import's path): a copy of the victim under another id
    cols = [r[1] for r in conn.execute("PRAGMA table_info(climbs)") if r[1] not in ("id", "stokt_id")]
    twin = str(uuid.uuid4())
    with loaded_store.transaction() as c:
        c.execute(f"INSERT INTO climbs (id, {', '.join(cols)}) SELECT ?, {', '.join(cols)} FROM climbs WHERE id = ?",
                  (twin, victim))
    assert {r.id for r in search.search(conn, q)} == {victim, twin}
    assert search.count(conn, q) == 2
    delete_climb(loaded_store, victim)
    assert [r.id for r in search.search(conn, q)] == [twin]
    assert search.count(conn, q) == 1
    _fresh_name(conn, q, monkeypatch)


def test_a_write_by_another_connection_is_seen(loaded_store: Store, monkeypatch) -> None:
    conn = loaded_store.conn
    face = loaded_store.faces()[0].id
    q = ClimbQuery(face_id=face, text="qwxz")
    assert search.count(conn, q) == 0
    other = Store.open(loaded_store.directory)
    try:
        with other.transaction() as c:
            c.execute("UPDATE climbs SET name = 'Qwxz bis' WHERE id = (SELECT min(id) FROM climbs WHERE face_id = ?)",
                      (face,))
    finally:
        other.close()
    assert search.count(conn, q) == 1
    _fresh_name(conn, q, monkeypatch)


def test_an_import_into_a_store_already_searched_is_seen(data_dir, fixtures_dir, monkeypatch) -> None:
    from mastoc.sync.backup import load_backup

    with Store.open(data_dir) as store:
        assert search.count(store.conn, ClimbQuery(text="seance")) == 0  # an empty store: an empty index
        load_backup(store, [fixtures_dir])
        q = ClimbQuery(text="seance")
        assert search.count(store.conn, q) > 0
        _fresh_name(store.conn, q, monkeypatch)


def test_a_name_the_index_cannot_hold_falls_back_to_the_scan(loaded_store: Store, monkeypatch) -> None:
    conn = loaded_store.conn
    face = loaded_store.faces()[0].id
    with loaded_store.transaction() as c:
        c.execute("UPDATE climbs SET name = 'nul' || char(0) || 'inside' WHERE id = (SELECT min(id) FROM climbs)")
    assert name_index.for_face(conn, None).matches("inside", 10) is None
    for text in ("inside", "nul", "e"):
        q = ClimbQuery(face_id=face, text=text)
        _fresh_name(conn, q, monkeypatch)


def test_an_index_belongs_to_its_connection(loaded_store: Store) -> None:
    """Two connections get their own index (a closed connection's `id()` may be reused by a new one)."""
    a = name_index.for_face(loaded_store.conn, None)
    other = Store.open(loaded_store.directory)
    try:
        assert name_index.for_face(other.conn, None) is not a
        assert name_index.for_face(loaded_store.conn, None) is a  # unchanged store: kept
    finally:
        other.close()
