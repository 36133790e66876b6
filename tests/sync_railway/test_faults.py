"""QUALITY.md N1-N10 for the Railway sync, through a fault-injecting proxy in front of the server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mastoc.backends.errors import AuthError, ProtocolError
from mastoc.backends.http import TransportConfig
from mastoc.domain.ids import new_id
from mastoc.store.db import Store
from mastoc.sync import operations as ops
from mastoc.sync import railway_session
from tests.sync_railway.conftest import EMAIL, PASSWORD, LiveServer, sync
from tests.sync_railway.faultproxy import FaultProxy
from tests.sync_railway.test_two_devices import _climb, _personal_wall

FAST = TransportConfig(connect_timeout=2.0, read_timeout=10.0, max_retries=5, backoff_base=0.02, backoff_max=0.1,
                       rate_per_second=0)


@pytest.fixture()
def proxy(server: LiveServer, monkeypatch) -> Iterator[FaultProxy]:
    monkeypatch.setattr(railway_session, "_config", lambda: FAST)
    with FaultProxy(server.url) as p:
        yield p


def _device(tmp_path: Path, name: str, url: str) -> Path:
    d = tmp_path / name
    ops.login("railway", EMAIL, PASSWORD, url=url, data_dir=d)
    return d


def _wall_with_things(d: Path, climbs: int = 1) -> dict[str, str]:
    face, holds = _personal_wall(d)
    ids = {"face": face, **{f"climb{n}": _climb(d, face, f"Climb {n}") for n in range(climbs)}}
    ids.update(ann=new_id(), list=new_id(), item=new_id())
    with Store.open(d) as s, s.transaction() as c:
        c.execute("INSERT INTO hold_annotations (id, hold_id, grip_type) VALUES (?, ?, 'bac')", (ids["ann"], holds[0]))
        c.execute("INSERT INTO climb_lists (id, name) VALUES (?, 'Ticks')", (ids["list"],))
        c.execute("INSERT INTO list_items (id, list_id, climb_id) VALUES (?, ?, ?)",
                  (ids["item"], ids["list"], ids["climb0"]))
    return ids


def _server_counts(server: LiveServer) -> tuple[int, ...]:
    return tuple(server.count(t) for t in ("faces", "holds", "climbs", "hold_annotations", "climb_lists", "list_items"))


def test_n1_429_retry_after_is_waited_and_the_sync_completes(tmp_path: Path, server: LiveServer, proxy: FaultProxy):
    a = _device(tmp_path, "a", proxy.url)
    _wall_with_things(a)
    proxy.inject("429", "GET /api/changes", times=1, retry_after=1)
    waits: list[float] = []
    t0 = time.monotonic()
    pv = ops.preview(ops.Op.RAILWAY_SYNC, a, progress=lambda p: p.wait_seconds and waits.append(p.wait_seconds))
    assert time.monotonic() - t0 >= 1.0 and waits and waits[0] >= 1.0
    assert ops.run(pv, a).ok
    assert _server_counts(server) == (1, 3, 1, 1, 1, 1)


def test_n2_n9_flaky_network_and_lost_answers_give_the_clean_result(tmp_path: Path, server: LiveServer,
                                                                    proxy: FaultProxy):
    a = _device(tmp_path, "a", proxy.url)
    ids = _wall_with_things(a, climbs=4)
    proxy.inject("lost", "POST /api/climbs", times=1)  # N9: applied by the server, answer lost, replayed
    proxy.random_rate = 0.2  # N2
    pv, rep = sync(a)
    assert rep.ok, rep.errors
    proxy.clear()
    assert _server_counts(server) == (1, 3, 4, 1, 1, 1)
    assert proxy.count("POST /api/climbs") >= 5
    # replaying the very same run sends the creates again: still one record each
    assert ops.run(pv, a).ok
    assert _server_counts(server) == (1, 3, 4, 1, 1, 1)
    b = _device(tmp_path, "b", proxy.url)
    assert sync(b)[1].ok
    with Store.open(b) as s:
        assert {r[0] for r in s.conn.execute("SELECT id FROM climbs")} == {v for k, v in ids.items() if k.startswith("climb")}
        assert s.conn.execute("SELECT count(*) FROM sync_state WHERE backend = 'railway' AND entity_type = 'climb'"
                              ).fetchone()[0] == 4


def test_n3_broken_json_commits_nothing_and_the_next_sync_works(tmp_path: Path, server: LiveServer,
                                                                proxy: FaultProxy):
    a = _device(tmp_path, "a", proxy.url)
    _wall_with_things(a)
    sync(a)
    b = _device(tmp_path, "b", proxy.url)
    proxy.inject("badjson", "GET /api/changes", times=1)
    with pytest.raises(ProtocolError):
        ops.preview(ops.Op.RAILWAY_SYNC, b)
    with Store.open(b) as s:
        assert s.counts()["climbs"] == 0 and not s.conn.execute("SELECT * FROM sync_cursors").fetchall()
    assert sync(b)[1].ok
    with Store.open(b) as s:
        assert s.counts()["climbs"] == 1


def test_n6_401_mid_sync_keeps_what_was_sent_and_resumes_after_login(tmp_path: Path, server: LiveServer,
                                                                     proxy: FaultProxy):
    a = _device(tmp_path, "a", proxy.url)
    _wall_with_things(a, climbs=3)
    proxy.inject("401", "POST /api/climbs", times=None)
    proxy.inject("401", "POST /api/auth/refresh", times=None)
    pv = ops.preview(ops.Op.RAILWAY_SYNC, a)
    with pytest.raises(AuthError):
        ops.run(pv, a)
    assert server.count("faces") == 1 and server.count("holds") == 3 and server.count("climbs") == 0
    assert ops.history(a)[0]["status"] == "failed"
    proxy.clear()
    ops.login("railway", EMAIL, PASSWORD, url=proxy.url, data_dir=a)
    faces_before, holds_before = proxy.requests.count("POST /api/faces"), proxy.count("POST /api/faces/")
    pv, rep = sync(a)
    assert rep.ok, rep.errors
    # the face and holds sent before the 401 are not sent again
    assert proxy.requests.count("POST /api/faces") == faces_before == 1
    assert proxy.count("POST /api/faces/") == holds_before == 3
    assert _server_counts(server) == (1, 3, 3, 1, 1, 1)


def test_n7_no_network_fails_fast_and_local_work_goes_on(tmp_path: Path, server: LiveServer, proxy: FaultProxy):
    a = _device(tmp_path, "a", proxy.url)
    _wall_with_things(a)
    proxy.inject("reset", "", times=None)
    t0 = time.monotonic()
    from mastoc.backends.errors import TransientError

    with pytest.raises(TransientError):
        ops.preview(ops.Op.RAILWAY_SYNC, a)
    assert time.monotonic() - t0 < 10
    assert ops.status("railway", a).pending_local_changes > 0  # reading and editing need no network
    proxy.clear()
    assert sync(a)[1].ok


def test_n8_clocks_are_irrelevant(tmp_path: Path, server: LiveServer, proxy: FaultProxy):
    a = _device(tmp_path, "a", proxy.url)
    ids = _wall_with_things(a)
    sync(a)
    b = _device(tmp_path, "b", proxy.url)
    sync(b)
    # a later edit whose server timestamps say "two days ago", and an older one dated in two days
    with Store.open(a) as s, s.transaction() as c:
        c.execute("UPDATE climbs SET name = 'Renamed' WHERE id = ?", (ids["climb0"],))
    sync(a)
    server.sql("UPDATE change_log SET at = at - interval '2 days' WHERE seq = (SELECT max(seq) FROM change_log)")
    server.sql("UPDATE climbs SET updated_at = updated_at - interval '2 days'")
    server.sql("UPDATE change_log SET at = at + interval '2 days' WHERE seq < 5")
    pv, rep = sync(b)
    assert rep.ok
    with Store.open(b) as s:
        assert s.climb(ids["climb0"]).name == "Renamed"


def test_n10_annotation_of_the_same_hold_on_two_devices_is_a_conflict(tmp_path: Path, server: LiveServer,
                                                                      proxy: FaultProxy):
    a = _device(tmp_path, "a", proxy.url)
    face, holds = _personal_wall(a)
    sync(a)
    b = _device(tmp_path, "b", proxy.url)
    sync(b)
    for d, grip in ((a, "bac"), (b, "pince")):
        with Store.open(d) as s, s.transaction() as c:
            c.execute("INSERT INTO hold_annotations (id, hold_id, grip_type) VALUES (?, ?, ?)", (new_id(), holds[2], grip))
    assert sync(a)[1].ok
    pv, rep = sync(b)
    conflicts = [i for i in pv.items if i.category == "conflict"]
    assert [(i.entity, i.choices) for i in conflicts] == [("hold_annotation", ("mine", "theirs"))]
    assert server.sql("SELECT grip_type FROM hold_annotations")[0][0] == "bac"  # nothing overwritten
    pv = ops.preview(ops.Op.RAILWAY_SYNC, b)
    rep = ops.run(pv, b, default_resolution="mine")
    assert rep.ok, rep.errors
    assert server.sql("SELECT grip_type FROM hold_annotations") == [("pince",)]
    sync(a)
    with Store.open(a) as sa, Store.open(b) as sb:
        q = "SELECT id, grip_type FROM hold_annotations"
        assert [tuple(r) for r in sa.conn.execute(q)] == [tuple(r) for r in sb.conn.execute(q)]
        assert sa.conn.execute("SELECT grip_type FROM hold_annotations").fetchone()[0] == "pince"
