"""The command-line contract of `mastoc climb show|edit|delete` and `mastoc stokt push` with updates
and deletions (`--all`, `--delete-remote`, `--preview`, `--json`), in-process against the stand-in."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mastoc.cli import main
from mastoc.cli.errors import EXIT_ERROR, EXIT_NOT_FOUND, EXIT_USAGE
from tests.stokt.standin import FACE_ID, StoktStandin


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str,
        stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def imported(standin: StoktStandin, data_dir: Path, capsys, monkeypatch) -> StoktStandin:
    monkeypatch.delenv("MASTOC_STOKT_URL", raising=False)
    code, _out, err = run(capsys, monkeypatch, "stokt", "login", "--base-url", standin.url, "--username",
                          standin.username, "--password-stdin", stdin=standin.password + "\n")
    assert code == 0, err
    assert run(capsys, monkeypatch, "stokt", "import")[0] == 0
    return standin


def _someone_elses(capsys, monkeypatch) -> dict:
    code, out, _ = run(capsys, monkeypatch, "climbs", "--limit", "1", "--json")
    return json.loads(out)["climbs"][0]


def test_add_show_edit_push_delete(imported: StoktStandin, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "climb", "add", "--face", FACE_ID, "--holds",
                         "S829284 O829309 F829104 T829220", "--name", "Mon bloc", "--grade", "V3")
    assert code == 0, err
    cid = out.strip()
    code, out, _ = run(capsys, monkeypatch, "climb", "show", cid, "--json")
    shown = json.loads(out)
    assert shown["state"] == "local only" and shown["grades"] == {"font": "6A+", "hueco": "V3", "ircra": "16.5",
                                                                  "dankyu": "4Q"}
    assert {"hold": 829104, "role": "feet"} in shown["holds"] and shown["set_by_me"] is True
    assert run(capsys, monkeypatch, "stokt", "push", cid)[0] == 0
    code, out, _ = run(capsys, monkeypatch, "climb", "show", cid)
    assert code == 0 and "state:  pushed" in out
    stokt_id = json.loads(run(capsys, monkeypatch, "climb", "show", cid, "--json")[1])["stokt_id"]

    code, out, err = run(capsys, monkeypatch, "climb", "edit", stokt_id, "--name", "Mon bloc v2", "--private")
    assert code == 0, err
    assert "changed since pushed" in out
    code, out, _ = run(capsys, monkeypatch, "stokt", "push", "--all", "--preview", "--json")
    preview = json.loads(out)
    assert preview["categories"] == {"create": 0, "update": 1, "delete": 0}
    assert preview["updates"][0]["body"] == {"name": "Mon bloc v2", "isPrivate": True} and imported.patched == []
    code, out, _ = run(capsys, monkeypatch, "stokt", "push", "--all")
    assert code == 0 and f"updated {cid} 'Mon bloc v2' on Stokt (name, is_private)" in out
    assert imported.patched == [(stokt_id, {"name": "Mon bloc v2", "isPrivate": True})]

    code, _, err = run(capsys, monkeypatch, "climb", "delete", cid)  # not a terminal, no --yes: asks to confirm
    assert code == EXIT_USAGE and "--yes" in err and err.count("\n") == 1
    code, out, _ = run(capsys, monkeypatch, "climb", "delete", cid, "--yes")
    assert code == 0 and "--delete-remote" in out
    code, out, _ = run(capsys, monkeypatch, "stokt", "push", "--all")
    assert code == 0 and "add --delete-remote" in out and imported.deleted == []
    code, out, _ = run(capsys, monkeypatch, "stokt", "push", "--all", "--delete-remote", "--json")
    assert code == 0 and json.loads(out)["deletes"][0]["status"] == "deleted" and imported.deleted == [stokt_id]
    code, _, err = run(capsys, monkeypatch, "climb", "show", cid)
    assert code == EXIT_NOT_FOUND and err.count("\n") == 1


def test_edit_refusals_are_one_line_and_change_nothing(imported: StoktStandin, capsys, monkeypatch):
    theirs = _someone_elses(capsys, monkeypatch)
    before = run(capsys, monkeypatch, "climb", "show", theirs["id"], "--json")[1]
    for argv, needle in ((["--holds", "S829284 T829220"], "read-only"),
                         (["--name", "  "], "needs a name"),
                         (["--name", "x" * 500], "at most 80"),
                         (["--grade", "12Z"], "unknown grade"),
                         ([], "nothing to change")):
        code, _, err = run(capsys, monkeypatch, "climb", "edit", theirs["id"], *argv)
        assert code == EXIT_USAGE and needle in err and err.count("\n") == 1, (argv, err)
    assert run(capsys, monkeypatch, "climb", "show", theirs["id"], "--json")[1] == before
    code, _, err = run(capsys, monkeypatch, "climb", "edit", "no-such-climb", "--name", "Other")
    assert code == EXIT_NOT_FOUND and err.count("\n") == 1


def test_pushing_an_edit_of_someone_elses_climb_reports_the_403(imported: StoktStandin, capsys, monkeypatch):
    theirs = _someone_elses(capsys, monkeypatch)
    assert run(capsys, monkeypatch, "climb", "edit", theirs["id"], "--description", "new beta")[0] == 0
    code, out, _ = run(capsys, monkeypatch, "stokt", "push", "--all")
    assert code == EXIT_ERROR and "refused" in out and "set by someone else" in out
    shown = json.loads(run(capsys, monkeypatch, "climb", "show", theirs["id"], "--json")[1])
    assert shown["state"] == "changed since pushed" and shown["changed"]["description"]["now"] == "new beta"


def test_deleting_a_climb_in_a_list_says_so_and_keeps_the_item(imported: StoktStandin, capsys, monkeypatch):
    from mastoc.domain.ids import new_id
    from mastoc.edits.climbs import deleted_climb_items
    from mastoc.store.db import Store

    theirs = _someone_elses(capsys, monkeypatch)
    item = new_id()
    with Store.open() as s, s.transaction() as c:
        c.execute("INSERT INTO climb_lists (id, name) VALUES ('l1', 'Projects')")
        c.execute("INSERT INTO list_items (id, list_id, climb_id) VALUES (?, 'l1', ?)", (item, theirs["id"]))
    code, _, err = run(capsys, monkeypatch, "climb", "delete", theirs["id"])
    assert code == EXIT_USAGE and "It is in 1 list(s): Projects (kept there, flagged)" in err and err.count("\n") == 1
    code, out, err = run(capsys, monkeypatch, "climb", "delete", theirs["id"], "--yes")
    assert code == 0 and "stays in 1 list(s) (Projects)" in err
    with Store.open() as s:
        assert [f.item_id for f in deleted_climb_items(s)] == [item]
    code, out, _ = run(capsys, monkeypatch, "stokt", "push", "--all", "--preview", "--json")
    assert json.loads(out)["categories"]["delete"] == 1
    assert run(capsys, monkeypatch, "stokt", "import")[0] == 0  # not brought back by the import
    code, _, _ = run(capsys, monkeypatch, "climb", "show", theirs["id"])
    assert code == EXIT_NOT_FOUND
