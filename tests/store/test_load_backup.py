"""Loading the real Stokt backup: counts from the fixture README, ids stable across re-loads,
local data preserved, and bad input reported by file and item without half-writes."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from mastoc.domain import geometry, holdslist
from mastoc.store.db import Store
from mastoc.sync.backup import BackupError, load_backup


def _all_climbs(fixtures_dir: Path) -> list[dict]:
    out = []
    for n in range(1, 12):
        out.extend(json.loads((fixtures_dir / f"climbs_page_{n}.json").read_text("utf-8"))["results"])
    return out


def test_counts_match_the_fixture_readme(loaded_store: Store, fixtures_dir: Path) -> None:
    c = loaded_store.counts()
    assert (c["gyms"], c["walls"], c["faces"], c["holds"], c["users"], c["climbs"]) == (1, 1, 1, 776, 79, 1017)
    conn = loaded_store.conn
    feet = dict(conn.execute("SELECT feet_rule, count(*) FROM climbs GROUP BY feet_rule").fetchall())
    assert feet == {"Tous pieds": 813, "Pieds des mains": 185, "No foot": 16, "Pieds définis": 2,
                    "Tous pieds + pieds jaunes": 1}
    assert conn.execute("SELECT count(*) FROM climbs WHERE is_benchmark").fetchone()[0] == 20
    assert conn.execute("SELECT count(*) FROM climbs WHERE is_private").fetchone()[0] == 3
    assert conn.execute("SELECT count(*) FROM climbs WHERE grade_font = '?' AND grade_ircra IS NULL").fetchone()[0] == 31
    assert conn.execute("SELECT count(*) FROM climbs WHERE tags != ''").fetchone()[0] == 122
    assert conn.execute("SELECT count(*) FROM climbs WHERE circuit != ''").fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM climb_holds").fetchone()[0] == 8785


def test_every_hold_reference_resolves(loaded_store: Store) -> None:
    orphans = loaded_store.conn.execute(
        "SELECT count(*) FROM climb_holds ch JOIN climbs c ON c.id = ch.climb_id "
        "LEFT JOIN holds h ON h.face_id = c.face_id AND h.num = ch.hold_num WHERE h.id IS NULL"
    ).fetchone()[0]
    assert orphans == 0


def test_holds_keep_their_geometry_and_have_valid_polygons(loaded_store: Store, fixtures_dir: Path) -> None:
    setup = json.loads((fixtures_dir / "face_setup.json").read_text("utf-8"))
    face = loaded_store.faces()[0]
    holds = {h.num: h for h in loaded_store.holds(face.id)}
    assert len(holds) == 776
    for raw in setup["holds"]:
        h = holds[raw["id"]]
        assert h.stokt_id == raw["id"]
        assert (h.polygon_str, h.top_polygon_str, h.left_tape_str, h.centroid_str) == (
            raw["polygonStr"], raw["topPolygonStr"], raw["leftTapeStr"], raw["centroidStr"])
        assert geometry.hold_polygon(h).is_valid


def test_climb_fields_are_mapped(loaded_store: Store, fixtures_dir: Path) -> None:
    raw = _all_climbs(fixtures_dir)[0]
    c = loaded_store.climb(raw["id"])
    assert c is not None and c.stokt_id == raw["id"]
    assert c.name == raw["name"] and c.holds_list == raw["holdsList"]
    assert c.grade_font == raw["crowdGrade"]["font"] and c.grade_ircra == raw["crowdGrade"]["ircra"]
    assert c.setter_name == raw["climbSetters"]["fullName"]
    assert c.created_at is not None and c.created_at.utcoffset().total_seconds() == 0
    assert c.created_at.isoformat().startswith("2025-12-17T15:56:38")  # 10:56:38-05:00 in UTC
    circuit = loaded_store.conn.execute("SELECT stokt_id FROM climbs WHERE circuit != ''").fetchone()[0]
    loaded = loaded_store.climb(circuit)
    assert loaded.circuit and all(isinstance(p["id"], int) and isinstance(p["x"], float) for p in loaded.circuit)
    for p in loaded.circuit:
        assert p["id"] in holdslist.hold_ids(holdslist.parse(loaded.holds_list))


def test_photo_is_stored_byte_identical(loaded_store: Store, fixtures_dir: Path) -> None:
    face = loaded_store.faces()[0]
    expected = hashlib.sha256((fixtures_dir / "wall_full.jpg").read_bytes()).hexdigest()
    assert face.picture_sha256 == expected
    assert loaded_store.image_path(expected).read_bytes() == (fixtures_dir / "wall_full.jpg").read_bytes()
    assert (face.picture_width, face.picture_height) == (2263, 3000)


def test_reload_changes_nothing_and_keeps_ids(loaded_store: Store, fixtures_dir: Path) -> None:
    before = {t: loaded_store.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
              for t in ("gyms", "faces", "holds", "users", "climbs", "climb_holds", "id_mappings")}
    report = load_backup(loaded_store, [fixtures_dir])
    assert report.changed == 0 and not report.problems
    for table, rows in before.items():
        assert loaded_store.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() == rows, table


def test_reload_keeps_local_fields_and_applies_upstream_edits(loaded_store: Store, fixtures_dir: Path,
                                                              tmp_path: Path) -> None:
    climbs = _all_climbs(fixtures_dir)
    target = climbs[5]
    loaded_store.conn.execute(
        "UPDATE climbs SET personal_notes = 'heel hook!', is_project = 1 WHERE stokt_id = ?", (target["id"],))
    edited = dict(target, name="Renamed upstream", climbedBy=target["climbedBy"] + 3)
    f = tmp_path / "page.json"
    f.write_text(json.dumps({"count": 1, "next": None, "previous": None, "results": [edited]}), "utf-8")
    report = load_backup(loaded_store, [f])
    assert report.counts["climbs"] == {"new": 0, "updated": 1, "unchanged": 0}
    c = loaded_store.climb(target["id"])
    assert c.name == "Renamed upstream" and c.climbed_by == target["climbedBy"] + 3
    assert c.personal_notes == "heel hook!" and c.is_project


def test_bad_input_is_reported_by_file_and_item_and_the_rest_loads(fixtures_dir: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup"
    backup.mkdir()
    for name in ("face_setup.json", "gym_summary.json", "gym_walls.json", "climbs_page_2.json"):
        shutil.copy(fixtures_dir / name, backup / name)
    page1 = json.loads((fixtures_dir / "climbs_page_1.json").read_text("utf-8"))
    page1["results"][3]["holdsList"] = "S829284 T999999"  # hold missing from the setup
    page1["results"][4]["holdsList"] = "S829284 X12"  # malformed token
    (backup / "climbs_page_1.json").write_text(json.dumps(page1), "utf-8")
    (backup / "climbs_page_3.json").write_text((fixtures_dir / "climbs_page_3.json").read_text("utf-8")[:5000], "utf-8")
    (backup / "wall_full.jpg").write_bytes(b"<html>definitely not a jpeg</html>")
    with Store.open(tmp_path / "data") as store:
        report = load_backup(store, [backup])
        text = "\n".join(report.problems)
        assert "climbs_page_3.json: not valid JSON" in text
        assert page1["results"][3]["id"] in text and "999999" in text
        assert page1["results"][4]["id"] in text and "X12" in text
        assert "wall_full.jpg" in text
        assert store.counts()["climbs"] == 200 - 2
        assert store.counts()["holds"] == 776
        assert store.faces()[0].picture_sha256 is None


def test_invalid_polygon_is_repaired_and_reported_not_dropped(fixtures_dir: Path, tmp_path: Path) -> None:
    setup = json.loads((fixtures_dir / "face_setup.json").read_text("utf-8"))
    setup["holds"][0]["polygonStr"] = "0.00,0.00 10.00,10.00 10.00,0.00 0.00,10.00"  # a bow tie
    f = tmp_path / "setup.json"
    f.write_text(json.dumps(setup), "utf-8")
    with Store.open(tmp_path / "data") as store:
        report = load_backup(store, [f])
        assert store.counts()["holds"] == 776
        assert any(str(setup["holds"][0]["id"]) in w for w in report.warnings)


def test_nothing_recognisable_raises(tmp_path: Path) -> None:
    f = tmp_path / "x.json"
    f.write_text("{broken", "utf-8")
    with Store.open(tmp_path / "data") as store, pytest.raises(BackupError, match="x.json"):
        load_backup(store, [f])


def test_failure_inside_the_write_leaves_nothing(fixtures_dir: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from mastoc.store import bulk

    calls = Counter()
    real = bulk.upsert_by_stokt_id

    def failing(conn, table, *a, **kw):
        calls[table] += 1
        if table == "climbs":
            raise OSError("disk full")
        return real(conn, table, *a, **kw)

    monkeypatch.setattr(bulk, "upsert_by_stokt_id", failing)
    with Store.open(tmp_path / "data") as store:
        with pytest.raises(OSError):
            load_backup(store, [fixtures_dir])
        assert calls["holds"] == 1
        assert all(n == 0 for t, n in store.counts().items() if t != "images")
