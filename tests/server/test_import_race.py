"""Two concurrent imports of the same new rows (two admins, or a client retry overlapping a slow
first attempt), as two real HTTP requests to one server (uvicorn in a thread): both succeed, the
rows exist once, the changes feed has one created record per row and then an updated one only if
the second import changed something, and fields the second import left out keep their value.

The race is made to happen: the first request's transaction, once its rows are written (not yet
committed), waits until the second request's transaction is blocked on them (PostgreSQL: a backend
waiting on a lock in `pg_stat_activity`), then commits. SQLite serialises writers (`BEGIN
IMMEDIATE`, busy timeout): there the first transaction waits a moment after the second request is
sent, and the second must queue, not fail."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from mastoc.server import bulk_import
from mastoc.server.routes import imports
from tests.server.test_bulk_import import _count, _cursor, _feed
from tests.server.test_client import serve

N = 120  # above rowcopy.COPY_FROM: new rows go by COPY on PostgreSQL


@pytest.fixture()
def live(app: Any) -> Iterator[str]:
    url, server, thread = serve(app)
    yield url
    server.should_exit = True
    thread.join(10)


def _lock_waiter(engine: Any, timeout: float = 20.0) -> bool:
    """True once another backend of this database waits on a lock (the second import, blocked)."""
    deadline = time.monotonic() + timeout
    with engine.connect() as c:
        while time.monotonic() < deadline:
            n = c.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND wait_event_type = 'Lock'")).scalar_one()
            c.commit()
            if n:
                return True
            time.sleep(0.01)
    return False


class Race:
    """Wraps the write step `target.name` so that its first call holds its transaction open until
    the second request is blocked behind it (see the module docstring)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, app: Any, target: Any, name: str) -> None:
        self.engine = app.state.engine
        self.first_wrote, self.second_sent = threading.Event(), threading.Event()
        self.calls, self.raced = 0, False
        original = getattr(target, name)

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            out = original(*args, **kwargs)
            self.calls += 1
            if self.calls == 1:
                self.first_wrote.set()
                if self.engine.dialect.name == "postgresql":
                    self.raced = _lock_waiter(self.engine)
                else:
                    self.raced = self.second_sent.wait(20)
                    time.sleep(0.3)  # the second request now waits for the write lock
            return out

        monkeypatch.setattr(target, name, wrapped)

    def run(self, url: str, headers: dict[str, str], path: str, first: Any, second: Any) -> list[httpx.Response]:
        out: dict[int, httpx.Response] = {}

        def post(i: int, body: Any) -> None:
            with httpx.Client(base_url=url, timeout=60) as client:
                out[i] = client.post(path, json=body, headers=headers)

        a = threading.Thread(target=post, args=(0, first))
        a.start()
        assert self.first_wrote.wait(20), "the first import never wrote"
        b = threading.Thread(target=post, args=(1, second))
        b.start()
        self.second_sent.set()
        a.join(60)
        b.join(60)
        assert self.raced, "the second import was never blocked behind the first"
        return [out[0], out[1]]


def _climbs(seed: dict[str, Any], n: int) -> list[dict[str, Any]]:
    return [{"stokt_id": str(uuid.uuid4()), "face_stokt_id": seed["face_stokt"], "setter_stokt_id": seed["setter_stokt"],
             "name": f"Race {i:04d}", "holds_list": "S829001 O829003 T829005", "grade_font": "6B", "grade_ircra": 17.5,
             "description": f"d{i}", "climbed_by": i, "tags": "crimps"} for i in range(n)]


def _renamed(climbs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a second admin sends: new names, no description (so the stored one must stay)."""
    return [{**{k: v for k, v in c.items() if k != "description"}, "name": c["name"] + " (B)"} for c in climbs]


def _outcome(responses: list[httpx.Response]) -> tuple[dict[str, Any], dict[str, Any]]:
    for r in responses:
        assert r.status_code == 200, (r.status_code, r.text)
    first, second = sorted((r.json() for r in responses), key=lambda j: -j["created"])
    return first, second


def test_a_retry_overlapping_the_first_attempt_creates_each_climb_once(api, app, live, seeded, admin, monkeypatch):
    climbs = _climbs(seeded, N)
    since, before = _cursor(api, admin), _count(api, "climbs")
    race = Race(monkeypatch, app, bulk_import._Upsert, "write")
    first, second = _outcome(race.run(live, admin, "/api/sync/import/climbs/batch", {"climbs": climbs}, {"climbs": climbs}))
    assert first == {"created": N, "updated": 0, "errors": 0, "total": N, "unchanged": 0}
    assert second == {"created": 0, "updated": 0, "errors": 0, "total": N, "unchanged": N}
    assert _count(api, "climbs") == before + N
    feed = _feed(api, admin, since)
    assert sorted(c["data"]["stokt_id"] for c in feed) == sorted(c["stokt_id"] for c in climbs)  # one record each


def test_two_admins_importing_the_same_new_climbs_both_succeed(api, app, live, seeded, admin, monkeypatch):
    climbs = _climbs(seeded, N)
    renamed = _renamed(climbs)
    since, before = _cursor(api, admin), _count(api, "climbs")
    race = Race(monkeypatch, app, bulk_import._Upsert, "write")
    responses = race.run(live, admin, "/api/sync/import/climbs/batch", {"climbs": climbs}, {"climbs": renamed})
    first, second = _outcome(responses)
    assert first["created"] == N and second == {"created": 0, "updated": N, "errors": 0, "total": N, "unchanged": 0}
    won = climbs if responses[0].json()["created"] else renamed  # whoever committed first created the rows
    last = renamed if won is climbs else climbs
    assert _count(api, "climbs") == before + N
    feed = _feed(api, admin, since)
    assert len(feed) == 2 * N
    assert [c["data"]["name"] for c in feed] == [c["name"] for c in won] + [c["name"] for c in last]
    for i in (0, N - 1):
        got = api.get(f"/api/climbs/by-stokt-id/{climbs[i]['stokt_id']}", headers=admin).json()
        assert (got["name"], got["description"], got["climbed_by"], got["setter_name"]) == (
            last[i]["name"], f"d{i}", i, "Setter 01")  # the description B left out is kept either way
        assert got["updated_at"] and feed[N + i]["data"]["description"] == f"d{i}"


def test_a_client_retry_of_a_single_climb_import(api, app, live, seeded, admin, monkeypatch):
    climb = _climbs(seeded, 1)[0]
    since = _cursor(api, admin)
    race = Race(monkeypatch, app, bulk_import._Upsert, "write")
    responses = race.run(live, admin, "/api/sync/import/climb", climb, climb)
    for r in responses:
        assert r.status_code == 200, (r.status_code, r.text)
    assert sorted(r.json()["status"] for r in responses) == ["created", "exists"]
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(_feed(api, admin, since)) == 1


def _holds(face: str, n: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"stokt_id": 950000 + i, "face_stokt_id": face, "polygon_str": f"{i},0 {i + 1},0 {i + 1},1",
             "centroid_x": i + 0.5, "centroid_y": 0.5, "area": 1.0, **extra} for i in range(n)]


def test_concurrent_hold_imports_in_opposite_orders(api, app, live, seeded, admin, monkeypatch):
    """The second request sends the rows in reverse order, with a path the first did not send."""
    holds = _holds(seeded["face_stokt"], N)
    pathed = [{**h, "path_str": "M0 0"} for h in reversed(holds)]
    since, before = _cursor(api, admin), _count(api, "holds")
    race = Race(monkeypatch, app, bulk_import._Upsert, "write")
    first, second = _outcome(race.run(live, admin, "/api/sync/import/holds/batch", {"holds": holds}, {"holds": pathed}))
    assert first["created"] == N and second["created"] == 0 and second["updated"] + second["unchanged"] == N
    assert _count(api, "holds") == before + N
    h = api.get(f"/api/holds/{950000 + 7}", headers=admin).json()
    assert (h["path_str"], h["centroid_x"]) == ("M0 0", 7.5)
    assert len(_feed(api, admin, since)) == N + second["updated"]


def test_concurrent_user_imports(api, app, live, seeded, admin, monkeypatch):
    users = [{"stokt_id": str(uuid.uuid4()), "full_name": f"Racer {i}", "avatar_path": f"a/{i}.jpg"} for i in range(N)]
    renamed = [{"stokt_id": u["stokt_id"], "full_name": u["full_name"] + " B"} for u in users]
    race = Race(monkeypatch, app, bulk_import._Upsert, "write")
    first, second = _outcome(race.run(live, admin, "/api/sync/import/users/batch", {"users": users}, {"users": renamed}))
    assert first["created"] == N and second["updated"] == N
    with api.app.state.engine.connect() as c:
        rows = c.execute(text("SELECT full_name, avatar_path FROM users WHERE stokt_id = :s"),
                         {"s": users[3]["stokt_id"]}).all()
    assert len(rows) == 1 and rows[0][1] == "a/3.jpg"  # one row; the avatar the rename left out is kept


@pytest.mark.parametrize("kind", ["gym", "face"])
def test_concurrent_imports_of_a_new_gym_or_face(api, app, live, seeded, admin, monkeypatch, kind):
    body: dict[str, Any] = {"stokt_id": str(uuid.uuid4()), "display_name": "Racing gym"}
    if kind == "face":
        body = {"stokt_id": str(uuid.uuid4()), "gym_stokt_id": seeded["gym_stokt"], "picture_path": "p.jpg"}
    since = _cursor(api, admin)
    race = Race(monkeypatch, app, imports, "_upsert")
    responses = race.run(live, admin, f"/api/sync/import/{kind}", body, body)
    for r in responses:
        assert r.status_code == 200, (r.status_code, r.text)
    assert sorted(r.json()["status"] for r in responses) == ["created", "exists"]
    assert len(_feed(api, admin, since)) == 1



@pytest.mark.parametrize("n", [1, N])  # a Core INSERT, and COPY on PostgreSQL
def test_a_clash_that_is_not_a_race_is_a_409_with_nothing_written(api, seeded, admin, n):
    """A local climb already holds the id a Stokt climb gets: redoing the transaction cannot help."""
    from mastoc.domain.ids import id_for_stokt

    climbs = _climbs(seeded, n)
    with api.app.state.engine.begin() as c:
        c.execute(text("INSERT INTO climbs (id, face_id, name, holds_list, tags, circuit, is_private, is_benchmark, "
                       "climbed_by, total_likes, total_comments, source, created_at) VALUES (:id, :f, 'Local', '', '', "
                       "'', false, false, 0, 0, 0, 'mastoc', CURRENT_TIMESTAMP)"),
                  {"id": id_for_stokt("climb", climbs[-1]["stokt_id"]), "f": seeded["face_id"]})
    count, since = _count(api, "climbs"), _cursor(api, admin)
    r = api.post("/api/sync/import/climbs/batch", json={"climbs": climbs}, headers=admin)
    assert r.status_code == 409 and r.json() == {"detail": "Conflict with existing data"}
    assert (_count(api, "climbs"), _cursor(api, admin)) == (count, since)
