"""The holes a probe of `mastoc serve` found (issue 13), each reproduced as an attack that must fail:
hold-id starvation, login-limit bypass and victim lockout through `X-Forwarded-For` (against the
command the Procfile / railway.json run), per-account lockout and the name/e-mail split, refresh
tokens that survive rotation, password changes and deactivation, re-imports that null omitted
fields, and the two compatibility slips (`centroid_str`, 422 bodies)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from mastoc.server import login_limit, security
from mastoc.server.app import create_app
from tests.server.conftest import Api

ROOT = Path(__file__).resolve().parents[2]


# --- hold ids ------------------------------------------------------------------------------------

def test_a_huge_client_hold_id_does_not_starve_allocation(api):
    a, b = api.user("alice"), api.user("bob")
    face = api.post("/api/faces", json={"name": "A"}, headers=a).json()
    r = api.post(f"/api/faces/{face['id']}/holds", json={"polygon_str": "0,0 1,0 1,1", "id": 2147483647}, headers=a)
    assert r.status_code == 201 and r.json()["id"] == 2147483647
    r = api.post(f"/api/faces/{face['id']}/holds", json={"polygon_str": "0,0 1,0 1,1"}, headers=a)
    assert r.status_code == 201, r.text
    assert r.json()["id"] == 1_000_000_000
    # ids a client took are skipped, never reused, and never move the allocation to the top
    taken = api.post(f"/api/faces/{face['id']}/holds", json={"polygon_str": "0,0", "id": 1_000_000_001}, headers=a)
    assert taken.json()["id"] == 1_000_000_001
    face_b = api.post("/api/faces", json={"name": "B"}, headers=b).json()
    ids = [api.post(f"/api/faces/{face_b['id']}/holds", json={"polygon_str": "0,0"}, headers=b).json()["id"]
           for _ in range(2)]
    assert ids == [1_000_000_002, 1_000_000_003]


# --- X-Forwarded-For, against the deployed start command ------------------------------------------

def _procfile_command() -> str:
    procfile = (ROOT / "Procfile").read_text().strip()
    assert procfile.startswith("web: ")
    command = procfile[len("web: "):]
    railway = json.loads((ROOT / "railway.json").read_text())["deploy"]["startCommand"]
    assert railway == command  # both deployments run the same thing
    assert "FORWARDED_ALLOW_IPS='*'" not in command
    return command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def deployed(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`mastoc serve` started exactly as the Procfile says (SQLite, one worker, on 127.0.0.1)."""
    port = _free_port()
    command = _procfile_command().replace("--host 0.0.0.0", "--host 127.0.0.1")
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "1", "MASTOC_DATA_DIR": str(tmp_path),
           "MASTOC_SECRET_KEY": "attack-test-secret-0123456789", "LOG_LEVEL": "warning",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(["bash", "-c", command], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=30) as client:
            yield client
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def _login(client: httpx.Client, name: str, password: str, xff: str) -> httpx.Response:
    return client.post("/api/auth/login", data={"username": name, "password": password},
                       headers={"X-Forwarded-For": xff})


def test_forwarded_for_cannot_pick_the_limited_address(deployed):
    """Railway's edge appends the real client address; whatever the client wrote to its left is ignored."""
    real = "198.51.100.9"
    deployed.post("/api/auth/register", json={"email": "v@example.org", "username": "victim",
                                              "password": "victim-password", "full_name": "V"})
    # bypass: a fresh forged address on every try, against many accounts: the real address is limited
    codes = [_login(deployed, f"nobody{i}", "guess-guess", f"10.9.{i}.{i}, {real}").status_code for i in range(55)]
    assert codes[:50] == [401] * 50 and set(codes[50:]) == {429}
    # lockout: forging the victim's address does not make the victim's logins fail
    victim_ip = "203.0.113.7"
    for _ in range(8):
        assert _login(deployed, "victim", "wrong-guess", f"{victim_ip}, 198.51.100.77").status_code in (401, 429)
    assert _login(deployed, "victim", "victim-password", victim_ip).status_code == 200


# --- per-account limit --------------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        from mastoc.server.timeutil import utcnow

        self.now = utcnow()

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture()
def proxied(settings):  # type: ignore[no-untyped-def]
    app = create_app(settings.with_(trusted_proxy_hops=1), run_migrations=False)
    yield Api(app)
    app.state.engine.dispose()


def _try(api: Api, name: str, password: str, address: str) -> Any:
    return api.post("/api/auth/login", data={"username": name, "password": password},
                    headers={"X-Forwarded-For": address})


def test_a_stranger_slows_only_himself_and_name_and_email_are_one_account(proxied, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(login_limit, "utcnow", clock)
    api = proxied
    api.user("owner", password="owner-password")
    attacker, home = "198.51.100.66", "192.0.2.10"
    for _ in range(5):
        assert _try(api, "owner", "bad-guess1", attacker).status_code == 401
    # the e-mail form is the same account: no five more free guesses
    r = _try(api, "OWNER@example.org", "bad-guess1", attacker)
    assert r.status_code == 429 and r.headers["retry-after"] == "1"
    # even the right password waits (the attacker learns nothing during the delay)
    assert _try(api, "owner", "owner-password", attacker).status_code == 429
    # growing delays: 1 s, 2 s, 4 s ... after each further failure
    waits = []
    for _ in range(4):
        clock.advance(int(_try(api, "owner", "x", attacker).headers["retry-after"]) + 0.01)
        assert _try(api, "owner", "bad-guess1", attacker).status_code == 401
        waits.append(int(_try(api, "owner", "x", attacker).headers["retry-after"]))
    assert waits == [2, 4, 8, 16]
    # the owner, from their own address, is not locked out
    assert _try(api, "owner", "owner-password", home).status_code == 200
    assert _try(api, "owner@example.org", "owner-password", home).status_code == 200


# --- sessions -------------------------------------------------------------------------------------

def _login_tokens(api: Api, name: str, password: str = "password-123") -> dict[str, Any]:
    r = api.post("/api/auth/login", data={"username": name, "password": password})
    assert r.status_code == 200, r.text
    return r.json()


def _me(api: Api, access: str) -> int:
    return api.get("/api/users/me", headers={"Authorization": f"Bearer {access}"}).status_code


def _refresh(api: Api, token: str) -> Any:
    return api.post("/api/auth/refresh", json={"refresh_token": token})


def test_reusing_a_rotated_refresh_token_revokes_the_session(api):
    api.user("alice")
    first = _login_tokens(api, "alice")
    other = _login_tokens(api, "alice")  # another device: a session of its own
    second = _refresh(api, first["refresh_token"]).json()
    assert _me(api, second["access_token"]) == 200
    # the stolen, already rotated token comes back: refused, and the whole family is revoked
    assert _refresh(api, first["refresh_token"]).status_code == 401
    assert _refresh(api, second["refresh_token"]).status_code == 401
    assert _me(api, second["access_token"]) == 401
    assert _me(api, first["access_token"]) == 401
    assert _me(api, other["access_token"]) == 200  # the other device's session is untouched
    assert _refresh(api, other["refresh_token"]).status_code == 200


def test_a_password_change_ends_every_session(api):
    api.user("alice")
    one, two = _login_tokens(api, "alice"), _login_tokens(api, "alice")
    legacy = security.make_token(api.app.state.settings.secret_key, sub=one["user_id"], kind="access",
                                 lifetime=timedelta(hours=1))  # a token from before sessions existed
    assert _me(api, legacy) == 200
    r = api.post("/api/users/me/password", json={"current_password": "password-123", "new_password": "new-password-9"},
                 headers={"Authorization": f"Bearer {one['access_token']}"})
    assert r.status_code == 200
    for t in (one, two):
        assert _me(api, t["access_token"]) == 401
        assert _refresh(api, t["refresh_token"]).status_code == 401
    assert _me(api, legacy) == 401
    assert _me(api, _login_tokens(api, "alice", "new-password-9")["access_token"]) == 200


def test_deactivation_ends_every_session(api, admin):
    api.user("alice")
    t = _login_tokens(api, "alice")
    r = api.patch(f"/api/users/{t['user_id']}", json={"is_active": False}, headers=admin)
    assert r.status_code == 200
    assert _me(api, t["access_token"]) == 401 and _refresh(api, t["refresh_token"]).status_code == 401
    assert api.post("/api/auth/login", data={"username": "alice", "password": "password-123"}).status_code == 403
    api.patch(f"/api/users/{t['user_id']}", json={"is_active": True}, headers=admin)
    assert _me(api, t["access_token"]) == 401  # reactivation does not bring the old sessions back
    assert _me(api, _login_tokens(api, "alice")["access_token"]) == 200


# --- re-imports -----------------------------------------------------------------------------------

def test_reimport_keeps_omitted_fields_and_clears_explicit_nulls(api, seeded, admin):
    climb = {"stokt_id": str(uuid.uuid4()), "face_stokt_id": seeded["face_stokt"], "setter_stokt_id": seeded["setter_stokt"],
             "name": "Full", "holds_list": "S829001 T829005", "grade_font": "6A", "grade_ircra": 15.5,
             "feet_rule": "Pieds libres", "description": "desc"}
    cid = api.post("/api/sync/import/climb", json=climb, headers=admin).json()["id"]
    minimal = {k: climb[k] for k in ("stokt_id", "face_stokt_id", "name", "holds_list")}
    r = api.post("/api/sync/import/climb", json=minimal, headers=admin)
    assert r.json()["status"] == "exists"
    got = api.get(f"/api/climbs/{cid}", headers=admin).json()
    assert (got["grade_ircra"], got["feet_rule"], got["description"], got["setter_name"]) == (
        15.5, "Pieds libres", "desc", "Setter 01")
    r = api.post("/api/sync/import/climb", json={**minimal, "grade_ircra": None, "feet_rule": None,
                                                 "description": None, "setter_stokt_id": None}, headers=admin)
    assert r.json()["status"] == "updated"
    got = api.get(f"/api/climbs/{cid}", headers=admin).json()
    assert (got["grade_ircra"], got["feet_rule"], got["description"], got["setter_id"]) == (None, None, None, None)
    # a face re-imported with only its picture path keeps its size and feet rules
    r = api.post("/api/sync/import/face", json={"stokt_id": seeded["face_stokt"], "gym_stokt_id": seeded["gym_stokt"],
                                                "picture_path": "CACHE/images/walls/w/faces/f/pic2.jpg"}, headers=admin)
    assert r.json()["status"] == "updated"
    face = api.get(f"/api/faces/{seeded['face_id']}", headers=admin).json()
    assert (face["picture_width"], face["picture_height"], face["feet_rules_options"]) == (2263, 3000, ["Pieds libres"])
    assert face["picture_path"] == "CACHE/images/walls/w/faces/f/pic2.jpg"


# --- compatibility slips --------------------------------------------------------------------------

def test_centroid_str_and_422_bodies_as_the_first_server(api, seeded, admin):
    api.post("/api/sync/import/hold", json={"stokt_id": 777, "face_stokt_id": seeded["face_stokt"],
                                            "polygon_str": "0,0 1,1", "centroid_x": 125, "centroid_y": 225.0},
             headers=admin)
    setup = api.get(f"/api/faces/{seeded['face_id']}/setup", headers=api.key).json()
    assert next(h for h in setup["holds"] if h["id"] == 777)["centroid_str"] == "125.0 225.0"
    r = api.post("/api/auth/register", json={"email": "e@example.org", "username": "ab", "password": "short",
                                             "full_name": "E"})
    assert r.status_code == 422
    errors = {tuple(e["loc"]): e for e in r.json()["detail"]}
    assert errors[("body", "username")]["type"] == "string_too_short"
    assert errors[("body", "username")]["ctx"] == {"min_length": 3}
    assert errors[("body", "password")]["ctx"] == {"min_length": 8}
    assert re.match(r"String should have at least 8 characters", errors[("body", "password")]["msg"])
    r = api.get("/api/climbs", params={"page_size": 501}, headers=api.key)
    assert r.json()["detail"][0]["type"] == "less_than_equal" and r.json()["detail"][0]["ctx"] == {"le": 500}
    r = api.post("/api/auth/register", json={"email": "n@example.org", "username": "nul\x00l", "password": "longpass1",
                                             "full_name": "N"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "username"]
