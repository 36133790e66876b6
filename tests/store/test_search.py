"""The shared climb search on the real data, checked against a plain Python filter of the same rows."""

from __future__ import annotations

import random
import sqlite3
import unicodedata
from dataclasses import replace

import pytest

from mastoc.domain import grades, holdslist
from mastoc.domain.models import Role
from mastoc.store import search
from mastoc.store.db import Store
from mastoc.store.search import ClimbQuery, HoldFilter


def _plain(conn: sqlite3.Connection) -> list[dict]:
    sql = ("SELECT c.*, u.full_name AS setter_name FROM climbs c LEFT JOIN users u ON u.id = c.setter_id")
    out = []
    for r in conn.execute(sql):
        d = dict(r)
        d["refs"] = holdslist.parse(d["holds_list"])
        out.append(d)
    return out


def _plain_text(text: str | None) -> str:
    """An independent accent- and case-insensitive form (Unicode decomposition, marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _python_filter(rows: list[dict], q: ClimbQuery) -> set[str]:
    keep = set()
    for r in rows:
        if q.face_id and r["face_id"] != q.face_id:
            continue
        g = r["grade_ircra"]
        if q.grade_min is not None and (g is None or g < q.grade_min):
            continue
        if q.grade_max is not None and (g is None or g >= q.grade_max):
            continue
        if q.setter and not (r["setter_id"] == q.setter or _plain_text(q.setter) in _plain_text(r["setter_name"])):
            continue
        if q.text and _plain_text(q.text) not in _plain_text(r["name"]):
            continue
        if q.feet_rule and r["feet_rule"] != q.feet_rule:
            continue
        if q.benchmark_only and not r["is_benchmark"]:
            continue
        ok = True
        for f in q.holds_all:
            if not any(ref.hold == f.hold and (f.role is None or ref.role == f.role) for ref in r["refs"]):
                ok = False
        if any(ref.hold in q.holds_none for ref in r["refs"]):
            ok = False
        if ok:
            keep.add(r["id"])
    return keep


@pytest.fixture()
def rows(loaded_store: Store) -> list[dict]:
    return _plain(loaded_store.conn)


def _check(store: Store, rows: list[dict], q: ClimbQuery) -> set[str]:
    expected = _python_filter(rows, q)
    got = search.search_ids(store.conn, q)
    assert len(got) == len(set(got))
    assert set(got) == expected
    assert search.count(store.conn, q) == len(expected)
    return expected


def test_grade_range_in_font_matches_labels(loaded_store: Store, rows: list[dict]) -> None:
    lo, hi = grades.filter_bounds(grades.GradeSystem.FONT, "6A", "6C")
    found = _check(loaded_store, rows, ClimbQuery(grade_min=lo, grade_max=hi))
    labels = {r["grade_font"] for r in rows if r["id"] in found}
    assert labels == {"6A", "6A+", "6B", "6B+", "6C"}
    assert len(found) == sum(1 for r in rows if r["grade_font"] in labels)


def test_grade_range_in_hueco_and_dankyu(loaded_store: Store, rows: list[dict]) -> None:
    lo, hi = grades.filter_bounds(grades.GradeSystem.HUECO, "V3", "V5")
    found = _check(loaded_store, rows, ClimbQuery(grade_min=lo, grade_max=hi))
    assert {grades.label(grades.GradeSystem.HUECO, r["grade_ircra"]) for r in rows if r["id"] in found} == {"V3", "V4", "V5"}
    lo, hi = grades.filter_bounds(grades.GradeSystem.DANKYU, "1D", None)
    found = _check(loaded_store, rows, ClimbQuery(grade_min=lo, grade_max=hi))
    assert found and all(r["grade_ircra"] >= 21.5 for r in rows if r["id"] in found)


def test_holds_with_roles_and_exclusions(loaded_store: Store, rows: list[dict]) -> None:
    found = _check(loaded_store, rows, ClimbQuery(holds_all=(HoldFilter(829284),)))
    assert len(found) > 5
    _check(loaded_store, rows, ClimbQuery(holds_all=(HoldFilter(829284, Role.START),)))
    _check(loaded_store, rows, ClimbQuery(holds_all=(HoldFilter(829220, Role.TOP), HoldFilter(829284))))
    _check(loaded_store, rows, ClimbQuery(holds_all=(HoldFilter(829284),), holds_none=(829309, 829104)))
    _check(loaded_store, rows, ClimbQuery(holds_none=(829284,)))


def test_other_filters(loaded_store: Store, rows: list[dict]) -> None:
    assert len(_check(loaded_store, rows, ClimbQuery(benchmark_only=True))) == 20
    assert len(_check(loaded_store, rows, ClimbQuery(feet_rule="No foot"))) == 16
    _check(loaded_store, rows, ClimbQuery(setter="setter 0"))
    setter_id = rows[0]["setter_id"]
    _check(loaded_store, rows, ClimbQuery(setter=setter_id))
    _check(loaded_store, rows, ClimbQuery(text="bloc"))
    assert _check(loaded_store, rows, ClimbQuery(text="100%_")) == set()  # LIKE wildcards are literal


def test_random_combinations_match_python(loaded_store: Store, rows: list[dict]) -> None:
    rng = random.Random(7)
    nums = sorted({ref.hold for r in rows for ref in r["refs"]})
    font = grades.labels(grades.GradeSystem.FONT)
    for _ in range(60):
        a, b = sorted(rng.sample(range(len(font)), 2))
        lo, hi = grades.filter_bounds(grades.GradeSystem.FONT, font[a], font[b]) if rng.random() < 0.6 else (None, None)
        holds_all = tuple(HoldFilter(h, rng.choice([None, Role.START, Role.OTHER, Role.TOP, Role.FEET]))
                          for h in rng.sample(nums, rng.randint(0, 2)))
        q = ClimbQuery(
            grade_min=lo, grade_max=hi, holds_all=holds_all,
            holds_none=tuple(rng.sample(nums, rng.randint(0, 2))),
            feet_rule=rng.choice([None, "Tous pieds", "Pieds des mains"]),
            benchmark_only=rng.random() < 0.1,
        )
        _check(loaded_store, rows, q)


@pytest.mark.parametrize("sort", search.SORTS)
def test_sorting_and_paging(loaded_store: Store, rows: list[dict], sort: str) -> None:
    q = ClimbQuery(sort=sort, limit=None)
    everything = search.search(loaded_store.conn, q)
    assert len(everything) == 1017
    key = {
        "newest": lambda r: r.created_at,
        "grade": lambda r: (r.grade_ircra is None, r.grade_ircra or 0),
        "name": lambda r: r.name.lower(),
        "popularity": lambda r: -r.climbed_by,
    }[sort]
    values = [key(r) for r in everything]
    assert values == (sorted(values, reverse=True) if sort == "newest" else sorted(values))
    pages = []
    for offset in range(0, 1017, 200):
        pages.extend(r.id for r in search.search(loaded_store.conn, ClimbQuery(sort=sort, limit=200, offset=offset)))
    assert pages == [r.id for r in everything]


def test_hold_stats_equal_an_independent_count(loaded_store: Store, rows: list[dict]) -> None:
    face = loaded_store.faces()[0]
    stats = search.hold_stats(loaded_store.conn, face.id)
    expected: dict[int, list] = {}
    for r in rows:
        for h in {ref.hold for ref in r["refs"]}:
            e = expected.setdefault(h, [0, None, None])
            e[0] += 1
            g = r["grade_ircra"]
            if g is not None:
                e[1] = g if e[1] is None else min(e[1], g)
                e[2] = g if e[2] is None else max(e[2], g)
    assert {h: (s.count, s.min_ircra, s.max_ircra) for h, s in stats.items()} == {h: tuple(v) for h, v in expected.items()}
    filtered = search.hold_stats(loaded_store.conn, face.id, ClimbQuery(benchmark_only=True))
    bench = [r for r in rows if r["is_benchmark"]]
    assert sum(s.count for s in filtered.values()) == sum(len({ref.hold for ref in r["refs"]}) for r in bench)


def test_name_search_ignores_accents_and_case(loaded_store: Store, rows: list[dict]) -> None:
    """Issue 9 §5: `echouffe`, `seance`, `SÉANCE` find the accented names (the same query serves the CLI's
    `climbs --text` and the GUI's filter)."""
    accented = [r for r in rows if _plain_text(r["name"]) != r["name"].casefold()]
    assert len(accented) > 150
    for text in ("echouffe", "seance", "SÉANCE", "ÉCHOUFFE", "cafe le matin", "ça balance"):
        found = _check(loaded_store, rows, ClimbQuery(text=text))
        assert found, text
    names = {r["id"]: r["name"] for r in rows}
    assert {names[i] for i in _check(loaded_store, rows, ClimbQuery(text="echouffe"))} >= {"Échouffe"}
    assert "Séance De Fin De Bloc" in {names[i] for i in _check(loaded_store, rows, ClimbQuery(text="SEANCE"))}
    # every accented name is found by its plain spelling
    for r in accented[:60]:
        assert r["id"] in _check(loaded_store, rows, ClimbQuery(text=_plain_text(r["name"]).upper()))


def _add_ties(store: Store) -> None:
    """Climbs that tie on every sort column but the id, without a date or a grade, and case variants of
    a name: the rows keyset paging must not skip or repeat."""
    conn = store.conn
    face, holds = conn.execute("SELECT face_id, holds_list FROM climbs ORDER BY id LIMIT 1").fetchone()
    with store.transaction() as c:
        for i in range(45):
            c.execute(
                "INSERT INTO climbs (id, face_id, name, holds_list, grade_ircra, created_at, climbed_by, total_likes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (f"tie-{i:02d}", face, ["Twin", "twin", "TWIN"][i % 3], holds, None if i % 2 else 18.0,
                 None if i % 3 else "2024-05-01T00:00:00+00:00", 0, 0))


@pytest.mark.parametrize("drive_limit,text_cap", [(1, 20_000), (1, 3), (10**9, 20_000)],
                         ids=["walk", "walk-then-scan", "drive"])
@pytest.mark.parametrize("sort", search.SORTS)
def test_keyset_pages_are_the_whole_order_cut_in_pages(loaded_store: Store, monkeypatch, sort: str,
                                                       drive_limit: int, text_cap: int) -> None:
    """Page after page (`after` = the last row's `sort_key`) lists exactly the rows of one unpaged
    query, in its order, for each sort both ways, whether the sort index is walked or a filter drives."""
    monkeypatch.setattr(search, "DRIVE_LIMIT", drive_limit)
    monkeypatch.setattr(search, "HOLDS_DRIVE_LIMIT", drive_limit)
    monkeypatch.setattr(search, "TEXT_WALK_CAP", text_cap)
    _add_ties(loaded_store)
    conn = loaded_store.conn
    face = conn.execute("SELECT face_id FROM climbs LIMIT 1").fetchone()[0]
    popular = conn.execute("SELECT hold_num FROM climb_holds GROUP BY hold_num ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    lo, hi = grades.filter_bounds(grades.GradeSystem.FONT, "5+", "6C")
    setter = conn.execute("SELECT full_name FROM users ORDER BY id LIMIT 1").fetchone()[0]
    for reverse in (False, True):
        for extra in ({}, {"grade_min": lo, "grade_max": hi}, {"holds_all": (HoldFilter(popular),)},
                      {"setter": setter[:4]}, {"text": "tw"}, {"text": "e"}, {"text": "in", "grade_min": lo}):
            q = ClimbQuery(face_id=face, sort=sort, reverse=reverse, **extra)
            whole = [r.id for r in search.search(conn, replace(q, limit=None))]
            assert whole == search.search_ids(conn, q)
            paged: list[str] = []
            after = None
            while True:
                page = search.search(conn, replace(q, limit=37, after=after))
                paged.extend(r.id for r in page)
                if len(page) < 37:
                    break
                after = search.sort_key(page[-1], sort)
            assert paged == whole, (sort, reverse, extra)
            first = search.search(conn, replace(q, limit=37, offset=74))  # offset paging: the same rows
            assert [r.id for r in first] == whole[74:111]


@pytest.mark.parametrize("drive_limit,text_cap", [(1, 20_000), (1, 40), (200, 500), (10**9, 20_000)],
                         ids=["walk", "walk-then-scan", "mixed", "drive"])
def test_pages_of_random_filters_match_python_whichever_index_drives(loaded_store: Store, rows: list[dict],
                                                                     monkeypatch, drive_limit: int,
                                                                     text_cap: int) -> None:
    monkeypatch.setattr(search, "DRIVE_LIMIT", drive_limit)
    monkeypatch.setattr(search, "HOLDS_DRIVE_LIMIT", drive_limit)
    monkeypatch.setattr(search, "TEXT_WALK_CAP", text_cap)
    monkeypatch.setattr(search, "HOLDS_DRIVE_LIMIT", drive_limit)
    rng = random.Random(11)
    face = rows[0]["face_id"]
    nums = sorted({ref.hold for r in rows for ref in r["refs"]})
    font = grades.labels(grades.GradeSystem.FONT)
    setters = sorted({r["setter_name"] for r in rows if r["setter_name"]})
    for _ in range(40):
        a, b = sorted(rng.sample(range(len(font)), 2))
        lo, hi = grades.filter_bounds(grades.GradeSystem.FONT, font[a], font[b]) if rng.random() < 0.6 else (None, None)
        q = ClimbQuery(
            face_id=face, grade_min=lo, grade_max=hi,
            holds_all=tuple(HoldFilter(h, rng.choice([None, Role.START, Role.OTHER])) for h in rng.sample(nums, rng.randint(0, 2))),
            holds_none=tuple(rng.sample(nums, rng.randint(0, 1))),
            setter=rng.choice([None, rng.choice(setters)[:5]]), sort=rng.choice(search.SORTS), reverse=rng.random() < 0.3,
            text=rng.choice([None, None, "e", "bloc", "ou", "zz"]), limit=2000, offset=rng.choice([0, 0, 3]),
        )
        expected = _python_filter(rows, q)
        got = [r.id for r in search.search(loaded_store.conn, q)]
        every = search.search_ids(loaded_store.conn, q)
        assert set(every) == expected and len(every) == len(expected), q
        assert got == every[q.offset:]
        for cid in [*got[:3], *rng.sample([r["id"] for r in rows], 5)]:
            assert search.contains(loaded_store.conn, q, cid) == (cid in expected)


def test_count_of_one_hold_from_the_usage_statistics_is_exact(loaded_store: Store, rows: list[dict],
                                                              monkeypatch) -> None:
    face = rows[0]["face_id"]
    nums = sorted({ref.hold for r in rows for ref in r["refs"]})
    lo, hi = grades.filter_bounds(grades.GradeSystem.FONT, "6A", "7A")
    for hold in nums[::25]:
        for kw in ({}, {"grade_min": lo, "grade_max": hi}, {"grade_min": lo}, {"include_ungraded": False},
                   {"face_id": face}, {"face_id": "another face"}):
            q = ClimbQuery(holds_all=(HoldFilter(hold),), **kw)
            assert search._usage_count(loaded_store.conn, q) is not None or kw.get("face_id") == "another face"
            fast = search.count(loaded_store.conn, q)
            with monkeypatch.context() as m:
                m.setattr(search, "_usage_count", lambda _c, _q: None)
                assert fast == search.count(loaded_store.conn, q), (hold, kw)
            if "include_ungraded" not in kw:
                assert fast == len(_python_filter(rows, q)), (hold, kw)
    q = ClimbQuery(holds_all=(HoldFilter(nums[0], Role.START),))
    assert search._usage_count(loaded_store.conn, q) is None  # a role: the general count


def test_hold_stats_of_a_grade_range_from_the_usage_statistics_are_exact(loaded_store: Store, rows: list[dict]) -> None:
    face = loaded_store.faces()[0]
    font = grades.labels(grades.GradeSystem.FONT)
    for lo_label, hi_label in (("6A", "6C"), ("4", "5+"), ("7A", font[-1])):
        lo, hi = grades.filter_bounds(grades.GradeSystem.FONT, lo_label, hi_label)
        for q in (ClimbQuery(grade_min=lo, grade_max=hi), ClimbQuery(grade_min=lo), ClimbQuery(include_ungraded=False)):
            expected: dict[int, list] = {}
            keep = _python_filter(rows, q)
            for r in rows:
                if r["id"] not in keep or (not q.include_ungraded and r["grade_ircra"] is None):
                    continue
                for h in {ref.hold for ref in r["refs"]}:
                    e = expected.setdefault(h, [0, None, None])
                    e[0] += 1
                    g = r["grade_ircra"]
                    if g is not None:
                        e[1] = g if e[1] is None else min(e[1], g)
                        e[2] = g if e[2] is None else max(e[2], g)
            stats = search.hold_stats(loaded_store.conn, face.id, q)
            assert {h: (s.count, s.min_ircra, s.max_ircra) for h, s in stats.items()} == \
                {h: tuple(v) for h, v in expected.items()}, q


def test_search_still_answers_while_an_index_it_names_is_dropped(loaded_store: Store, monkeypatch) -> None:
    """A bulk load may drop indexes and build them after (issue 15): pages stay right meanwhile."""
    monkeypatch.setattr(search, "DRIVE_LIMIT", 10**9)
    conn = loaded_store.conn
    face = conn.execute("SELECT face_id FROM climbs LIMIT 1").fetchone()[0]
    lo, hi = grades.filter_bounds(grades.GradeSystem.FONT, "6A", "6C")
    queries = [ClimbQuery(face_id=face, grade_min=lo, grade_max=hi), ClimbQuery(face_id=face, setter="Setter 0"),
               ClimbQuery(face_id=face, sort="name")]
    before = [[r.id for r in search.search(conn, q)] for q in queries]
    for name in ("climbs_face_grade", "climbs_setter_face", "climbs_sort_name"):
        conn.execute(f"DROP INDEX {name}")
    assert [[r.id for r in search.search(conn, q)] for q in queries] == before
