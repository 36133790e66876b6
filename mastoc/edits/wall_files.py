"""`.mastoc` files: one personal wall with its photo, holds, climbs, annotations and lists, shared
without a server.

A `.mastoc` file is a zip with `manifest.json` (`format: "mastoc-wall"`, `format_version`, the face,
the photo's member name and SHA-256, counts), `wall.json` (gym, wall, face, holds, setters, climbs,
annotations, the lists holding its climbs and their items; personal fields such as notes and
ratings are not exported) and the photo under `photo/`.

Import reads and checks everything before writing anything: every member name must be a plain
relative path (no `..`, no absolute or drive paths), the format version must be one this mastoc
reads, the photo must be present, intact (its SHA-256) and an image within the pixel cap, and sizes
are bounded (a zip bomb is refused). Then the photo is stored content-addressed and every row is
upserted by id in ONE transaction, so importing the same file twice changes nothing the second time,
and a newer export of the same wall (same face id) updates it: the report says what was added,
updated and removed. Nothing is ever extracted by member name, so nothing is written outside the
data directory; a failure leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mastoc import __version__
from mastoc.domain import geometry
from mastoc.domain.ids import MASTOC_HOLD_ID_MAX, MASTOC_HOLD_ID_MIN
from mastoc.edits import walls
from mastoc.edits.changes import Changes, EditError, NotFoundEditError
from mastoc.store import images, paths, photo_intake, rows
from mastoc.store.db import Store

FORMAT = "mastoc-wall"
FORMAT_VERSION = 1
MAX_MEMBER_BYTES = 120 * 1024 * 1024
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 50

# columns carried per table (personal fields of climbs stay on the device)
COLUMNS: dict[str, tuple[str, ...]] = {
    "gyms": ("id", "display_name", "location_string", "source"),
    "walls": ("id", "gym_id", "name", "angle", "is_active", "feet_rules", "default_feet_rule", "source"),
    "faces": ("id", "gym_id", "wall_id", "name", "picture_path", "picture_width", "picture_height", "picture_sha256",
              "feet_rules_options", "has_symmetry", "is_active", "source", "date_modified", "created_at", "updated_at"),
    "holds": rows.HOLD_COLUMNS,
    "users": ("id", "full_name", "source"),
    "climbs": tuple(c for c in rows.CLIMB_COLUMNS if c not in ("personal_notes", "personal_rating", "is_project",
                                                               "synced_at")),
    "hold_annotations": rows.ANNOTATION_COLUMNS,
    "climb_lists": ("id", "name", "description", "is_public", "source", "created_at", "updated_at"),
    "list_items": ("id", "list_id", "climb_id", "position", "added_at"),
}
ORDER = ("gyms", "walls", "faces", "users", "holds", "climbs", "hold_annotations", "climb_lists", "list_items")
LABELS = {"gyms": "gym", "walls": "wall", "faces": "face", "users": "setter", "holds": "hold", "climbs": "climb",
          "hold_annotations": "annotation", "climb_lists": "list", "list_items": "list item"}


@dataclass
class ImportReport:
    face_id: str = ""
    name: str = ""
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        def part(counts: dict[str, int], verb: str) -> str:
            items = [f"{n} {LABELS[t]}{'s' if n != 1 else ''}" for t, n in counts.items() if n]
            return f"{verb} " + ", ".join(items) if items else ""

        parts = [p for p in (part(self.added, "added"), part(self.updated, "updated"),
                             part(self.removed, "removed")) if p]
        head = f"wall {self.name!r} ({self.face_id})"
        return f"{head}: " + ("; ".join(parts) if parts else "already up to date, nothing changed")


# ---------------------------------------------------------------------------------------- export


def _select(conn: sqlite3.Connection, table: str, where: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cols = COLUMNS[table]
    sql = f"SELECT {', '.join(cols)} FROM {table} WHERE {where} ORDER BY id"
    return [dict(zip(cols, r, strict=True)) for r in conn.execute(sql, params)]


def export_wall(store: Store, face_id: str, target: str | Path) -> dict[str, int]:
    """Write the personal wall `face_id` to `target` (a .mastoc zip, written atomically). Returns counts."""
    conn = store.conn
    face = conn.execute("SELECT * FROM faces WHERE id = ?", (face_id,)).fetchone()
    if face is None:
        raise NotFoundEditError(f"no face {face_id}")
    if face["source"] != "mastoc" or face["stokt_id"] is not None:
        raise EditError("only personal walls can be exported; this face comes from Stokt")
    photo = store.image_path(face["picture_sha256"] or "")
    if photo is None:
        raise EditError("the wall's photo is missing from the data directory")
    data: dict[str, list[dict[str, Any]]] = {
        "gyms": _select(conn, "gyms", "id = ?", (face["gym_id"],)),
        "walls": _select(conn, "walls", "id = ?", (face["wall_id"],)),
        "faces": _select(conn, "faces", "id = ?", (face_id,)),
        "holds": _select(conn, "holds", "face_id = ?", (face_id,)),
        "climbs": _select(conn, "climbs", "face_id = ?", (face_id,)),
        "hold_annotations": _select(conn, "hold_annotations",
                                    "hold_id IN (SELECT id FROM holds WHERE face_id = ?)", (face_id,)),
        "list_items": _select(conn, "list_items", "climb_id IN (SELECT id FROM climbs WHERE face_id = ?)", (face_id,)),
    }
    data["users"] = _select(conn, "users", "id IN (SELECT setter_id FROM climbs WHERE face_id = ?)", (face_id,))
    data["climb_lists"] = _select(conn, "climb_lists", "id IN (SELECT list_id FROM list_items WHERE climb_id IN "
                                  "(SELECT id FROM climbs WHERE face_id = ?))", (face_id,))
    photo_name = f"photo/{photo.name}"
    counts = {t: len(v) for t, v in data.items()}
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "mastoc_version": __version__,
        "exported_at": rows.now_ts(), "face_id": face_id, "name": face["name"], "updated_at": face["updated_at"],
        "photo": photo_name, "photo_sha256": face["picture_sha256"], "counts": counts,
    }
    target = Path(target)
    tmp = target.with_name(f".{target.name}.partial")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
            z.writestr("wall.json", json.dumps(data, ensure_ascii=False))
            z.write(photo, photo_name, compress_type=zipfile.ZIP_STORED)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EditError(f"cannot write {target}: {exc.strerror or exc}") from None
    return counts


# ---------------------------------------------------------------------------------------- import


def _safe_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or ":" in name.split("/")[0]:
        return False
    return all(part not in ("", ".", "..") for part in PurePosixPath(name).parts) and not name.endswith("/")


def _read(z: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, what: str) -> bytes:
    if info.file_size > limit:
        raise EditError(f"{what} in the file is too large ({info.file_size} bytes)")
    with z.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise EditError(f"{what} in the file is too large")
    return data


@dataclass
class _Parsed:
    manifest: dict[str, Any]
    data: dict[str, list[dict[str, Any]]]
    photo: bytes


def read_wall_file(source: str | Path) -> _Parsed:
    """Open and check a .mastoc file completely (nothing written); EditError with the reason."""
    source = Path(source)
    try:
        z = zipfile.ZipFile(source)
    except FileNotFoundError:
        raise NotFoundEditError(f"no file {source}") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise EditError(f"{source.name} is not a .mastoc file (not a zip archive: {exc})") from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_MEMBERS:
            raise EditError(f"{source.name} has {len(infos)} entries; a .mastoc file has 3")
        for info in infos:
            if not _safe_name(info.filename):
                raise EditError(f"{source.name} contains an unsafe path {info.filename!r}; nothing imported")
        by_name = {i.filename: i for i in infos}
        if "manifest.json" not in by_name:
            raise EditError(f"{source.name} has no manifest.json; it is not a .mastoc wall file")
        try:
            manifest = json.loads(_read(z, by_name["manifest.json"], 1024 * 1024, "the manifest"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise EditError(f"the manifest of {source.name} is not valid JSON ({exc})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise EditError(f"{source.name} is not a .mastoc wall file (format {manifest.get('format')!r})"
                            if isinstance(manifest, dict) else f"{source.name}: the manifest is not an object")
        version = manifest.get("format_version")
        if not isinstance(version, int) or version < 1:
            raise EditError(f"{source.name}: unknown format version {version!r}")
        if version > FORMAT_VERSION:
            raise EditError(f"{source.name} was written by a newer mastoc (format version {version}; this one reads "
                            f"up to {FORMAT_VERSION}); update mastoc to import it")
        photo_name = manifest.get("photo")
        if not isinstance(photo_name, str) or not _safe_name(photo_name):
            raise EditError(f"{source.name}: the manifest names an unsafe photo path {photo_name!r}")
        if photo_name not in by_name:
            raise EditError(f"{source.name} has no photo ({photo_name} is missing); nothing imported")
        if "wall.json" not in by_name:
            raise EditError(f"{source.name} has no wall.json; nothing imported")
        photo = _read(z, by_name[photo_name], MAX_MEMBER_BYTES, "the photo")
        try:
            data = json.loads(_read(z, by_name["wall.json"], MAX_JSON_BYTES, "wall.json"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise EditError(f"wall.json in {source.name} is not valid JSON ({exc})") from None
        except zipfile.BadZipFile as exc:
            raise EditError(f"{source.name} is damaged ({exc})") from None
    if hashlib.sha256(photo).hexdigest() != manifest.get("photo_sha256"):
        raise EditError(f"the photo in {source.name} is damaged (its SHA-256 does not match the manifest)")
    try:
        width, height = images.dimensions(photo)
    except images.ImageError as exc:
        raise EditError(f"the photo in {source.name} is not a usable image ({exc})") from None
    if not width or not height or width * height > photo_intake.MAX_PIXELS:
        raise EditError(f"the photo in {source.name} is too large ({width}x{height} pixels)")
    _check_data(data, manifest, source.name)
    return _Parsed(manifest, data, photo)


def _check_data(data: Any, manifest: dict[str, Any], name: str) -> None:
    if not isinstance(data, dict):
        raise EditError(f"wall.json in {name} is not an object")
    for table in ORDER:
        items = data.setdefault(table, [])
        if not isinstance(items, list) or not all(isinstance(r, dict) and isinstance(r.get("id"), str | int)
                                                  for r in items):
            raise EditError(f"wall.json in {name}: {table} is not a list of records with ids")
        for r in items:
            unknown = set(r) - set(COLUMNS[table])
            if unknown:
                raise EditError(f"wall.json in {name}: unknown {table} fields {sorted(unknown)}")
    faces = data["faces"]
    if len(faces) != 1 or faces[0]["id"] != manifest.get("face_id") or len(data["gyms"]) != 1:
        raise EditError(f"{name} must hold exactly one face and its gym")
    face = faces[0]
    if face.get("source") != "mastoc" or face.get("picture_sha256") != manifest.get("photo_sha256"):
        raise EditError(f"{name}: the face is not a personal wall with the file's photo")
    fid = face["id"]
    if any(h.get("face_id") != fid for h in data["holds"]) or any(c.get("face_id") != fid for c in data["climbs"]):
        raise EditError(f"{name}: holds or climbs of another face")
    for h in data["holds"]:
        num = h.get("num")
        if not isinstance(num, int) or not MASTOC_HOLD_ID_MIN <= num <= MASTOC_HOLD_ID_MAX or h.get("stokt_id"):
            raise EditError(f"{name}: hold {h['id']} has no personal-wall hold number")
        try:
            if len(geometry.parse_points(str(h.get("polygon_str") or ""))) < 3:
                raise EditError(f"{name}: hold {num} has no outline")
        except geometry.GeometryError as exc:
            raise EditError(f"{name}: hold {num}: {exc}") from None
    holds = {h["id"] for h in data["holds"]}
    climbs = {c["id"] for c in data["climbs"]}
    lists = {x["id"] for x in data["climb_lists"]}
    if any(a.get("hold_id") not in holds for a in data["hold_annotations"]):
        raise EditError(f"{name}: an annotation of a hold that is not in the file")
    if any(i.get("climb_id") not in climbs or i.get("list_id") not in lists for i in data["list_items"]):
        raise EditError(f"{name}: a list item of a climb or list that is not in the file")


def _values(table: str, record: dict[str, Any]) -> dict[str, Any]:
    return {c: record.get(c) for c in COLUMNS[table]}


def import_wall(store: Store, source: str | Path) -> tuple[Changes, ImportReport]:
    """Import a .mastoc file (see the module docstring): all of it or nothing."""
    parsed = read_wall_file(source)
    data, manifest = parsed.data, parsed.manifest
    face = data["faces"][0]
    report = ImportReport(face_id=face["id"], name=str(face.get("name") or ""))
    conn = store.conn
    local_face = conn.execute("SELECT source, stokt_id, updated_at FROM faces WHERE id = ?", (face["id"],)).fetchone()
    if local_face is not None and (local_face["source"] != "mastoc" or local_face["stokt_id"] is not None):
        raise EditError("the file's face id is a Stokt face here; nothing imported")
    older = bool(local_face and local_face["updated_at"] and face.get("updated_at")
                 and str(face["updated_at"]) < str(local_face["updated_at"]))
    for h in data["holds"]:
        clash = conn.execute("SELECT id FROM holds WHERE num = ? AND id != ?", (h.get("num"), h["id"])).fetchone()
        if clash:
            raise EditError(f"hold number {h.get('num')} of the file is another hold here; nothing imported")
    info = images.write_image(paths.images_dir(store.directory), parsed.photo,
                              expected_sha256=manifest["photo_sha256"])
    ch: dict[str, set[str]] = {t: set() for t in ORDER}
    with store.transaction() as c:
        images.record(c, info, f"mastoc-file:{Path(source).name}"[:200])
        for table in ORDER:
            for record in data[table]:
                vals = _values(table, record)
                outcome = _upsert(c, table, vals, update=not older)
                if outcome == "unchanged":
                    report.unchanged[table] = report.unchanged.get(table, 0) + 1
                    continue
                if table == "climbs":
                    _climb_index(c, vals)
                target = report.added if outcome == "added" else report.updated
                target[table] = target.get(table, 0) + 1
                ch[table].add(str(vals["id"]))
        deleted: set[str] = set()
        if local_face is not None and not older:  # holds the newer version no longer has
            wanted = {h["id"] for h in data["holds"]}
            deleted = {r[0] for r in c.execute("SELECT id FROM holds WHERE face_id = ?", (face["id"],))} - wanted
        flagged: frozenset[str] = frozenset()
        for hid in sorted(deleted):
            removal = walls.delete_hold(store, hid)  # nested: a savepoint of this transaction
            flagged |= removal.climbs
            report.messages.extend(removal.messages)
    if deleted:
        report.removed["holds"] = len(deleted)
    if older:
        report.messages.append("this file is older than the wall here: only what is missing here was added")
    changes = Changes(
        faces=frozenset(ch["faces"] | ({face["id"]} if ch["holds"] or deleted else set())),
        holds=frozenset(ch["holds"]), deleted_holds=frozenset(deleted),
        climbs=frozenset(ch["climbs"]) | flagged, annotations=frozenset(ch["hold_annotations"]),
        lists=frozenset(ch["climb_lists"]), list_items=frozenset(ch["list_items"]),
        messages=(report.summary(), *report.messages),
    )
    return changes, report


def _upsert(c: sqlite3.Connection, table: str, vals: dict[str, Any], *, update: bool) -> str:
    cols = list(vals)
    row = c.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE id = ?", (vals["id"],)).fetchone()
    if row is None:
        try:
            c.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                      [vals[k] for k in cols])
        except sqlite3.IntegrityError as exc:
            raise EditError(f"the file's {LABELS[table]} {vals['id']} does not fit this store ({exc})") from None
        c.execute("DELETE FROM tombstones WHERE entity_id = ?", (str(vals["id"]),))
        return "added"
    if not update or all(row[k] == vals[k] for k in cols):
        return "unchanged"
    sets = [k for k in cols if k != "id"]
    c.execute(f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
              [vals[k] for k in sets] + [vals["id"]])
    return "updated"


def _climb_index(c: sqlite3.Connection, vals: dict[str, Any]) -> None:
    """Rebuild the climb<->hold index of an imported climb (its personal fields here are kept)."""
    c.execute("DELETE FROM climb_holds WHERE climb_id = ?", (vals["id"],))
    rows.insert_climb_holds(c, rows.climb_hold_rows(vals["id"], vals["holds_list"], vals.get("grade_ircra")))
