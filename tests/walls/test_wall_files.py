"""`.mastoc` export / import: round trips, re-imports, newer versions, and hostile files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from mastoc.edits import wall_files, walls
from mastoc.edits.changes import EditError
from mastoc.store.db import Store
from tests.walls.conftest import Wall

TABLES = ("gyms", "walls", "faces", "holds", "users", "climbs", "climb_holds", "hold_annotations", "climb_lists",
          "list_items", "images")


def _populate(wall: Wall) -> None:
    a, b, c, d = wall.holds
    cid = wall.climb("Traverse", a, b, c)
    wall.climb("Direct", a, d)
    with wall.store.transaction() as conn:
        conn.execute("INSERT INTO users (id, full_name, source) VALUES ('u1', 'Alex', 'mastoc')")
        conn.execute("UPDATE climbs SET setter_id = 'u1', personal_notes = 'my secret beta' WHERE id = ?", (cid,))
        conn.execute("INSERT INTO hold_annotations (id, hold_id, grip_type, notes) VALUES ('an1', ?, 'plat', 'sloper')",
                     (b,))
        conn.execute("INSERT INTO climb_lists (id, name) VALUES ('l1', 'Projects')")
        conn.execute("INSERT INTO list_items (id, list_id, climb_id, position) VALUES ('i1', 'l1', ?, 0)", (cid,))


def _snapshot(store: Store) -> dict[str, list[tuple]]:
    out = {}
    for table in TABLES:
        cols = "hold_num, climb_id, role" if table == "climb_holds" else "*"
        order = "hold_num, climb_id" if table == "climb_holds" else "1"
        skip = {"created_at"} if table == "images" else set()
        rows = store.conn.execute(f"SELECT {cols} FROM {table} ORDER BY {order}").fetchall()
        out[table] = [tuple(v for k, v in zip(r.keys(), r, strict=True) if k not in skip) for r in rows]
    return out


def test_round_trip_into_an_empty_store_twice_without_duplicates(wall: Wall, tmp_path: Path):
    _populate(wall)
    target = tmp_path / "garage.mastoc"
    counts = wall_files.export_wall(wall.store, wall.face_id, target)
    assert counts["holds"] == 4 and counts["climbs"] == 2 and counts["list_items"] == 1
    with Store.open(tmp_path / "friend") as friend:
        changes, report = wall_files.import_wall(friend, target)
        assert report.added["holds"] == 4 and report.added["climbs"] == 2 and report.changed
        assert wall.face_id in changes.faces
        first = _snapshot(friend)
        changes, report = wall_files.import_wall(friend, target)
        assert not report.changed and not changes and "nothing changed" in report.summary()
        assert _snapshot(friend) == first
        for table in ("holds", "climbs", "climb_holds", "hold_annotations", "list_items", "images"):
            assert len(first[table]) == len(_snapshot(wall.store)[table]), table
        photo = friend.image_path(friend.face(wall.face_id).picture_sha256)
        assert photo is not None and photo.read_bytes() == wall.store.image_path(
            wall.store.face(wall.face_id).picture_sha256).read_bytes()
        assert friend.conn.execute("SELECT personal_notes FROM climbs WHERE personal_notes IS NOT NULL").fetchall() == []
        assert [tuple(r) for r in friend.conn.execute("SELECT hold_id, notes FROM hold_annotations")] == [
            (wall.holds[1], "sloper")]


def test_a_newer_version_updates_the_wall_and_reports_what_changed(wall: Wall, tmp_path: Path):
    _populate(wall)
    v1, v2 = tmp_path / "v1.mastoc", tmp_path / "v2.mastoc"
    wall_files.export_wall(wall.store, wall.face_id, v1)
    a, b, c, d = wall.holds
    walls.move_hold(wall.store, a, 3, 0)
    walls.delete_hold(wall.store, d)
    walls.add_hold(wall.store, wall.face_id, [(300, 200), (340, 200), (340, 240)])
    wall_files.export_wall(wall.store, wall.face_id, v2)
    with Store.open(tmp_path / "friend") as friend:
        wall_files.import_wall(friend, v1)
        _changes, report = wall_files.import_wall(friend, v2)
        assert report.added == {"holds": 1} and report.updated == {"faces": 1, "holds": 1}
        assert report.removed == {"holds": 1}
        text = report.summary()
        assert "added 1 hold" in text and "updated 1 face, 1 hold" in text and "removed 1 hold" in text
        assert any("1 climb uses hold" in m for m in report.messages)  # "Direct" used the removed hold
        assert {h.id for h in friend.holds(wall.face_id)} == {h.id for h in wall.store.holds(wall.face_id)}
        # importing the older file again adds back nothing and changes nothing
        _changes, report = wall_files.import_wall(friend, v1)
        assert not report.updated and not report.removed


def _rewrite(source: Path, target: Path, *, drop: str | None = None, add: dict[str, bytes] | None = None,
             manifest: dict | None = None) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = zin.read(info)
            if info.filename == "manifest.json" and manifest:
                data = json.dumps({**json.loads(data), **manifest}).encode()
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return target


@pytest.mark.parametrize(("change", "message"), [
    ({"add": {"../../x": b"evil"}}, "unsafe path '../../x'"),
    ({"add": {"/etc/passwd": b"evil"}}, "unsafe path"),
    ({"manifest": {"photo": "../../x.jpg"}}, "unsafe photo path"),
    ({"drop": "PHOTO"}, "has no photo"),
    ({"manifest": {"format_version": 99}}, r"newer mastoc \(format version 99"),
    ({"manifest": {"photo_sha256": "0" * 64}}, "photo in bad.mastoc is damaged|not a personal wall"),
    ({"drop": "wall.json"}, "no wall.json"),
    ({"drop": "manifest.json"}, "no manifest.json"),
])
def test_hostile_or_broken_files_import_nothing(wall: Wall, tmp_path: Path, change: dict, message: str):
    _populate(wall)
    good = tmp_path / "good.mastoc"
    wall_files.export_wall(wall.store, wall.face_id, good)
    with zipfile.ZipFile(good) as z:
        photo = next(n for n in z.namelist() if n.startswith("photo/"))
    if change.get("drop") == "PHOTO":
        change = {"drop": photo}
    bad = _rewrite(good, tmp_path / "bad.mastoc", **change)
    friend_dir = tmp_path / "friend"
    before = {p for p in tmp_path.rglob("*")}
    with Store.open(friend_dir) as friend:
        empty = _snapshot(friend)
        with pytest.raises(EditError, match=message):
            wall_files.import_wall(friend, bad)
        assert _snapshot(friend) == empty
    after = {p for p in tmp_path.rglob("*")} - before
    assert all(p.is_relative_to(friend_dir) for p in after)
    assert not (friend_dir / "images").exists() or not any((friend_dir / "images").iterdir())
    assert not (tmp_path.parent / "x").exists()


def test_a_hold_without_a_usable_outline_refuses_the_file(wall: Wall, tmp_path: Path):
    good = tmp_path / "good.mastoc"
    wall_files.export_wall(wall.store, wall.face_id, good)
    with zipfile.ZipFile(good) as z:
        data = json.loads(z.read("wall.json"))
    data["holds"][0]["polygon_str"] = "1,2 nan,4"
    bad = _rewrite(good, tmp_path / "bad.mastoc", drop="wall.json", add={"wall.json": json.dumps(data).encode()})
    with Store.open(tmp_path / "friend") as friend:
        with pytest.raises(EditError, match="hold .*not a number|finite"):
            wall_files.import_wall(friend, bad)
        assert friend.counts()["holds"] == 0 and friend.counts()["faces"] == 0


def test_not_a_zip_and_stokt_faces(tmp_path: Path, wall: Wall):
    junk = tmp_path / "junk.mastoc"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(EditError, match="not a .mastoc file"):
        wall_files.import_wall(wall.store, junk)
    with wall.store.transaction() as c:
        c.execute("INSERT INTO faces (id, stokt_id, gym_id, picture_path) SELECT 'sf', 's1', gym_id, 'x' FROM faces")
    with pytest.raises(EditError, match="only personal walls"):
        wall_files.export_wall(wall.store, "sf", tmp_path / "x.mastoc")
