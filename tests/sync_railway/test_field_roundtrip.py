"""Issue 9 §1: the Railway sync carries every field of every synced entity.

Device A imports the real fixtures from the Stokt stand-in, adds what a climber adds (a climb of
their own with tags, personal notes, an annotation, a list), and syncs with the server; device B
logs in to the same account and syncs. Then EVERY column of EVERY table of the store is compared,
row by row: a table is either synced (and then every column must be equal on A and B, unless it is
listed in DEVICE_LOCAL with the reason) or listed in LOCAL_TABLES with the reason. A table or a
column added later fails this test until it is carried or listed.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Source
from mastoc.store.db import Store
from mastoc.sync import operations as ops
from tests.server.conftest import fresh_pg_database, sqlite_template  # noqa: F401 - fixture
from tests.stokt.standin import StoktStandin
from tests.sync_railway.conftest import LiveServer, device, start_server_on, sync

SYNCED = ("gyms", "walls", "users", "faces", "holds", "climbs", "hold_annotations", "climb_lists", "list_items")

# tables that never travel, and why
LOCAL_TABLES = {
    "climb_holds": "the search index, rebuilt from climbs.holds_list on every write",
    "deferred_indexes": "indexes this device's bulk import dropped for a while (normally empty)",
    "images": "photos are content-addressed files; faces.picture_sha256 (compared) names them",
    "sync_runs": "this device's sync history",
    "tombstones": "this device's record of deletions it made or received",
    "sync_state": "this device's bases and mappings per backend",
    "sync_cursors": "this device's resume points per backend",
    "push_intents": "this device's pending posts to Stokt",
    "sync_conflicts": "this device's conflict decisions",
    "settings": "this device's choices (active backend)",
    "id_mappings": "which records THIS device received from / sent to Stokt (B never talked to Stokt)",
    "climb_trash": "this device's deleted climbs, for undo (deletions travel as tombstones)",
    "stokt_push_base": "this device's base for pushing its edits of Stokt climbs to Stokt",
    "hold_grade_usage": "derived: heatmap counts kept from climb_holds as it is written",
    "annotation_bits": "the bit number of each annotation value for the condition/grip search (made by the migration)",
    "hold_flags": "derived: each hold's effective condition/grip bits, kept from hold_annotations and hold_consensus",
    "hold_consensus": "the server's consensus per hold as this device last received it (the server computes it)",
    "sync_deferred": "records this device received for holds it does not have yet, applied by a later sync",
    "climb_hold_flags": "climbs using a hold that THIS device moved, reshaped or removed (a wall reset made here)",
    "climb_log": "the climber's logbook on this device (sessions, sends from Stokt); the server has no logbook yet",
}

# (table, column) that may differ, and why
DEVICE_LOCAL = {
    ("climbs", "synced_at"): "when this device last received the climb from Stokt",
    ("climbs", "remote_deleted_at"): "this device's Stokt import saw the climb vanish upstream",
    ("faces", "synced_at"): "when this device last received the face from Stokt",
    ("climb_lists", "synced_at"): "when this device last synced the list",
    ("climbs", "hold_flags"): "derived from hold_flags (the annotations as this device sees them, mine first)",
    **{(t, "updated_at"): "when this device last wrote the row (each device's own clock: sync order comes from the "
                          "changes feed and content hashes, never from timestamps)"
       for t in ("gyms", "walls", "faces", "climbs", "hold_annotations", "climb_lists")},
}

# (table, column) compared through a mapping, and why
THROUGH_IMAGE_MAP = {
    ("faces", "picture_sha256"): "the server re-encodes uploaded photos: A's photo is compared with the server copy "
                                 "it was uploaded as (A's sync_state, entity 'image'), which B downloaded",
}


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    # table_xinfo: generated columns (holds.centroid_x/y) included
    return [r[1] for r in conn.execute(f"PRAGMA table_xinfo({table})")]


def _rows(conn: sqlite3.Connection, table: str, cols: list[str]) -> dict[Any, dict[str, Any]]:
    key = "id"
    return {r[key]: dict(r) for r in conn.execute(f"SELECT {', '.join(cols)} FROM {table}")} if key in cols else {}


@pytest.fixture(params=["postgres", "sqlite"])
def server(request: pytest.FixtureRequest, tmp_path: Path):
    """The server on a real PostgreSQL, and on SQLite (a copy of the migrated template of tests/server)."""
    if request.param == "postgres":
        url = fresh_pg_database(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_template"))
    else:
        target = tmp_path / "server.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        url = f"sqlite:///{target}"
    live = start_server_on(url, tmp_path / "server-data")
    yield live
    live.stop()
    live.app.state.engine.dispose()


@pytest.fixture()
def standin(fixtures_dir: Path):
    with StoktStandin(fixtures_dir) as s:
        yield s


def _climber_adds(d: Path) -> None:
    """What a climber adds on device A besides the Stokt data."""
    with Store.open(d) as s:
        face = s.faces()[0].id
        holds = [h.num for h in s.holds(face)][:3]
        mine = Climb(id=new_id(), face_id=face, name="Ma trav' à moi", holds_list=f"S{holds[0]} O{holds[1]} T{holds[2]}",
                     grade_font="6B", grade_ircra=17.0, source=Source.MASTOC, tags=["crimps", "réglettes"],
                     description="left hand only", feet_rule="Tous pieds")
        s.save_climb(mine)
        stokt_climb = s.conn.execute("SELECT id FROM climbs WHERE source = 'stokt' ORDER BY id LIMIT 1").fetchone()[0]
        hold_id = s.conn.execute("SELECT id FROM holds ORDER BY num LIMIT 1").fetchone()[0]
        lst, item = new_id(), new_id()
        t1, t2 = "2025-03-01T10:00:00+00:00", "2025-03-02T11:30:00+00:00"
        with s.transaction() as c:
            c.execute("UPDATE climbs SET mirror_holds_list = ?, updated_at = ? WHERE id = ?",
                      (f"S{holds[2]} O{holds[1]} T{holds[0]}", t2, mine.id))
            c.execute("UPDATE climbs SET personal_notes = 'heel hook', personal_rating = 4, is_project = 1 WHERE id = ?",
                      (stokt_climb,))
            c.execute("INSERT INTO hold_annotations (id, hold_id, grip_type, condition, difficulty, notes, created_at, "
                      "updated_at) VALUES (?, ?, 'reglette', 'ok', 'dure', 'sharp', ?, ?)", (new_id(), hold_id, t1, t2))
            c.execute("INSERT INTO climb_lists (id, name, description, is_public, created_at, updated_at) "
                      "VALUES (?, 'Projets', 'été', 0, ?, ?)", (lst, t1, t2))
            c.execute("INSERT INTO list_items (id, list_id, climb_id, position, added_at) VALUES (?, ?, ?, 3, ?)",
                      (item, lst, mine.id, t1))


def test_every_column_of_every_synced_table_arrives_on_b(tmp_path: Path, server: LiveServer, standin: StoktStandin,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTOC_STOKT_URL", standin.url)
    a, b = device(tmp_path, "a", server), device(tmp_path, "b", server)
    ops.login("stokt", standin.username, standin.password, url=standin.url, data_dir=a)
    rep = ops.run(ops.preview(ops.Op.STOKT_IMPORT, a), a)
    assert rep.ok, rep.errors[:3]
    _climber_adds(a)
    assert sync(a)[1].ok
    assert sync(a)[1].ok  # a second sync on A takes back what the server set (ids, dates)
    pv, rep = sync(b)
    assert rep.ok, rep.errors[:3]
    problems: list[str] = []
    with Store.open(a) as sa, Store.open(b) as sb:
        tables = [r[0] for r in sa.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        images_a = dict(sa.conn.execute("SELECT local_id, remote_id FROM sync_state WHERE backend = 'railway' "
                                        "AND entity_type = 'image'").fetchall())
        unknown = [t for t in tables if t not in SYNCED and t not in LOCAL_TABLES]
        assert not unknown, f"tables neither synced nor listed as device-local: {unknown}"
        for table in SYNCED:
            cols = _columns(sa.conn, table)
            assert cols == _columns(sb.conn, table)
            rows_a, rows_b = _rows(sa.conn, table, cols), _rows(sb.conn, table, cols)
            assert rows_a, f"{table}: nothing to compare on A"
            if set(rows_a) != set(rows_b):
                problems.append(f"{table}: ids only on A {len(set(rows_a) - set(rows_b))}, "
                                f"only on B {len(set(rows_b) - set(rows_a))}")
            for col in cols:
                if (table, col) in DEVICE_LOCAL:
                    continue
                tr = images_a if (table, col) in THROUGH_IMAGE_MAP else {}
                differ = [k for k in rows_a if k in rows_b and tr.get(rows_a[k][col], rows_a[k][col]) != rows_b[k][col]]
                if differ:
                    k = differ[0]
                    problems.append(f"{table}.{col}: {len(differ)} of {len(rows_a)} rows differ "
                                    f"(e.g. A={rows_a[k][col]!r} B={rows_b[k][col]!r})")
    assert not problems, "\n".join(problems)
