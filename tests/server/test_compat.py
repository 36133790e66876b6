"""Compatibility: the requests the Android app and the old desktop client send (API.md §4),
with the status codes and the response fields they read."""

from __future__ import annotations

import re
import uuid

CLIMB_FIELDS = {"id", "stokt_id", "face_id", "setter_id", "setter_name", "name", "holds_list", "grade_font",
                "grade_ircra", "feet_rule", "description", "is_private", "climbed_by", "total_likes", "source",
                "personal_notes", "is_project", "created_at", "updated_at", "synced_at"}
FACE_FIELDS = {"id", "stokt_id", "gym_id", "picture_path", "picture_width", "picture_height", "holds_count", "climbs_count"}
SETUP_FIELDS = {"id", "stokt_id", "is_active", "total_climbs", "picture", "small_picture", "feet_rules_options",
                "has_symmetry", "holds"}
SETUP_HOLD_STRINGS = ("polygon_str", "touch_polygon_str", "centroid_str", "top_polygon_str", "center_tape_str",
                      "right_tape_str", "left_tape_str")
NAIVE_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?$")


def test_health_is_a_flat_string_map(api):
    r = api.get("/health", headers=api.key)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"status", "app_name", "version", "database"}
    assert all(isinstance(v, str) for v in body.values())
    assert body["status"] == "ok" and body["database"] == "ok"


def test_android_reads(api, seeded):
    key = api.key  # Android sends only the app key
    r = api.get("/api/climbs", params={"face_id": seeded["face_id"], "search": "climb", "page": 1, "page_size": 100},
                headers=key)
    assert r.status_code == 200
    env = r.json()
    assert set(env) == {"results", "count", "page", "page_size"}
    assert env["count"] == 3 and env["page"] == 1 and env["page_size"] == 100
    climb = env["results"][0]
    assert set(climb) >= CLIMB_FIELDS
    assert climb["source"] == "stokt" and climb["setter_name"] == "Setter 01"
    assert NAIVE_UTC.match(climb["created_at"])
    # date_created "2025-12-01T10:00:00-05:00" converted to UTC
    assert climb["created_at"] == "2025-12-01T15:00:00"
    r = api.get(f"/api/climbs/{climb['id']}", headers=key)
    assert r.status_code == 200 and r.json()["id"] == climb["id"]

    faces = api.get("/api/faces", headers=key).json()
    assert isinstance(faces, list) and set(faces[0]) >= FACE_FIELDS
    assert faces[0]["holds_count"] == 5 and faces[0]["climbs_count"] == 3
    assert api.get(f"/api/faces?gym_id={faces[0]['gym_id']}", headers=key).json()[0]["id"] == faces[0]["id"]
    assert api.get(f"/api/faces/{faces[0]['id']}", headers=key).json()["holds_count"] == 5

    setup = api.get(f"/api/faces/{seeded['face_id']}/setup", headers=key).json()
    assert set(setup) >= SETUP_FIELDS
    assert setup["picture"] == {"name": "CACHE/images/walls/w/faces/f/pic.jpg", "width": 2263, "height": 3000}
    assert setup["small_picture"] is None and setup["is_active"] is True and setup["total_climbs"] == 3
    hold = setup["holds"][0]
    assert hold["id"] == 829001 and hold["stokt_id"] == 829001  # public id = Stokt id
    for name in SETUP_HOLD_STRINGS:
        assert isinstance(hold[name], str)
    assert hold["centroid_str"] == "0.5 0.5"  # the first server's form (str of the floats)


def test_desktop_reads(api, seeded):
    h = api.user("dora")
    stats = api.get("/api/sync/stats", headers=h).json()
    assert stats == {"gyms": 1, "faces": 1, "holds": 5, "climbs": 3, "users": 3, "climbs_synced": 3, "climbs_local": 0}
    r = api.get("/api/climbs", params={"page": 1, "page_size": 500, "face_id": seeded["face_id"],
                                        "since_created_at": "2025-12-02T00:00:00", "local_only": "false"}, headers=h)
    assert r.status_code == 200 and r.json()["count"] == 2
    stokt_id = seeded["climbs"][0]["stokt_id"]
    r = api.get(f"/api/climbs/by-stokt-id/{stokt_id}", headers=h)
    assert r.status_code == 200 and r.json()["stokt_id"] == stokt_id
    holds = api.get("/api/holds", params={"face_id": seeded["face_id"]}, headers=h).json()
    assert holds["count"] == 5
    assert {"id", "stokt_id", "face_id", "polygon_str", "centroid_x", "centroid_y", "area"} <= set(holds["results"][0])
    assert holds["results"][0]["id"] == holds["results"][0]["stokt_id"] == 829001
    assert api.get("/api/holds", headers=h).status_code == 422  # face_id required


def test_desktop_climb_crud(api, seeded):
    h = api.user("dora")
    r = api.post("/api/climbs", json={"face_id": seeded["face_id"], "name": "Nouveau", "holds_list": "S829001 T829005",
                                      "grade_font": "6A", "is_private": False}, headers=h)
    assert r.status_code == 201
    c = r.json()
    assert set(c) >= CLIMB_FIELDS and c["source"] == "mastoc" and c["stokt_id"] is None
    r = api.patch(f"/api/climbs/{c['id']}", json={"name": "Renamed", "personal_notes": "mine", "is_project": True},
                  headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Renamed" and r.json()["personal_notes"] == "mine" and r.json()["updated_at"]
    assert api.get("/api/climbs", params={"local_only": True}, headers=h).json()["count"] == 1
    assert api.delete(f"/api/climbs/{c['id']}", headers=h).status_code == 204
    assert api.get(f"/api/climbs/{c['id']}", headers=h).status_code == 404
    assert api.post("/api/climbs", json={"face_id": str(uuid.uuid4()), "name": "x", "holds_list": ""},
                    headers=h).json()["detail"] == "Face not found"


def test_desktop_annotations(api, seeded):
    h = api.user("dora")
    r = api.get("/api/holds/829002/annotations", headers=h)
    assert r.status_code == 200
    assert r.json() == {"hold_id": 829002, "user_annotation": None, "consensus": {
        "grip_type": None, "grip_type_votes": 0, "grip_type_confidence": 0.0, "condition": None, "condition_votes": 0,
        "condition_confidence": 0.0, "difficulty": None, "difficulty_votes": 0, "difficulty_confidence": 0.0,
        "total_annotators": 0}}
    # the old desktop client sends key AND bearer: the bearer decides who acts (was a 401 in production)
    r = api.put("/api/holds/829002/annotations", json={"grip_type": "reglette", "notes": ""}, headers=h)
    assert r.status_code == 200
    assert {"grip_type", "condition", "difficulty", "notes", "created_at", "updated_at"} <= set(r.json())
    batch = api.post("/api/holds/annotations/batch", json={"hold_ids": [829002, 829003, 999]}, headers=h).json()
    assert set(batch["annotations"]) == {"829002", "829003"}
    assert batch["annotations"]["829002"]["consensus"]["grip_type"] == "reglette"
    assert batch["annotations"]["829002"]["user_annotation"]["grip_type"] == "reglette"
    assert api.delete("/api/holds/829002/annotations", headers=h).status_code == 204
    assert api.delete("/api/holds/829002/annotations", headers=h).status_code == 404
    r = api.post("/api/holds/annotations/batch", json={"hold_ids": list(range(1, 1002))}, headers=h)
    assert r.status_code == 400 and r.json()["detail"] == "Maximum 1000 hold_ids par requête"


def test_desktop_account_calls(api):
    r = api.post("/api/auth/register", json={"email": "e@example.org", "username": "eve", "password": "longpass1",
                                             "full_name": "Eve"})
    assert r.status_code == 201
    assert set(r.json()) >= {"id", "email", "username", "full_name", "message"}
    r = api.post("/api/auth/register", json={"email": "e@example.org", "username": "eve2", "password": "longpass1",
                                             "full_name": "Eve"})
    assert r.status_code == 400 and isinstance(r.json()["detail"], str)
    r = api.post("/api/auth/login", data={"username": "e@example.org", "password": "longpass1"})
    assert r.status_code == 200
    login = r.json()
    assert set(login) >= {"access_token", "refresh_token", "token_type", "expires_in", "user_id", "email", "username",
                          "full_name", "role"}
    assert login["token_type"] == "bearer" and login["expires_in"] == 86400 and login["role"] == "user"
    assert api.post("/api/auth/login", json={"username": "eve", "password": "longpass1"}).status_code == 422
    bad = api.post("/api/auth/login", data={"username": "eve", "password": "wrong-pass"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    r = api.post("/api/auth/refresh", json={"refresh_token": login["refresh_token"]})
    assert r.status_code == 200 and set(r.json()) >= {"access_token", "refresh_token", "expires_in"}
    assert r.json()["refresh_token"] != login["refresh_token"]
    bearer = {"Authorization": f"Bearer {r.json()['access_token']}"}
    me = api.get("/api/users/me", headers=bearer).json()
    assert me["email"] == "e@example.org" and me["role"] == "user" and "avatar_path" in me
    # adding the key no longer breaks /users/me
    assert api.get("/api/users/me", headers={**bearer, **api.key}).status_code == 200
    r = api.patch("/api/users/me", json={"full_name": "Eve E."}, headers=bearer)
    assert r.status_code == 200 and r.json()["full_name"] == "Eve E."
    r = api.post("/api/users/me/password", json={"current_password": "nope-nope", "new_password": "newpass12"},
                 headers=bearer)
    assert r.status_code == 400
    r = api.post("/api/users/me/password", json={"current_password": "longpass1", "new_password": "newpass12"},
                 headers=bearer)
    assert r.status_code == 200 and r.json() == {"message": "Mot de passe mis à jour"}
    r = api.post("/api/auth/reset-password", json={"email": "nobody@example.org"})
    assert r.status_code == 200 and r.json()["message"].startswith("Si cet email existe")
    assert api.post("/api/auth/reset-password/confirm", json={"token": "x", "new_password": "whatever1"}).status_code == 400
    assert api.post("/api/auth/logout").json() == {"message": "Déconnecté"}


def test_trailing_slash_redirects(api, seeded):
    r = api.get("/api/faces/", headers=api.key, follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"].endswith("/api/faces")


def test_errors_are_json(api, seeded):
    h = api.user("dora")
    r = api.get("/api/climbs/not-a-uuid", headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "climb_id"]
    r = api.get("/api/climbs", params={"page_size": 501}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "page_size"]
    r = api.get(f"/api/climbs/{uuid.uuid4()}", headers=h)
    assert r.status_code == 404 and r.json() == {"detail": "Climb not found"}
