"""Conversions between domain values and the store's rows (column lists, timestamps, JSON columns)."""

from __future__ import annotations

import json
import operator
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from mastoc.domain import holdslist
from mastoc.domain.models import Climb, Face, Gym, Hold, HoldAnnotation, Source, User, Wall
from mastoc.store import bulk


def ts(value: datetime | None) -> str | None:
    """A timestamp as stored: ISO 8601 in UTC with `+00:00`. Naive datetimes are taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def parse_ts(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def now_ts() -> str:
    return datetime.now(UTC).isoformat()


def _b(value: object) -> bool:
    return bool(value)


GYM_COLUMNS = ("id", "stokt_id", "display_name", "location_string", "source", "created_at")


def gym_to_row(g: Gym) -> tuple:
    return (g.id, g.stokt_id, g.display_name, g.location_string, g.source.value, ts(g.created_at))


def gym_from_row(r: sqlite3.Row) -> Gym:
    return Gym(
        id=r["id"], stokt_id=r["stokt_id"], display_name=r["display_name"],
        location_string=r["location_string"], source=Source(r["source"]), created_at=parse_ts(r["created_at"]),
    )


WALL_COLUMNS = ("id", "stokt_id", "gym_id", "name", "angle", "is_active", "feet_rules", "default_feet_rule", "source")


def wall_to_row(w: Wall) -> tuple:
    return (
        w.id, w.stokt_id, w.gym_id, w.name, w.angle, int(w.is_active),
        json.dumps(w.feet_rules, ensure_ascii=False), w.default_feet_rule, w.source.value,
    )


def wall_from_row(r: sqlite3.Row) -> Wall:
    return Wall(
        id=r["id"], stokt_id=r["stokt_id"], gym_id=r["gym_id"], name=r["name"], angle=r["angle"],
        is_active=_b(r["is_active"]), feet_rules=json.loads(r["feet_rules"] or "[]"),
        default_feet_rule=r["default_feet_rule"], source=Source(r["source"]),
    )


FACE_COLUMNS = (
    "id", "stokt_id", "gym_id", "wall_id", "name", "picture_path", "picture_width", "picture_height",
    "picture_sha256", "small_picture_path", "feet_rules_options", "has_symmetry", "is_active", "source",
    "date_modified",
)


def face_to_row(f: Face) -> tuple:
    return (
        f.id, f.stokt_id, f.gym_id, f.wall_id, f.name, f.picture_path, f.picture_width, f.picture_height,
        f.picture_sha256, f.small_picture_path, json.dumps(f.feet_rules_options, ensure_ascii=False),
        int(f.has_symmetry), int(f.is_active), f.source.value, ts(f.date_modified),
    )


def face_from_row(r: sqlite3.Row) -> Face:
    return Face(
        id=r["id"], stokt_id=r["stokt_id"], gym_id=r["gym_id"], wall_id=r["wall_id"], name=r["name"],
        picture_path=r["picture_path"], picture_width=r["picture_width"], picture_height=r["picture_height"],
        picture_sha256=r["picture_sha256"], small_picture_path=r["small_picture_path"],
        feet_rules_options=json.loads(r["feet_rules_options"] or "[]"), has_symmetry=_b(r["has_symmetry"]),
        is_active=_b(r["is_active"]), source=Source(r["source"]), date_modified=parse_ts(r["date_modified"]),
    )


HOLD_COLUMNS = (
    "id", "face_id", "num", "stokt_id", "area", "polygon_str", "touch_polygon_str", "path_str",
    "centroid_str", "top_polygon_str", "center_tape_str", "left_tape_str", "right_tape_str",
)


def hold_to_row(h: Hold) -> tuple:
    return (
        h.id, h.face_id, h.num, h.stokt_id, h.area, h.polygon_str, h.touch_polygon_str, h.path_str,
        h.centroid_str, h.top_polygon_str, h.center_tape_str, h.left_tape_str, h.right_tape_str,
    )


def hold_from_row(r: sqlite3.Row) -> Hold:
    return Hold(**{c: r[c] for c in HOLD_COLUMNS})


USER_COLUMNS = ("id", "stokt_id", "full_name", "avatar_path", "source")


def user_to_row(u: User) -> tuple:
    return (u.id, u.stokt_id, u.full_name, u.avatar_path, u.source.value)


def user_from_row(r: sqlite3.Row) -> User:
    return User(
        id=r["id"], stokt_id=r["stokt_id"], full_name=r["full_name"], avatar_path=r["avatar_path"],
        source=Source(r["source"]),
    )


CLIMB_COLUMNS = (
    "id", "stokt_id", "face_id", "setter_id", "name", "holds_list", "mirror_holds_list", "grade_font",
    "grade_ircra", "feet_rule", "description", "tags", "circuit", "is_private", "is_benchmark",
    "climbed_by", "total_likes", "total_comments", "source", "created_at", "updated_at", "synced_at",
    "personal_notes", "personal_rating", "is_project",
)


def climb_to_row(c: Climb) -> tuple:
    return (
        c.id, c.stokt_id, c.face_id, c.setter_id, c.name, c.holds_list, c.mirror_holds_list, c.grade_font,
        c.grade_ircra, c.feet_rule, c.description, ",".join(c.tags),
        json.dumps(c.circuit, ensure_ascii=False) if c.circuit else "",
        int(c.is_private), int(c.is_benchmark), c.climbed_by, c.total_likes, c.total_comments,
        c.source.value, ts(c.created_at), ts(c.updated_at), ts(c.synced_at), c.personal_notes,
        c.personal_rating, int(c.is_project),
    )


def climb_from_row(r: sqlite3.Row) -> Climb:
    keys = r.keys()
    return Climb(
        id=r["id"], stokt_id=r["stokt_id"], face_id=r["face_id"], setter_id=r["setter_id"],
        setter_name=r["setter_name"] if "setter_name" in keys else None, name=r["name"],
        holds_list=r["holds_list"], mirror_holds_list=r["mirror_holds_list"], grade_font=r["grade_font"],
        grade_ircra=r["grade_ircra"], feet_rule=r["feet_rule"], description=r["description"],
        tags=[t for t in (r["tags"] or "").split(",") if t], circuit=json.loads(r["circuit"]) if r["circuit"] else [],
        is_private=_b(r["is_private"]), is_benchmark=_b(r["is_benchmark"]), climbed_by=r["climbed_by"],
        total_likes=r["total_likes"], total_comments=r["total_comments"], source=Source(r["source"]),
        created_at=parse_ts(r["created_at"]), updated_at=parse_ts(r["updated_at"]),
        synced_at=parse_ts(r["synced_at"]), personal_notes=r["personal_notes"],
        personal_rating=r["personal_rating"], is_project=_b(r["is_project"]),
    )


CLIMB_HOLD_INSERT = (
    "INSERT OR IGNORE INTO climb_holds (hold_num, climb_id, role, grade_ircra) VALUES (?, ?, ?, ?)"
)
_USAGE_ADD = (
    "INSERT INTO hold_grade_usage (hold_num, grade_key, n) VALUES (?, ?, ?) "
    "ON CONFLICT (hold_num, grade_key) DO UPDATE SET n = n + excluded.n"
)


_PK_ORDER = operator.itemgetter(0, 1)


def insert_climb_holds(conn: sqlite3.Connection, index_rows: Iterable[tuple], *, fresh: bool = False) -> None:
    """Insert climb<->hold index rows, count them in the hold usage statistics (`usage_schema`) and
    OR their holds' condition/grip bits into `climbs.hold_flags` (`annotation_schema`).

    The only way rows enter `climb_holds` (per-row triggers cost half again the write time of an
    import, `write_path_schema`): the batch's new (hold, climb) pairs are counted once each, per
    grade, in one `executemany`; the climbs whose holds carry bits get one UPDATE each. Deletions are
    handled by triggers, so cascades from deleted climbs are too.

    `fresh=True`: the caller knows none of these climbs has index rows yet (a bulk load of climbs
    just created, while `climb_holds_climb` may be deferred): the rows already there are not read.
    """
    batch = list(index_rows)
    if not batch:
        return
    climb_ids = [] if fresh else sorted({r[1] for r in batch})
    existing: set[tuple[int, str]] = set()
    for start in range(0, len(climb_ids), 500):
        chunk = climb_ids[start:start + 500]
        existing.update((r[0], r[1]) for r in conn.execute(
            f"SELECT hold_num, climb_id FROM climb_holds WHERE climb_id IN ({', '.join('?' * len(chunk))})", chunk))
    batch.sort(key=_PK_ORDER)  # B-tree order of the primary key: fewer pages touched
    bulk.insert_rows(conn, CLIMB_HOLD_INSERT.split(" VALUES ")[0], batch)
    added: dict[tuple[int, float], int] = {}
    for hold, climb_id, _role, grade in batch:
        if (hold, climb_id) in existing:
            continue
        existing.add((hold, climb_id))
        key = (hold, -1.0 if grade is None else float(grade))
        added[key] = added.get(key, 0) + 1
    conn.executemany(_USAGE_ADD, [(h, g, n) for (h, g), n in added.items()])
    _add_hold_flags(conn, batch)


def _add_hold_flags(conn: sqlite3.Connection, batch: list[tuple]) -> None:
    """`climbs.hold_flags |= ` the bits of the batch's holds: a hold's `bits` in any role, its
    `hand_bits` unless the role is F (what the dropped insert trigger did, row by row). OR-ing the
    bits of a row that was already there changes nothing: its bits are in the mask already."""
    flags = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT num, bits, hand_bits FROM hold_flags")}
    if not flags:
        return
    masks: dict[str, int] = {}
    for hold, climb_id, role, _grade in batch:
        f = flags.get(hold)
        if f is not None:
            bits = f[0] | (f[1] if role != "F" else 0)
            if bits:
                masks[climb_id] = masks.get(climb_id, 0) | bits
    if masks:
        conn.executemany("UPDATE climbs SET hold_flags = hold_flags | ? WHERE id = ?",
                         [(m, cid) for cid, m in masks.items()])


def climb_hold_rows(climb_id: str, holds_list: str, grade_ircra: float | None) -> list[tuple]:
    """(hold_num, climb_id, role, grade_ircra) rows of the climb<->hold index (grade copied so heatmaps
    need no join); an unparseable list indexes nothing."""
    try:
        refs = holdslist.parse(holds_list)
    except holdslist.HoldsListError:
        return []
    return [(ref.hold, climb_id, ref.role.value, grade_ircra) for ref in refs]


ANNOTATION_COLUMNS = (
    "id", "hold_id", "user_id", "grip_type", "condition", "difficulty", "notes", "created_at", "updated_at",
)


def annotation_to_row(a: HoldAnnotation) -> tuple:
    return (
        a.id, a.hold_id, a.user_id, a.grip_type, a.condition, a.difficulty, a.notes,
        ts(a.created_at), ts(a.updated_at),
    )


def annotation_from_row(r: sqlite3.Row) -> HoldAnnotation:
    return HoldAnnotation(
        id=r["id"], hold_id=r["hold_id"], user_id=r["user_id"], grip_type=r["grip_type"],
        condition=r["condition"], difficulty=r["difficulty"], notes=r["notes"],
        created_at=parse_ts(r["created_at"]), updated_at=parse_ts(r["updated_at"]),
    )
