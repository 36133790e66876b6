"""The Sync panel's Railway connection against a real mastoc server (uvicorn in a thread on 127.0.0.1,
SQLite database): log in with a wrong then the right password, log out, an unreachable server."""

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

from mastoc.server.app import create_app  # noqa: E402
from mastoc.server.config import Settings  # noqa: E402
from mastoc.sync import operations as ops  # noqa: E402
from tests.server.conftest import SECRET, sqlite_template  # noqa: E402,F401

EMAIL = "climber@example.org"
PASSWORD = "password-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def server_url(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:  # noqa: F811
    import shutil

    import requests

    db = tmp_path / "server.db"
    shutil.copyfile(sqlite_template, db)
    app: Any = create_app(Settings(database_url=f"sqlite:///{db}", secret_key=SECRET, data_dir=tmp_path / "srv"),
                          run_migrations=False)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    r = requests.post(f"{url}/api/auth/register", json={"email": EMAIL, "username": "climber", "password": PASSWORD,
                                                        "full_name": "Climber"}, timeout=10)
    assert r.status_code == 201, r.text
    yield url
    server.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()


def test_railway_login_wrong_then_right_then_logout(qtbot, data_dir: Path, server_url: str, make_panel):
    panel = make_panel(data_dir, op="railway-sync", backend="railway")
    assert panel.conn_title.text() == "Railway (mastoc server)"
    assert "not logged in" in panel.conn_label.text()
    panel.open_login()
    dlg = panel.login_dialog
    dlg.url.setText(server_url)
    dlg.username.setText(EMAIL)
    dlg.password.setText("wrong-password")
    dlg.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "Logging" not in dlg.error.text(), timeout=15_000)
    assert dlg.error.text() == "Wrong password (or user name). Log in again."
    dlg.password.setText(PASSWORD)
    with qtbot.waitSignal(panel.statusLoaded, timeout=15_000):
        dlg.buttons.accepted.emit()
    assert f"logged in as <b>{EMAIL}</b>" in panel.conn_label.text() and server_url in panel.conn_label.text()
    st = ops.status("railway", data_dir)
    assert st.logged_in and st.account == EMAIL
    assert panel.logout_btn.isEnabled()
    with qtbot.waitSignal(panel.statusLoaded, timeout=10_000):
        panel.logout_btn.click()
    assert "not logged in" in panel.conn_label.text()
    assert not ops.status("railway", data_dir).logged_in


def test_railway_unreachable_in_plain_words(qtbot, data_dir: Path, make_panel):
    panel = make_panel(data_dir, op="railway-sync", backend="railway")
    panel.open_login()
    dlg = panel.login_dialog
    dlg.url.setText(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    dlg.username.setText(EMAIL)
    dlg.password.setText(PASSWORD)
    dlg.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "unreachable" in dlg.error.text(), timeout=60_000)
    assert dlg.error.text().startswith("The mastoc server is unreachable")
    dlg.reject()
