"""Railway sync fixtures: a mastoc server (uvicorn in a thread on 127.0.0.1) over a fresh real
PostgreSQL database (pgserver, the pattern of tests/server), an admin account, and "devices"
(data directories logged in to it)."""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

import uvicorn  # noqa: E402
from sqlalchemy import text  # noqa: E402

from mastoc.server.app import create_app  # noqa: E402
from mastoc.server.config import Settings  # noqa: E402
from mastoc.sync import operations as ops  # noqa: E402
from tests.server.conftest import fresh_pg_database, pg_server, pg_template  # noqa: E402,F401

SECRET = "sync-test-secret-0123456789abcdef"
EMAIL = "climber@example.org"
PASSWORD = "password-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, app: Any, port: int) -> None:
        self.app = app
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                                     lifespan="off", access_log=False))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def sql(self, statement: str, **params: Any) -> list[Any]:
        with self.app.state.engine.begin() as c:
            result = c.execute(text(statement), params)
            return list(result) if result.returns_rows else []

    def count(self, table: str) -> int:
        return int(self.sql(f"SELECT count(*) FROM {table}")[0][0])


def start_server(pg_server: Any, pg_template: str, data: Path) -> LiveServer:  # noqa: F811
    """A server on a fresh database with the admin account EMAIL / PASSWORD."""
    return start_server_on(fresh_pg_database(pg_server, pg_template), data)


def start_server_on(url: str, data: Path, prepare: Any = None) -> LiveServer:
    """A server on the (migrated, empty) database `url`, with the admin account EMAIL / PASSWORD;
    `prepare(app)` may change the app before it starts."""
    settings = Settings(database_url=url, secret_key=SECRET, data_dir=data)
    app = create_app(settings, run_migrations=False)
    if prepare is not None:
        prepare(app)
    live = LiveServer(app, free_port()).start()
    register(live.url, EMAIL, "climber", PASSWORD, "Climber")
    live.sql("UPDATE users SET role = 'admin' WHERE email = :e", e=EMAIL)
    return live


def register(url: str, email: str, username: str, password: str, full_name: str) -> None:
    """Create an account on the live server, as a new user does."""
    import requests

    r = requests.post(f"{url}/api/auth/register", json={"email": email, "username": username, "password": password,
                                                        "full_name": full_name}, timeout=10)
    assert r.status_code == 201, r.text


@pytest.fixture()
def server(pg_server: Any, pg_template: str, tmp_path: Path) -> Iterator[LiveServer]:  # noqa: F811
    live = start_server(pg_server, pg_template, tmp_path / "server-data")
    yield live
    live.stop()
    live.app.state.engine.dispose()


def device(tmp_path: Path, name: str, server: LiveServer) -> Path:
    d = tmp_path / name
    d.mkdir()
    ops.login("railway", EMAIL, PASSWORD, url=server.url, data_dir=d)
    return d


def sync(d: Path, **kwargs: Any) -> tuple[ops.Preview, ops.RunReport]:
    pv = ops.preview(ops.Op.RAILWAY_SYNC, d)
    return pv, ops.run(pv, d, **kwargs)
