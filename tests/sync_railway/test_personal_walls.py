"""A personal wall made on one device (edits.walls) appears on another through `mastoc serve`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Source
from mastoc.edits import walls
from mastoc.store.db import Store
from tests.sync_railway.conftest import LiveServer, device, sync
from tests.walls.photos import wall_photo

SQUARES = [[(40 + 60 * i, 40), (80 + 60 * i, 40), (80 + 60 * i, 80), (40 + 60 * i, 80)] for i in range(3)]


def test_wall_created_on_a_appears_on_b_with_photo_holds_and_climbs(tmp_path: Path, server: LiveServer):
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    with Store.open(a) as s:
        (face_id,) = walls.new_wall(s, wall_photo(640, 480, orientation=6, gps=True), name="Garage",
                                    feet_rules=["All feet", "No feet"], symmetric=True).faces
        holds = [next(iter(walls.add_hold(s, face_id, pts).holds)) for pts in SQUARES]
        nums = [h.num for h in s.holds(face_id)]
        cid = new_id()
        s.save_climb(Climb(id=cid, face_id=face_id, name="Garage warm-up", holds_list=f"S{nums[0]} O{nums[1]} T{nums[2]}",
                           grade_font="5+", grade_ircra=12.0, source=Source.MASTOC))
    pv, rep = sync(a)
    assert rep.ok, rep.errors
    assert pv.counts["face"]["create"] == 1 and pv.counts["hold"]["create"] == 3
    pv, rep = sync(b)
    assert rep.ok, rep.errors
    with Store.open(a) as sa, Store.open(b) as sb:
        fa, fb = sa.face(face_id), sb.face(face_id)
        assert fb is not None and fb.source.value == "mastoc" and fb.stokt_id is None
        assert (fb.name, fb.feet_rules_options, fb.has_symmetry) == ("Garage", ["All feet", "No feet"], True)
        assert (fb.picture_width, fb.picture_height) == (480, 640)
        # the server re-encodes uploads; A adopted the server's copy, so both devices have the same bytes
        photo_a = sa.image_path(fa.picture_sha256).read_bytes()
        photo_b = sb.image_path(fb.picture_sha256).read_bytes()
        assert fa.picture_sha256 == fb.picture_sha256 == hashlib.sha256(photo_b).hexdigest()
        assert photo_a == photo_b
        assert server.sql("SELECT count(*) FROM images WHERE sha256 = :s", s=fb.picture_sha256)[0][0] == 1
        q = "SELECT id, num, polygon_str, top_polygon_str, center_tape_str FROM holds WHERE face_id = ? ORDER BY num"
        assert [tuple(r) for r in sa.conn.execute(q, (face_id,))] == [tuple(r) for r in sb.conn.execute(q, (face_id,))]
        assert {h.id for h in sb.holds(face_id)} == set(holds)
        assert sb.climb(cid).holds_list == sa.climb(cid).holds_list
    assert sync(a)[1].ok  # A hears back what the server made of its pushes (its personal-walls gym)
    for d in (a, b):  # then nothing is left to do on either side
        assert not sync(d)[0].items
    # a reset on B (a hold moved) travels back to A, with the same id and number
    with Store.open(b) as s:
        walls.move_hold(s, holds[1], 10, 0)
    assert sync(b)[1].ok and sync(a)[1].ok
    with Store.open(a) as sa, Store.open(b) as sb:
        assert [tuple(r) for r in sa.conn.execute(q, (face_id,))] == [tuple(r) for r in sb.conn.execute(q, (face_id,))]
