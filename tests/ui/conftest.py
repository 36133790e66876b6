"""UI test fixtures: Qt warnings fail the test; holds of the real face loaded straight from the fixture."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from mastoc.domain.models import Hold  # noqa: E402

REAL_FACE = "61b42d14-c629-434a-8827-801512151a18"
# Said by Qt's offscreen platform plugin itself when a top-level window is shown (not by our code).
_PLATFORM_NOISE = {"This plugin does not support propagateSizeHints()"}


@pytest.fixture(autouse=True)
def _qt_warnings_fail(request: pytest.FixtureRequest):
    """Any Qt warning (or worse) emitted during a UI test fails it (pytest-qt's message handler)."""
    if "qtlog" not in request.fixturenames and "qtbot" not in request.fixturenames:
        yield
        return
    qtlog = request.getfixturevalue("qtlog")
    yield
    from PySide6.QtCore import QtMsgType

    bad = [r.message for r in qtlog.records
           if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
           and r.message not in _PLATFORM_NOISE]
    assert not bad, f"Qt warnings: {bad}"


def holds_from_setup(path: Path, face_id: str = REAL_FACE) -> list[Hold]:
    """Hold objects from a Stokt face-setup JSON (what the store would give back)."""
    setup = json.loads(path.read_text(encoding="utf-8"))
    return [
        Hold(
            id=f"hold-{h['id']}",
            face_id=face_id,
            num=int(h["id"]),
            stokt_id=int(h["id"]),
            polygon_str=h.get("polygonStr", ""),
            area=h.get("area"),
            touch_polygon_str=h.get("touchPolygonStr", ""),
            path_str=h.get("pathStr", ""),
            centroid_str=h.get("centroidStr", ""),
            top_polygon_str=h.get("topPolygonStr", ""),
            center_tape_str=h.get("centerTapeStr", ""),
            left_tape_str=h.get("leftTapeStr", ""),
            right_tape_str=h.get("rightTapeStr", ""),
        )
        for h in setup["holds"]
    ]


@pytest.fixture(scope="session")
def setup_json(fixtures_dir: Path) -> dict:
    return json.loads((fixtures_dir / "face_setup.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def real_holds(fixtures_dir: Path) -> list[Hold]:
    return holds_from_setup(fixtures_dir / "face_setup.json")


@pytest.fixture(scope="session")
def real_climbs(fixtures_dir: Path) -> list[dict]:
    out: list[dict] = []
    for n in range(1, 12):
        out.extend(json.loads((fixtures_dir / f"climbs_page_{n}.json").read_text(encoding="utf-8"))["results"])
    return out


@pytest.fixture(scope="session")
def real_store_template(tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path) -> Path:
    """A data directory with the real fixtures loaded through the normal Stokt backup loader."""
    from mastoc.store.db import Store
    from mastoc.sync.backup import load_backup

    d = tmp_path_factory.mktemp("real-store")
    with Store.open(d) as st:
        report = load_backup(st, [fixtures_dir])
        assert not report.problems, report.problems
    return d


@pytest.fixture()
def real_data_dir(real_store_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the real store (tests may change preferences or data)."""
    import shutil

    d = tmp_path / "real"
    shutil.copytree(real_store_template, d)
    monkeypatch.setenv("MASTOC_DATA_DIR", str(d))
    return d


@pytest.fixture()
def open_window(qtbot):
    """Factory: a MainWindow on a data directory, started and waited for (face + first page)."""
    from mastoc.store.db import Store
    from mastoc.ui.main_window import MainWindow

    opened = []

    def make(directory: Path, size=(1280, 800)):
        st = Store.open(directory)
        w = MainWindow(st)
        qtbot.addWidget(w)
        w.resize(*size)
        with qtbot.waitSignal(w.ready, timeout=20_000):
            w.show()
            w.start()
        opened.append((w, st))
        return w

    yield make
    for w, st in opened:
        w.tasks.wait(10_000)
        st.close()


def wait_idle(qtbot, window) -> None:
    """Wait until the window's background tasks have delivered."""
    qtbot.waitUntil(lambda: window.tasks.pending() == 0, timeout=20_000)
