"""The command-line contract of `mastoc stokt login|import|push` and `mastoc climb add`, in-process."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest

from mastoc.cli import main
from mastoc.cli.errors import EXIT_AUTH, EXIT_CONFLICT, EXIT_ERROR, EXIT_NOT_FOUND, EXIT_USAGE
from tests.stokt.standin import FACE_ID, GYM_ID, StoktStandin


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str,
        stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def logged_in(standin: StoktStandin, data_dir: Path, capsys, monkeypatch) -> StoktStandin:
    monkeypatch.delenv("MASTOC_STOKT_URL", raising=False)
    code, out, err = run(capsys, monkeypatch, "stokt", "login", "--base-url", standin.url, "--username",
                         standin.username, "--password-stdin", stdin=standin.password + "\n")
    assert code == 0, err
    assert standin.token not in out + err and standin.password not in out + err
    return standin


def test_login_stores_a_private_token(logged_in: StoktStandin, data_dir: Path):
    path = data_dir / "secrets" / "stokt.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["token"] == logged_in.token


def test_wrong_password(standin: StoktStandin, data_dir: Path, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "stokt", "login", "--base-url", standin.url, "--username",
                         standin.username, "--password-stdin", stdin="nope\n")
    assert code == EXIT_AUTH and err.count("\n") == 1 and "nope" not in err
    assert not (data_dir / "secrets" / "stokt.json").exists()


def test_import_without_login(data_dir: Path, capsys, monkeypatch):
    code, _out, err = run(capsys, monkeypatch, "stokt", "import")
    assert code == EXIT_AUTH and "login" in err


def test_preview_import_json_and_push_flow(logged_in: StoktStandin, data_dir: Path, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "stokt", "import", "--preview", "--json")
    assert code == 0
    preview = json.loads(out)
    assert preview["counts"]["new"] == 1017 and preview["preview"] is True
    code, out, _ = run(capsys, monkeypatch, "status", "--json")
    assert json.loads(out)["counts"]["climbs"] == 0  # nothing written
    code, out, _ = run(capsys, monkeypatch, "stokt", "import", "--json")
    report = json.loads(out)
    assert code == 0 and report["counts"]["new"] == 1017 and report["structure"]["holds"]["new"] == 776
    assert logged_in.token not in out
    code, out, _ = run(capsys, monkeypatch, "stokt", "import", "--json")
    assert json.loads(out)["counts"]["new"] == 0

    code, out, err = run(capsys, monkeypatch, "climb", "add", "--face", FACE_ID, "--holds",
                         "S829284 O829309 F829104 T829220", "--name", "Mon bloc", "--grade", "6A")
    assert code == 0, err
    climb_id = out.strip()
    code, out, _ = run(capsys, monkeypatch, "stokt", "push")
    assert code == 0 and "would push" in out and logged_in.posted == []
    code, out, _ = run(capsys, monkeypatch, "stokt", "push", "--all", "--preview", "--json")
    assert json.loads(out)["counts"]["to_push"] == 1 and logged_in.posted == []
    code, out, _ = run(capsys, monkeypatch, "stokt", "push", climb_id, "--json")
    pushed = json.loads(out)
    assert code == 0 and pushed["counts"]["pushed"] == 1 and logged_in.token not in out
    assert logged_in.posted[0]["holdsList"]["feetOnly"] == ["829104"]
    code, out, _ = run(capsys, monkeypatch, "stokt", "push", "--all")
    assert code == 0 and "nothing to push" in out and len(logged_in.posted) == 1


@pytest.mark.parametrize(("argv", "code", "needle"), [
    (["--face", FACE_ID, "--holds", "O829309 T829220"], EXIT_USAGE, "start"),
    (["--face", FACE_ID, "--holds", "S829284 S829285 S829286 T829220"], EXIT_USAGE, "two start"),
    (["--face", FACE_ID, "--holds", "S1 T829220"], EXIT_USAGE, "unknown hold"),
    (["--face", FACE_ID, "--holds", "S829284 X1"], EXIT_USAGE, "holds"),
    (["--face", "no-such-face", "--holds", "S829284 T829220"], EXIT_NOT_FOUND, "unknown face"),
    (["--face", FACE_ID, "--holds", "S829284 T829220", "--feet-rule", "Jumping"], EXIT_USAGE, "feet rule"),
])
def test_climb_add_validation(logged_in: StoktStandin, capsys, monkeypatch, argv, code, needle):
    assert run(capsys, monkeypatch, "stokt", "import")[0] == 0
    got, _out, err = run(capsys, monkeypatch, "climb", "add", "--name", "Bloc", "--grade", "6A", *argv)
    assert got == code and needle in err and err.count("\n") == 1
    assert run(capsys, monkeypatch, "stokt", "push", "--all")[1].strip() == "nothing to push"


def test_bad_input_exit_codes(logged_in: StoktStandin, capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "stokt", "import", "--gym", "00000000-0000-4000-8000-000000000000")
    assert code == EXIT_NOT_FOUND and err.count("\n") == 1
    code, _, err = run(capsys, monkeypatch, "stokt", "import", "--gym", "not-a-uuid")
    assert code == EXIT_USAGE
    code, out, _ = run(capsys, monkeypatch, "status", "--json")
    assert all(v == 0 for v in json.loads(out)["counts"].values())  # nothing changed
    code, _, err = run(capsys, monkeypatch, "stokt", "push", "a-climb-that-is-not-here")
    assert code == EXIT_NOT_FOUND and "nothing pushed" in err
    code, _, err = run(capsys, monkeypatch, "stokt", "push", "x", "--all")
    assert code == EXIT_USAGE


def test_expired_token_and_conflicts(logged_in: StoktStandin, capsys, monkeypatch, data_dir: Path):
    assert run(capsys, monkeypatch, "stokt", "import")[0] == 0
    target = logged_in.climb_list()[0]
    from mastoc.store.db import Store

    with Store.open(data_dir) as store, store.transaction() as c:
        c.execute("UPDATE climbs SET name = 'Mine' WHERE stokt_id = ?", (target["id"],))
    logged_in.edit_climb(target["id"], name="Theirs")
    code, out, err = run(capsys, monkeypatch, "stokt", "import")
    assert code == EXIT_CONFLICT and "conflict" in err
    code, out, err = run(capsys, monkeypatch, "stokt", "import", "--resolve", "mine")
    assert code == 0
    logged_in.revoke_tokens()
    code, _, err = run(capsys, monkeypatch, "stokt", "import", "--gym", GYM_ID)
    assert code == EXIT_AUTH and "login" in err and err.count("\n") == 1 and logged_in.token not in err


def test_push_of_climb_on_unmapped_face(logged_in: StoktStandin, capsys, monkeypatch, data_dir: Path):
    from mastoc.domain.ids import new_id
    from mastoc.domain.models import Climb, Source
    from mastoc.store.db import Store

    assert run(capsys, monkeypatch, "stokt", "import")[0] == 0
    with Store.open(data_dir) as store:
        with store.transaction() as c:
            c.execute("INSERT INTO faces (id, gym_id, picture_path, source) SELECT 'home', id, 'x.jpg', 'mastoc' "
                      "FROM gyms")
        climb = Climb(id=new_id(), face_id="home", name="Home", holds_list="S1000000001 T1000000002",
                      source=Source.MASTOC)
        store.save_climb(climb)
    code, _, err = run(capsys, monkeypatch, "stokt", "push", climb.id)
    assert code == EXIT_ERROR and "not on Stokt" in err and err.count("\n") == 1
    assert logged_in.posted == []


def test_rate_limit_wait_is_shown(logged_in: StoktStandin, capsys, monkeypatch):
    logged_in.inject("status", r"/summary", times=1, status=429, headers={"Retry-After": "1"})
    code, _out, err = run(capsys, monkeypatch, "stokt", "import", "--json")
    assert code == 0 and "rate limited (429); retrying in 1 s" in err


def test_network_failure_exit_code(logged_in: StoktStandin, capsys, monkeypatch):
    logged_in.inject("status", r"/summary", times=None, status=503)
    monkeypatch.setattr("mastoc.backends.http.Transport._backoff", lambda self, attempt: 0.0)
    code, _out, err = run(capsys, monkeypatch, "stokt", "import")
    from mastoc.cli.errors import EXIT_NETWORK

    assert code == EXIT_NETWORK and "503" in err and err.count("\n") == 1
