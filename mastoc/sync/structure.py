"""A gym's structure from Stokt (gym, walls, faces, holds) mapped and written in bulk.

`build_structure` is pure (Stokt JSON -> domain values, via the lead's `mapping`); `apply_structure`
upserts it keyed by Stokt id inside the caller's transaction (or only counts with `dry_run`), keeping
the local ids already bound to Stokt ids, and records `id_mappings` rows. Gym managers are not
imported as users: the same people come with the climbs they set, where Stokt gives their avatar in
another path shape, and importing both would flip the row back and forth on every run.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from mastoc.backends.stokt import mapping
from mastoc.domain.ids import id_for_stokt
from mastoc.domain.models import Face, Gym, Hold, User, Wall
from mastoc.store import bulk, rows

FACE_IMPORT_COLUMNS = tuple(c for c in rows.FACE_COLUMNS if c != "picture_sha256")


@dataclass(slots=True)
class Structure:
    gym: Gym
    walls: list[Wall] = field(default_factory=list)
    faces: list[Face] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def build_structure(summary: dict[str, Any], walls_json: list[Any],
                    setups: dict[str, dict[str, Any] | Exception], *, check_geometry: bool = False) -> Structure:
    """Map the summary, walls array and face setups (face stokt id -> setup JSON, or the error that
    prevented fetching it) into a `Structure`. A face whose setup failed is reported and left out.
    The per-hold geometry check (warnings only; outlines are repaired when drawn) is skipped unless
    asked for: it would cost a sixth of an import."""
    gd = mapping.map_gym_summary(summary)
    st = Structure(gym=gd.gym)
    walls = {w.id: w for w in gd.walls}
    ws, refs = mapping.map_walls(walls_json, gd.gym.id)
    for w in ws:
        if w.id in walls:
            walls[w.id].is_active = w.is_active
        else:
            walls[w.id] = w
    st.walls = list(walls.values())
    for ref in refs:
        setup = setups.get(ref.stokt_id)
        if isinstance(setup, Exception) or setup is None:
            st.problems.append(f"face {ref.stokt_id} ({ref.wall_name}): setup not available ({setup}); face skipped")
            continue
        try:
            fd = mapping.map_face_setup(setup, gd.gym.id, id_for_stokt("wall", ref.wall_stokt_id), ref,
                                        check_geometry=check_geometry)
        except mapping.MappingError as exc:
            st.problems.append(f"face {ref.stokt_id}: {exc}; face skipped")
            continue
        st.faces.append(fd.face)
        st.holds.extend(fd.holds)
        st.warnings.extend(fd.problems)
    return st


@dataclass(slots=True)
class StructureResult:
    counts: dict[str, dict[str, int]]
    face_ids: dict[str, str]  # face stokt id -> local face id
    user_map: dict[str, str]


def apply_structure(conn: sqlite3.Connection, st: Structure, *, now: str, dry_run: bool = False) -> StructureResult:
    counts: dict[str, dict[str, int]] = {}

    def count(table: str, res: bulk.UpsertResult) -> None:
        counts[table] = {"new": len(res.new), "updated": len(res.updated), "unchanged": len(res.unchanged)}

    res = bulk.upsert_by_stokt_id(conn, "gyms", rows.GYM_COLUMNS, [rows.gym_to_row(st.gym)], dry_run)
    count("gyms", res)
    gym_map = res.id_map
    wall_rows = bulk.remap([rows.wall_to_row(w) for w in st.walls], 2, gym_map)
    res = bulk.upsert_by_stokt_id(conn, "walls", rows.WALL_COLUMNS, wall_rows, dry_run)
    count("walls", res)
    wall_map = res.id_map
    idx = {c: i for i, c in enumerate(rows.FACE_COLUMNS)}
    face_rows = [tuple(rows.face_to_row(f)[idx[c]] for c in FACE_IMPORT_COLUMNS) for f in st.faces]
    face_rows = bulk.remap(bulk.remap(face_rows, 2, gym_map), 3, wall_map)
    res = bulk.upsert_by_stokt_id(conn, "faces", FACE_IMPORT_COLUMNS, face_rows, dry_run)
    count("faces", res)
    face_map = res.id_map
    hold_rows = bulk.remap([rows.hold_to_row(h) for h in st.holds], 1, face_map)
    res = bulk.upsert_by_stokt_id(conn, "holds", rows.HOLD_COLUMNS, hold_rows, dry_run)
    count("holds", res)
    res = bulk.upsert_by_stokt_id(conn, "users", rows.USER_COLUMNS, [rows.user_to_row(u) for u in st.users], dry_run)
    count("users", res)
    user_map = res.id_map
    face_ids = {f.stokt_id: face_map.get(f.id, f.id) for f in st.faces if f.stokt_id}
    if not dry_run:
        mapping_rows = [("gym", gym_map.get(st.gym.id, st.gym.id), st.gym.stokt_id)]
        mapping_rows += [("wall", wall_map.get(w.id, w.id), w.stokt_id) for w in st.walls]
        mapping_rows += [("face", face_ids[f.stokt_id], f.stokt_id) for f in st.faces if f.stokt_id]
        mapping_rows += [("user", user_map.get(u.id, u.id), u.stokt_id) for u in st.users]
        conn.executemany(
            "INSERT INTO id_mappings (entity_type, mastoc_id, stokt_id, sync_direction, synced_at) "
            "VALUES (?, ?, ?, 'stokt_to_mastoc', ?) ON CONFLICT DO NOTHING",
            [(k, m, str(r), now) for k, m, r in mapping_rows if r],
        )
    return StructureResult(counts, face_ids, user_map)


def upsert_setters(conn: sqlite3.Connection, users: list[User], *, now: str, dry_run: bool = False
                   ) -> tuple[dict[str, int], dict[str, str]]:
    """Upsert the setters of a batch of climbs; returns (counts, id_map incoming -> stored)."""
    unique = {u.stokt_id: u for u in users if u.stokt_id}
    res = bulk.upsert_by_stokt_id(conn, "users", rows.USER_COLUMNS, [rows.user_to_row(u) for u in unique.values()],
                                  dry_run)
    if not dry_run and res.new:
        by_id = {u.id: u for u in unique.values()}
        conn.executemany(
            "INSERT INTO id_mappings (entity_type, mastoc_id, stokt_id, sync_direction, synced_at) "
            "VALUES ('user', ?, ?, 'stokt_to_mastoc', ?) ON CONFLICT DO NOTHING",
            [(i, by_id[i].stokt_id, now) for i in res.new if i in by_id],
        )
    return {"new": len(res.new), "updated": len(res.updated), "unchanged": len(res.unchanged)}, res.id_map
