"""Personal walls through edits/walls.py: the new wall, drawn holds, resets that flag climbs."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from mastoc.domain import geometry
from mastoc.edits import walls
from mastoc.edits.changes import EditError, NotFoundEditError
from mastoc.store import search
from mastoc.store.db import Store
from tests.walls.conftest import Wall
from tests.walls.photos import exif_of, wall_photo


def test_new_wall_from_a_rotated_photo_with_gps(tmp_path: Path):
    with Store.open(tmp_path / "d") as store:
        ch = walls.new_wall(store, wall_photo(400, 300, orientation=6, gps=True), name="Garage",
                            gym_name="Home", feet_rules=["All feet", "No feet"], symmetric=True)
        (face_id,) = ch.faces
        face = store.face(face_id)
        assert face is not None and face.stokt_id is None and face.source.value == "mastoc"
        assert (face.picture_width, face.picture_height) == (300, 400)  # upright
        assert face.feet_rules_options == ["All feet", "No feet"] and face.has_symmetry
        stored = store.image_path(face.picture_sha256)
        assert stored is not None and stored.parent == tmp_path / "d" / "images"
        meta = exif_of(stored.read_bytes())
        assert not meta["gps"] and 0x0112 not in meta and 0x010F not in meta
        gym = store.conn.execute("SELECT display_name, source, stokt_id FROM gyms").fetchone()
        assert tuple(gym) == ("Home", "mastoc", None)
        wall = store.conn.execute("SELECT name, feet_rules, default_feet_rule, source FROM walls").fetchone()
        assert (wall[0], json.loads(wall[1]), wall[2], wall[3]) == ("Garage", ["All feet", "No feet"], "All feet", "mastoc")
        assert store.conn.execute("SELECT count(*) FROM images").fetchone()[0] == 1
        # a second wall goes into the same personal gym, with the default feet rules
        (other,) = walls.new_wall(store, wall_photo(200, 100), name="Spray").faces
        assert store.face(other).feet_rules_options == list(walls.DEFAULT_FEET_RULES)
        assert store.conn.execute("SELECT count(*) FROM gyms").fetchone()[0] == 1


def test_bad_photo_and_names_write_nothing(tmp_path: Path):
    with Store.open(tmp_path / "d") as store:
        with pytest.raises(EditError, match="not an image"):
            walls.new_wall(store, b"hello" * 100, name="X")
        with pytest.raises(EditError, match="name is empty"):
            walls.new_wall(store, wall_photo(), name="  ")
        assert store.counts()["faces"] == 0 and store.counts()["images"] == 0
        assert not list((tmp_path / "d").glob("images/*"))


def test_drawn_hold_has_stokt_like_geometry(wall: Wall):
    hold = wall.store.holds(wall.face_id)[0]
    assert geometry.check_hold(hold) == []
    assert hold.num >= 1_000_000_000 and hold.stokt_id is None
    assert geometry.parse_path(hold.path_str) == geometry.outline(hold)
    cx, cy = geometry.centroid(hold)
    outline = geometry.outline(hold)
    assert math.isclose(sum(x for x, _ in outline) / 4, cx, abs_tol=0.01)
    top = geometry.parse_points(hold.top_polygon_str)
    assert len(top) == len(outline)  # every edge moved out by 25 px, same vertex count
    assert geometry.hold_polygon(hold).buffer(25, join_style=2).symmetric_difference(
        geometry.top_polygon(hold)).area < 1.0
    start, end = geometry.parse_tape(hold.center_tape_str)
    assert math.isclose(math.dist(start, end), 100.0, abs_tol=0.02)
    # the centre tape points away from the picture's top-centre (200, 0) through the centroid
    direction = (end[0] - start[0], end[1] - start[1])
    ray = (cx - 200.0, cy)
    assert direction[0] * ray[1] - direction[1] * ray[0] == pytest.approx(0, abs=1.0)


def test_self_intersecting_outline_refused_or_repaired(wall: Wall):
    bow_tie = [(100, 100), (200, 200), (200, 100), (100, 200)]
    with pytest.raises(EditError, match="crosses itself"):
        walls.add_hold(wall.store, wall.face_id, bow_tie)
    with pytest.raises(EditError, match="at least 3 distinct points"):
        walls.add_hold(wall.store, wall.face_id, [(1, 1), (1, 1), (5, 5)])
    # a tiny loop at one corner: repaired (the big part kept)
    loop = [(100, 100), (200, 100), (200, 200), (100, 200), (100, 99), (101, 101)]
    (hid,) = walls.add_hold(wall.store, wall.face_id, loop).holds
    repaired = next(h for h in wall.store.holds(wall.face_id) if h.id == hid)
    assert geometry.hold_polygon(repaired).area > 9900 and geometry.check_hold(repaired) == []
    assert len(wall.store.holds(wall.face_id)) == 5


def test_stokt_faces_are_refused(tmp_path: Path):
    with Store.open(tmp_path / "d") as store, store.transaction() as c:
        c.execute("INSERT INTO gyms (id, display_name) VALUES ('g', 'Gym')")
        c.execute("INSERT INTO faces (id, stokt_id, gym_id, picture_path) VALUES ('f', 's', 'g', 'x.jpg')")
    with Store.open(tmp_path / "d") as store:
        with pytest.raises(EditError, match="Stokt"):
            walls.add_hold(store, "f", [(0, 0), (10, 0), (10, 10)])
        with pytest.raises(NotFoundEditError):
            walls.add_hold(store, "nope", [(0, 0), (10, 0), (10, 10)])


def test_move_keeps_the_id_and_flags_the_climbs_using_it(wall: Wall):
    a, b, c, d = wall.holds
    uses_b = wall.climb("Uses b", a, b, c)
    other = wall.climb("Not b", a, c, d)
    before = walls.climbs_using(wall.store, [b])
    assert before == {b: [(uses_b, "Uses b")]}
    num = wall.num(b)
    ch = walls.move_hold(wall.store, b, 5, 7)
    assert ch.holds == {b} and ch.climbs == {uses_b}
    assert ch.messages == (f"1 climb uses hold {num} (moved): Uses b; flagged 'uses a changed hold'",)
    moved = next(h for h in wall.store.holds(wall.face_id) if h.id == b)
    assert moved.num == num and geometry.outline(moved)[0] == (105.0, 47.0)
    assert wall.store.climb(uses_b).holds_list == wall.store.climb(uses_b).holds_list  # not altered
    assert walls.hold_flags(wall.store, uses_b) == [(num, "moved")] and walls.hold_flags(wall.store, other) == []


def test_reset_removing_a_hold_flags_exactly_its_climbs(wall: Wall):
    a, b, c, d = wall.holds
    with_c = {wall.climb("One", a, c), wall.climb("Two", b, c, d)}
    without_c = {wall.climb("Three", a, b), wall.climb("Four", b, d)}
    lists = {cid: wall.store.climb(cid).holds_list for cid in with_c | without_c}
    assert len(walls.climbs_using(wall.store, [c])[c]) == 2
    ch = walls.delete_hold(wall.store, c)
    assert ch.deleted_holds == {c} and ch.climbs == with_c
    assert "2 climbs use hold" in ch.messages[0]
    conn = wall.store.conn
    flagged = {r[0] for r in conn.execute("SELECT climb_id FROM climb_hold_flags")}
    assert flagged == with_c
    assert {cid: wall.store.climb(cid).holds_list for cid in lists} == lists  # never silently altered
    assert conn.execute("SELECT count(*) FROM tombstones WHERE entity_type = 'hold' AND entity_id = ?",
                        (c,)).fetchone()[0] == 1
    rows = search.search(conn, search.ClimbQuery(face_id=wall.face_id, changed_holds_only=True))
    assert {r.id for r in rows} == with_c and all(r.uses_changed_hold for r in rows)
    everything = search.search(conn, search.ClimbQuery(face_id=wall.face_id))
    assert {r.id for r in everything if r.uses_changed_hold} == with_c
    assert search.count(conn, search.ClimbQuery(changed_holds_only=True)) == 2


def test_restore_puts_the_hold_back_with_its_annotation(wall: Wall):
    a, b, *_ = wall.holds
    with wall.store.transaction() as c:
        c.execute("INSERT INTO hold_annotations (id, hold_id, notes) VALUES ('ann', ?, 'crimp')", (b,))
    snap = walls.snapshot(wall.store, b)
    walls.delete_hold(wall.store, b)
    assert wall.store.conn.execute("SELECT count(*) FROM hold_annotations").fetchone()[0] == 0
    walls.restore_hold(wall.store, snap)
    restored = next(h for h in wall.store.holds(wall.face_id) if h.id == b)
    assert restored == snap.hold
    assert wall.store.conn.execute("SELECT notes FROM hold_annotations WHERE hold_id = ?", (b,)).fetchone()[0] == "crimp"
    assert wall.store.conn.execute("SELECT count(*) FROM tombstones").fetchone()[0] == 0


def test_editing_the_climbs_holds_clears_its_flags(wall: Wall):
    a, b, c, _d = wall.holds
    cid = wall.climb("One", a, b)
    walls.delete_hold(wall.store, b)
    assert walls.hold_flags(wall.store, cid)
    climb = wall.store.climb(cid)
    climb.holds_list = f"S{wall.num(a)} T{wall.num(c)}"
    wall.store.save_climb(climb)
    assert walls.hold_flags(wall.store, cid) == []
    cid2 = wall.climb("Two", a, c)
    walls.move_hold(wall.store, c, 1, 1)
    walls.clear_hold_flags(wall.store, [cid2])
    assert walls.hold_flags(wall.store, cid2) == []
