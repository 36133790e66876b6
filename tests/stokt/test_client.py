"""The Stokt client against the loopback stand-in: every documented endpoint, shapes and errors."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest

from mastoc.backends import credentials
from mastoc.backends.errors import AuthError, NotFoundError, ProtocolError
from mastoc.backends.stokt.client import DEFAULT_BASE_URL, ClimbBody, StoktClient, base_url_from_env
from tests.stokt.conftest import FAST
from tests.stokt.standin import FACE_ID, GYM_ID, StoktStandin


def test_base_url_from_env(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("MASTOC_STOKT_URL", raising=False)
    assert base_url_from_env() == DEFAULT_BASE_URL
    monkeypatch.setenv("MASTOC_STOKT_URL", "http://127.0.0.1:1234/")
    assert base_url_from_env() == "http://127.0.0.1:1234"
    assert base_url_from_env("http://x") == "http://x"


def test_login_sends_form_fields_and_stores_token(standin: StoktStandin):
    c = StoktClient(standin.url, config=FAST)
    assert not c.logged_in
    with pytest.raises(AuthError):
        c.me()
    token = c.login(standin.username, standin.password)
    assert token == standin.token and c.logged_in
    assert token not in repr(c)
    assert c.me()["homeGym"]["id"] == GYM_ID


def test_wrong_password_is_an_auth_error_without_the_password(standin: StoktStandin):
    c = StoktClient(standin.url, config=FAST)
    with pytest.raises(AuthError) as info:
        c.login(standin.username, "wrong-secret-pw")
    assert "wrong-secret-pw" not in str(info.value)
    assert not c.logged_in


def test_expired_token(standin: StoktStandin, client: StoktClient):
    standin.revoke_tokens()
    with pytest.raises(AuthError) as info:
        client.gym_summary(GYM_ID)
    assert info.value.status == 401 and standin.token not in str(info.value)


def test_summary_walls_setup(client: StoktClient, fixtures_dir: Path):
    summary = client.gym_summary(GYM_ID)
    assert summary == json.loads((fixtures_dir / "gym_summary.json").read_text(encoding="utf-8"))
    walls = client.walls(GYM_ID)
    assert isinstance(walls, list) and walls[0]["faces"][0]["id"] == FACE_ID
    setup = client.face_setup(FACE_ID)
    assert len(setup["holds"]) == 776 and setup["picture"]["width"] == 2263


def test_unknown_gym_is_not_found(client: StoktClient):
    with pytest.raises(NotFoundError):
        client.gym_summary("00000000-0000-4000-8000-000000000000")
    with pytest.raises(ValueError):
        client.gym_summary("../../etc")


def test_climb_pages_follow_next_verbatim(standin: StoktStandin, client: StoktClient):
    pages = list(client.iter_climb_pages(GYM_ID))
    assert [len(p.results) for p in pages] == [100] * 10 + [17]
    assert all(p.count == 1017 for p in pages)
    ids = [c["id"] for p in pages for c in p.results]
    assert len(set(ids)) == 1017
    assert pages[0].next == f"{standin.url}/api/gyms/{GYM_ID}/climbs?max_age=9999&page=2"
    assert pages[1].previous == f"{standin.url}/api/gyms/{GYM_ID}/climbs?max_age=9999"
    assert pages[-1].next is None
    assert [e["query"].get("page", "1") for e in standin.requests_to("/climbs")] == [str(i) for i in range(1, 12)]


@pytest.mark.parametrize(("max_age", "expected"), [(60, 63), (365, 459), (9999, 1017)])
def test_max_age_against_the_standin_clock(client: StoktClient, max_age: int, expected: int):
    assert sum(len(p.results) for p in client.iter_climb_pages(GYM_ID, max_age)) == expected


def test_page_size_is_not_assumed(standin: StoktStandin, client: StoktClient):
    standin.page_size = 37
    pages = list(client.iter_climb_pages(GYM_ID))
    assert len(pages) == 28 and sum(len(p.results) for p in pages) == 1017


def test_plain_array_pages_are_accepted(standin: StoktStandin, client: StoktClient):
    items = standin.climb_list()[:5]
    standin.inject("status", "/climbs", status=200, body=json.dumps(items).encode())
    pages = list(client.iter_climb_pages(GYM_ID))
    assert len(pages) == 1 and [c["id"] for c in pages[0].results] == [c["id"] for c in items]


def test_next_link_to_another_host_is_refused(standin: StoktStandin, client: StoktClient):
    page = json.dumps({"count": 1, "next": "http://evil.example/api/x?page=2", "previous": None,
                       "results": []}).encode()
    standin.inject("status", "/climbs", status=200, body=page)
    with pytest.raises(ProtocolError):
        list(client.iter_climb_pages(GYM_ID))


def test_my_climbs_are_arrays(client: StoktClient):
    assert len(client.my_sent_climbs(GYM_ID)) == 2
    assert client.my_set_climbs(GYM_ID) == []


def test_create_climb_posts_the_documented_body(standin: StoktStandin, client: StoktClient):
    body = ClimbBody(name="essai", start=[829314, 829039], others=[829447, 829436, 828917], top=[829416],
                     grade_value="5+", is_private=True, description="pour tester")
    created = client.create_climb(FACE_ID, body)
    assert standin.posted == [{
        "name": "essai",
        "holdsList": {"start": ["829314", "829039"], "others": ["829447", "829436", "828917"],
                      "top": ["829416"], "feetOnly": []},
        "grade": {"gradingSystem": "font", "value": "5+"},
        "attemptsNumber": None, "isPrivate": True, "description": "pour tester",
    }]
    assert created["holdsList"] == "S829039 S829314 O828917 O829436 O829447 T829416"
    assert created["crowdGrade"]["font"] == "5+"
    assert [c["id"] for c in client.my_set_climbs(GYM_ID)] == [created["id"]]
    with pytest.raises(NotFoundError):
        client.create_climb("00000000-0000-4000-8000-000000000000", body)


def test_media_urls_three_shapes(client: StoktClient):
    base = client.base_url
    assert client.media_url("CACHE/images/walls/a/b.jpg") == f"{base}/media/CACHE/images/walls/a/b.jpg"
    assert client.media_url("users/avatars/6e/x_avatar.jpg") == f"{base}/media/users/avatars/6e/x_avatar.jpg"
    assert client.media_url("media/CACHE/images/users/avatars/6e/x.jpg") == \
        f"{base}/media/CACHE/images/users/avatars/6e/x.jpg"


@pytest.mark.parametrize("name", ["../secrets/stokt.json", "/etc/passwd", "a/../../b.jpg",
                                  "http://evil.example/x.jpg", "a\\..\\b", "", "a//b"])
def test_hostile_media_names_are_refused(client: StoktClient, name: str):
    with pytest.raises(ValueError):
        client.media_url(name)


def test_download_media_without_token(standin: StoktStandin, client: StoktClient, fixtures_dir: Path):
    name = client.face_setup(FACE_ID)["picture"]["name"]
    data = client.download_media(name)
    expected = (fixtures_dir / "wall_full.jpg").read_bytes()
    assert hashlib.sha256(data).digest() == hashlib.sha256(expected).digest()
    assert standin.requests_to("/media/")[-1]["auth"] is False
    with pytest.raises(NotFoundError):
        client.download_media("CACHE/images/nothing.jpg")


def test_credentials_are_private_files(data_dir: Path):
    creds = credentials.Credentials("stokt", token="a" * 40, base_url="http://127.0.0.1:1", username="me@x")
    path = credentials.save(creds)
    assert path == data_dir / "secrets" / "stokt.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "a" * 40 not in repr(creds)
    loaded = credentials.load("stokt")
    assert loaded is not None and loaded.token == "a" * 40 and loaded.username == "me@x"
    assert credentials.delete("stokt") and credentials.load("stokt") is None
