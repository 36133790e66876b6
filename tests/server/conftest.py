"""Server test fixtures: every test runs on SQLite and on a real PostgreSQL (pgserver).

The schema is migrated once per backend into a template (a PostgreSQL template database, or a
SQLite file); each test gets a fresh copy, so tests are isolated and fast. Under pytest-xdist each
worker starts its own PostgreSQL in its own temporary directory.
"""

from __future__ import annotations

import itertools
import shutil
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402

from mastoc.server import db, security  # noqa: E402
from mastoc.server.app import create_app  # noqa: E402
from mastoc.server.config import Settings  # noqa: E402

SECRET = "test-secret-key-0123456789abcdef"
APP_KEY = "test-app-key-42"
BACKENDS = ["sqlite", "postgres"]
_counter = itertools.count()
security.use_cheap_hashing_for_tests()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    import tempfile

    import pgserver

    # not under pytest's 0700 temp root: when run as root, pgserver runs PostgreSQL as another user
    pgdir = Path(tempfile.mkdtemp(prefix="mastoc-test-pg-"))
    srv = pgserver.get_server(pgdir, cleanup_mode="stop")
    # a throw-away test cluster: durability off makes CREATE DATABASE and commits fast
    srv.psql("ALTER SYSTEM SET fsync = off;")
    srv.psql("ALTER SYSTEM SET synchronous_commit = off;")
    srv.psql("ALTER SYSTEM SET full_page_writes = off;")
    srv.psql("SELECT pg_reload_conf();")
    yield srv
    srv.cleanup()
    shutil.rmtree(pgdir, ignore_errors=True)


def pg_url(server: Any, dbname: str) -> str:
    uri = server.get_uri()  # postgresql://postgres:@/postgres?host=/tmp/...
    base, _, query = uri.partition("?")
    base = base.rsplit("/", 1)[0] + "/" + dbname
    return base.replace("postgresql://", "postgresql+psycopg://", 1) + ("?" + query if query else "")


@pytest.fixture(scope="session")
def pg_template(pg_server: Any) -> str:
    from sqlalchemy import create_engine

    admin = create_engine(pg_url(pg_server, "postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text("DROP DATABASE IF EXISTS mastoc_tpl"))
        c.execute(text("CREATE DATABASE mastoc_tpl"))
    admin.dispose()
    engine = db.make_engine(pg_url(pg_server, "mastoc_tpl"))
    db.migrate(engine)
    engine.dispose()
    return "mastoc_tpl"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-tpl") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    engine.dispose()
    import sqlite3

    with sqlite3.connect(path) as conn:  # fold the WAL into the file before it is copied
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def fresh_pg_database(pg_server: Any, template: str | None) -> str:
    from sqlalchemy import create_engine

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url(pg_server, "postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")))
    admin.dispose()
    return pg_url(pg_server, name)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture()
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "postgres":
        server = request.getfixturevalue("pg_server")
        return fresh_pg_database(server, request.getfixturevalue("pg_template"))
    target = tmp_path / f"server-{next(_counter)}.db"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
    return f"sqlite:///{target}"


@pytest.fixture()
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=db_url, secret_key=SECRET, data_dir=tmp_path / "srvdata", api_key=APP_KEY)


@pytest.fixture()
def app(settings: Settings) -> Iterator[Any]:
    application = create_app(settings, run_migrations=False)
    yield application
    application.state.engine.dispose()


class Api:
    """A TestClient with helpers to make accounts and seed a small wall."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.client = TestClient(app, raise_server_exceptions=False)
        self.key = {"X-API-Key": APP_KEY}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def user(self, name: str = "alice", *, admin: bool = False, password: str = "password-123") -> dict[str, str]:
        """Register `name`, optionally make it admin, log in; returns headers with key + bearer."""
        r = self.client.post("/api/auth/register", json={"email": f"{name}@example.org", "username": name,
                                                          "password": password, "full_name": name.title()})
        assert r.status_code == 201, r.text
        if admin:
            with self.app.state.engine.begin() as c:
                c.execute(text("UPDATE users SET role='admin' WHERE username=:u"), {"u": name})
        r = self.client.post("/api/auth/login", data={"username": name, "password": password})
        assert r.status_code == 200, r.text
        return {**self.key, "Authorization": f"Bearer {r.json()['access_token']}"}

    def bearer_only(self, headers: dict[str, str]) -> dict[str, str]:
        return {"Authorization": headers["Authorization"]}

    def seed(self, admin: dict[str, str], n_climbs: int = 3) -> dict[str, Any]:
        """A Stokt gym, face with 5 holds (ids 829001..829005), a setter, and `n_climbs` climbs."""
        gym, face, setter = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
        assert self.post("/api/sync/import/gym", json={"stokt_id": gym, "display_name": "Gym"}, headers=admin).status_code == 200
        r = self.post("/api/sync/import/face", headers=admin, json={
            "stokt_id": face, "gym_stokt_id": gym, "picture_path": "CACHE/images/walls/w/faces/f/pic.jpg",
            "picture_width": 2263, "picture_height": 3000, "feet_rules_options": ["Pieds libres"]})
        assert r.status_code == 200, r.text
        holds = [{"stokt_id": 829001 + i, "face_stokt_id": face, "polygon_str": f"{i},0 {i+1},0 {i+1},1",
                  "centroid_x": i + 0.5, "centroid_y": 0.5, "area": 1.0} for i in range(5)]
        r = self.post("/api/sync/import/holds/batch", json={"holds": holds}, headers=admin)
        assert r.json()["created"] == 5, r.text
        self.post("/api/sync/import/user", json={"stokt_id": setter, "full_name": "Setter 01"}, headers=admin)
        grades = [("6A", 15.5), ("6B+", 18.0), ("7A", 20.5), ("5+", 14.0), ("6C", 18.5)]
        climbs = []
        for i in range(n_climbs):
            g = grades[i % len(grades)]
            climbs.append({"stokt_id": str(uuid.uuid4()), "face_stokt_id": face, "setter_stokt_id": setter,
                           "name": f"Climb {i:03d}", "holds_list": f"S829001 O82900{2 + i % 3} T829005",
                           "grade_font": g[0], "grade_ircra": g[1], "climbed_by": i,
                           "date_created": f"2025-12-{1 + i % 28:02d}T10:00:00-05:00"})
        r = self.post("/api/sync/import/climbs/batch", json={"climbs": climbs}, headers=admin)
        assert r.json()["created"] == n_climbs, r.text
        face_id = self.get("/api/faces", headers=admin).json()[0]["id"]
        return {"gym_stokt": gym, "face_stokt": face, "face_id": face_id, "setter_stokt": setter, "climbs": climbs}


@pytest.fixture()
def api(app: Any) -> Api:
    return Api(app)


@pytest.fixture()
def admin(api: Api) -> dict[str, str]:
    return api.user("root", admin=True)


@pytest.fixture()
def seeded(api: Api, admin: dict[str, str]) -> dict[str, Any]:
    return api.seed(admin)
