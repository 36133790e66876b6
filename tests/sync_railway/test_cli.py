"""The CLI contract: `mastoc railway login|sync|init-from-stokt`, `mastoc backend [use]`, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mastoc.cli import main
from mastoc.store.db import Store
from tests.sync_railway.conftest import EMAIL, PASSWORD, LiveServer, free_port
from tests.sync_railway.test_two_devices import _climb, _edit, _personal_wall


def _login(monkeypatch, d: Path, url: str | None, password: str = PASSWORD) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    argv = ["--data-dir", str(d), "railway", "login", "--username", EMAIL, "--password-stdin"]
    return main(argv + (["--url", url] if url else []))


def test_login_sync_conflict_exit_codes(tmp_path: Path, server: LiveServer, monkeypatch, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("MASTOC_RAILWAY_URL", server.url)
    assert _login(monkeypatch, a, None, "wrong-password") == 3
    assert _login(monkeypatch, a, None) == 0
    assert _login(monkeypatch, b, server.url) == 0
    out = capsys.readouterr()
    assert PASSWORD not in out.out + out.err and "logged in to" in out.out
    face, _ = _personal_wall(a)
    cid = _climb(a, face)
    assert main(["--data-dir", str(a), "railway", "sync", "--preview", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["preview"]["counts"]["climb"]["create"] == 1 and "report" not in plan
    assert main(["--data-dir", str(a), "railway", "sync"]) == 0
    assert main(["--data-dir", str(b), "railway", "sync"]) == 0
    _edit(a, cid, name="A's name")
    assert main(["--data-dir", str(a), "railway", "sync"]) == 0
    _edit(b, cid, name="B's name")
    capsys.readouterr()
    assert main(["--data-dir", str(b), "railway", "sync"]) == 5
    out = capsys.readouterr()
    err = out.err
    assert "conflict" in err and "--resolve" in err
    assert "name: at the last sync 'Garage traverse' · mine \"B's name\" · theirs \"A's name\"" in out.out
    assert main(["--data-dir", str(b), "railway", "sync", "--resolve", "theirs", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["report"]
    assert report["ok"] and report["counts"]["climb"]["resolved_theirs"] == 1
    with Store.open(b) as s:
        assert s.climb(cid).name == "A's name"


def test_no_server_fails_fast_with_network_code(tmp_path: Path, monkeypatch, capsys):
    import time

    monkeypatch.setenv("MASTOC_RAILWAY_URL", f"http://127.0.0.1:{free_port()}")
    t0 = time.monotonic()
    assert _login(monkeypatch, tmp_path / "a", None) == 4
    assert time.monotonic() - t0 < 6
    assert main(["--data-dir", str(tmp_path / "a"), "railway", "sync"]) == 3  # never logged in
    assert "login" in capsys.readouterr().err


def test_backend_show_and_use(tmp_path: Path, capsys):
    d = str(tmp_path / "d")
    assert main(["--data-dir", d, "backend"]) == 0
    assert capsys.readouterr().out.startswith("railway (")
    assert main(["--data-dir", d, "backend", "use", "stokt"]) == 0
    assert main(["--data-dir", d, "backend"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("stokt (")
    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", d, "backend", "use", "ftp"])
    assert exc.value.code == 2


def test_init_from_stokt_cli(tmp_path: Path, server: LiveServer, fixtures_dir: Path, monkeypatch, capsys):
    from tests.stokt.standin import StoktStandin

    monkeypatch.setenv("MASTOC_RAILWAY_URL", server.url)
    d = tmp_path / "a"
    with StoktStandin(fixtures_dir) as standin:
        monkeypatch.setenv("MASTOC_STOKT_URL", standin.url)
        monkeypatch.setattr("sys.stdin", io.StringIO(standin.password + "\n"))
        assert main(["--data-dir", str(d), "stokt", "login", "--username", standin.username, "--password-stdin"]) == 0
        assert _login(monkeypatch, d, None) == 0
        capsys.readouterr()
        assert main(["--data-dir", str(d), "railway", "init-from-stokt"]) == 0
        out = capsys.readouterr().out
        assert "1 face(s), 776 hold(s), 1017 climb(s)" in out
        assert main(["--data-dir", str(d), "railway", "init-from-stokt"]) == 1  # not empty any more
