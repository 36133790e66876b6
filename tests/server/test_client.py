"""The Railway client against the real server over HTTP on 127.0.0.1 (uvicorn in a thread), on
SQLite and PostgreSQL: CRUD, replayed creates, the changes feed across pages, token refresh, and
degrading against a server that only has the first version's endpoints."""

from __future__ import annotations

import io
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from PIL import Image

from mastoc.backends.errors import AuthError, NotFoundError
from mastoc.backends.http import TransportConfig
from mastoc.backends.railway.client import RailwayClient

from .conftest import APP_KEY, Api

FAST = TransportConfig(connect_timeout=2, read_timeout=10, max_retries=1, backoff_base=0.01, rate_per_second=0)
NEW_PREFIXES = ("/api/changes", "/api/lists", "/api/images", "/openapi.json")


class LegacyOnly:
    """ASGI wrapper that hides the endpoints the first server version did not have (404)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and scope["path"].startswith(NEW_PREFIXES):
            body = json.dumps({"detail": "Not Found"}).encode()
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def serve(app: Any) -> tuple[str, uvicorn.Server, threading.Thread]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return f"http://127.0.0.1:{port}", server, thread


@pytest.fixture()
def live(app) -> Iterator[str]:
    url, server, thread = serve(app)
    yield url
    server.should_exit = True
    thread.join(10)


@pytest.fixture()
def legacy_live(app) -> Iterator[str]:
    url, server, thread = serve(LegacyOnly(app))
    yield url
    server.should_exit = True
    thread.join(10)


def _client(url: str, api: Api, name: str = "alice", config: TransportConfig = FAST, **kw: Any) -> RailwayClient:
    api.user(name)  # registers (password "password-123")
    client = RailwayClient(url, api_key=APP_KEY, config=config, **kw)
    client.login(name, "password-123")
    return client


def test_client_crud_and_replayed_creates(live, api, seeded):
    c = _client(live, api)
    assert c.health()["status"] == "ok"
    caps = c.capabilities()
    assert caps.changes_feed and caps.lists and caps.images and not caps.legacy
    face = c.faces()[0]
    setup = c.face_setup(face["id"])
    assert [h["id"] for h in setup["holds"]] == [829001, 829002, 829003, 829004, 829005]
    assert len(c.holds(face["id"])) == 5
    # climbs: create, replay, read, update, delete (twice)
    cid = str(uuid.uuid4())
    created = c.create_climb(face["id"], "Mine", "S829001 T829005", climb_id=cid, grade_font="6A")
    replay = c.create_climb(face["id"], "Mine", "S829001 T829005", climb_id=cid, grade_font="6A")
    assert created["id"] == replay["id"] == cid
    assert len([x for x in c.climbs() if x["name"] == "Mine"]) == 1
    assert c.update_climb(cid, name="Mine v2", personal_notes="n")["name"] == "Mine v2"
    assert c.climb(cid)["personal_notes"] == "n"
    assert c.delete_climb(cid) is True and c.delete_climb(cid) is False
    with pytest.raises(NotFoundError):
        c.climb(cid)
    # annotations, lists, images, personal walls
    assert c.put_annotation(829002, grip_type="bac")["grip_type"] == "bac"
    assert c.annotations_batch([829002, 829003])[829002]["user_annotation"]["grip_type"] == "bac"
    assert c.delete_annotation(829002) is True
    lid = str(uuid.uuid4())
    assert c.create_list("L", list_id=lid)["id"] == c.create_list("L", list_id=lid)["id"]
    climb0 = c.climbs()[0]["id"]
    iid = str(uuid.uuid4())
    c.add_list_item(lid, climb0, item_id=iid)
    c.add_list_item(lid, climb0, item_id=iid)
    assert [i["id"] for i in c.list_items(lid)] == [iid]
    assert len(c.lists(mine=True)) == 1
    assert c.remove_list_item(lid, iid) and c.delete_list(lid)
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (9, 9, 9)).save(buf, format="PNG")
    info = c.upload_image(buf.getvalue())
    assert c.upload_image(buf.getvalue())["sha256"] == info["sha256"]
    assert len(c.download_image(info["sha256"])) == info["size"]
    wall = c.create_face("Garage", face_id=str(uuid.uuid4()), picture_sha256=info["sha256"])
    with pytest.raises(NotFoundError):  # a personal wall's photo is private: not on the public /static/
        c.static_file(wall["picture_path"])
    hold_uid = str(uuid.uuid4())
    h1 = c.create_hold(wall["id"], "0,0 1,0 1,1", uid=hold_uid)
    assert c.create_hold(wall["id"], "0,0 1,0 1,1", uid=hold_uid)["id"] == h1["id"] == 1_000_000_000
    c.close()


def test_changes_feed_every_change_exactly_once_across_pages(live, api, admin):
    api.seed(admin, n_climbs=7)
    c = _client(live, api)
    seen: list[int] = []
    for page in c.iter_changes(0, limit=3):
        seen += [ch["seq"] for ch in page.changes]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) and len(seen) > 7
    cursor = seen[-1]
    face = c.faces()[0]["id"]
    made = [c.create_climb(face, f"n{i}", "S829001")["id"] for i in range(5)]
    c.update_climb(made[0], name="edited")
    c.delete_climb(made[1])
    delta = c.climb_delta(cursor)
    assert {d["id"] for d in delta.upserts} == set(made) - {made[1]}
    assert delta.deleted == [made[1]]
    assert next(d for d in delta.upserts if d["id"] == made[0])["name"] == "edited"
    again = c.climb_delta(delta.cursor)
    assert again.upserts == [] and again.deleted == [] and again.cursor == delta.cursor
    # concurrent writers while paging: nothing is missed, nothing repeated
    other = _client(live, api, "bob")

    def writer() -> None:  # exactly 30 creates, however slow the machine is
        for i in range(30):
            other.create_climb(face, f"w{i}", "S829001")

    t = threading.Thread(target=writer)
    t.start()
    got: list[int] = []
    climb_ids: set[str] = set()
    cur = again.cursor or 0

    def drain() -> None:
        nonlocal cur
        for page in c.iter_changes(cur, limit=2):
            got.extend(ch["seq"] for ch in page.changes)
            climb_ids.update(ch["id"] for ch in page.changes if ch["entity"] == "climb")
            cur = page.cursor

    while t.is_alive():  # page through the feed while the other client writes
        drain()
        time.sleep(0.02)
    t.join()
    drain()
    assert len(got) == len(set(got)) and got == sorted(got)
    written = {x["id"] for x in c.climbs() if x["name"].startswith("w")}
    assert len(written) == 30 and written <= climb_ids
    other.close()
    c.close()


def test_token_refresh_and_auth_errors(live, api, seeded):
    saved = []
    c = _client(live, api, on_tokens=saved.append)
    first = c.tokens
    assert first is not None and "access" not in repr(first)
    c.refresh()
    assert c.tokens.refresh_token != first.refresh_token and saved[-1] is c.tokens
    # expiring soon: refreshed before the call
    c.tokens.expires_at = time.time() + 10
    before = c.tokens.access_token
    c.faces()
    assert c.tokens.access_token != before
    # a revoked/garbage access token is refreshed once on 401
    c.tokens.access_token = "garbage"
    c.transport.set_authorization("Bearer garbage")
    assert c.me()["username"] == "alice"
    # a dead refresh token ends the session with an AuthError that never shows a token
    c.tokens.refresh_token = "dead.refresh.token"
    c.tokens.expires_at = 0
    with pytest.raises(AuthError) as err:
        c.faces()
    assert "dead.refresh" not in str(err.value) and c.tokens is None
    bad = RailwayClient(live, api_key="wrong-key", config=FAST)
    with pytest.raises(AuthError):
        bad.faces()
    c.close()
    bad.close()


def test_client_degrades_against_a_legacy_server(legacy_live, api, admin):
    api.seed(admin, n_climbs=4)
    c = _client(legacy_live, api)
    caps = c.capabilities()
    assert caps.legacy and not caps.lists
    first = c.climb_delta(None)
    assert first.complete and len(first.upserts) == 4 and first.deleted == []
    known = {x["id"] for x in first.upserts}
    mine = c.create_climb(first.upserts[0]["face_id"], "mine", "S829001")
    c.update_climb(mine["id"], name="mine, edited")
    victim = mine["id"]
    second = c.climb_delta(None, known_ids=known | {victim})
    assert {x["id"] for x in second.upserts} == known | {victim}
    c.delete_climb(victim)
    third = c.climb_delta(None, known_ids=known | {victim})
    assert third.deleted == [victim] and len(third.upserts) == 4
    # incremental listing with the old since_* filter still works
    assert c.climbs(since_created_at="2025-12-03") and all(x["created_at"] >= "2025-12-03" for x in c.climbs(
        since_created_at="2025-12-03"))
    c.close()


class LoseResponses:
    """ASGI wrapper: the first `n` POSTs to `path` are processed, but their answer is replaced by a 503
    (the response was lost on the way back), as a flaky proxy would do."""

    def __init__(self, app: Any, path: str, n: int) -> None:
        self.app, self.path, self.left = app, path, n

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == self.path and self.left > 0:
            self.left -= 1

            async def swallow(message):  # type: ignore[no-untyped-def]
                return None

            await self.app(scope, receive, swallow)
            await send({"type": "http.response.start", "status": 503, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"upstream lost"})
            return
        await self.app(scope, receive, send)


def test_lost_responses_are_retried_without_duplicates(app, api, seeded):
    flaky = LoseResponses(app, "/api/climbs", n=2)
    url, server, thread = serve(flaky)
    try:
        c = _client(url, api, config=TransportConfig(read_timeout=10, max_retries=3, backoff_base=0.01, rate_per_second=0))
        face = c.faces()[0]["id"]
        created = c.create_climb(face, "once", "S829001")  # sent 3 times, stored once
        assert flaky.left == 0
        assert [x["id"] for x in c.climbs() if x["name"] == "once"] == [created["id"]]
        feed = [ch for page in c.iter_changes(0) for ch in page.changes if ch["id"] == created["id"]]
        assert len(feed) == 1
        c.close()
    finally:
        server.should_exit = True
        thread.join(10)
