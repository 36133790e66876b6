"""First start on an empty data directory shows the demo wall; `mastoc --screenshot` writes a real PNG."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from mastoc.store.db import Store
from mastoc.ui import first_start
from mastoc.ui.main_window import MainWindow
from tests.ui.conftest import wait_idle

ROOT = Path(__file__).resolve().parents[2]


def test_first_start_on_an_empty_directory_shows_the_demo_wall(qtbot, data_dir):
    setup = json.loads((first_start.demo_dir() / "demo_setup.json").read_text(encoding="utf-8"))
    climbs = json.loads((first_start.demo_dir() / "demo_climbs.json").read_text(encoding="utf-8"))["results"]
    st = Store.open(data_dir)
    assert st.faces() == []
    assert first_start.ensure_demo(st) is True
    assert first_start.ensure_demo(st) is False  # only once
    w = MainWindow(st)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.ready, timeout=20_000):
        w.show()
        w.start()
    wait_idle(qtbot, w)
    assert w.face.stokt_id == setup["id"]
    assert len(w.scene.holds) == len(setup["holds"])
    assert w.scene.sceneRect().width() == setup["picture"]["width"]
    assert w.scene.photo is not None
    assert w.welcome.isVisible()
    assert w.model.matching == len(climbs) and w.model.total == len(climbs)
    w.next_climb()
    assert w.current is not None
    assert any(i.isVisible() for i in w.scene.items_by_num.values())
    w.tasks.wait()
    w.close()
    st.close()


def test_demo_files_are_an_original_picture_in_stokt_format():
    d = first_start.demo_dir()
    img = QImage(str(d / "demo_wall.jpg"))
    setup = json.loads((d / "demo_setup.json").read_text(encoding="utf-8"))
    assert (img.width(), img.height()) == (setup["picture"]["width"], setup["picture"]["height"])
    assert (img.width(), img.height()) != (2263, 3000)  # not the Stokt photo
    keys = {"id", "area", "polygonStr", "touchPolygonStr", "pathStr", "centroidStr", "topPolygonStr",
            "centerTapeStr", "rightTapeStr", "leftTapeStr"}
    assert all(set(h) == keys for h in setup["holds"])
    climbs = json.loads((d / "demo_climbs.json").read_text(encoding="utf-8"))["results"]
    assert 24 <= len(climbs) <= 100
    ids = {h["id"] for h in setup["holds"]}
    for c in climbs:
        assert all(int(tok[1:]) in ids for tok in c["holdsList"].split())


def _run_cli(args: list[str], data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "mastoc", "--data-dir", str(data), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_screenshot_of_a_climb_on_the_real_wall_is_a_real_png(real_data_dir, tmp_path):
    out = tmp_path / "shots" / "climb.png"
    r = _run_cli(["--screenshot", str(out), "--climb", "82861103-b552-4b5d-99fd-8519ed905809", "--size", "1280x800"],
                 real_data_dir)
    assert r.returncode == 0, r.stderr
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1280, 800)
    colours = {img.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)}
    assert len(colours) > 200  # a photo and widgets, not a blank window
    # somewhere on the left half (the wall) a start-green and a top-red outline pixel
    def found(rgb, tol=60):
        er, eg, eb = rgb
        for x in range(0, 760, 2):
            for y in range(40, 790, 2):
                c = QColor(img.pixel(x, y))
                if abs(c.red() - er) + abs(c.green() - eg) + abs(c.blue() - eb) < tol:
                    return True
        return False
    assert found((0x2f, 0xd3, 0x5a))
    assert found((0xff, 0x3b, 0x30))
    # the user's preferences were not touched by the screenshot run
    assert not (real_data_dir / "ui-settings.ini").exists()


def test_screenshot_errors_are_one_line_with_exit_codes(real_data_dir, tmp_path):
    r = _run_cli(["--screenshot", str(tmp_path / "x.png"), "--climb", "no-such-climb"], real_data_dir)
    assert r.returncode == 6
    assert r.stderr.strip() == "mastoc: no climb no-such-climb"
    r = _run_cli(["--screenshot", str(tmp_path / "x.png"), "--size", "huge"], real_data_dir)
    assert r.returncode == 2
    assert "--size" in r.stderr and "Traceback" not in r.stderr


def test_loading_a_stokt_backup_from_the_demo_switches_to_the_real_wall(qtbot, data_dir, fixtures_dir):
    st = Store.open(data_dir)
    first_start.ensure_demo(st)
    w = MainWindow(st)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.ready, timeout=20_000):
        w.show()
        w.start()
    assert w.welcome.isVisible()
    reports: list = []
    with qtbot.waitSignal(w.faceLoaded, timeout=30_000):
        w.load_backup([str(fixtures_dir)], on_done=reports.append)
    wait_idle(qtbot, w)
    assert reports and reports[0].counts["climbs"]["new"] == 1017
    assert w.face.stokt_id == "61b42d14-c629-434a-8827-801512151a18"
    assert len(w.scene.holds) == 776
    assert not w.welcome.isVisible()
    assert w.model.total == 1017
    w.tasks.wait()
    w.close()
    st.close()


def test_screenshot_on_a_hidpi_screen_has_twice_the_pixels(real_data_dir, tmp_path):
    out = tmp_path / "hidpi.png"
    env_scale = {"QT_SCALE_FACTOR": "2"}
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), **env_scale}
    r = subprocess.run([sys.executable, "-m", "mastoc", "--data-dir", str(real_data_dir), "--screenshot", str(out),
                        "--size", "800x600"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1600, 1200)


def test_without_a_display_the_app_says_so_and_screenshots_still_work(real_data_dir, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    base = [sys.executable, "-m", "mastoc", "--data-dir", str(real_data_dir)]
    r = subprocess.run(base, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and r.stderr.startswith("mastoc: no display")
    out = tmp_path / "headless.png"
    r = subprocess.run([*base, "--screenshot", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert QImage(str(out)).width() == 1280


def test_a_damaged_store_is_reported_in_one_line(tmp_path):
    d = tmp_path / "broken"
    d.mkdir()
    (d / "mastoc.sqlite3").write_bytes(b"this is not a database" * 100)
    r = _run_cli(["--screenshot", str(tmp_path / "x.png")], d)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mastoc: ") and "Traceback" not in r.stderr
    assert not (tmp_path / "x.png").exists()
