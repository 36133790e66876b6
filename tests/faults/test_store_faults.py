"""Issue 9 §4: store faults end in one clear line and a consistent store.

Disk full (SQLite's `max_page_count` caps the file where it is), a read-only data directory or file
(opened read-only, said once, browsing works; the tests run the CLI as an unprivileged user when they
run as root, since root ignores permission bits), and pages damaged in the middle of the file (no
write, one line, no traceback)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mastoc.cli import main
from mastoc.store import db
from mastoc.store.db import Store
from tests.stokt.standin import FACE_ID

ROOT = Path(__file__).resolve().parents[2]
ADD = ["climb", "add", "--face", FACE_ID, "--holds", "S829284 O829309 T829220", "--name", "Full disk",
       "--grade", "6A"]


@pytest.fixture()
def loaded(data_dir: Path, fixtures_dir: Path, capsys) -> Path:
    assert main(["stokt", "load-backup", str(fixtures_dir)]) == 0
    capsys.readouterr()
    return data_dir


def _fill(data_dir: Path) -> None:
    """Fill every page the file has, so that the next write needs a new page."""
    conn = sqlite3.connect(data_dir / "mastoc.sqlite3", isolation_level=None)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    conn.execute("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
    try:
        while True:
            conn.execute("INSERT INTO filler VALUES (zeroblob(64))")
    except sqlite3.OperationalError as exc:
        assert "full" in str(exc)
    conn.close()


@pytest.fixture()
def disk_full(loaded: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _fill(loaded)
    real = db._connect

    def capped(target: str, uri: bool = False) -> sqlite3.Connection:
        conn = real(target, uri)
        conn.execute("PRAGMA max_page_count = 1")  # clamps to the current size: no page can be added
        return conn

    monkeypatch.setattr(db, "_connect", capped)
    return loaded


def _climb_count(data_dir: Path) -> int:
    conn = sqlite3.connect(data_dir / "mastoc.sqlite3")
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        return conn.execute("SELECT count(*) FROM climbs").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("argv", [ADD, ["stokt", "load-backup", "FIXTURES"]], ids=["climb-add", "load-backup"])
def test_disk_full_is_one_line_and_changes_nothing(disk_full: Path, fixtures_dir: Path, tmp_path: Path,
                                                   argv: list[str], capsys) -> None:
    if "FIXTURES" in argv:  # a backup with upstream edits, so that there is something to write
        backup = tmp_path / "b"
        shutil.copytree(fixtures_dir, backup)
        page = backup / "climbs_page_1.json"
        doc = json.loads(page.read_text("utf-8"))
        for item in doc["results"]:
            item["name"] = item["name"] + " (edited upstream with a much longer name than before)"
        page.write_text(json.dumps(doc), "utf-8")
        argv = ["stokt", "load-backup", str(backup)]
    before = _climb_count(disk_full)
    code = main(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and "the disk is full" in err, err
    assert "Traceback" not in err and "no transaction is active" not in err
    assert _climb_count(disk_full) == before


def test_disk_full_during_a_stokt_import(disk_full: Path, capsys) -> None:
    from mastoc.backends import credentials
    from tests.stokt.standin import GYM_ID, StoktStandin

    fixtures = ROOT / ".." / "shared" / "stokt" / "fixtures"
    with StoktStandin(fixtures) as s:
        s.add_climb("Needs a new page")
        credentials.save(credentials.Credentials("stokt", token=s.token, base_url=s.url), disk_full)
        code = main(["stokt", "import", "--gym", GYM_ID, "--full"])
    err = capsys.readouterr().err
    lines = [x for x in err.splitlines() if x.strip()]
    assert code != 0 and len(lines) == 1 and "the disk is full" in lines[0], err
    assert _climb_count(disk_full) == 1017


# -- read-only data directory or file ----------------------------------------------------------------
@pytest.fixture()
def read_only(loaded: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """The loaded store made read-only: by permission bits, or (as root, whom permission bits do not
    stop) on a tmpfs mounted read-only; skipped where neither is possible."""
    what = request.param
    if os.geteuid() != 0:
        target = loaded / "mastoc.sqlite3" if what == "file" else loaded
        os.chmod(target, 0o444 if what == "file" else 0o555)
        yield loaded
        os.chmod(target, 0o644 if what == "file" else 0o755)
        return
    if what == "file":
        pytest.skip("root ignores a read-only file mode; the read-only mount case covers it")
    mnt = Path(tempfile.mkdtemp(prefix="mastoc-ro-"))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        with Store.open(loaded) as store:
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copytree(loaded, mnt / "data")
        for extra in ("mastoc.sqlite3-wal", "mastoc.sqlite3-shm"):
            (mnt / "data" / extra).unlink(missing_ok=True)
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        os.environ["MASTOC_DATA_DIR"] = str(mnt / "data")
        yield mnt / "data"
    finally:
        os.environ["MASTOC_DATA_DIR"] = str(loaded)
        subprocess.run(["umount", str(mnt)], capture_output=True)
        mnt.rmdir()


@pytest.mark.parametrize("read_only", ["directory", "file"], indirect=True)
def test_read_only_store_opens_read_only_for_browsing(read_only: Path, capsys) -> None:
    assert main(["status"]) == 0
    out, err = capsys.readouterr()
    assert "1,017" in out
    assert "read-only" in err and err.count("\n") == 1
    assert main(["climbs", "--limit", "3"]) == 0
    out, err = capsys.readouterr()
    assert "of 1,017 climbs" in out
    code = main(ADD)
    err = capsys.readouterr().err
    assert code != 0 and err.count("\n") == 1 and "read-only" in err and "Traceback" not in err
    with Store.open(read_only) as store:
        assert store.readonly and store.readonly_reason
        assert store.conn.execute("SELECT count(*) FROM climbs").fetchone()[0] == 1017


# -- pages damaged in the middle of the file ---------------------------------------------------------
def damage(data_dir: Path) -> None:
    """Overwrite a few pages in the middle of the store file with garbage (a bad disk sector)."""
    with Store.open(data_dir) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db_file = data_dir / "mastoc.sqlite3"
    size = db_file.stat().st_size
    with open(db_file, "r+b") as fh:
        fh.seek((size // 2) // 4096 * 4096)
        fh.write(b"\xde\xad\xbe\xef" * 4096)


def test_damaged_store_refuses_writes_in_one_line(loaded: Path, capsys) -> None:
    damage(loaded)
    size = (loaded / "mastoc.sqlite3").stat().st_size
    digest = (loaded / "mastoc.sqlite3").read_bytes()
    for argv in (ADD, ["status"], ["climbs", "--limit", "2000"]):
        code = main(argv)
        err = capsys.readouterr().err
        if argv is ADD:
            assert code != 0 and "damaged" in err, err
        if code != 0:
            assert err.count("\n") == 1 and "Traceback" not in err, err
    assert (loaded / "mastoc.sqlite3").stat().st_size == size
    assert (loaded / "mastoc.sqlite3").read_bytes() == digest
    assert stat.S_ISREG((loaded / "mastoc.sqlite3").stat().st_mode)
