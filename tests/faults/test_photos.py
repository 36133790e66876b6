"""Issue 9 §2: a photo is accepted only if it decodes completely; a face's good photo is never swapped
silently for a damaged one or one of other dimensions (backup, Stokt, any `write_image` caller)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from mastoc.cli import main
from mastoc.store import images
from mastoc.store.db import Store
from mastoc.sync.backup import load_backup


def _truncated(fixtures_dir: Path) -> bytes:
    return (fixtures_dir / "wall_full.jpg").read_bytes()[:300 * 1024]


def test_truncated_jpeg_with_intact_header_is_refused(fixtures_dir: Path, tmp_path: Path) -> None:
    data = _truncated(fixtures_dir)
    with Image.open(io.BytesIO(data)) as im:  # the header still says 2263x3000
        assert im.size == (2263, 3000)
    with pytest.raises(images.ImageError, match="damaged"):
        images.dimensions(data)
    with pytest.raises(images.ImageError):
        images.write_image(tmp_path / "img", data)
    assert not (tmp_path / "img").exists() or not list((tmp_path / "img").iterdir())


def test_load_backup_reports_a_truncated_photo_and_keeps_the_good_one(fixtures_dir: Path, tmp_path: Path,
                                                                      data_dir: Path, capsys) -> None:
    assert main(["stokt", "load-backup", str(fixtures_dir)]) == 0
    with Store.open(data_dir) as store:
        good = store.faces()[0].picture_sha256
    backup = tmp_path / "backup"
    shutil.copytree(fixtures_dir, backup)
    (backup / "wall_full.jpg").write_bytes(_truncated(fixtures_dir))
    capsys.readouterr()
    assert main(["stokt", "load-backup", str(backup)]) == 1
    err = capsys.readouterr().err
    assert "wall_full.jpg" in err and "damaged image" in err and "photo skipped" in err
    with Store.open(data_dir) as store:
        face = store.faces()[0]
        assert face.picture_sha256 == good
        assert store.image_path(good).read_bytes() == (fixtures_dir / "wall_full.jpg").read_bytes()
        report = load_backup(store, [backup])
        assert any("wall_full.jpg" in p for p in report.problems)


def test_replacement_of_other_dimensions_is_worded() -> None:
    assert images.replacement_warning((2263, 3000), (2263, 3000), "face F") is None
    assert images.replacement_warning(None, (10, 10), "face F") is None
    text = images.replacement_warning((2263, 3000), (1131, 1500), "face F")
    assert text and "1131x1500" in text and "2263x3000" in text


def test_stokt_photo_of_other_dimensions_is_reported(store_dir: Path, fixtures_dir: Path) -> None:
    from mastoc.backends.stokt.client import StoktClient
    from mastoc.sync.stokt_import import run_import
    from tests.stokt.conftest import FAST
    from tests.stokt.standin import FACE_ID, StoktStandin

    with StoktStandin(fixtures_dir) as s, StoktClient(s.url, config=FAST) as client, Store.open(store_dir) as store:
        client.login(s.username, s.password)
        run_import(store, client)
        setup = s.setups[FACE_ID]
        name = setup["picture"]["name"]
        with Image.open(io.BytesIO(s.media[name])) as im:
            out = io.BytesIO()
            im.resize((im.width // 2, im.height // 2)).save(out, "JPEG")
        new_name = name.replace(".jpg", "-v2.jpg") if name.endswith(".jpg") else name + "2"
        setup["picture"]["name"] = new_name
        s.media[new_name] = out.getvalue()
        plan = run_import(store, client)
        assert any("1131x1500" in w and "2263x3000" in w for w in plan.warnings), plan.warnings
        # a truncated new photo is refused and the good one kept
        before = store.face(FACE_ID).picture_sha256
        setup["picture"]["name"] = new_name.replace("-v2", "-v3")
        s.media[setup["picture"]["name"]] = _truncated(fixtures_dir)
        plan = run_import(store, client)
        assert any("damaged image" in p for p in plan.problems), plan.problems
        assert store.face(FACE_ID).picture_sha256 == before


@pytest.fixture()
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"
