"""Upgrading a first-version deployment: `migrate_from_old(source_url, engine, ...)`.

Reads the first server's tables (`gyms`, `faces`, `holds`, `users`, `climbs`, `hold_annotations`,
`id_mappings`; API.md §5) with plain `SELECT *`, so columns an old deployment never got are simply
absent (their values default), and upserts them into the new schema:

- gyms, faces, users and climbs keep their ids (the old clients know them). A row whose Stokt id is
  already in the new database under another id (an earlier Stokt import) is merged into that row,
  and references follow it; a user whose e-mail or user name already exists likewise.
- holds get the ids the old clients know: the Stokt hold id, or for a hold without one its old
  number when that is free (else a newly allocated mastoc id; `holds_list` strings follow).
- users keep their bcrypt password hashes (verified at login, then re-hashed); a hash the new
  server already replaced is never put back.
- the global "personal" climb fields become the personal row of the climb's last editor or
  creator (else the only account that can log in, else the first admin).
- annotations keep their authors; `id_mappings` is copied; the images under the old static
  directory go to the image store under their old paths (so `/static/<path>` still answers), and
  become the faces' photos and the users' avatars.

Every created or changed row is written to the changes feed, so new clients sync it. Each table is
committed on its own and every step is an upsert that compares before writing: a second run
changes nothing, and a run interrupted half-way can simply be run again.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, create_engine, insert, inspect, select, text, update
from sqlmodel import Session

from mastoc.domain.ids import id_for_stokt
from mastoc.server import changes, holdids, images, views
from mastoc.server.config import normalize_database_url
from mastoc.server.imagestore import Store
from mastoc.server.models import (
    Climb,
    ClimbPersonal,
    Face,
    Gym,
    Hold,
    HoldAnnotation,
    IdMapping,
    Image,
    User,
)
from mastoc.server.timeutil import as_utc, parse_iso, utcnow

TABLES = ("gyms", "faces", "holds", "users", "climbs", "hold_annotations", "id_mappings")
_NS_OLD_HOLD = uuid.UUID("6d617374-6f63-4f6c-6448-6f6c64000000")
_TOKEN = re.compile(r"^([A-Za-z]*)(\d+)$")


@dataclass
class Count:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        out = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return out + (f", {self.skipped} skipped" if self.skipped else "")


@dataclass
class Report:
    counts: dict[str, Count] = field(default_factory=lambda: defaultdict(Count))
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    def lines(self) -> list[str]:
        return [f"{name}: {count}" for name, count in self.counts.items()] + [f"warning: {w}" for w in self.warnings]


# --- values ---------------------------------------------------------------------------------------

def _uuid(v: Any) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, bytes | bytearray) and len(v) == 16:
        return str(uuid.UUID(bytes=bytes(v)))
    try:
        return str(uuid.UUID(str(v)))
    except ValueError:
        return str(v)


def _dt(v: Any) -> datetime | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return as_utc(v)
    try:
        return parse_iso(str(v).replace(" ", "T", 1))
    except ValueError:
        return None


def _bool(v: Any, default: bool = False) -> bool:
    if v is None:
        return default
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true", "t", "yes")
    return bool(v)


def _int(v: Any) -> int | None:
    return None if v is None or v == "" else int(v)


def _float(v: Any) -> float | None:
    return None if v is None or v == "" else float(v)


def _str(v: Any, limit: int | None = None) -> str | None:
    if v is None:
        return None
    s = str(v).replace("\x00", "")
    return s[:limit] if limit else s


def _json_list(v: Any) -> str:
    if v is None or v == "":
        return "[]"
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except ValueError:
            return "[]"
    return json.dumps([str(x) for x in v] if isinstance(v, list) else [], ensure_ascii=False)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, datetime) or isinstance(b, datetime):
        return a is not None and b is not None and as_utc(a) == as_utc(b) or (a is None and b is None)
    if isinstance(a, float) or isinstance(b, float):
        return (a is None and b is None) or (a is not None and b is not None and float(a) == float(b))
    if isinstance(a, bool) or isinstance(b, bool):
        return (a is None and b is None) or (a is not None and b is not None and bool(a) == bool(b))
    return bool(a == b)


# --- reading the first server ---------------------------------------------------------------------

def read_old(engine: Engine, report: Report) -> dict[str, list[dict[str, Any]]]:
    present = set(inspect(engine).get_table_names())
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in TABLES:
            if table not in present:
                report.warnings.append(f"the old database has no table {table}")
                out[table] = []
                continue
            out[table] = [dict(r) for r in conn.execute(text(f"SELECT * FROM {table}")).mappings()]
    return out


# --- writing --------------------------------------------------------------------------------------

def _upsert(session: Session, model: Any, key: tuple[str, ...], rows: list[dict[str, Any]],
            existing: dict[Any, dict[str, Any]], count: Count, *, insert_only: Iterable[str] = (),
            keep: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Insert new rows, update changed columns of existing ones (`insert_only` columns are never
    updated; `keep(old, new)` may drop more). Returns the rows created or changed (full values)."""
    table = model.__table__
    skip = set(insert_only)
    new: list[dict[str, Any]] = []
    touched: list[dict[str, Any]] = []
    for row in rows:
        k = tuple(row[c] for c in key)
        old = existing.get(k)
        if old is None:
            new.append(row)
            existing[k] = row
            touched.append(row)
            count.created += 1
            continue
        diff = {c: v for c, v in row.items() if c not in skip and c not in key and not _same(old.get(c), v)}
        if keep is not None and diff:
            diff = keep(old, diff)
        if not diff:
            count.unchanged += 1
            continue
        where = [table.c[c] == row[c] for c in key]
        session.execute(update(table).where(*where).values(**diff))
        merged = {**old, **diff}
        existing[k] = merged
        touched.append(merged)
        count.updated += 1
    for i in range(0, len(new), 2000):
        session.execute(insert(table), new[i:i + 2000])
    return touched


def _existing(session: Session, model: Any, key: tuple[str, ...] = ("id",)) -> dict[Any, dict[str, Any]]:
    table = model.__table__
    return {tuple(r[c] for c in key): dict(r) for r in session.execute(select(table)).mappings()}


def _by(existing: dict[Any, dict[str, Any]], column: str, fold: Callable[[Any], Any] = lambda v: v) -> dict[Any, Any]:
    return {fold(r[column]): r["id"] for r in existing.values() if r.get(column) is not None}


def _model(model: Any, row: dict[str, Any]) -> Any:
    """A light stand-in for a row of `model` (attributes only), for the `views` functions."""
    return SimpleNamespace(**{c.name: row.get(c.name) for c in model.__table__.columns})


def migrate_from_old(source_url: str, engine: Engine, *, byte_store: Store | None = None,
                     static_dir: Path | None = None, max_image_pixels: int = 40_000_000,
                     say: Callable[[str], None] = lambda _m: None) -> Report:
    """Copy a first-version database (`source_url`) into the new database on `engine`."""
    from mastoc.server import db
    from mastoc.server.routes.climbs import _public, feed_owner
    from mastoc.server.routes.walls import face_out

    report = Report()
    src = create_engine(normalize_database_url(source_url))
    try:
        old = read_old(src, report)
    finally:
        src.dispose()
    maker = db.make_sessionmaker(engine)
    now = utcnow()

    # gyms ----------------------------------------------------------------------------------------
    say("gyms")
    with maker() as s:
        have = _existing(s, Gym)
        by_stokt = _by({k: v for k, v in have.items()}, "stokt_id")
        gym_map: dict[str, str] = {}
        rows = []
        for r in old["gyms"]:
            oid, sid = _uuid(r.get("id")), _uuid(r.get("stokt_id"))
            if oid is None:
                continue
            tid = oid if (oid,) in have else by_stokt.get(sid, oid) if sid else oid
            gym_map[oid] = tid
            rows.append({"id": tid, "stokt_id": sid, "display_name": _str(r.get("display_name"), 255) or "Gym",
                         "location_string": _str(r.get("location_string"), 255),
                         "source": _str(r.get("source"), 10) or ("stokt" if sid else "mastoc"),
                         "created_at": _dt(r.get("created_at")) or now})
        for g in _upsert(s, Gym, ("id",), rows, have, report.counts["gyms"], insert_only=("created_at",)):
            changes.record(s, "gym", g["id"], "upsert", {"id": g["id"], "stokt_id": g["stokt_id"],
                                                         "display_name": g["display_name"],
                                                         "location_string": g["location_string"]})
        s.commit()

    # faces ---------------------------------------------------------------------------------------
    say("faces")
    with maker() as s:
        have = _existing(s, Face)
        by_stokt = _by(have, "stokt_id")
        face_map: dict[str, str] = {}
        rows = []
        for r in old["faces"]:
            oid, sid = _uuid(r.get("id")), _uuid(r.get("stokt_id"))
            gym = gym_map.get(_uuid(r.get("gym_id")) or "")
            if oid is None or gym is None:
                report.counts["faces"].skipped += 1
                continue
            tid = oid if (oid,) in have else by_stokt.get(sid, oid) if sid else oid
            face_map[oid] = tid
            rows.append({"id": tid, "stokt_id": sid, "gym_id": gym, "picture_path": _str(r.get("picture_path"), 500) or "",
                         "picture_width": _int(r.get("picture_width")), "picture_height": _int(r.get("picture_height")),
                         "feet_rules_options": _json_list(r.get("feet_rules_options")),
                         "has_symmetry": _bool(r.get("has_symmetry")),
                         "source": _str(r.get("source"), 10) or ("stokt" if sid else "mastoc"),
                         "synced_at": _dt(r.get("synced_at")), "created_at": _dt(r.get("created_at")) or now})
        touched_faces = _upsert(s, Face, ("id",), rows, have, report.counts["faces"], insert_only=("created_at",))
        s.commit()

    # holds ---------------------------------------------------------------------------------------
    say("holds")
    with maker() as s:
        have = _existing(s, Hold)
        by_uid = _by(have, "uid")
        stokt_ids = {_int(r.get("stokt_id")) for r in old["holds"]} - {None}
        hold_map: dict[int, int] = {}
        rows = []
        taken = {k[0] for k in have}
        for r in sorted(old["holds"], key=lambda r: (r.get("stokt_id") is None, r.get("id") or 0)):
            oid, sid = _int(r.get("id")), _int(r.get("stokt_id"))
            face = face_map.get(_uuid(r.get("face_id")) or "")
            if oid is None or face is None or r.get("polygon_str") is None:
                report.counts["holds"].skipped += 1
                continue
            if sid is not None:
                tid = sid
                uid = have[(sid,)]["uid"] if (sid,) in have else id_for_stokt("hold", sid)
            else:
                uid = str(uuid.uuid5(_NS_OLD_HOLD, str(oid)))
                if uid in by_uid:
                    tid = by_uid[uid]
                elif oid not in taken and oid not in stokt_ids:
                    tid = oid
                else:
                    tid = holdids.allocate(s)
                    report.warnings.append(f"old hold {oid} (no Stokt id) is now hold {tid}")
            taken.add(tid)
            hold_map[oid] = tid
            rows.append({"id": tid, "uid": uid, "stokt_id": sid, "face_id": face,
                         "polygon_str": _str(r.get("polygon_str")), "centroid_x": _float(r.get("centroid_x")),
                         "centroid_y": _float(r.get("centroid_y")), "area": _float(r.get("area")),
                         "path_str": _str(r.get("path_str")), "center_tape_str": _str(r.get("center_tape_str"), 200),
                         "right_tape_str": _str(r.get("right_tape_str"), 200),
                         "left_tape_str": _str(r.get("left_tape_str"), 200),
                         "source": "stokt" if sid is not None else "mastoc", "created_at": now})
        for h in _upsert(s, Hold, ("id",), rows, have, report.counts["holds"], insert_only=("created_at", "uid")):
            changes.record(s, "hold", h["id"], "upsert", views.hold(_model(Hold, h)))
        s.commit()
    renumbered = {o: n for o, n in hold_map.items() if o != n and o not in stokt_ids}

    # users ---------------------------------------------------------------------------------------
    say("users")
    with maker() as s:
        have = _existing(s, User)
        by_stokt, by_email = _by(have, "stokt_id"), _by(have, "email", lambda v: str(v).lower())
        by_name = _by(have, "username")
        user_map: dict[str, str] = {}
        rows = []
        for r in old["users"]:
            oid, sid = _uuid(r.get("id")), _uuid(r.get("stokt_id"))
            if oid is None:
                continue
            email, username = _str(r.get("email"), 255), _str(r.get("username"), 100)
            tid = oid
            if (oid,) not in have:
                other = ((sid and by_stokt.get(sid)) or (email and by_email.get(email.lower()))
                         or (username and by_name.get(username)))
                if other:
                    tid = other
                    if email or username:
                        report.warnings.append(f"old user {username or email} merged into the existing account")
            user_map[oid] = tid
            rows.append({"id": tid, "stokt_id": sid, "full_name": _str(r.get("full_name"), 255) or (username or "?"),
                         "avatar_path": _str(r.get("avatar_path"), 500), "email": email, "username": username,
                         "password_hash": _str(r.get("password_hash"), 255), "is_active": _bool(r.get("is_active"), True),
                         "role": "admin" if r.get("role") == "admin" else "user",
                         "source": _str(r.get("source"), 10) or ("stokt" if sid else "mastoc"),
                         "created_at": _dt(r.get("created_at")) or now, "updated_at": _dt(r.get("updated_at")),
                         "last_login_at": _dt(r.get("last_login_at"))})

        def keep_account(current: dict[str, Any], diff: dict[str, Any]) -> dict[str, Any]:
            diff.pop("last_login_at", None)
            diff.pop("avatar_path", None)  # set by the photo step below
            if "password_hash" in diff and current.get("password_hash") and not str(current["password_hash"]).startswith("$2"):
                diff.pop("password_hash")  # already re-hashed by the new server (or changed there)
            if tuple(sorted(diff)) == ("updated_at",):
                diff.pop("updated_at")
            return diff

        for u in _upsert(s, User, ("id",), rows, have, report.counts["users"], keep=keep_account):
            changes.record(s, "user", u["id"], "upsert", views.user_public(_model(User, u)))
        s.commit()

    # climbs and their personal fields -------------------------------------------------------------
    say("climbs")
    logins = [u for u in old["users"] if u.get("password_hash")]
    fallback = None
    if len(logins) == 1:
        fallback = user_map.get(_uuid(logins[0]["id"]) or "")
    else:
        admins = sorted((u for u in logins if u.get("role") == "admin"), key=lambda u: str(u.get("created_at") or ""))
        if admins:
            fallback = user_map.get(_uuid(admins[0]["id"]) or "")

    def holds_list(v: Any) -> str:
        s_ = _str(v) or ""
        if not renumbered:
            return s_
        out = []
        for tok in s_.replace(",", " ").split():
            m = _TOKEN.match(tok)
            if m and int(m.group(2)) in renumbered:
                tok = f"{m.group(1)}{renumbered[int(m.group(2))]}"
            out.append(tok)
        return " ".join(out)

    with maker() as s:
        have = _existing(s, Climb)
        by_stokt = _by(have, "stokt_id")
        names = {r["id"]: r["full_name"] for r in s.execute(select(User.__table__.c.id, User.__table__.c.full_name)).mappings()}
        climb_map: dict[str, str] = {}
        rows, personal = [], []
        for r in old["climbs"]:
            oid, sid = _uuid(r.get("id")), _uuid(r.get("stokt_id"))
            face = face_map.get(_uuid(r.get("face_id")) or "")
            if oid is None or face is None:
                report.counts["climbs"].skipped += 1
                continue
            tid = oid if (oid,) in have else by_stokt.get(sid, oid) if sid else oid

            def user(col: str, r: dict[str, Any] = r) -> str | None:
                return user_map.get(_uuid(r.get(col)) or "")

            climb_map[oid] = tid
            row = {"id": tid, "stokt_id": sid, "face_id": face, "setter_id": user("setter_id"),
                   "name": _str(r.get("name"), 255) or "", "holds_list": holds_list(r.get("holds_list")),
                   "mirror_holds_list": _str(r.get("mirror_holds_list")) if r.get("mirror_holds_list") is not None else None,
                   "grade_font": _str(r.get("grade_font"), 10), "grade_ircra": _float(r.get("grade_ircra")),
                   "feet_rule": _str(r.get("feet_rule"), 100), "description": _str(r.get("description")),
                   "is_private": _bool(r.get("is_private")), "is_benchmark": _bool(r.get("is_benchmark")),
                   "climbed_by": _int(r.get("climbed_by")) or 0, "total_likes": _int(r.get("total_likes")) or 0,
                   "total_comments": _int(r.get("total_comments")) or 0,
                   "source": _str(r.get("source"), 10) or ("stokt" if sid else "mastoc"),
                   "created_at": _dt(r.get("created_at")) or now, "updated_at": _dt(r.get("updated_at")),
                   "synced_at": _dt(r.get("synced_at")), "created_by_id": user("created_by_id"),
                   "updated_by_id": user("updated_by_id")}
            rows.append(row)
            notes, rating, project = _str(r.get("personal_notes")), _int(r.get("personal_rating")), _bool(r.get("is_project"))
            if notes or rating is not None or project:
                owner = row["updated_by_id"] or row["created_by_id"] or fallback
                if owner is None:
                    report.warnings.append(f"climb {tid}: personal fields without an owner, not copied")
                    continue
                personal.append({"climb_id": tid, "user_id": owner, "personal_notes": notes, "personal_rating": rating,
                                 "is_project": project, "updated_at": row["updated_at"] or row["created_at"]})
        for c in _upsert(s, Climb, ("id",), rows, have, report.counts["climbs"], insert_only=("created_at",)):
            m = _model(Climb, c)
            changes.record(s, "climb", c["id"], "upsert", _public(views.climb(m, names.get(c["setter_id"]))),
                           owner_id=feed_owner(m))
        s.commit()
    with maker() as s:
        have = _existing(s, ClimbPersonal, ("climb_id", "user_id"))
        for p in _upsert(s, ClimbPersonal, ("climb_id", "user_id"), personal, have, report.counts["climb_personal"],
                         insert_only=("updated_at",)):
            changes.record(s, "climb_personal", f"{p['climb_id']}:{p['user_id']}", "upsert",
                           views.personal(_model(ClimbPersonal, p)), owner_id=p["user_id"])
        s.commit()

    # hold annotations ------------------------------------------------------------------------------
    say("hold annotations")
    with maker() as s:
        have = _existing(s, HoldAnnotation)
        by_pair = {(r["hold_id"], r["user_id"]): r["id"] for r in have.values()}
        rows = []
        for r in old["hold_annotations"]:
            oid = _uuid(r.get("id"))
            hold = hold_map.get(_int(r.get("hold_id")) or -1)
            author = user_map.get(_uuid(r.get("user_id")) or "")
            if oid is None or hold is None or author is None:
                report.counts["hold_annotations"].skipped += 1
                continue
            tid = oid if (oid,) in have else by_pair.get((hold, author), oid)
            by_pair[(hold, author)] = tid
            rows.append({"id": tid, "hold_id": hold, "user_id": author, "grip_type": _str(r.get("grip_type"), 50),
                         "condition": _str(r.get("condition"), 50), "difficulty": _str(r.get("difficulty"), 50),
                         "notes": _str(r.get("notes")), "created_at": _dt(r.get("created_at")) or now,
                         "updated_at": _dt(r.get("updated_at"))})
        touched = _upsert(s, HoldAnnotation, ("id",), rows, have, report.counts["hold_annotations"],
                          insert_only=("created_at",))
        for a in touched:
            out = views.annotation(_model(HoldAnnotation, a))
            changes.record(s, "hold_annotation", a["id"], "upsert", {"hold_id": a["hold_id"], "user_id": a["user_id"], **out},
                           owner_id=a["user_id"])
        per_hold: dict[int, list[HoldAnnotation]] = defaultdict(list)
        if touched:
            for a in have.values():
                per_hold[a["hold_id"]].append(_model(HoldAnnotation, a))
            for hid in sorted({a["hold_id"] for a in touched}):
                changes.record(s, "hold_consensus", hid, "upsert", {"hold_id": hid, **views.consensus(per_hold[hid])})
        s.commit()

    # id mappings ------------------------------------------------------------------------------------
    with maker() as s:
        have = _existing(s, IdMapping)
        rows = [{"id": _int(r.get("id")), "entity_type": _str(r.get("entity_type"), 50) or "?",
                 "mastoc_id": _uuid(r.get("mastoc_id")), "stokt_id": _uuid(r.get("stokt_id")),
                 "sync_direction": _str(r.get("sync_direction"), 20), "synced_at": _dt(r.get("synced_at"))}
                for r in old["id_mappings"] if r.get("id") is not None]
        _upsert(s, IdMapping, ("id",), rows, have, report.counts["id_mappings"])
        s.commit()

    # photos and avatars ------------------------------------------------------------------------------
    if static_dir is not None and byte_store is not None:
        say("photos")
        _photos(maker, byte_store, Path(static_dir), old, user_map, touched_faces, max_image_pixels, report)
    elif touched_faces:
        with maker() as s:
            for f in touched_faces:
                row = s.get(Face, f["id"])
                if row is not None:
                    changes.record(s, "face", row.id, "upsert", face_out(s, row))
            s.commit()
    return report


def _avatar_candidates(path: str) -> list[str]:
    p = path.strip().lstrip("/")
    out = [p]
    if p.startswith("static/"):
        out.append(p[len("static/"):])
    name = p.rsplit("/", 1)[-1]
    out += [f"avatars/{name}", name]
    return out


def _photos(maker: Any, byte_store: Store, static_dir: Path, old: dict[str, list[dict[str, Any]]],
            user_map: dict[str, str], touched_faces: list[dict[str, Any]], max_pixels: int, report: Report) -> None:
    from mastoc.server.imagestore import safe_path
    from mastoc.server.routes.walls import face_out

    count = report.counts["photos"]
    by_path: dict[str, Image] = {}
    root = static_dir.resolve()
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    with maker() as s:
        for f in files:
            rel = f.relative_to(root).as_posix()
            if len(rel) > 300:
                count.skipped += 1
                continue
            data = f.read_bytes()
            known = images.find_by_path(s, rel)
            if known is not None and byte_store.has(s, known):
                by_path[rel] = known
                count.unchanged += 1
                continue
            try:
                img, created = images.store(s, byte_store, data, max_pixels=max_pixels, user_id=None, path=rel)
            except images.ImageRejected:
                count.skipped += 1
                continue
            by_path[rel] = img
            if created:
                count.created += 1
                changes.record(s, "image", img.sha256, "upsert", views.image(img))
            else:
                count.unchanged += 1
        s.commit()
    touched = {f["id"] for f in touched_faces}
    with maker() as s:
        for face in s.execute(select(Face)).scalars():
            img = by_path.get(face.picture_path.lstrip("/")) if face.picture_path else None
            if img is not None and (face.picture_sha256 != img.sha256):
                face.picture_sha256 = img.sha256
                s.add(face)
                touched.add(face.id)
            if face.id in touched:
                s.flush()
                changes.record(s, "face", face.id, "upsert", face_out(s, face))
        for r in old["users"]:
            uid = user_map.get(_uuid(r.get("id")) or "")
            path = _str(r.get("avatar_path"))
            if not uid or not path:
                continue
            img = next((by_path[c] for c in _avatar_candidates(path) if c in by_path), None)
            if img is None:
                found = next((safe_path(static_dir, c) for c in _avatar_candidates(path) if safe_path(static_dir, c)), None)
                if found is None:
                    report.warnings.append(f"avatar of user {uid} not found under the static directory")
                    continue
            user = s.get(User, uid)
            if user is None or img is None:
                continue
            url = f"/api/users/{uid}/avatar"
            if user.avatar_sha256 != img.sha256 or user.avatar_path != url:
                user.avatar_sha256, user.avatar_path = img.sha256, url
                s.add(user)
                s.flush()
                changes.record(s, "user", uid, "upsert", views.user_public(user))
                report.counts["avatars"].updated += 1
        s.commit()
