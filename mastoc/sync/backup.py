"""Load saved Stokt responses (a "backup": the fixture files' format) into the store.

Files are recognised by content, not by name: gym summary, walls array, face setup, climbs pages
(envelope) or climb arrays; JPEG/PNG files beside them are matched to a face by their pixel size
(the setup's `picture` size is the full photo). Everything valid is written in ONE transaction,
keyed by Stokt id, so loading the same backup twice changes nothing and keeps every mastoc id.
A bad file or item is reported by name and skipped; the rest still loads.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mastoc.backends.stokt import mapping
from mastoc.domain import holdslist
from mastoc.domain.ids import id_for_stokt
from mastoc.domain.models import Climb, Face, Gym, Hold, User, Wall
from mastoc.store import bulk, images, paths, rows
from mastoc.store.db import Store

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")

# Columns an import writes; local-only ones (personal notes, rating, project flag, synced_at) are kept.
CLIMB_IMPORT_COLUMNS = tuple(
    c for c in rows.CLIMB_COLUMNS if c not in ("updated_at", "synced_at", "personal_notes", "personal_rating", "is_project")
)
FACE_IMPORT_COLUMNS = tuple(c for c in rows.FACE_COLUMNS if c != "picture_sha256")


class BackupError(Exception):
    """Nothing usable could be loaded (no files, nothing recognised)."""


@dataclass(slots=True)
class LoadReport:
    files: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> {new, updated, unchanged}
    problems: list[str] = field(default_factory=list)  # rejected files/items (named), not loaded
    warnings: list[str] = field(default_factory=list)  # loaded, but worth knowing (repaired geometry)
    photos: list[str] = field(default_factory=list)  # sha256 of photos stored
    write_seconds: float = 0.0
    write_rows: int = 0

    @property
    def changed(self) -> int:
        return sum(c["new"] + c["updated"] for c in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files, "counts": self.counts, "problems": self.problems,
            "warnings": self.warnings, "photos": self.photos, "changed": self.changed,
        }


@dataclass(slots=True)
class _Collected:
    summaries: list[tuple[Path, Any]] = field(default_factory=list)
    walls: list[tuple[Path, Any]] = field(default_factory=list)
    setups: list[tuple[Path, Any]] = field(default_factory=list)
    climbs: list[tuple[Path, Any]] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)


def _expand(inputs: Iterable[str | Path], report: LoadReport) -> list[Path]:
    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(x for x in p.iterdir() if x.is_file() and x.suffix.lower() in (".json", *IMAGE_SUFFIXES))
            if not found:
                report.problems.append(f"{p}: no .json or image files in this directory")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            report.problems.append(f"{p}: no such file or directory")
    # de-duplicate while keeping order
    seen: set[Path] = set()
    unique = []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(f)
    return unique


def _classify(files: list[Path], report: LoadReport) -> _Collected:
    out = _Collected()
    for f in files:
        if f.suffix.lower() in IMAGE_SUFFIXES:
            out.images.append(f)
            continue
        try:
            data = json.loads(f.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            report.problems.append(f"{f}: not valid JSON ({exc}); file skipped")
            continue
        except OSError as exc:
            report.problems.append(f"{f}: cannot read ({exc.strerror}); file skipped")
            continue
        report.files += 1
        if isinstance(data, dict) and "holds" in data and "picture" in data:
            out.setups.append((f, data))
        elif isinstance(data, dict) and "displayName" in data and "walls" in data:
            out.summaries.append((f, data))
        elif isinstance(data, dict) and isinstance(data.get("results"), list):
            out.climbs.append((f, data))
        elif isinstance(data, list) and data and all(isinstance(x, dict) and "faces" in x for x in data):
            out.walls.append((f, data))
        elif isinstance(data, list) and all(isinstance(x, dict) and "holdsList" in x for x in data):
            out.climbs.append((f, data))
        else:
            report.problems.append(f"{f}: not a Stokt response this loader knows (setup, summary, walls, climbs)")
    return out


def load_backup(
    store: Store,
    inputs: Iterable[str | Path],
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load the given files/directories into `store`. See the module docstring."""
    report = LoadReport()
    files = _expand(inputs, report)
    col = _classify(files, report)
    if not (col.summaries or col.walls or col.setups or col.climbs or col.images):
        raise BackupError("; ".join(report.problems) or "nothing to load")
    say = progress or (lambda _msg: None)

    # Gym and walls --------------------------------------------------------------------------
    gyms: dict[str, Gym] = {}
    walls: dict[str, Wall] = {}
    users: dict[str, User] = {}
    for f, data in col.summaries:
        try:
            gd = mapping.map_gym_summary(data)
        except mapping.MappingError as exc:
            report.problems.append(f"{f}: {exc}")
            continue
        gyms[gd.gym.id] = gd.gym
        for w in gd.walls:
            walls[w.id] = w
        for manager in data.get("gymManagers") or []:
            u = mapping.map_user({"id": manager.get("id"), "name": manager.get("name"), "avatar": manager.get("avatar")})
            if u:
                users.setdefault(u.id, u)
    default_gym = next(iter(gyms.values()), None) or _existing_gym(store)

    face_refs: dict[str, mapping.FaceRef] = {}
    for f, data in col.walls:
        if default_gym is None:
            report.problems.append(f"{f}: walls without a gym summary (load the summary too); file skipped")
            continue
        try:
            ws, refs = mapping.map_walls(data, default_gym.id)
        except mapping.MappingError as exc:
            report.problems.append(f"{f}: {exc}")
            continue
        for w in ws:
            if w.id in walls:  # the summary knows feet rules; the walls list knows activity
                walls[w.id].is_active = w.is_active
            else:
                walls[w.id] = w
        for r in refs:
            face_refs[r.stokt_id] = r

    # Faces and holds ------------------------------------------------------------------------
    faces: dict[str, Face] = {}
    holds: list[Hold] = []
    for f, data in col.setups:
        face_stokt = str(data.get("id"))
        ref = face_refs.get(face_stokt)
        gym = default_gym
        if gym is None:
            name = str(data.get("gym") or "Stokt gym")
            gym = Gym(id=id_for_stokt("gym-name", name), display_name=name)
            gyms[gym.id] = gym
            default_gym = gym
        wall_id = id_for_stokt("wall", ref.wall_stokt_id) if ref else _wall_by_name(walls, data.get("wall"))
        try:
            fd = mapping.map_face_setup(data, gym.id, wall_id, ref)
        except mapping.MappingError as exc:
            report.problems.append(f"{f}: {exc}; file skipped")
            continue
        faces[fd.face.id] = fd.face
        holds.extend(fd.holds)
        report.warnings.extend(f"{f}: {p}" for p in fd.problems)

    # Climbs (and their setters) -------------------------------------------------------------
    known_faces = {f.stokt_id: f.id for f in faces.values() if f.stokt_id}
    for r in store.conn.execute("SELECT id, stokt_id FROM faces WHERE stokt_id IS NOT NULL"):
        known_faces.setdefault(r["stokt_id"], r["id"])
    face_holds: dict[str, set[int]] = {}
    for h in holds:
        face_holds.setdefault(h.face_id, set()).add(h.num)
    climbs: dict[str, Climb] = {}
    for f, data in col.climbs:
        try:
            items = mapping.climbs_of_page(data)
        except mapping.MappingError as exc:
            report.problems.append(f"{f}: {exc}")
            continue
        for item in items:
            try:
                climb, setter = mapping.map_climb(item, known_faces)
            except mapping.MappingError as exc:
                report.problems.append(f"{f}: {exc}; climb skipped")
                continue
            known = face_holds.get(climb.face_id)
            if known is None:
                known = {r[0] for r in store.conn.execute("SELECT num FROM holds WHERE face_id = ?", (climb.face_id,))}
                face_holds[climb.face_id] = known
            missing = sorted(holdslist.hold_ids(holdslist.parse(climb.holds_list)) - known)
            if missing:
                report.problems.append(
                    f"{f}: climb {climb.stokt_id} ({climb.name!r}): hold(s) {', '.join(map(str, missing))} "
                    "not in the face setup; climb skipped"
                )
                continue
            climbs[climb.id] = climb
            if setter:
                users[setter.id] = setter
    # Wall ids that climbs imply for faces the walls file did not describe.
    for item_face in faces.values():
        if item_face.wall_id is None:
            for _f, data in col.climbs:
                wall = next(
                    (c.get("wallId") for c in mapping.climbs_of_page(data)
                     if isinstance(c, dict) and str(c.get("faceId")) == item_face.stokt_id), None
                )
                if wall and id_for_stokt("wall", wall) in walls:
                    item_face.wall_id = id_for_stokt("wall", wall)
                    break

    # Photos (verified before the transaction; files are content-addressed) --------------------
    face_photo: dict[str, str] = {}
    img_dir = paths.images_dir(store.directory)
    image_infos: list[tuple[images.ImageInfo, str]] = []
    for p in col.images:
        try:
            data = p.read_bytes()
            images.sniff(data)
            size = images.dimensions(data)
        except images.ImageError as exc:
            report.problems.append(f"{p}: {exc}; photo skipped")
            continue
        except OSError as exc:
            report.problems.append(f"{p}: cannot read ({exc.strerror}); photo skipped")
            continue
        target = _face_for_photo(size, faces.values(), store)
        if target is None:
            if not any(size == (r.width, r.height) for r in _small_sizes(col.walls)):
                report.warnings.append(f"{p}: {size[0]}x{size[1]} matches no face's photo; not stored")
            continue
        info = images.write_image(img_dir, data)
        image_infos.append((info, target[1]))
        face_photo[target[0]] = info.sha256
        report.photos.append(info.sha256)

    # Write everything in one transaction --------------------------------------------------------
    say("writing to the store")
    start = time.perf_counter()
    with store.transaction() as c:
        res = bulk.upsert_by_stokt_id(c, "gyms", rows.GYM_COLUMNS, [rows.gym_to_row(g) for g in gyms.values()])
        _count(report, "gyms", res)
        gym_map = res.id_map
        wall_rows = bulk.remap([rows.wall_to_row(w) for w in walls.values()], 2, gym_map)
        res = bulk.upsert_by_stokt_id(c, "walls", rows.WALL_COLUMNS, wall_rows)
        _count(report, "walls", res)
        wall_map = res.id_map
        face_rows = [_project(rows.face_to_row(f), rows.FACE_COLUMNS, FACE_IMPORT_COLUMNS) for f in faces.values()]
        face_rows = bulk.remap(bulk.remap(face_rows, 2, gym_map), 3, wall_map)
        res = bulk.upsert_by_stokt_id(c, "faces", FACE_IMPORT_COLUMNS, face_rows)
        _count(report, "faces", res)
        face_map = res.id_map
        hold_rows = bulk.remap([rows.hold_to_row(h) for h in holds], 1, face_map)
        res = bulk.upsert_by_stokt_id(c, "holds", rows.HOLD_COLUMNS, hold_rows)
        _count(report, "holds", res)
        res = bulk.upsert_by_stokt_id(c, "users", rows.USER_COLUMNS, [rows.user_to_row(u) for u in users.values()])
        _count(report, "users", res)
        user_map = res.id_map
        climb_rows = [_project(rows.climb_to_row(x), rows.CLIMB_COLUMNS, CLIMB_IMPORT_COLUMNS) for x in climbs.values()]
        climb_rows = bulk.remap(bulk.remap(climb_rows, 2, face_map), 3, user_map)
        res = bulk.upsert_by_stokt_id(c, "climbs", CLIMB_IMPORT_COLUMNS, climb_rows)
        _count(report, "climbs", res)
        changed = res.changed
        if changed:
            by_id = {r[0]: r for r in climb_rows}
            incoming = {stored: inc for inc, stored in res.id_map.items()}
            c.executemany("DELETE FROM climb_holds WHERE climb_id = ?", [(i,) for i in res.updated])
            index_rows = []
            hl, gr = CLIMB_IMPORT_COLUMNS.index("holds_list"), CLIMB_IMPORT_COLUMNS.index("grade_ircra")
            for cid in changed:
                row = by_id[incoming.get(cid, cid)]
                index_rows.extend(rows.climb_hold_rows(cid, row[hl], row[gr]))
            rows.insert_climb_holds(c, index_rows)
            now = rows.now_ts()
            c.executemany("UPDATE climbs SET synced_at = ? WHERE id = ?", [(now, i) for i in changed])
            report.write_rows += len(index_rows)
        _record_mappings(c, {"gym": gyms, "wall": walls, "face": faces, "user": users, "climb": climbs},
                         {"gym": gym_map, "wall": wall_map, "face": face_map, "user": user_map})
        for info, name in image_infos:
            images.record(c, info, name)
        for face_id, sha in face_photo.items():
            c.execute(
                "UPDATE faces SET picture_sha256 = ? WHERE id = ? AND ifnull(picture_sha256, '') != ?",
                (sha, face_map.get(face_id, face_id), sha),
            )
    report.write_seconds = time.perf_counter() - start
    report.write_rows += len(gyms) + len(walls) + len(faces) + len(holds) + len(users) + len(climbs)
    return report


def _project(row: tuple, columns: tuple[str, ...], subset: tuple[str, ...]) -> tuple:
    index = {c: i for i, c in enumerate(columns)}
    return tuple(row[index[c]] for c in subset)


def _count(report: LoadReport, table: str, res: bulk.UpsertResult) -> None:
    report.counts[table] = {"new": len(res.new), "updated": len(res.updated), "unchanged": len(res.unchanged)}


def _record_mappings(c: Any, entities: dict[str, dict[str, Any]], maps: dict[str, dict[str, str]]) -> None:
    now = rows.now_ts()
    mapping_rows = []
    for kind, items in entities.items():
        id_map = maps.get(kind, {})
        for e in items.values():
            if e.stokt_id:
                mapping_rows.append((kind, id_map.get(e.id, e.id), str(e.stokt_id), "stokt_to_mastoc", now))
    c.executemany(
        "INSERT INTO id_mappings (entity_type, mastoc_id, stokt_id, sync_direction, synced_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        mapping_rows,
    )


def _existing_gym(store: Store) -> Gym | None:
    gyms = store.gyms()
    return gyms[0] if len(gyms) == 1 else None


def _wall_by_name(walls: dict[str, Wall], name: Any) -> str | None:
    return next((w.id for w in walls.values() if name and w.name == name), None)


def _face_for_photo(size: tuple[int | None, int | None], faces: Iterable[Face], store: Store) -> tuple[str, str] | None:
    for f in faces:
        if (f.picture_width, f.picture_height) == size:
            return f.id, f.picture_path
    for r in store.conn.execute("SELECT id, picture_path, picture_width, picture_height FROM faces"):
        if (r["picture_width"], r["picture_height"]) == size:
            return r["id"], r["picture_path"]
    return None


@dataclass(slots=True)
class _Size:
    width: int
    height: int


def _small_sizes(walls_files: list[tuple[Path, Any]]) -> list[_Size]:
    out = []
    for _f, data in walls_files:
        for w in data if isinstance(data, list) else []:
            for face in w.get("faces") or []:
                small = face.get("smallPicture") or {}
                if small.get("width") and small.get("height"):
                    out.append(_Size(int(small["width"]), int(small["height"])))
    return out
