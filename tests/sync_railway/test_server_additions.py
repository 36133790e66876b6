"""The small additive server changes the sync needs: a hold keeps the number its device gave it
(when free), an annotation keeps its client id, and imported setters carry their Stokt id in the
changes feed."""

from __future__ import annotations

import uuid

import requests

from tests.sync_railway.conftest import EMAIL, PASSWORD, LiveServer


def _headers(server: LiveServer) -> dict[str, str]:
    r = requests.post(f"{server.url}/api/auth/login", data={"username": EMAIL, "password": PASSWORD}, timeout=10)
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_client_hold_number_annotation_id_and_setter_stokt_id(server: LiveServer):
    h = _headers(server)
    face = requests.post(f"{server.url}/api/faces", json={"name": "Garage"}, headers=h, timeout=10).json()
    geometry = {"polygon_str": "0,0 10,0 10,10"}
    r = requests.post(f"{server.url}/api/faces/{face['id']}/holds", json={**geometry, "uid": str(uuid.uuid4()),
                      "id": 1_000_000_042}, headers=h, timeout=10)
    assert r.status_code == 201 and r.json()["id"] == 1_000_000_042
    r = requests.post(f"{server.url}/api/faces/{face['id']}/holds", json={**geometry, "uid": str(uuid.uuid4()),
                      "id": 1_000_000_042}, headers=h, timeout=10)
    assert r.status_code == 201 and r.json()["id"] != 1_000_000_042  # taken: another number
    r = requests.post(f"{server.url}/api/faces/{face['id']}/holds", json={**geometry, "id": 5}, headers=h, timeout=10)
    assert r.status_code == 422  # Stokt's range is not for drawn holds
    aid = str(uuid.uuid4())
    r = requests.put(f"{server.url}/api/holds/1000000042/annotations", json={"id": aid, "grip_type": "bac"},
                     headers=h, timeout=10)
    assert r.status_code == 200 and r.json()["id"] == aid
    r = requests.put(f"{server.url}/api/holds/1000000042/annotations", json={"id": str(uuid.uuid4()),
                     "grip_type": "pince"}, headers=h, timeout=10)
    assert r.json()["id"] == aid and r.json()["grip_type"] == "pince"  # an update keeps the record
    sid = str(uuid.uuid4())
    r = requests.post(f"{server.url}/api/sync/import/user", json={"stokt_id": sid, "full_name": "Setter"},
                      headers=h, timeout=10)
    assert r.status_code == 200
    feed = requests.get(f"{server.url}/api/changes", params={"since": 0}, headers=h, timeout=10).json()
    users = [c["data"] for c in feed["changes"] if c["entity"] == "user" and c["data"].get("full_name") == "Setter"]
    assert users and users[-1]["stokt_id"] == sid
