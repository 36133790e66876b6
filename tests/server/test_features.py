"""New endpoints: annotations keyed by public hold id, personal walls and holds, lists, images,
the changes feed, and idempotent creates."""

from __future__ import annotations

import io
import uuid

from PIL import Image


def _jpeg(w: int = 64, h: int = 48, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (w, h), color).save(out, format="JPEG")
    return out.getvalue()


def _all_changes(api, h, since=0, limit=500):
    out, cursor = [], since
    while True:
        page = api.get("/api/changes", params={"since": cursor, "limit": limit}, headers=h).json()
        out += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return out, cursor


def test_annotation_semantics_and_consensus(api, seeded):
    a, b, c = api.user("alice"), api.user("bob"), api.user("carol")
    assert api.put("/api/holds/829003/annotations", json={"grip_type": "bac", "condition": "sale"}, headers=a).status_code == 200
    api.put("/api/holds/829003/annotations", json={"grip_type": "pince"}, headers=b)
    api.put("/api/holds/829003/annotations", json={"grip_type": "bac", "notes": "n"}, headers=c)
    cons = api.get("/api/holds/829003/annotations", headers=a).json()["consensus"]
    assert (cons["grip_type"], cons["grip_type_votes"], cons["grip_type_confidence"]) == ("bac", 2, 0.67)
    assert (cons["condition"], cons["condition_votes"], cons["condition_confidence"]) == ("sale", 1, 1.0)
    assert cons["total_annotators"] == 3
    # update: absent/null keeps, "" clears
    r = api.put("/api/holds/829003/annotations", json={"condition": "", "grip_type": None}, headers=a)
    assert r.json()["grip_type"] == "bac" and r.json()["condition"] is None and r.json()["updated_at"]
    # enumerations are validated
    r = api.put("/api/holds/829003/annotations", json={"grip_type": "not-a-grip"}, headers=a)
    assert r.status_code == 422
    assert api.put("/api/holds/12345/annotations", json={}, headers=a).status_code == 404


def test_personal_wall_holds_and_idempotent_creates(api, seeded):
    a, b = api.user("alice"), api.user("bob")
    face_id = str(uuid.uuid4())
    body = {"id": face_id, "name": "Garage board", "feet_rules_options": ["free"]}
    r1 = api.post("/api/faces", json=body, headers=a)
    r2 = api.post("/api/faces", json=body, headers=a)  # replay
    assert r1.status_code == r2.status_code == 201 and r1.json()["id"] == r2.json()["id"] == face_id
    assert r1.json()["source"] == "mastoc" and r1.json()["owner_id"]
    uid = str(uuid.uuid4())
    h1 = api.post(f"/api/faces/{face_id}/holds", json={"uid": uid, "polygon_str": "0,0 1,0 1,1"}, headers=a).json()
    h1_again = api.post(f"/api/faces/{face_id}/holds", json={"uid": uid, "polygon_str": "0,0 1,0 1,1"}, headers=a).json()
    h2 = api.post(f"/api/faces/{face_id}/holds", json={"polygon_str": "2,2 3,2 3,3"}, headers=a).json()
    assert h1["id"] == h1_again["id"] == 1_000_000_000 and h2["id"] == 1_000_000_001
    setup = api.get(f"/api/faces/{face_id}/setup", headers=b).json()
    assert [h["id"] for h in setup["holds"]] == [1_000_000_000, 1_000_000_001]
    # others cannot draw on or change my wall
    assert api.post(f"/api/faces/{face_id}/holds", json={"polygon_str": "0,0"}, headers=b).status_code == 403
    assert api.patch(f"/api/holds/{h1['id']}", json={"polygon_str": "5,5"}, headers=b).status_code == 403
    assert api.patch(f"/api/holds/{h1['id']}", json={"polygon_str": "5,5 6,5 6,6"}, headers=a).json()["polygon_str"] == "5,5 6,5 6,6"
    # Idempotency-Key header: a replayed climb create makes one climb
    climb = {"face_id": face_id, "name": "Garage 1", "holds_list": f"S{h1['id']} T{h2['id']}"}
    k = {"Idempotency-Key": "abc-123"}
    c1 = api.post("/api/climbs", json=climb, headers={**a, **k}).json()
    c2 = api.post("/api/climbs", json=climb, headers={**a, **k}).json()
    assert c1["id"] == c2["id"]
    assert api.get("/api/climbs", params={"face_id": face_id}, headers=a).json()["count"] == 1
    assert api.delete(f"/api/faces/{face_id}", headers=a).status_code == 409  # still has a climb
    assert api.delete(f"/api/holds/{h2['id']}", headers=a).status_code == 204


def test_lists_and_items(api, seeded):
    a, b = api.user("alice"), api.user("bob")
    cid = api.get("/api/climbs", headers=a).json()["results"][0]["id"]
    lid = str(uuid.uuid4())
    assert api.post("/api/lists", json={"id": lid, "name": "Projects"}, headers=a).status_code == 201
    assert api.post("/api/lists", json={"id": lid, "name": "Projects"}, headers=a).json()["id"] == lid
    it1 = api.post(f"/api/lists/{lid}/items", json={"climb_id": cid}, headers=a).json()
    it2 = api.post(f"/api/lists/{lid}/items", json={"climb_id": cid}, headers=a).json()
    assert it1["id"] == it2["id"]
    assert api.get(f"/api/lists/{lid}/items", headers=a).json()["count"] == 1
    assert api.get(f"/api/lists/{lid}", headers=a).json()["items_count"] == 1
    assert api.get(f"/api/lists/{lid}", headers=b).status_code == 404  # private
    assert api.get("/api/lists", headers=b).json()["count"] == 0
    api.patch(f"/api/lists/{lid}", json={"is_public": True}, headers=a)
    assert api.get(f"/api/lists/{lid}", headers=b).status_code == 200
    assert api.patch(f"/api/lists/{lid}", json={"name": "mine now"}, headers=b).status_code == 403
    assert api.post(f"/api/lists/{lid}/items", json={"climb_id": cid}, headers=b).status_code == 403
    assert api.patch(f"/api/lists/{lid}/items/{it1['id']}", json={"position": 7}, headers=a).json()["position"] == 7
    assert api.delete(f"/api/lists/{lid}/items/{it1['id']}", headers=a).status_code == 204
    assert api.delete(f"/api/lists/{lid}", headers=a).status_code == 204
    assert api.get(f"/api/lists/{lid}", headers=a).status_code == 404


def test_images_are_content_addressed_and_served(api, seeded, admin):
    a = api.user("alice")
    data = _jpeg()
    r = api.post("/api/images", files={"file": ("wall.jpg", data, "image/jpeg")}, headers=a)
    assert r.status_code == 201, r.text
    img = r.json()
    again = api.post("/api/images", content=data, headers={**a, "Content-Type": "image/jpeg"}).json()
    assert again["sha256"] == img["sha256"]
    got = api.get(f"/api/images/{img['sha256']}", headers=a)
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    import hashlib

    assert hashlib.sha256(got.content).hexdigest() == img["sha256"]
    assert api.get(f"/api/images/{img['original_sha256']}", headers=a).content == got.content
    assert img["sha256"] == img["original_sha256"]  # a clean JPEG is kept byte for byte
    assert got.content == data
    # an upload is private to its uploader until it is a shared wall's photo
    assert api.get(f"/static/{img['path']}").status_code == 404
    assert api.get(f"/api/images/{img['sha256']}", headers=api.user("bob")).status_code == 404
    face = api.post("/api/faces", json={"name": "w", "picture_sha256": img["sha256"]}, headers=a).json()
    assert (face["picture_width"], face["picture_height"]) == (64, 48)
    assert api.get(f"/static/{face['picture_path']}").status_code == 404  # a personal wall's photo
    assert api.post("/api/faces", json={"name": "x", "picture_sha256": img["sha256"]},
                    headers=api.user("carol")).status_code == 422  # nobody else can attach it either
    # a Stokt face's media path is served from its stored photo once an admin attached one
    api.patch(f"/api/faces/{seeded['face_id']}", json={"picture_sha256": img["sha256"]}, headers=admin)
    assert api.get("/static/CACHE/images/walls/w/faces/f/pic.jpg").content == got.content
    assert api.get(f"/static/{img['path']}").content == data  # now public, for the old clients


def test_changes_feed_every_change_once_in_order(api, seeded):
    a, b = api.user("alice"), api.user("bob")
    before, cursor0 = _all_changes(api, a)
    assert {c["entity"] for c in before} >= {"gym", "face", "hold", "user", "climb"}
    cid = api.post("/api/climbs", json={"face_id": seeded["face_id"], "name": "new", "holds_list": "S829001"},
                   headers=a).json()["id"]
    api.patch(f"/api/climbs/{cid}", json={"name": "newer", "personal_notes": "secret"}, headers=a)
    lid = api.post("/api/lists", json={"name": "private list"}, headers=a).json()["id"]
    api.put("/api/holds/829001/annotations", json={"grip_type": "bac"}, headers=a)
    api.delete(f"/api/climbs/{cid}", headers=a)
    mine, cursor1 = _all_changes(api, a, since=cursor0, limit=2)
    seqs = [c["seq"] for c in mine]
    assert seqs == sorted(set(seqs))
    kinds = [(c["entity"], c["op"]) for c in mine]
    assert kinds.count(("climb", "upsert")) == 2 and ("climb", "delete") in kinds
    assert ("climb_personal", "upsert") in kinds and ("list", "upsert") in kinds
    assert ("hold_annotation", "upsert") in kinds and ("hold_consensus", "upsert") in kinds
    climb_ups = [c for c in mine if c["entity"] == "climb" and c["op"] == "upsert"]
    assert climb_ups[-1]["data"]["name"] == "newer" and climb_ups[-1]["data"]["personal_notes"] is None
    tomb = [c for c in mine if c["entity"] == "climb" and c["op"] == "delete"][0]
    assert tomb["id"] == cid
    # bob sees the public changes but not alice's list, notes or annotation
    theirs, cursor_b = _all_changes(api, b, since=cursor0)
    assert {c["entity"] for c in theirs} == {"climb", "hold_consensus", "climb_personal"} - {"climb_personal"}
    assert all(c["id"] != lid for c in theirs)
    assert cursor_b == cursor1
    # nothing new: empty page, same cursor
    page = api.get("/api/changes", params={"since": cursor1}, headers=a).json()
    assert page["changes"] == [] and page["cursor"] == cursor1 and page["has_more"] is False
    # a cursor from another database is reported
    page = api.get("/api/changes", params={"since": cursor1 + 1000}, headers=a).json()
    assert page["reset"] is True
