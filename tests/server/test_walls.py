"""Walls (gym -> wall -> face): the admin import upserts by Stokt id, faces point at their wall,
`GET /api/walls` lists them and the changes feed carries them."""

from __future__ import annotations

import uuid

from mastoc.domain.ids import id_for_stokt


def test_wall_import_face_link_listing_and_feed(api, seeded, admin):
    user = api.user("bob")
    cursor = api.get("/api/changes", headers=user).json()["cursor"]
    wall = str(uuid.uuid4())
    body = {"stokt_id": wall, "gym_stokt_id": seeded["gym_stokt"], "name": "Board", "angle": "40",
            "feet_rules": ["Pieds libres", "Pieds des mains"], "default_feet_rule": "Pieds libres"}
    r = api.post("/api/sync/import/wall", json=body, headers=admin)
    assert r.status_code == 200 and r.json() == {"id": id_for_stokt("wall", wall), "status": "created"}
    assert api.post("/api/sync/import/wall", json=body, headers=admin).json()["status"] == "exists"
    assert api.post("/api/sync/import/wall", json={**body, "is_active": False}, headers=admin).json()["status"] == "updated"
    assert api.post("/api/sync/import/wall", json=body, headers=user).status_code == 403
    assert api.post("/api/sync/import/wall", json={**body, "stokt_id": str(uuid.uuid4()),
                                                   "gym_stokt_id": str(uuid.uuid4())}, headers=admin).status_code == 404
    wid = id_for_stokt("wall", wall)
    walls = api.get("/api/walls", headers=user).json()
    assert [(w["id"], w["stokt_id"], w["name"], w["angle"], w["is_active"], w["feet_rules"]) for w in walls] == [
        (wid, wall, "Board", "40", False, ["Pieds libres", "Pieds des mains"])]
    face = {"stokt_id": seeded["face_stokt"], "gym_stokt_id": seeded["gym_stokt"], "picture_path": "p.jpg",
            "wall_stokt_id": wall}
    assert api.post("/api/sync/import/face", json=face, headers=admin).json()["status"] == "updated"
    assert api.post("/api/sync/import/face", json={**face, "wall_stokt_id": str(uuid.uuid4())},
                    headers=admin).status_code == 404
    assert api.get(f"/api/faces/{seeded['face_id']}", headers=user).json()["wall_id"] == wid
    assert api.get(f"/api/faces/{seeded['face_id']}/setup", headers=user).json()["wall_id"] == wid
    feed = api.get("/api/changes", params={"since": cursor}, headers=user).json()["changes"]
    assert [(c["entity"], c["id"], c["op"]) for c in feed] == [
        ("wall", wid, "upsert"), ("wall", wid, "upsert"), ("face", seeded["face_id"], "upsert")]
    assert feed[1]["data"]["is_active"] is False and feed[2]["data"]["wall_id"] == wid
