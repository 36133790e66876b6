"""The `mastoc wall` commands, called exactly as the issue's contract writes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mastoc.cli import main
from mastoc.store.db import Store
from tests.walls.photos import wall_photo


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_new_detect_holds_export_import(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    photo = tmp_path / "garage.jpg"
    photo.write_bytes(wall_photo(1200, 900, orientation=8, gps=True))
    code, out, err = _run(capsys, "wall", "new", str(photo), "--name", "Garage", "--feet-rule", "All feet",
                          "--feet-rule", "No feet", "--symmetric")
    assert code == 0, err
    face_id = out.strip()
    with Store.open(data_dir) as store:
        face = store.face(face_id)
        assert face.feet_rules_options == ["All feet", "No feet"] and face.has_symmetry
        assert (face.picture_width, face.picture_height) == (900, 1200)

    counts = Store.open(data_dir).counts()
    code, out, err = _run(capsys, "wall", "detect", str(photo), "--json")
    assert code == 0, err
    proposals = json.loads(out)
    assert len(proposals) == 2  # the red disc and the blue square
    assert all(set(p) == {"polygon", "score"} and len(p["polygon"]) >= 3 for p in proposals)
    assert all(0 <= x <= 900 and 0 <= y <= 1200 for p in proposals for x, y in p["polygon"])  # upright photo pixels
    # orientation 8 turns the photo 90° anticlockwise: the disc (40..120, 40..120) goes to the bottom left
    disc = max(proposals, key=lambda p: len(p["polygon"]))
    assert all(20 < x < 140 and 1200 - 140 < y < 1200 - 20 for x, y in disc["polygon"])
    assert Store.open(data_dir).counts() == counts  # no store change

    from mastoc.edits import walls

    with Store.open(data_dir) as store:
        for p in proposals:
            walls.add_hold(store, face_id, [tuple(pt) for pt in p["polygon"]])
    code, out, _ = _run(capsys, "wall", "holds", face_id, "--json")
    holds = json.loads(out)
    assert code == 0 and len(holds) == 2 and all(h["num"] >= 1_000_000_000 for h in holds)
    code, out, _ = _run(capsys, "wall", "holds", face_id)
    assert code == 0 and out.startswith("2 holds on Garage")

    target = tmp_path / "garage.mastoc"
    code, out, err = _run(capsys, "wall", "export", face_id, str(target))
    assert code == 0 and target.is_file() and "2 holds" in out, err
    other = tmp_path / "other"
    code, out, err = _run(capsys, "--data-dir", str(other), "wall", "import", str(target))
    assert code == 0 and "added 1 gym, 1 wall, 1 face, 2 holds" in out, err
    code, out, err = _run(capsys, "--data-dir", str(other), "wall", "import", str(target))
    assert code == 0 and "nothing changed" in out


def test_bad_input_is_one_line(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    code, _, err = _run(capsys, "wall", "new", str(text), "--name", "X")
    assert code == 2 and err.count("\n") == 1 and "not an image" in err
    code, _, err = _run(capsys, "wall", "detect", str(text), "--json")
    assert code == 1 and "not an image" in err
    code, _, err = _run(capsys, "wall", "new", str(tmp_path / "missing.jpg"), "--name", "X")
    assert code == 6 and "no file" in err
    code, _, err = _run(capsys, "wall", "import", str(text))
    assert code == 2 and "not a .mastoc file" in err
