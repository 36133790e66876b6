"""Climbs: filters (grade order, dates), deterministic paging, per-user personal fields, imports
that propagate edits, UTC conversion, and validation instead of 500s."""

from __future__ import annotations

import uuid


def _names(api, h, **params):
    return [c["name"] for c in api.get("/api/climbs", params=params, headers=h).json()["results"]]


def test_grade_filters_follow_font_order(api, admin):
    seed = api.seed(admin, n_climbs=5)  # grades 6A, 6B+, 7A, 5+, 6C
    h = api.user("dora")
    assert sorted(_names(api, h, grade_min="6A", grade_max="6C")) == ["Climb 000", "Climb 001", "Climb 004"]
    assert sorted(_names(api, h, grade_min="6b+")) == ["Climb 001", "Climb 002", "Climb 004"]
    assert _names(api, h, grade_max="5+") == ["Climb 003"]
    assert sorted(_names(api, h, grade_min="18", grade_max="19")) == ["Climb 001", "Climb 004"]  # IRCRA numbers
    r = api.get("/api/climbs", params={"grade_min": "banana"}, headers=h)
    assert r.status_code == 422 and "banana" in r.json()["detail"][0]["msg"]
    assert api.get("/api/climbs", params={"grade_min": "7A", "grade_max": "6A"}, headers=h).status_code == 422
    assert sorted(_names(api, h, grade_min="V4", grade_max="V4")) == ["Climb 001", "Climb 004"]  # Hueco band
    # a climb created with only a Font grade gets its IRCRA value; ungraded climbs never match
    api.post("/api/climbs", json={"face_id": seed["face_id"], "name": "fonty", "holds_list": "S829001",
                                  "grade_font": "6a+"}, headers=h)
    api.post("/api/climbs", json={"face_id": seed["face_id"], "name": "ungraded", "holds_list": "S829001",
                                  "grade_ircra": 0.0}, headers=h)
    assert "fonty" in _names(api, h, grade_min="6A+", grade_max="6A+")
    assert "ungraded" not in _names(api, h, grade_max="9A") and len(_names(api, h, grade_max="9A")) == 6


def test_paging_is_deterministic_by_created_at_then_id(api, admin):
    api.seed(admin, n_climbs=12)
    h = api.user("dora")
    seen = []
    for page in range(1, 5):
        env = api.get("/api/climbs", params={"page": page, "page_size": 5}, headers=h).json()
        assert env["count"] == 12
        seen += [(c["created_at"], c["id"]) for c in env["results"]]
    assert len(seen) == 12 and seen == sorted(seen)
    env = api.get("/api/climbs", params={"page": 10, "page_size": 5}, headers=h).json()
    assert env["results"] == [] and env["count"] == 12


def test_since_filters_accept_offsets_and_dates(api, admin):
    api.seed(admin, n_climbs=4)  # created 2025-12-01..04 at 15:00 UTC
    h = api.user("dora")
    assert len(_names(api, h, since_created_at="2025-12-03")) == 2
    assert len(_names(api, h, since_created_at="2025-12-03T16:00:00+01:00")) == 2  # = 15:00 UTC
    assert len(_names(api, h, since_created_at="2025-12-03T15:00:00Z")) == 2
    assert len(_names(api, h, since_created_at="2025-12-03T15:00:01Z")) == 1
    assert api.get("/api/climbs", params={"since_created_at": "yesterday"}, headers=h).status_code == 422


def test_personal_fields_are_per_user(api, seeded):
    a, b = api.user("alice"), api.user("bob")
    cid = api.get("/api/climbs", headers=a).json()["results"][0]["id"]
    r = api.patch(f"/api/climbs/{cid}", json={"personal_notes": "a's", "is_project": True, "personal_rating": 4}, headers=a)
    assert r.status_code == 200 and r.json()["personal_notes"] == "a's" and r.json()["personal_rating"] == 4
    mine = api.get(f"/api/climbs/{cid}", headers=a).json()
    theirs = api.get(f"/api/climbs/{cid}", headers=b).json()
    assert mine["personal_notes"] == "a's" and mine["is_project"] is True
    assert theirs["personal_notes"] is None and theirs["is_project"] is False
    # a Stokt climb's shared fields are not editable by ordinary users
    assert api.patch(f"/api/climbs/{cid}", json={"name": "hijack"}, headers=b).status_code == 403
    assert api.get(f"/api/climbs/{cid}", headers=b).json()["name"] != "hijack"


def test_patch_validation_is_4xx_json(api, seeded):
    h = api.user("dora")
    cid = api.post("/api/climbs", json={"face_id": seeded["face_id"], "name": "n", "holds_list": "S829001"},
                   headers=h).json()["id"]
    for body in ({"name": None}, {"holds_list": None}, {"grade_font": "x" * 11}, {"name": "y" * 256}):
        r = api.patch(f"/api/climbs/{cid}", json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
        assert r.headers["content-type"].startswith("application/json")
    r = api.patch(f"/api/climbs/{cid}", json={"grade_font": None, "description": "d", "unknown": 1}, headers=h)
    assert r.status_code == 200 and r.json()["grade_font"] is None and r.json()["description"] == "d"


def test_import_propagates_edits_and_counts_honestly(api, admin):
    seed = api.seed(admin, n_climbs=2)
    first = dict(seed["climbs"][0])
    r = api.post("/api/sync/import/climb", json=first, headers=admin)
    assert r.json()["status"] == "exists"
    edited = {**first, "name": "Renamed on Stokt", "grade_font": "7A", "holds_list": "S829001 T829004"}
    edited.pop("climbed_by")  # an omitted counter keeps its value
    r = api.post("/api/sync/import/climb", json=edited, headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "updated"
    c = api.get(f"/api/climbs/by-stokt-id/{first['stokt_id']}", headers=admin).json()
    assert (c["name"], c["grade_font"], c["holds_list"]) == ("Renamed on Stokt", "7A", "S829001 T829004")
    assert c["climbed_by"] == first["climbed_by"] and c["updated_at"] and c["synced_at"]
    r = api.post("/api/sync/import/climbs/batch", headers=admin, json={"climbs": [
        edited, {**seed["climbs"][1], "description": "new"},
        {**first, "stokt_id": str(uuid.uuid4()), "face_stokt_id": str(uuid.uuid4())}]})
    assert r.json() == {"created": 0, "updated": 1, "errors": 1, "total": 3, "unchanged": 1}
    # the failed item did not take the other items' changes out of the feed
    feed = api.get("/api/changes", params={"limit": 5000}, headers=admin).json()["changes"]
    assert any(c["entity"] == "climb" and c["data"] and c["data"]["description"] == "new" for c in feed)
    # holds and faces are upserted too
    r = api.post("/api/sync/import/hold", headers=admin, json={"stokt_id": 829001, "face_stokt_id": seed["face_stokt"],
                                                               "polygon_str": "9,9 10,9 10,10"})
    assert r.json() == {"id": 829001, "status": "updated"}
    assert api.get("/api/holds/829001", headers=admin).json()["polygon_str"] == "9,9 10,9 10,10"


def test_date_fixups_are_admin_only_and_convert_to_utc(api, seeded):
    h = api.user("dora")
    cid = api.get("/api/climbs", headers=h).json()["results"][0]["id"]
    assert api.patch(f"/api/climbs/{cid}/date", json={"created_at": "2024-01-01T00:00:00Z"}, headers=h).status_code == 403
    admin = api.user("boss", admin=True)
    r = api.patch(f"/api/climbs/{cid}/date", json={"created_at": "2024-01-01T02:00:00+02:00"}, headers=admin)
    assert r.status_code == 200 and r.json() == {"message": "date updated", "created_at": "2024-01-01T00:00:00"}
    assert api.patch(f"/api/climbs/{cid}/date", json={"created_at": "garbage"}, headers=admin).status_code == 400
    r = api.patch("/api/climbs/bulk/dates", headers=admin, json={"updates": [
        {"stokt_id": seeded["climbs"][1]["stokt_id"], "created_at": "2023-05-05T05:05:05"},
        {"stokt_id": "nope", "created_at": "2023-05-05"}, {"stokt_id": str(uuid.uuid4()), "created_at": "2023-05-05"}]})
    assert r.json() == {"updated": 1, "errors": 2, "total": 3}


def test_stokt_id_fixup(api, seeded):
    h = api.user("dora")
    cid = api.post("/api/climbs", json={"face_id": seeded["face_id"], "name": "n", "holds_list": "S829001"},
                   headers=h).json()["id"]
    sid = str(uuid.uuid4())
    r = api.patch(f"/api/climbs/{cid}/stokt-id", params={"stokt_id": sid}, headers=h)
    assert r.json() == {"message": "stokt_id updated", "stokt_id": sid}
    taken = seeded["climbs"][0]["stokt_id"]
    r = api.patch(f"/api/climbs/{cid}/stokt-id", params={"stokt_id": taken}, headers=h)
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/json")


def test_all_digit_uuids_survive(api, seeded):
    h = api.user("dora")
    cid = "11111111-1111-4111-8111-111111111111"
    r = api.post("/api/climbs", json={"id": cid, "face_id": seeded["face_id"], "name": "digits", "holds_list": "S829001"},
                 headers=h)
    assert r.status_code == 201
    assert api.get(f"/api/climbs/{cid}", headers=h).json()["id"] == cid


def test_private_mastoc_climbs_are_visible_to_their_creator_only(api, seeded):
    a, b = api.user("alice"), api.user("bob")
    cid = api.post("/api/climbs", json={"face_id": seeded["face_id"], "name": "secret", "holds_list": "S829001",
                                        "is_private": True}, headers=a).json()["id"]
    assert api.get(f"/api/climbs/{cid}", headers=a).status_code == 200
    assert api.get(f"/api/climbs/{cid}", headers=b).status_code == 404
    assert "secret" not in _names(api, b) and "secret" in _names(api, a)
    assert api.get("/api/climbs", headers=b).json()["count"] == 3
    lst = api.post("/api/lists", json={"name": "b"}, headers=b).json()["id"]
    assert api.post(f"/api/lists/{lst}/items", json={"climb_id": cid}, headers=b).status_code == 404
    feed_b = api.get("/api/changes", params={"limit": 5000}, headers=b).json()["changes"]
    assert all(c["id"] != cid for c in feed_b)
    # made public: everybody sees it (and its change); private again: others get a tombstone
    api.patch(f"/api/climbs/{cid}", json={"is_private": False}, headers=a)
    assert api.get(f"/api/climbs/{cid}", headers=b).status_code == 200
    api.patch(f"/api/climbs/{cid}", json={"is_private": True}, headers=a)
    feed_b = [c for c in api.get("/api/changes", params={"limit": 5000}, headers=b).json()["changes"] if c["id"] == cid]
    assert [c["op"] for c in feed_b] == ["upsert", "delete"]
    assert api.get(f"/api/climbs/{cid}", headers=b).status_code == 404
