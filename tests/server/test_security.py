"""Security S1–S7 (QUALITY.md): fail-closed auth on every mutating route, ownership on every object
route, no mass assignment, body/upload limits, image sniffing with a pixel limit, no path traversal,
login rate limiting."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from PIL import Image, PngImagePlugin

from mastoc.server.app import create_app
from mastoc.server.config import ConfigError, Settings

from .conftest import Api

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC_WRITES = {"/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/auth/logout",
                 "/api/auth/reset-password", "/api/auth/reset-password/confirm"}
READ_ONLY_POSTS = {"/api/holds/annotations/batch"}  # a query sent as POST: the app key may read
ADMIN_ONLY_PREFIXES = ("/api/sync/import", "/api/climbs/bulk/dates", "/api/climbs/{climb_id}/date")


def _fill(path: str) -> str:
    return re.sub(r"\{hold_id\}|\{stokt_id\}", "829001", re.sub(r"\{(\w+_id)\}", str(uuid.uuid4()), path))


def _walk(routes):
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI >= 0.16x wraps included routers
        if inner is not None:
            yield from _walk(inner.routes)
        elif getattr(route, "methods", None):
            yield route


def _mutating_routes(app) -> list[tuple[str, str]]:
    out = sorted({(m, r.path) for r in _walk(app.routes) for m in r.methods
                  if m in MUTATING and r.path not in PUBLIC_WRITES})
    # cross-check against the published schema: no mutating operation escapes the enumeration
    documented = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops
                  if m.upper() in MUTATING and p not in PUBLIC_WRITES}
    assert documented == set(out)
    return out


def test_s1_every_mutating_route_refuses_missing_or_bad_credentials(api, admin):
    routes = _mutating_routes(api.app)
    assert len(routes) >= 30
    user = api.user("mallory")
    refresh = api.post("/api/auth/login", data={"username": "mallory", "password": "password-123"}).json()["refresh_token"]
    for method, path in routes:
        url = _fill(path)
        for label, headers, allowed in (
            ("none", {}, {401, 403}),
            ("bad key", {"X-API-Key": "wrong"}, {401, 403}),
            ("key only", dict(api.key), {401, 403}),  # the app key is not a user
            ("garbage bearer", {"Authorization": "Bearer abc.def.ghi"}, {401}),
            ("refresh token as access", {"Authorization": f"Bearer {refresh}"}, {401}),
        ):
            if label == "key only" and path in READ_ONLY_POSTS:
                continue
            r = api.request(method, url, json={}, headers=headers)
            assert r.status_code in allowed, (label, method, path, r.status_code, r.text)
            assert r.headers["content-type"].startswith("application/json")
        if path.startswith(ADMIN_ONLY_PREFIXES):
            r = api.request(method, url, json={}, headers=user)
            assert r.status_code == 403, (method, path, r.text)


def test_s1_reads_behind_the_gate_fail_closed(api, seeded):
    for path in ("/api/climbs", "/api/faces", f"/api/faces/{seeded['face_id']}/setup", "/api/sync/stats",
                 "/api/changes", "/api/lists", "/api/holds/829001/annotations"):
        assert api.get(path).status_code == 401
        assert api.get(path, headers={"X-API-Key": "nope"}).status_code == 403
        assert api.get(path, headers=api.key).status_code == 200
    assert api.get("/api/users", headers=api.key).status_code == 401  # a key is not an admin


def test_s1_no_key_configured_means_every_key_is_wrong(settings, tmp_path):
    app = create_app(settings.with_(api_key=None), run_migrations=False)
    api = Api(app)
    assert api.get("/api/climbs").status_code == 401
    assert api.get("/api/climbs", headers={"X-API-Key": "anything"}).status_code == 403
    assert api.get("/api/users", headers={"X-API-Key": "x"}).status_code == 403
    h = api.user("ann")  # bearer alone passes the gate
    assert api.get("/api/climbs", headers=api.bearer_only(h)).status_code == 200
    app.state.engine.dispose()


def test_s1_refuses_to_start_without_a_secret(monkeypatch, tmp_path):
    for name in ("MASTOC_SECRET_KEY", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError):
        Settings.from_env(data_dir=tmp_path)
    assert Settings.from_env(data_dir=tmp_path, dev=True).secret_key
    monkeypatch.setenv("SECRET_KEY", "legacy-railway-secret-value")
    assert Settings.from_env(data_dir=tmp_path).secret_key == "legacy-railway-secret-value"
    from mastoc.cli import main

    monkeypatch.delenv("SECRET_KEY")
    assert main(["--data-dir", str(tmp_path), "serve", "--port", "1"]) == 2


def test_s2_user_b_cannot_change_user_a_objects(api, seeded):
    a, b = api.user("alice"), api.user("bob")
    face = api.post("/api/faces", json={"name": "A's wall"}, headers=a).json()
    hold = api.post(f"/api/faces/{face['id']}/holds", json={"polygon_str": "0,0 1,0 1,1"}, headers=a).json()
    climb = api.post("/api/climbs", json={"face_id": face["id"], "name": "A's", "holds_list": f"S{hold['id']}"},
                     headers=a).json()
    lst = api.post("/api/lists", json={"name": "A's list", "is_public": True}, headers=a).json()
    item = api.post(f"/api/lists/{lst['id']}/items", json={"climb_id": climb["id"]}, headers=a).json()
    api.put(f"/api/holds/{hold['id']}/annotations", json={"grip_type": "bac", "notes": "A"}, headers=a)
    attempts = [
        ("PATCH", f"/api/climbs/{climb['id']}", {"name": "B was here"}),
        ("DELETE", f"/api/climbs/{climb['id']}", None),
        ("PATCH", f"/api/climbs/{climb['id']}/stokt-id?stokt_id={uuid.uuid4()}", None),
        ("PATCH", f"/api/faces/{face['id']}", {"name": "B"}),
        ("DELETE", f"/api/faces/{face['id']}", None),
        ("POST", f"/api/faces/{face['id']}/holds", {"polygon_str": "0,0"}),
        ("PATCH", f"/api/holds/{hold['id']}", {"polygon_str": "9,9"}),
        ("DELETE", f"/api/holds/{hold['id']}", None),
        ("PATCH", f"/api/lists/{lst['id']}", {"name": "B"}),
        ("DELETE", f"/api/lists/{lst['id']}", None),
        ("POST", f"/api/lists/{lst['id']}/items", {"climb_id": climb["id"]}),
        ("PATCH", f"/api/lists/{lst['id']}/items/{item['id']}", {"position": 3}),
        ("DELETE", f"/api/lists/{lst['id']}/items/{item['id']}", None),
        ("DELETE", f"/api/holds/{hold['id']}/annotations", None),  # B has none: cannot reach A's
        ("PATCH", f"/api/users/{face['owner_id']}", {"is_active": False}),  # admins only
    ]
    covered = set()
    for method, url, body in attempts:
        r = api.request(method, url, json=body, headers=b)
        assert r.status_code in (403, 404), (method, url, r.status_code)
        covered.add((method, re.sub(r"[0-9a-f-]{36}|\d{10}", "X", url.split("?")[0])))
    # every mutating route with an object id in its path is in the list above (or admin-only)
    for method, path in _mutating_routes(api.app):
        if "{" in path and not path.startswith(ADMIN_ONLY_PREFIXES) and method != "PUT":
            assert (method, re.sub(r"\{\w+\}", "X", path)) in covered, (method, path)
    # B's PUT only ever touches B's own annotation
    api.put(f"/api/holds/{hold['id']}/annotations", json={"grip_type": "pince", "notes": "B"}, headers=b)
    mine = api.get(f"/api/holds/{hold['id']}/annotations", headers=a).json()["user_annotation"]
    assert (mine["grip_type"], mine["notes"]) == ("bac", "A")
    # everything of A's is unchanged
    assert api.get(f"/api/climbs/{climb['id']}", headers=a).json()["name"] == "A's"
    assert api.get(f"/api/faces/{face['id']}", headers=a).json()["name"] == "A's wall"
    assert api.get(f"/api/holds/{hold['id']}", headers=a).json()["polygon_str"] == "0,0 1,0 1,1"
    assert api.get(f"/api/lists/{lst['id']}", headers=a).json()["name"] == "A's list"
    assert api.get(f"/api/lists/{lst['id']}/items", headers=a).json()["results"][0]["position"] == 0


def test_s3_no_mass_assignment(api, seeded):
    h = api.user("dora")
    other = str(uuid.uuid4())
    r = api.post("/api/climbs", headers=h, json={
        "face_id": seeded["face_id"], "name": "m", "holds_list": "S829001", "source": "stokt", "stokt_id": other,
        "created_by_id": other, "setter_id": other, "climbed_by": 999, "created_at": "2001-01-01T00:00:00"})
    c = r.json()
    assert (c["source"], c["stokt_id"], c["climbed_by"]) == ("mastoc", None, 0)
    assert c["created_by_id"] != other and not c["created_at"].startswith("2001")
    new_id = str(uuid.uuid4())
    r = api.patch(f"/api/climbs/{c['id']}", headers=h, json={"id": new_id, "stokt_id": other, "source": "stokt",
                                                             "created_by_id": other, "face_id": other, "total_likes": 5})
    c2 = r.json()
    assert r.status_code == 200 and c2["id"] == c["id"] and c2["stokt_id"] is None and c2["source"] == "mastoc"
    assert c2["face_id"] == seeded["face_id"] and c2["total_likes"] == 0
    r = api.post("/api/auth/register", json={"email": "x@example.org", "username": "xavier", "password": "password-1",
                                             "full_name": "X", "role": "admin", "is_active": False})
    assert r.status_code == 201
    hx = api.user("yann")
    me = api.patch("/api/users/me", json={"role": "admin", "email": "hack@example.org", "source": "stokt"},
                   headers=api.bearer_only(hx)).json()
    assert (me["role"], me["email"], me["source"]) == ("user", "yann@example.org", "mastoc")
    lst = api.post("/api/lists", json={"name": "l", "user_id": other}, headers=h).json()
    assert lst["user_id"] != other


@pytest.fixture()
def small_limits_api(settings):
    app = create_app(settings.with_(max_body_bytes=2000, max_upload_bytes=50_000, max_image_pixels=1_000_000),
                     run_migrations=False)
    yield Api(app)
    app.state.engine.dispose()


def test_s4_body_limits(small_limits_api):
    api = small_limits_api
    h = api.user("dora")
    big = {"name": "x" * 5000}
    r = api.post("/api/lists", json=big, headers=h)
    assert r.status_code == 413 and r.json()["detail"]

    def chunks():
        for _ in range(100):
            yield b'{"name": "' + b"y" * 100

    r = api.post("/api/lists", content=chunks(), headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 413
    r = api.post("/api/images", content=b"\xff" * 60_000, headers={**h, "Content-Type": "image/jpeg"})
    assert r.status_code == 413
    files = [("file", (f"f{i}.jpg", b"x", "image/jpeg")) for i in range(5)]
    r = api.post("/api/images", files=files, headers=h)
    assert r.status_code == 400
    fields = {f"f{i}": "v" for i in range(50)}
    r = api.post("/api/images", data=fields, files={"file": ("a.jpg", b"x", "image/jpeg")}, headers=h)
    assert r.status_code == 400
    assert api.get("/health").status_code == 200  # still serving


def _png(w: int, h: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (w, h), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def test_s5_image_sniffing_pixel_limit_and_reencoding(small_limits_api, monkeypatch):
    api = small_limits_api
    h = api.user("dora")
    bomb = _png(20_000, 20_000)  # 400 Mpx, a few dozen KB compressed
    assert len(bomb) < 50_000
    decoded: list[str] = []
    real_load = PngImagePlugin.PngImageFile.load

    def spy_load(self):  # the bomb must be refused from its header, before any pixel is decoded
        decoded.append(f"{self.size}")
        return real_load(self)

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", spy_load)
    r = api.post("/api/images", files={"file": ("bomb.png", bomb, "image/png")}, headers=h)
    assert r.status_code == 413
    assert decoded == []
    monkeypatch.undo()
    r = api.post("/api/images", files={"file": ("evil.jpg", b"<?php system($_GET['c']); ?>" * 10, "image/jpeg")},
                 headers=h)
    assert r.status_code == 415
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert api.post("/api/images", files={"file": ("x.png", svg, "image/png")}, headers=h).status_code == 415
    good = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(good, format="JPEG", comment=b"secret exif-ish comment")
    raw = good.getvalue()
    r = api.post("/api/images", files={"file": ("fine.jpg", raw, "image/jpeg")}, headers=h)
    assert r.status_code == 201
    stored = api.get(f"/api/images/{r.json()['sha256']}", headers=h).content
    assert stored == raw  # a clean JPEG is kept byte for byte (devices get the very file)
    r = api.post("/api/images", files={"file": ("tail.jpg", raw + b"<?php evil(); ?>", "image/jpeg")}, headers=h)
    assert r.status_code == 201, r.text
    stored = api.get(f"/api/images/{r.json()['sha256']}", headers=h).content
    assert b"evil" not in stored and b"secret exif-ish comment" not in stored  # trailing data: re-encoded
    truncated = raw[: len(raw) // 2]
    assert api.post("/api/images", files={"file": ("t.jpg", truncated, "image/jpeg")}, headers=h).status_code in (400, 415)
    # avatars go through the same pipeline
    r = api.post("/api/users/me/avatar", files={"file": ("a.png", svg, "image/png")}, headers=api.bearer_only(h))
    assert r.status_code == 415


def test_s6_no_path_traversal(api, settings):
    secret = settings.data_dir / "secret.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("TOP SECRET")
    (settings.static_dir / "ok.txt").write_text("public")
    outside = settings.data_dir / "outside"
    outside.mkdir()
    (outside / "x.txt").write_text("TOP SECRET")
    (settings.static_dir / "link").symlink_to(outside, target_is_directory=True)
    assert api.get("/static/ok.txt").text == "public"
    for path in ("/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/%2e%2e%2fsecret.txt",
                 "/static/images/../../secret.txt", "/static/..%5csecret.txt", "/static//etc/passwd",
                 "/static/%2fetc%2fpasswd", "/static/link/x.txt", "/static/ok.txt%00.jpg",
                 "/api/images/..%2f..%2fsecret.txt", "/api/users/../../secret.txt"):
        r = api.get(path, headers=api.key)
        assert r.status_code in (401, 404, 422), (path, r.status_code)
        assert "TOP SECRET" not in r.text, path


def test_s7_login_rate_limit(api):
    api.user("victim", password="right-password")
    for _ in range(5):
        assert api.post("/api/auth/login", data={"username": "victim", "password": "wrong"}).status_code == 401
    r = api.post("/api/auth/login", data={"username": "victim", "password": "wrong"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    # while limited, even the right password is refused (no oracle for the attacker)
    assert api.post("/api/auth/login", data={"username": "victim", "password": "right-password"}).status_code == 429
    # another account is not affected
    api.user("bystander")
