"""The store file: pragmas, schema version, migrations from empty and from the previous version,
atomic migration, corruption detection, read-only opening, images written atomically."""

from __future__ import annotations

import hashlib
import io
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from mastoc.store import images, schema
from mastoc.store.db import Store, StoreCorruptError, StoreError, StoreReadOnlyError


def test_new_store_has_latest_schema_and_pragmas(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        assert store.schema_version() == schema.latest_version()
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for name in ("gyms", "faces", "holds", "climbs", "users", "climb_lists", "list_items",
                 "hold_annotations", "id_mappings", "climb_holds", "walls", "images", "sync_runs", "tombstones"):
        assert name in tables


def test_seed_column_names(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        cols = {r[1] for r in store.conn.execute("PRAGMA table_info(climbs)")}
        hold_cols = {r[1]: r[2] for r in store.conn.execute("PRAGMA table_info(holds)")}
    for c in ("id", "stokt_id", "holds_list", "grade_font", "grade_ircra", "is_private", "source", "created_at",
              "synced_at", "personal_notes", "personal_rating", "is_project"):
        assert c in cols
    assert hold_cols["stokt_id"] == "INTEGER"


def _v1_file(directory: Path) -> None:
    """A store file at schema version 1 with one face, two holds and a climb, as an older mastoc wrote it."""
    directory.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(directory / "mastoc.sqlite3", isolation_level=None)
    conn.execute("BEGIN")
    schema.MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO gyms (id, display_name) VALUES ('g', 'Gym')")
    conn.execute("INSERT INTO faces (id, gym_id, picture_path) VALUES ('f', 'g', 'p.jpg')")
    conn.execute("INSERT INTO holds (id, face_id, num, stokt_id, polygon_str) VALUES ('h1', 'f', 11, 11, '0,0 1,0 1,1')")
    conn.execute("INSERT INTO holds (id, face_id, num, stokt_id, polygon_str) VALUES ('h2', 'f', 12, 12, '0,0 1,0 1,1')")
    conn.execute("INSERT INTO climbs (id, face_id, name, holds_list) VALUES ('c', 'f', 'Old', 'S11 O12 T12')")
    conn.execute("COMMIT")
    conn.close()


def test_migration_from_previous_version_backfills_the_hold_index(tmp_path: Path) -> None:
    _v1_file(tmp_path)
    with Store.open(tmp_path) as store:
        assert store.schema_version() == schema.latest_version()
        pairs = sorted(tuple(r) for r in store.conn.execute("SELECT hold_num, role, climb_id FROM climb_holds"))
        assert pairs == [(11, "S", "c"), (12, "O", "c"), (12, "T", "c")]
        assert store.climb("c").name == "Old"


def test_failed_migration_leaves_old_version_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _v1_file(tmp_path)

    def broken(conn: sqlite3.Connection) -> None:
        schema.MIGRATIONS[1](conn)  # does real work first ...
        raise RuntimeError("crash in the middle of a migration")

    monkeypatch.setattr(schema, "MIGRATIONS", [schema.MIGRATIONS[0], broken])
    with pytest.raises(RuntimeError):
        Store.open(tmp_path)
    conn = sqlite3.connect(tmp_path / "mastoc.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "climb_holds" not in tables
    assert conn.execute("SELECT name FROM climbs").fetchall() == [("Old",)]
    conn.close()
    monkeypatch.undo()
    with Store.open(tmp_path) as store:  # and a good mastoc migrates it later
        assert store.schema_version() == schema.latest_version()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.conn.execute(f"PRAGMA user_version = {schema.latest_version() + 5}")
    with pytest.raises(StoreError, match="newer mastoc"):
        Store.open(tmp_path)


def test_corrupt_file_is_detected(tmp_path: Path) -> None:
    (tmp_path / "mastoc.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreCorruptError):
        Store.open(tmp_path, check=True)


def test_damaged_pages_fail_quick_check(loaded_template: Path, tmp_path: Path) -> None:
    import shutil

    d = tmp_path / "damaged"
    shutil.copytree(loaded_template, d)
    db = d / "mastoc.sqlite3"
    with Store.open(d) as s:  # fold the WAL into the main file first
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(page * 3, min(len(data), page * 40), page):
        data[offset + 100: offset + 400] = b"\xa5" * 300
    db.write_bytes(bytes(data))
    with pytest.raises(StoreCorruptError):
        Store.open(d, check=True)


def test_read_only_store_refuses_writes(loaded_template: Path) -> None:
    with Store.open(loaded_template, readonly=True) as store:
        assert store.counts()["climbs"] == 1017
        with pytest.raises(StoreReadOnlyError), store.transaction():
            pass


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        with pytest.raises(ValueError), store.transaction() as c:
            c.execute("INSERT INTO gyms (id, display_name) VALUES ('g', 'G')")
            raise ValueError("boom")
        assert store.counts()["gyms"] == 0


def _jpeg(size: tuple[int, int] = (40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buf, "JPEG")
    return buf.getvalue()


def test_images_are_content_addressed_and_verified(tmp_path: Path) -> None:
    data = _jpeg()
    with Store.open(tmp_path) as store:
        sha = store.put_image(data)
        assert sha == hashlib.sha256(data).hexdigest()
        path = store.image_path(sha)
        assert path is not None and path.read_bytes() == data and path.name.startswith(sha)
        assert store.counts()["images"] == 1
        # a truncated copy with the good hash is refused and the good file stays
        with pytest.raises(images.ImageError):
            store.put_image(data[:-100], expected_sha256=sha)
        assert path.read_bytes() == data
        with pytest.raises(images.ImageError, match="not an image"):
            store.put_image(b"<html>not an image</html>")
        leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(".incoming")]
        assert leftovers == []


def test_image_with_wrong_length_is_refused(tmp_path: Path) -> None:
    data = _jpeg()
    with pytest.raises(images.ImageError, match="truncated"):
        images.write_image(tmp_path, data, expected_size=len(data) + 1)
    assert list(tmp_path.iterdir()) == []


def test_backup_while_another_connection_writes(loaded_template: Path, tmp_path: Path) -> None:
    import shutil
    import threading

    d = tmp_path / "live"
    shutil.copytree(loaded_template, d)
    stop = threading.Event()

    def writer() -> None:
        with Store.open(d) as w:
            i = 0
            while not stop.is_set():
                with w.transaction() as c:
                    c.execute("UPDATE climbs SET personal_notes = ? WHERE rowid = ?", (f"n{i}", i % 1000 + 1))
                i += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        with Store.open(d) as store:
            copy = store.backup_to(tmp_path / "copy.sqlite3")
    finally:
        stop.set()
        t.join()
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM climbs").fetchone()[0] == 1017
    conn.close()
    with pytest.raises(StoreError, match="already exists"), Store.open(d) as store:
        store.backup_to(copy)


def test_two_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    import threading

    Store.open(tmp_path).close()
    errors: list[BaseException] = []

    def add(prefix: str) -> None:
        try:
            with Store.open(tmp_path) as s:
                for i in range(50):
                    with s.transaction() as c:
                        c.execute("INSERT INTO gyms (id, display_name) VALUES (?, 'g')", (f"{prefix}{i}",))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(p,)) for p in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store.open(tmp_path) as s:
        assert s.counts()["gyms"] == 100
