"""Stateless processes: two app instances (separate engines and pools) on one PostgreSQL database
agree on data, tokens, the changes feed and the login rate limit. Also: start-up migrations."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from mastoc.server import db
from mastoc.server.app import create_app
from mastoc.server.config import Settings

from .conftest import SECRET, Api, fresh_pg_database


def test_two_instances_on_one_postgres_agree(pg_server, pg_template, tmp_path):
    url = fresh_pg_database(pg_server, pg_template)
    s = Settings(database_url=url, secret_key=SECRET, data_dir=tmp_path / "d", api_key="k",
                 login_max_failures=3)
    app1, app2 = create_app(s), create_app(s)  # each runs the (no-op) migrations under the advisory lock
    one, two = Api(app1), Api(app2)
    one.key = two.key = {"X-API-Key": "k"}
    try:
        admin = one.user("root", admin=True)
        seed = one.seed(admin, n_climbs=4)
        h = two.user("alice")  # registered through instance 2, token valid on instance 1
        cid = one.post("/api/climbs", json={"face_id": seed["face_id"], "name": "x", "holds_list": "S829001"},
                       headers=h).json()["id"]
        two.patch(f"/api/climbs/{cid}", json={"name": "y"}, headers=h)
        for path in ("/api/climbs?page_size=500", f"/api/climbs/{cid}", "/api/faces", "/api/sync/stats",
                     f"/api/faces/{seed['face_id']}/setup", "/api/changes?since=0&limit=5000"):
            assert one.get(path, headers=h).json() == two.get(path, headers=h).json(), path
        # the login limit is shared: failures on one instance count on the other
        for api in (one, two, one):
            assert api.post("/api/auth/login", data={"username": "alice", "password": "bad"}).status_code == 401
        assert two.post("/api/auth/login", data={"username": "alice", "password": "password-123"}).status_code == 429
    finally:
        app1.state.engine.dispose()
        app2.state.engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_startup_migrates_an_empty_database(kind, request, tmp_path):
    if kind == "postgres":
        url = fresh_pg_database(request.getfixturevalue("pg_server"), None)
    else:
        url = f"sqlite:///{tmp_path / 'fresh' / 'server.db'}"
    s = Settings(database_url=url, secret_key=SECRET, data_dir=tmp_path / "d", api_key="k")
    app = create_app(s)
    try:
        engine = app.state.engine
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(db.alembic_config(engine)).get_current_head()
        assert db.current_revision(engine) == head
        tables = set(inspect(engine).get_table_names())
        assert {"walls", "climbs", "holds", "faces", "users", "change_log", "climb_lists", "list_items", "images"} <= tables
        assert Api(app).get("/health").json()["database"] == "ok"
    finally:
        app.state.engine.dispose()


def test_default_database_is_a_sqlite_file_in_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MASTOC_SECRET_KEY", SECRET)
    monkeypatch.setenv("API_KEY", "legacy")
    s = Settings.from_env(data_dir=tmp_path)
    assert s.database_url == f"sqlite:///{tmp_path / 'server.db'}" and s.api_key == "legacy"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@host:5432/railway")
    assert Settings.from_env(data_dir=tmp_path).database_url == "postgresql+psycopg://u:p@host:5432/railway"


def test_migrations_match_the_models(db_url):
    """The tables built by the migrations are exactly what models.py declares (no drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import mastoc.server.models  # noqa: F401

    engine = db.make_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_cli_create_user_then_login(db_url, tmp_path, monkeypatch, capsys):
    import io

    from mastoc.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("first-admin-pw\n"))
    assert main(["--data-dir", str(tmp_path), "server", "create-user", "--admin", "boss@example.org",
                 "--database-url", db_url]) == 0
    assert "created admin boss@example.org" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["server", "create-user", "x@example.org", "--database-url", db_url]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("another-password\n"))
    assert main(["server", "create-user", "boss@example.org", "--database-url", db_url]) == 1  # taken
    s = Settings(database_url=db_url, secret_key=SECRET, data_dir=tmp_path / "d", api_key="k")
    app = create_app(s, run_migrations=False)
    try:
        r = Api(app).post("/api/auth/login", data={"username": "boss@example.org", "password": "first-admin-pw"})
        assert r.status_code == 200 and r.json()["role"] == "admin"
        assert "first-admin-pw" not in capsys.readouterr().out
    finally:
        app.state.engine.dispose()
