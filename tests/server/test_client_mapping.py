"""The Railway JSON <-> domain mapping, on what our server really answers (and old-server shapes)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mastoc.backends.railway import mapping
from mastoc.domain.ids import id_for_stokt
from mastoc.domain.models import Source


def test_map_server_objects(api, seeded):
    h = api.user("dora")
    face_summary = api.get("/api/faces", headers=h).json()[0]
    setup = api.get(f"/api/faces/{face_summary['id']}/setup", headers=h).json()
    face, holds = mapping.map_face(face_summary, setup)
    assert face.id == id_for_stokt("face", seeded["face_stokt"])  # same id as the desktop gives it
    assert face.picture_path.startswith("CACHE/") and face.picture_width == 2263 and face.source is Source.STOKT
    assert [x.num for x in holds] == [829001, 829002, 829003, 829004, 829005]
    assert holds[0].id == id_for_stokt("hold", 829001) and holds[0].centroid_str == "0.50 0.50"
    assert holds[0].area == "1.00"
    climb_json = api.get("/api/climbs", headers=h).json()["results"][0]
    climb = mapping.map_climb(climb_json)
    assert climb.id == id_for_stokt("climb", seeded["climbs"][0]["stokt_id"])
    assert climb.created_at == datetime(2025, 12, 1, 15, 0, tzinfo=UTC)
    assert (climb.grade_font, climb.grade_ircra, climb.setter_name) == ("6A", 15.5, "Setter 01")
    # a mastoc climb goes up and comes back the same
    new = mapping.map_climb({**climb_json, "id": "0b7f7a4e-5a59-4f3e-9d9e-0d8e1c2b3a4f", "stokt_id": None,
                             "name": "round trip", "source": "mastoc"})
    r = api.post("/api/climbs", json=mapping.climb_body(new), headers=h)
    assert r.status_code == 201
    back = mapping.map_climb(r.json())
    assert (back.id, back.name, back.holds_list, back.grade_font, back.source) == (
        new.id, "round trip", new.holds_list, "6A", Source.MASTOC)
    # annotations and lists
    ua = api.put("/api/holds/829001/annotations", json={"grip_type": "bac"}, headers=h).json()
    ann = mapping.map_annotation(ua, holds[0].id, "u1")
    assert ann.grip_type == "bac" and ann.created_at.tzinfo is UTC
    r = api.put("/api/holds/829001/annotations", json=mapping.annotation_body(ann), headers=h)
    assert r.status_code == 200 and r.json()["grip_type"] == "bac" and r.json()["notes"] is None
    lst = mapping.map_list(api.post("/api/lists", json={"name": "L"}, headers=h).json())
    item = mapping.map_list_item(api.post(f"/api/lists/{lst.id}/items", json={"climb_id": back.id}, headers=h).json())
    assert (item.list_id, item.climb_id, item.position) == (lst.id, back.id, 0)


def test_old_server_shapes_and_bad_items():
    old = {"id": "3f0c0e1a-0000-4000-8000-000000000001", "face_id": "f", "name": "x", "holds_list": "S1 T2",
           "grade_font": "6b+", "grade_ircra": None, "source": "mastoc", "created_at": "2025-01-02T03:04:05"}
    c = mapping.map_climb(old)
    assert (c.grade_font, c.grade_ircra) == ("6B+", 18.0)
    assert c.created_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    stokt_ungraded = {**old, "grade_font": "?", "grade_ircra": 0.0, "source": "stokt"}
    assert (mapping.map_climb(stokt_ungraded).grade_font, mapping.map_climb(stokt_ungraded).grade_ircra) == ("?", None)
    assert mapping.format_datetime(c.created_at) == "2025-01-02T03:04:05"
    hold = mapping.map_hold({"id": 7, "polygon_str": "0,0 1,1", "centroid_x": 1, "centroid_y": 2}, "f")
    assert hold.id == id_for_stokt("hold", 7) and hold.centroid_str == "1.00 2.00"
    with pytest.raises(mapping.MappingError, match="climb"):
        mapping.map_climb({**old, "holds_list": "X999"})
    with pytest.raises(mapping.MappingError, match="hold 8"):
        mapping.map_hold({"id": 8, "polygon_str": ""}, "f")
