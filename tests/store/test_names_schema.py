"""Issue 9 §7 and §5: the store keeps the strategy document's names (`id_mappings` with `stokt_id`
and the two directions, `holds.centroid_x/centroid_y`) and folds names for search; a populated
store of the version before is migrated with its data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mastoc.store import names_schema, schema
from mastoc.store.db import Store


def _previous_store(directory: Path) -> None:
    """A store at the version before this step, filled as the previous mastoc wrote it."""
    before = schema.MIGRATIONS.index(names_schema.migrate)
    directory.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(directory / "mastoc.sqlite3", isolation_level=None)
    conn.execute("BEGIN")
    for step in schema.MIGRATIONS[:before]:
        step(conn)
    conn.execute(f"PRAGMA user_version = {before}")
    conn.execute("INSERT INTO gyms (id, display_name) VALUES ('g', 'Gym')")
    conn.execute("INSERT INTO faces (id, gym_id, picture_path) VALUES ('f', 'g', 'p.jpg')")
    conn.execute("INSERT INTO holds (id, face_id, num, stokt_id, polygon_str, centroid_str) "
                 "VALUES ('h1', 'f', 11, 11, '0,0 1,0 1,1', '572.53 2397.11')")
    conn.execute("INSERT INTO holds (id, face_id, num, stokt_id, polygon_str) VALUES ('h2', 'f', 12, 12, '0,0 1,0 1,1')")
    for cid, name in (("c1", "Séance d'échauffement"), ("c2", "L'ÉCHOUFFE"), ("c3", "Plain")):
        conn.execute("INSERT INTO climbs (id, face_id, name, holds_list) VALUES (?, 'f', ?, 'S11 O12 T12')", (cid, name))
    rows = [("climb", "c1", "stokt", "s1", "stokt_to_mastoc"), ("climb", "c2", "stokt", "s2", "mastoc_to_stokt"),
            ("climb", "c3", "stokt", "s3", "railway"), ("face", "f", "stokt", "sf", "both"),
            ("climb", "c1", "railway", "c1", "both"), ("face", "f", "railway", "f", "both")]
    conn.executemany("INSERT INTO id_mappings (entity_type, mastoc_id, backend, remote_id, sync_direction, synced_at) "
                     "VALUES (?, ?, ?, ?, ?, '2024-01-01T00:00:00+00:00')", rows)
    conn.execute("INSERT INTO sync_state (backend, entity_type, local_id, remote_id, base_hash) "
                 "VALUES ('railway', 'climb', 'c1', 'c1', 'h')")
    conn.execute("COMMIT")
    conn.close()


def test_a_populated_store_is_migrated_to_the_strategy_names(tmp_path: Path) -> None:
    _previous_store(tmp_path)
    with Store.open(tmp_path) as s:
        assert s.schema_version() == schema.latest_version()
        cols = [r[1] for r in s.conn.execute("PRAGMA table_info(id_mappings)")]
        assert cols == ["id", "entity_type", "mastoc_id", "stokt_id", "sync_direction", "synced_at"]
        got = sorted(tuple(r) for r in s.conn.execute(
            "SELECT entity_type, mastoc_id, stokt_id, sync_direction, synced_at FROM id_mappings"))
        ts = "2024-01-01T00:00:00+00:00"
        assert got == [("climb", "c1", "s1", "stokt_to_mastoc", ts), ("climb", "c2", "s2", "mastoc_to_stokt", ts),
                       ("climb", "c3", "s3", "stokt_to_mastoc", ts), ("face", "f", "sf", "stokt_to_mastoc", ts)]
        # the Railway mapping stays where sync state lives
        assert s.conn.execute("SELECT local_id, remote_id FROM sync_state WHERE backend = 'railway'").fetchall()[0][:] \
            == ("c1", "c1")
        centroids = [tuple(r) for r in s.conn.execute("SELECT num, centroid_x, centroid_y FROM holds ORDER BY num")]
        assert centroids == [(11, 572.53, 2397.11), (12, None, None)]
        names = dict(s.conn.execute("SELECT id, name_search FROM climbs").fetchall())
        assert names == {"c1": "seance d'echauffement", "c2": "l'echouffe", "c3": "plain"}
        assert s.climb("c1").name == "Séance d'échauffement"


def test_id_mappings_keep_the_document_rules(tmp_path: Path) -> None:
    with Store.open(tmp_path) as s, s.transaction() as c:
        c.execute("INSERT INTO id_mappings (entity_type, mastoc_id, stokt_id, sync_direction) "
                  "VALUES ('climb', 'a', 's', 'stokt_to_mastoc')")
        for values in (("climb", "b", "s", "stokt_to_mastoc"), ("climb", "a", "t", "stokt_to_mastoc"),
                       ("climb", "z", "u", "both")):
            with pytest.raises(sqlite3.IntegrityError):
                c.execute("INSERT INTO id_mappings (entity_type, mastoc_id, stokt_id, sync_direction) VALUES (?, ?, ?, ?)",
                          values)
        c.execute("INSERT INTO id_mappings (entity_type, mastoc_id, stokt_id, sync_direction) "
                  "VALUES ('user', 'a', 's', 'mastoc_to_stokt')")


def test_centroid_and_search_columns_follow_every_write(tmp_path: Path) -> None:
    with Store.open(tmp_path) as s, s.transaction() as c:
        c.execute("INSERT INTO gyms (id, display_name) VALUES ('g', 'Gym')")
        c.execute("INSERT INTO faces (id, gym_id, picture_path) VALUES ('f', 'g', 'p.jpg')")
        c.execute("INSERT INTO holds (id, face_id, num, polygon_str, centroid_str) VALUES ('h', 'f', 1, '0,0', '1.5 2')")
        c.execute("UPDATE holds SET centroid_str = '10,20.25' WHERE id = 'h'")
        assert c.execute("SELECT centroid_x, centroid_y FROM holds").fetchone()[:] == (10.0, 20.25)
        c.execute("INSERT INTO climbs (id, face_id, name, holds_list) VALUES ('c', 'f', 'Crème BRÛLÉE', 'S1 T1')")
        assert c.execute("SELECT name_search FROM climbs").fetchone()[0] == "creme brulee"
        c.execute("UPDATE climbs SET name = 'Œuvre' WHERE id = 'c'")
        assert c.execute("SELECT name_search FROM climbs").fetchone()[0] == "oeuvre"
