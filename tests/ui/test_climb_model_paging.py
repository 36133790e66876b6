"""The climb list model pages by keyset: every page after the first starts after the last row it holds
(no OFFSET, which costs a step per skipped row: 35 ms at the end of 400k climbs), and scrolling to the
end lists exactly the rows of the query, in its order, across page boundaries and ties."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex

from mastoc.domain import grades
from mastoc.domain.models import Climb
from mastoc.store import search
from mastoc.store import search as s
from mastoc.store.db import Store, write_climbs
from mastoc.store.search import ClimbQuery
from mastoc.ui import data
from mastoc.ui.panels import climb_model
from mastoc.ui.panels.climb_model import ClimbListModel
from mastoc.ui.tasks import TaskRunner


@pytest.fixture()
def tied_store(real_data_dir: Path) -> Path:
    """The real gym and 900 climbs that tie in pairs and triples on every sort column but the id."""
    with Store.open(real_data_dir) as st:
        face = st.faces()[0]
        nums = [h.num for h in st.holds(face.id)]
        extra = [Climb(id=f"tie-{i:04d}", face_id=face.id, name=["Twin", "twin", "Other"][i % 3],
                       holds_list=f"S{nums[i % 700]} T{nums[i % 700 + 1]}", grade_ircra=None if i % 4 == 0 else 18.0,
                       climbed_by=i % 2) for i in range(900)]
        with st.transaction() as conn:
            write_climbs(conn, extra)
    return real_data_dir


@pytest.mark.parametrize("sort", search.SORTS)
def test_scrolling_to_the_end_lists_the_query_page_after_page(qtbot, tied_store: Path, monkeypatch, sort: str) -> None:
    asked: list[ClimbQuery] = []
    real_page = data.page
    monkeypatch.setattr(data, "page", lambda d, q: asked.append(q) or real_page(d, q))
    model = ClimbListModel(TaskRunner(), tied_store)
    with Store.open(tied_store) as st:
        face = st.faces()[0].id
    for reverse in (False, True):
        q = ClimbQuery(face_id=face, sort=sort, reverse=reverse)
        asked.clear()
        model.set_query(q)
        qtbot.waitUntil(lambda: not model._pending, timeout=20_000)
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
            qtbot.waitUntil(lambda: not model._pending, timeout=20_000)
        with Store.open(tied_store) as st:
            assert [r.id for r in model.rows] == search.search_ids(st.conn, q)
        assert len(asked) == -(-len(model.rows) // climb_model.PAGE) + (len(model.rows) % climb_model.PAGE == 0)
        assert all(p.offset == 0 for p in asked) and asked[0].after is None
        assert all(p.after == search.sort_key(model.rows[i * climb_model.PAGE - 1], sort)
                   for i, p in enumerate(asked) if i)
    model.tasks.wait()


def test_the_face_total_and_grade_counts_are_counted_again_only_after_a_change(tied_store: Path, monkeypatch) -> None:
    calls: list[str] = []
    real_count, real_grades = search.count, search.grade_counts
    monkeypatch.setattr(search, "count", lambda c, q: calls.append("count") or real_count(c, q))
    monkeypatch.setattr(search, "grade_counts", lambda c, q: calls.append("grades") or real_grades(c, q))
    with Store.open(tied_store) as st:
        face = st.faces()[0].id
        holds = st.conn.execute("SELECT holds_list FROM climbs LIMIT 1").fetchone()[0]
        conn = st.conn
        lo, hi = grades.filter_bounds("font", "6A", "7A")
        queries = [ClimbQuery(face_id=face, grade_min=lo, grade_max=hi), ClimbQuery(face_id=face, grade_min=18.0),
                   ClimbQuery(face_id=face, include_ungraded=False), ClimbQuery(face_id=face),
                   ClimbQuery(face_id=face, grade_max=hi, sort="name")]
        expected = [real_count(conn, q) for q in queries]
        per_grade = [dict(real_grades(conn, q)) for q in queries]
    assert [data.counts(tied_store, q).matching for q in queries] == expected
    assert [s.in_grade_range(data._face_grades(data.store_for_thread(tied_store).conn, face), q)
            for q in queries] == per_grade
    histograms = [data.grade_histogram(tied_store, q, "ircra") for q in queries]
    assert [sum(n for _l, n in h) for h in histograms] == expected
    assert calls.count("count") == 1 and calls.count("grades") == 1  # the total, the face's grades: once each
    assert data.counts(tied_store, ClimbQuery(face_id=face, text="twin")).total == 1917
    with Store.open(tied_store) as other, other.transaction() as c:  # another connection (a sync, the CLI)
        write_climbs(c, [Climb(id="new-one", face_id=face, name="New", holds_list=holds, grade_ircra=18.0)])
    after = data.counts(tied_store, ClimbQuery(face_id=face, grade_min=18.0))
    assert after.total == 1918 and after.matching == expected[1] + 1


def test_setter_counts_from_the_cached_setter_counts_are_exact(tied_store: Path) -> None:
    with Store.open(tied_store) as st:
        face = st.faces()[0].id
        uid = st.conn.execute("SELECT setter_id FROM climbs WHERE setter_id IS NOT NULL LIMIT 1").fetchone()[0]
        queries = [ClimbQuery(face_id=face, setter=t, sort=sort) for t in ("Setter 01", "sett", "SETTER 0", uid, "nobody")
                   for sort in ("newest", "name")]
        expected = [search.count(st.conn, q) for q in queries]
    assert all(s.setter_only(q) for q in queries) and not s.setter_only(ClimbQuery(face_id=face, setter="a", text="b"))
    assert [data.counts(tied_store, q).matching for q in queries] == expected
    assert expected[0] > 0 and expected[-1] == 0
    with Store.open(tied_store) as other, other.transaction() as c:
        c.execute("UPDATE climbs SET setter_id = ? WHERE id = 'tie-0001'", (uid,))
    assert data.counts(tied_store, ClimbQuery(face_id=face, setter=uid)).matching == expected[6] + 1
