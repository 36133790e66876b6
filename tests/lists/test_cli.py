"""`mastoc list …` as written in the issue: create, add (twice refused), move, status, show, ls,
export → import into a second store, missing climbs, bad input, print, delete."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from mastoc.cli import main
from mastoc.store.db import Store

from .conftest import climb_ids


def run(capsys: pytest.CaptureFixture[str], store_dir: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(store_dir), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _state(store_dir: Path) -> list:
    with Store.open(store_dir) as s:
        return [tuple(r) for t in ("climb_lists", "list_items") for r in s.conn.execute(f"SELECT * FROM {t} ORDER BY id")]


@pytest.fixture()
def three(store_dir: Path) -> list[str]:
    with Store.open(store_dir) as s:
        ids = climb_ids(s, 3)
        return [ids[0], s.conn.execute("SELECT stokt_id FROM climbs WHERE id = ?", (ids[1],)).fetchone()[0], ids[2]]


def test_cli_round(capsys: pytest.CaptureFixture[str], store_dir: Path, three: list[str], tmp_path: Path,
                   loaded_template: Path) -> None:
    code, out, _ = run(capsys, store_dir, "list", "create", "Winter circuit", "--type", "circuit",
                       "--description", "blue tape", "--public")
    assert code == 0 and "Winter circuit" in out
    assert run(capsys, store_dir, "list", "add", "Winter circuit", *three)[0] == 0
    before = _state(store_dir)
    code, _, err = run(capsys, store_dir, "list", "add", "Winter circuit", three[1])
    assert code != 0 and "is already in the list Winter circuit" in err and len(err.strip().splitlines()) == 1
    assert _state(store_dir) == before
    assert run(capsys, store_dir, "list", "move", "Winter circuit", three[2], "1")[0] == 0
    assert run(capsys, store_dir, "list", "status", "Winter circuit", three[0], "done")[0] == 0
    code, out, _ = run(capsys, store_dir, "list", "show", "Winter circuit", "--json")
    shown = json.loads(out)
    assert [i["position"] for i in shown["items"]] == [1, 2, 3]
    assert shown["items"][0]["climb_id"] == three[2]
    assert shown["items"][1]["status"] == "done" and shown["items"][2]["stokt_id"] == three[1]
    assert (shown["list_type"], shown["is_public"], shown["done"]) == ("circuit", True, 1)
    code, out, _ = run(capsys, store_dir, "list", "ls", "--json")
    assert [x["name"] for x in json.loads(out)] == ["Winter circuit"]
    code, out, _ = run(capsys, store_dir, "list", "show", shown["id"])
    assert code == 0 and "1/3 done" in out

    # export -> import into a second store, twice
    with Store.open(store_dir) as s:
        from mastoc.edits import lists as ops
        ops.set_notes(s, shown["id"], three[2], "heel hook on 12")
    f = tmp_path / "circuit.json"
    assert run(capsys, store_dir, "list", "export", "Winter circuit", str(f))[0] == 0
    other = tmp_path / "other"
    shutil.copytree(loaded_template, other)
    for _ in range(2):
        code, out, err = run(capsys, other, "list", "import", str(f))
        assert code == 0, err
    code, out, _ = run(capsys, other, "list", "show", "Winter circuit", "--json")
    again = json.loads(out)
    keep = ("position", "climb_id", "stokt_id", "status", "notes", "name")
    assert [{k: i[k] for k in keep} for i in again["items"]] == [{k: i[k] for k in keep} for i in {**shown, "items": [
        {**i, "notes": "heel hook on 12" if i["climb_id"] == three[2] else i["notes"]} for i in shown["items"]]}["items"]]
    assert again["id"] == shown["id"] and len(json.loads(run(capsys, other, "list", "ls", "--json")[1])) == 1

    # a file naming a climb the store does not have: reported by name, the rest imported
    data = json.loads(f.read_text())
    data["list"]["id"] = "0b0e4a52-0000-4000-8000-000000000001"
    data["list"]["name"] = "With a ghost"
    data["items"].append({"position": 4, "status": "todo", "notes": None,
                          "climb": {"id": "ffffffff-0000-4000-8000-000000000000", "stokt_id": "nope", "name": "Ghost climb",
                                    "grade": "6A", "setter": "Nobody"}})
    g = tmp_path / "ghost.json"
    g.write_text(json.dumps(data))
    code, out, err = run(capsys, other, "list", "import", str(g))
    assert code == 0 and "missing climb: Ghost climb" in err and "3 climbs, 1 missing" in out

    # print
    pdf = tmp_path / "sheet.pdf"
    code, out, _ = run(capsys, store_dir, "list", "print", "Winter circuit", str(pdf))
    assert code == 0 and pdfium.PdfDocument(str(pdf)).get_page(0).get_textpage().get_text_range()

    # delete
    code, _, err = run(capsys, store_dir, "list", "delete", "Winter circuit")
    assert code != 0 and "--yes" in err
    assert run(capsys, store_dir, "list", "delete", "Winter circuit", "--yes")[0] == 0
    assert json.loads(run(capsys, store_dir, "list", "ls", "--json")[1]) == []


def test_cli_bad_input(capsys: pytest.CaptureFixture[str], store_dir: Path, three: list[str], tmp_path: Path) -> None:
    before = _state(store_dir)
    code, _, err = run(capsys, store_dir, "list", "create", "x" * 10_000)
    assert code == 2 and "at most 255 characters" in err and len(err) < 300
    assert _state(store_dir) == before
    run(capsys, store_dir, "list", "create", "L")
    run(capsys, store_dir, "list", "add", "L", three[0], three[1])
    before = _state(store_dir)
    code, _, err = run(capsys, store_dir, "list", "move", "L", three[0], "7")
    assert code == 2 and "position 7 is out of range; use 1 to 2" in err
    code, _, err = run(capsys, store_dir, "list", "status", "L", three[0], "sent")
    assert code == 2 and "unknown status 'sent'" in err
    code, _, err = run(capsys, store_dir, "list", "add", "L", "no-such-climb")
    assert code == 3 and "no climb 'no-such-climb'" in err
    bad = tmp_path / "bad.json"
    bad.write_text("this is { not json")
    code, _, err = run(capsys, store_dir, "list", "import", str(bad))
    assert code == 2 and "not a mastoc list file (not JSON" in err
    f = tmp_path / "l.json"
    run(capsys, store_dir, "list", "export", "L", str(f))
    data = json.loads(f.read_text())
    data["list"]["id"] = "0b0e4a52-0000-4000-8000-000000000002"
    data["gym"] = {"id": "11111111-2222-4333-8444-555555555555", "stokt_id": "other-gym", "name": "Another gym"}
    f.write_text(json.dumps(data))
    code, _, err = run(capsys, store_dir, "list", "import", str(f))
    assert code == 2 and "gym Another gym, which is not in this store" in err
    assert _state(store_dir) == before
