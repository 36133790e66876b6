"""Stokt and the mastoc server together: ids and Stokt ids travel, nothing is duplicated, and
`init-from-stokt` fills an empty server with the fixture's data and photo."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Source
from mastoc.store.db import Store
from mastoc.sync import operations as ops
from mastoc.sync.railway_init import ServerNotEmptyError, init_from_stokt
from tests.stokt.standin import FACE_ID, StoktStandin
from tests.sync_railway.conftest import EMAIL, PASSWORD, LiveServer, device, sync


@pytest.fixture()
def standin(fixtures_dir: Path):
    with StoktStandin(fixtures_dir) as s:
        yield s


def _stokt_login(d: Path, standin: StoktStandin) -> None:
    ops.login("stokt", standin.username, standin.password, url=standin.url, data_dir=d)


def test_stokt_ids_travel_between_devices(tmp_path: Path, server: LiveServer, standin: StoktStandin, monkeypatch):
    monkeypatch.setenv("MASTOC_STOKT_URL", standin.url)
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    _stokt_login(a, standin)
    _stokt_login(b, standin)
    ops.run(ops.preview(ops.Op.STOKT_IMPORT, a), a)
    pv, rep = sync(a)
    assert rep.ok, rep.errors[:3]
    assert server.count("climbs") == 1017 and server.count("holds") == 776
    pv, rep = sync(b)
    assert rep.ok, rep.errors[:3]
    with Store.open(a) as sa, Store.open(b) as sb:
        assert sb.counts()["climbs"] == 1017
        ids = {tuple(r) for r in sa.conn.execute("SELECT id, stokt_id FROM climbs")}
        assert ids == {tuple(r) for r in sb.conn.execute("SELECT id, stokt_id FROM climbs")}
        face = sb.face(FACE_ID)
        assert face is not None and sb.image_path(face.picture_sha256) is not None
        q = "SELECT id, num, stokt_id, polygon_str, touch_polygon_str, top_polygon_str, centroid_str FROM holds ORDER BY num"
        assert [tuple(r) for r in sa.conn.execute(q)] == [tuple(r) for r in sb.conn.execute(q)]
        q = "SELECT id, name, holds_list, grade_font, setter_id FROM climbs ORDER BY id"
        assert [tuple(r) for r in sa.conn.execute(q)] == [tuple(r) for r in sb.conn.execute(q)]
        # the wall (gym -> wall -> face) travels too: same id, Stokt id, name and feet rules; B's face points at it
        q = "SELECT id, stokt_id, gym_id, name, angle, is_active, feet_rules, default_feet_rule FROM walls ORDER BY id"
        walls_a = [tuple(r) for r in sa.conn.execute(q)]
        assert walls_a and walls_a == [tuple(r) for r in sb.conn.execute(q)]
        wall_id = sa.conn.execute("SELECT wall_id FROM faces WHERE id = ?", (face.id,)).fetchone()[0]
        assert wall_id is not None and sb.conn.execute("SELECT wall_id FROM faces WHERE id = ?",
                                                       (face.id,)).fetchone()[0] == wall_id
    assert server.count("walls") == len(walls_a)
    assert server.sql("SELECT wall_id FROM faces WHERE id = :i", i=face.id)[0][0] == wall_id
    import requests

    token = requests.post(f"{server.url}/api/auth/login", data={"username": EMAIL, "password": PASSWORD},
                          timeout=10).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    listed = requests.get(f"{server.url}/api/walls", headers=auth, timeout=10).json()
    assert {w["id"]: (w["stokt_id"], w["name"]) for w in listed} == {w[0]: (w[1], w[3]) for w in walls_a}
    face_json = requests.get(f"{server.url}/api/faces/{face.id}", headers=auth, timeout=10).json()
    assert face_json["wall_id"] == wall_id
    assert requests.get(f"{server.url}/api/faces/{face.id}/setup", headers=auth, timeout=10).json()["wall_id"] == wall_id
    # B sets a climb and pushes it to Stokt, then syncs with the server
    cid = new_id()
    with Store.open(b) as s:
        s.save_climb(Climb(id=cid, face_id=face.id, name="Set on B", holds_list="S829284 O829309 T829220",
                           grade_font="6A", grade_ircra=15.5, source=Source.MASTOC))
    rep = ops.run(ops.preview(ops.Op.STOKT_PUSH, b), b)
    assert rep.ok and rep.counts["climb"]["pushed"] == 1
    with Store.open(b) as s:
        stokt_id = s.climb(cid).stokt_id
    assert stokt_id
    assert sync(b)[1].ok
    assert server.sql("SELECT stokt_id FROM climbs WHERE id = :i", i=cid)[0][0] == stokt_id
    # A learns it; a Stokt import on A then finds the same climb (no duplicate anywhere)
    assert sync(a)[1].ok
    with Store.open(a) as s:
        assert s.climb(cid).stokt_id == stokt_id
    rep = ops.run(ops.preview(ops.Op.STOKT_IMPORT, a, full=True), a)
    assert rep.counts["climb"]["new"] == 0
    with Store.open(a) as s:
        assert s.counts()["climbs"] == 1018
        assert s.conn.execute("SELECT count(*) FROM climbs WHERE stokt_id = ?", (stokt_id,)).fetchone()[0] == 1
        dup = s.conn.execute("SELECT count(*) FROM (SELECT entity_type, stokt_id FROM id_mappings "
                             "GROUP BY 1, 2 HAVING count(*) > 1)").fetchone()[0]
        assert dup == 0
    assert server.count("climbs") == 1018 and len(standin.climbs) == 1018
    assert server.sql("SELECT count(DISTINCT stokt_id) FROM climbs")[0][0] == 1018


def test_init_from_stokt_fills_an_empty_server(tmp_path: Path, server: LiveServer, standin: StoktStandin,
                                               fixtures_dir: Path, monkeypatch):
    monkeypatch.setenv("MASTOC_STOKT_URL", standin.url)
    a = device(tmp_path, "a", server)
    _stokt_login(a, standin)
    out = init_from_stokt(a)
    assert out["sync"].ok, out["sync"].errors[:3]
    stats = out["server"]
    assert (stats["faces"], stats["holds"], stats["climbs"]) == (1, 776, 1017)
    assert stats["users"] == 1 + len({r[0] for r in Store.open(a).conn.execute(
        "SELECT stokt_id FROM users WHERE stokt_id IS NOT NULL")})
    photo = next(p for p in sorted(fixtures_dir.rglob("*")) if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert server.sql("SELECT count(*) FROM images WHERE original_sha256 = :s", s=sha)[0][0] == 1
    stored = server.sql("SELECT f.picture_sha256 FROM faces f")[0][0]
    assert server.sql("SELECT original_sha256 FROM images WHERE sha256 = :s", s=stored)[0][0] == sha
    with pytest.raises(ServerNotEmptyError):
        init_from_stokt(a)


def test_a_non_admin_account_syncs_its_climbs_without_stokt_structure_errors(
        tmp_path: Path, server: LiveServer, standin: StoktStandin, monkeypatch):
    import requests

    monkeypatch.setenv("MASTOC_STOKT_URL", standin.url)
    a = device(tmp_path, "a", server)
    _stokt_login(a, standin)
    init_from_stokt(a)
    requests.post(f"{server.url}/api/auth/register", json={"email": "friend@example.org", "username": "friend",
                  "password": "password-456", "full_name": "Friend"}, timeout=10).raise_for_status()
    b = tmp_path / "b"
    ops.login("railway", "friend@example.org", "password-456", url=server.url, data_dir=b)
    _stokt_login(b, standin)
    ops.run(ops.preview(ops.Op.STOKT_IMPORT, b), b)  # B also imported from Stokt itself
    with Store.open(b) as s:
        face = s.face(FACE_ID)
        cid = new_id()
        s.save_climb(Climb(id=cid, face_id=face.id, name="Friend's climb", holds_list="S829284 O829309 T829220",
                           grade_font="6A", grade_ircra=15.5, source=Source.MASTOC))
    pv, rep = sync(b)
    assert rep.ok, rep.errors[:3]
    # the climb, and the Stokt lists B's import brought (A's account has the same ones: B's get new ids)
    assert [(i.entity, i.category) for i in pv.items if i.direction == "push" and i.entity not in ("list", "list_item")
            ] == [("climb", "create")]
    assert server.sql("SELECT count(DISTINCT user_id) FROM climb_lists WHERE name = 'Winter circuit'")[0][0] == 2
    assert ops.run(ops.preview(ops.Op.STOKT_IMPORT, b), b).ok  # the re-keyed lists are found again by Stokt id
    with Store.open(b) as s:
        assert s.conn.execute("SELECT count(*) FROM climb_lists").fetchone()[0] == 2
    assert server.count("climbs") == 1018 and server.count("holds") == 776
    with Store.open(b) as s:
        assert s.counts()["climbs"] == 1018
