"""The command line contract of the Foundation: status, climbs, stokt load-backup, --version, --help,
and one-line errors with non-zero exit codes (run as a real subprocess, like a user would)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mastoc import __version__


def run(data: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MASTOC_DATA_DIR=str(data), PYTHONPATH=str(Path(__file__).resolve().parents[1]),
               MASTOC_BUSY_TIMEOUT_MS="300")
    return subprocess.run([sys.executable, "-m", "mastoc", *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=120)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path) -> Path:
    d = tmp_path_factory.mktemp("cli")
    r = run(d, "stokt", "load-backup", str(fixtures_dir))
    assert r.returncode == 0, r.stderr
    assert "1017 new" in r.stdout
    return d


def test_version_and_help(tmp_path: Path) -> None:
    r = run(tmp_path, "--version")
    assert r.returncode == 0 and __version__ in r.stdout
    for cmd in (["status"], ["climbs"], ["stokt", "load-backup"]):
        r = run(tmp_path, *cmd, "--help")
        assert r.returncode == 0 and "usage: mastoc" in r.stdout


def test_status_json(loaded: Path) -> None:
    r = run(loaded, "status", "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["counts"]["climbs"] == 1017 and info["counts"]["holds"] == 776
    assert info["schema_version"] >= 2 and info["data_dir"] == str(loaded)
    assert info["faces"][0]["photo"] is True


def test_data_dir_option_overrides_environment(loaded: Path, tmp_path: Path) -> None:
    r = run(tmp_path / "elsewhere", "--data-dir", str(loaded), "status", "--json")
    assert json.loads(r.stdout)["counts"]["climbs"] == 1017


def test_climbs_search_json(loaded: Path) -> None:
    r = run(loaded, "climbs", "--grade-min", "6A", "--grade-max", "6C", "--hold", "S829284", "--limit", "0", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["face_total"] == 1017 and out["total"] == len(out["climbs"]) > 0
    for c in out["climbs"]:
        assert c["grade_font"] in {"6A", "6A+", "6B", "6B+", "6C"}
        assert "S829284" in c["holds_list"].split()
    hueco = json.loads(run(loaded, "climbs", "--grade-min", "V4", "--grade-max", "V4", "--limit", "0", "--json").stdout)
    assert hueco["total"] > 0 and all(17.75 <= c["grade_ircra"] < 19.0 for c in hueco["climbs"])


def test_climbs_table_and_count(loaded: Path) -> None:
    r = run(loaded, "climbs", "--benchmark", "--sort", "grade")
    assert r.returncode == 0
    assert r.stdout.strip().splitlines()[-1].startswith("20 of 1,017 climbs")


def test_reload_is_a_no_op(loaded: Path, fixtures_dir: Path) -> None:
    r = run(loaded, "stokt", "load-backup", str(fixtures_dir), "--json")
    assert r.returncode == 0
    assert json.loads(r.stdout)["changed"] == 0


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["climbs", "--grade-min", "9Z"], "unknown grade", 2),
        (["climbs", "--face", "nope"], "unknown face", 6),
        (["climbs", "--hold", "Q12"], "bad hold", 2),
        (["stokt", "load-backup", "/does/not/exist"], "no such file", 1),
        (["climbs", "--sort", "bogus"], "invalid choice", 2),
    ],
)
def test_expected_errors_are_one_line(loaded: Path, args: list[str], message: str, code: int) -> None:
    r = run(loaded, *args)
    assert r.returncode == code
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_json_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "page.json"
    bad.write_text('{"count": 3, "results": [', "utf-8")
    r = run(tmp_path / "data", "stokt", "load-backup", str(bad))
    assert r.returncode == 1 and "page.json" in r.stderr and "Traceback" not in r.stderr


def test_locked_database_is_a_clear_error(loaded: Path, fixtures_dir: Path) -> None:
    conn = sqlite3.connect(loaded / "mastoc.sqlite3", isolation_level=None, timeout=0.1)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        env_timeout = run(loaded, "stokt", "load-backup", str(fixtures_dir / "gym_summary.json"))
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    assert env_timeout.returncode == 1
    assert "busy" in env_timeout.stderr and "Traceback" not in env_timeout.stderr


def test_empty_store_climbs_says_what_to_do(tmp_path: Path) -> None:
    r = run(tmp_path, "climbs")
    assert r.returncode == 6 and "load a backup" in r.stderr


def test_climbs_text_ignores_accents_and_case(loaded: Path) -> None:
    """Issue 9 §5: `mastoc climbs --text` finds accented names typed without accents, in any case."""
    names = {}
    for text in ("echouffe", "ÉCHOUFFE", "seance", "SÉANCE"):
        r = run(loaded, "climbs", "--text", text, "--limit", "0", "--json")
        assert r.returncode == 0, r.stderr
        names[text] = {c["name"] for c in json.loads(r.stdout)["climbs"]}
    assert "Échouffe" in names["echouffe"] and names["echouffe"] == names["ÉCHOUFFE"]
    assert "Séance De Fin De Bloc" in names["seance"] and names["seance"] == names["SÉANCE"]
