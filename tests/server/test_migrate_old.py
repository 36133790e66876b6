"""`mastoc server migrate-from-old`: a first-version database (built from its schema by
`oldserver.py`, with bcrypt password hashes) is copied into the new one, on SQLite and on a real
PostgreSQL; the old password logs in, every row is found, the old clients' calls still work, a
second run changes nothing and an interrupted run can be run again."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from mastoc.cli import main
from mastoc.server import security
from mastoc.server.app import create_app
from mastoc.server.config import Settings
from tests.server import oldserver, test_compat
from tests.server.conftest import APP_KEY, SECRET, Api, fresh_pg_database

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "stokt" / "fixtures"
WALL = FIXTURES.resolve() / "wall_full.jpg"
MISSING = {"climbs": ["personal_rating", "mirror_holds_list"], "users": ["last_login_at", "reset_token"],
           "faces": ["synced_at"], "holds": ["path_str"]}


@pytest.fixture()
def old_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "postgres":
        return fresh_pg_database(request.getfixturevalue("pg_server"), None)
    return f"sqlite:///{tmp_path / 'old-server.db'}"


def _build(url: str, rows: dict[str, Any], missing: dict[str, list[str]] | None = None) -> None:
    engine = create_engine(url)
    oldserver.create_schema(engine, missing)
    oldserver.write(engine, rows, missing)
    engine.dispose()


def _migrate(old_url: str, db_url: str, data_dir: Path, static: Path | None, capsys: Any) -> str:
    args = ["--data-dir", str(data_dir), "server", "migrate-from-old", "--from", old_url, "--database-url", db_url]
    if static is not None:
        args += ["--static-dir", str(static)]
    assert main(args) == 0
    return str(capsys.readouterr().out)


def _snapshot(db_url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(db_url)
    out = {}
    with engine.connect() as c:
        for table, key in (("gyms", "id"), ("faces", "id"), ("holds", "id"), ("users", "id"), ("climbs", "id"),
                           ("climb_personal", "climb_id, user_id"), ("hold_annotations", "id"), ("id_mappings", "id"),
                           ("images", "sha256"), ("change_log", "seq")):
            out[table] = [tuple(r) for r in c.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))]
    engine.dispose()
    return out


def _static_dir(tmp_path: Path) -> Path:
    static = tmp_path / "old-static"
    target = static / "CACHE/images/walls/w/faces/f/pic.jpg"
    target.parent.mkdir(parents=True)
    shutil.copyfile(WALL, target)
    (static / "avatars").mkdir()
    from PIL import Image

    Image.new("RGB", (16, 16), (200, 10, 10)).save(static / "avatars" / "old.png", format="PNG")
    return static


def test_migrate_everything_then_log_in_with_the_old_password(old_url, db_url, tmp_path, capsys):
    rows = oldserver.sample(n_climbs=6, n_annotations=9)
    olduser = rows["users"][1]
    olduser["avatar_path"] = "/static/avatars/old.png"
    _build(old_url, rows, MISSING)
    assert olduser["password_hash"].startswith("$2b$")
    out = _migrate(old_url, db_url, tmp_path / "data", _static_dir(tmp_path), capsys)
    assert "climbs: 7 created" in out and "hold_annotations: 9 created" in out and "photos: 2 created" in out

    settings = Settings(database_url=db_url, secret_key=SECRET, data_dir=tmp_path / "data", api_key=APP_KEY)
    app = create_app(settings, run_migrations=False)
    api = Api(app)
    try:
        # the old password works, by user name and by e-mail, and is re-hashed at that login
        r = api.post("/api/auth/login", data={"username": "olduser", "password": "old-password-1"})
        assert r.status_code == 200, r.text
        assert r.json()["user_id"] == olduser["id"] and r.json()["role"] == "admin"
        with app.state.engine.connect() as c:
            stored = c.execute(text("SELECT password_hash FROM users WHERE id = :i"), {"i": olduser["id"]}).scalar()
        assert stored.startswith("$argon2") and security.verify_password("old-password-1", stored)
        assert api.post("/api/auth/login", data={"username": "OLD@example.org", "password": "old-password-1"}).status_code == 200
        assert api.post("/api/auth/login", data={"username": "olduser", "password": "wrong-pass"}).status_code == 401
        h = {**api.key, "Authorization": f"Bearer {r.json()['access_token']}"}

        # every row, with the ids the old clients know
        face = rows["faces"][0]
        assert api.get("/api/sync/stats", headers=h).json() == {
            "gyms": 1, "faces": 1, "holds": 6, "climbs": 7, "users": 2, "climbs_synced": 6, "climbs_local": 1}
        assert api.get("/api/faces", headers=api.key).json()[0]["id"] == face["id"]
        assert api.get(f"/api/faces?gym_id={rows['gyms'][0]['id']}", headers=api.key).json()[0]["id"] == face["id"]
        setup = api.get(f"/api/faces/{face['id']}/setup", headers=api.key).json()
        assert [x["id"] for x in setup["holds"]] == [6, 829001, 829002, 829003, 829004, 829005]
        assert setup["holds"][0]["center_tape_str"] == "1 2" and setup["holds"][0]["centroid_str"] == "9.5 9.25"
        assert setup["feet_rules_options"] == ["Pieds libres"]
        listed = api.get("/api/climbs", params={"page_size": 500}, headers=h).json()["results"]
        assert {c["id"] for c in listed} == {c["id"] for c in rows["climbs"]}
        for old in rows["climbs"]:
            got = api.get(f"/api/climbs/{old['id']}", headers=h).json()
            assert (got["stokt_id"], got["name"], got["holds_list"], got["grade_font"], got["grade_ircra"]) == (
                old["stokt_id"], old["name"], old["holds_list"], old["grade_font"], old["grade_ircra"])
            assert got["created_at"] == old["created_at"].isoformat() and got["setter_id"] == old["setter_id"]
        mine = next(c for c in rows["climbs"] if c["stokt_id"] is None)
        got = api.get(f"/api/climbs/{mine['id']}", headers=h).json()
        assert got["source"] == "mastoc" and got["is_private"] and got["created_by_id"] == olduser["id"]
        assert (got["personal_notes"], got["is_project"], got["description"]) == ("my notes", True, "set in mastoc")
        assert got["updated_at"] == "2026-01-06T09:30:00"
        # the private mastoc climb stays its creator's; another user neither sees it nor its notes
        dora = api.user("dora")
        assert api.get(f"/api/climbs/{mine['id']}", headers=dora).status_code == 404
        # annotations with their authors, addressed by the public hold ids
        ann = api.get("/api/holds/829001/annotations", headers=h).json()
        assert ann["user_annotation"]["notes"] == "note 0" and ann["consensus"]["total_annotators"] == 2
        assert api.get("/api/holds/6/annotations", headers=h).json()["user_annotation"]["notes"] == "note 5"
        batch = api.post("/api/holds/annotations/batch", json={"hold_ids": [829001, 829002, 829003, 6]}, headers=h).json()
        assert sum(a["consensus"]["total_annotators"] for a in batch["annotations"].values()) == 7
        # the wall photo, byte for byte, where the Android app reads it; the avatar
        wall = api.get(f"/static/{face['picture_path']}")
        assert wall.status_code == 200
        assert hashlib.sha256(wall.content).hexdigest() == hashlib.sha256(WALL.read_bytes()).hexdigest()
        assert api.get(f"/api/faces/{face['id']}", headers=api.key).json()["picture_sha256"] == hashlib.sha256(
            WALL.read_bytes()).hexdigest()
        me = api.get("/api/users/me", headers=api.bearer_only(h)).json()
        assert me["avatar_path"] == f"/api/users/{olduser['id']}/avatar"
        assert api.get(me["avatar_path"], headers=h).status_code == 200
        with app.state.engine.connect() as c:
            assert c.execute(text("SELECT entity_type, mastoc_id FROM id_mappings")).all() == [
                ("climb", rows["climbs"][0]["id"])]
        # the new desktop client finds everything in the changes feed
        feed = api.get("/api/changes", params={"limit": 1000}, headers=h).json()
        seen = {(c["entity"], str(c["id"])) for c in feed["changes"]}
        assert {("climb", c["id"]) for c in rows["climbs"]} <= seen
        assert {("hold", "829001"), ("hold", "6"), ("face", face["id"]), ("climb_personal", f"{mine['id']}:{olduser['id']}")} <= seen
    finally:
        app.state.engine.dispose()

    # a second run changes nothing (and keeps the re-hashed password)
    before = _snapshot(db_url)
    out = _migrate(old_url, db_url, tmp_path / "data", _static_dir(tmp_path / "again"), capsys)
    assert "done: 0 row(s) created or changed" in out
    assert _snapshot(db_url) == before


def test_an_interrupted_run_can_be_run_again(old_url, db_url, tmp_path, capsys, monkeypatch):
    rows = oldserver.sample(n_climbs=5, n_annotations=6)
    _build(old_url, rows)

    def boom(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr("mastoc.server.routes.climbs._public", boom)
    with pytest.raises(RuntimeError):
        main(["--data-dir", str(tmp_path), "server", "migrate-from-old", "--from", old_url, "--database-url", db_url])
    engine = create_engine(db_url)
    with engine.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM holds")).scalar() == 6  # committed before the cut
        assert c.execute(text("SELECT COUNT(*) FROM climbs")).scalar() == 0
    monkeypatch.undo()
    out = _migrate(old_url, db_url, tmp_path, None, capsys)
    assert "climbs: 6 created" in out and "holds: 0 created, 0 updated, 6 unchanged" in out
    with engine.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM hold_annotations")).scalar() == 6
    engine.dispose()
    assert "done: 0 row(s)" in _migrate(old_url, db_url, tmp_path, None, capsys)


class _SameAccounts(Api):
    """The transcript's tests each register "dora" on a fresh database; here they share one."""

    def user(self, name: str = "alice", *, admin: bool = False, password: str = "password-123") -> dict[str, str]:
        r = self.client.post("/api/auth/login", data={"username": name, "password": password})
        if r.status_code == 200:
            return {**self.key, "Authorization": f"Bearer {r.json()['access_token']}"}
        return super().user(name, admin=admin, password=password)


def test_compat_transcript_against_a_migrated_database(old_url, db_url, tmp_path, capsys):
    """The old clients' calls (test_compat) against a database that came from the first server."""
    rows = oldserver.sample(n_climbs=3, n_annotations=0, extras=False)
    _build(old_url, rows)
    _migrate(old_url, db_url, tmp_path, None, capsys)
    settings = Settings(database_url=db_url, secret_key=SECRET, data_dir=tmp_path / "data", api_key=APP_KEY)
    app = create_app(settings, run_migrations=False)
    try:
        api = _SameAccounts(app)
        seeded = {"face_id": rows["faces"][0]["id"], "climbs": rows["climbs"]}
        test_compat.test_health_is_a_flat_string_map(api)
        test_compat.test_android_reads(api, seeded)
        test_compat.test_desktop_reads(api, seeded)
        test_compat.test_desktop_climb_crud(api, seeded)
        test_compat.test_desktop_annotations(api, seeded)
        test_compat.test_desktop_account_calls(api)
        test_compat.test_errors_are_json(api, seeded)
        # and the old account, with its old password, through the old desktop client's calls
        r = api.post("/api/auth/login", data={"username": "old@example.org", "password": "old-password-1"})
        assert r.status_code == 200 and set(r.json()) >= {"access_token", "refresh_token", "expires_in", "role"}
        h = {**api.key, "Authorization": f"Bearer {r.json()['access_token']}"}
        assert api.get("/api/users/me", headers=api.bearer_only(h)).json()["username"] == "olduser"
        assert api.put("/api/holds/829003/annotations", json={"grip_type": "bac"}, headers=h).status_code == 200
    finally:
        app.state.engine.dispose()


@pytest.mark.postgres
def test_the_new_desktop_client_syncs_everything_after_the_upgrade(pg_server, pg_template, tmp_path, capsys):
    """The old account logs in from a new desktop client and its first sync brings every row."""
    from mastoc.store.db import Store
    from mastoc.sync import operations as ops
    from tests.sync_railway.conftest import start_server, sync

    old_url = fresh_pg_database(pg_server, None)
    rows = oldserver.sample(n_climbs=6, n_annotations=9)
    _build(old_url, rows)
    live = start_server(pg_server, pg_template, tmp_path / "server-data")
    try:
        _migrate(old_url, live.app.state.settings.database_url, tmp_path / "server-data", None, capsys)
        d = tmp_path / "device"
        d.mkdir()
        ops.login("railway", "old@example.org", "old-password-1", url=live.url, data_dir=d)
        _pv, rep = sync(d)
        assert rep.ok, rep.errors
        with Store.open(d) as s:
            climbs = {r[0] for r in s.conn.execute("SELECT id FROM climbs")}
            assert climbs == {c["id"] for c in rows["climbs"]}
            nums = sorted(r[0] for r in s.conn.execute("SELECT num FROM holds"))
            assert nums == [6, 829001, 829002, 829003, 829004, 829005]
            mine = next(c for c in rows["climbs"] if c["stokt_id"] is None)
            assert s.climb(mine["id"]).personal_notes == "my notes"
            assert s.conn.execute("SELECT COUNT(*) FROM hold_annotations").fetchone()[0] >= 6  # the user's own
    finally:
        live.stop()
        live.app.state.engine.dispose()
