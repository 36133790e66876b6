"""Railway sync, pure part: which fields of each entity travel, their content hashes, and the
mapping between the server's records (changes feed / answers) and the local rows.

Both sides are turned into the same shape, a dict of LOCAL column values, before hashing, so a
hash computed from a server record and one computed from the local row agree when the data do.
Fields that differ only in representation between the two sides (timestamps, the hold centroid's
text, `area`, a face's `picture_path` and gym of a personal wall) are carried but never hashed.
Fields added to the sync later (`HASHED_EXTRA`: tags, circuit, benchmark flag, mirror holds, small
picture) enter a hash only when they hold a value, so the bases recorded before them stay valid.
Every column of every synced table travels (tests/sync_railway/test_field_roundtrip.py checks it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

# entity -> local table
TABLES = {
    "gym": "gyms", "wall": "walls", "user": "users", "face": "faces", "hold": "holds", "climb": "climbs", "climb_personal": "climbs",
    "hold_annotation": "hold_annotations", "list": "climb_lists", "list_item": "list_items",
}
# pull order (parents first); pushes use the same order, remote deletions the reverse
ORDER = ("gym", "wall", "user", "face", "hold", "climb", "climb_personal", "hold_annotation", "list", "list_item")
PERSONAL = ("personal_notes", "personal_rating", "is_project")  # the account's own, per climb

HASHED: dict[str, tuple[str, ...]] = {
    "gym": ("stokt_id", "display_name", "location_string"),
    "wall": ("stokt_id", "gym_id", "name", "angle", "is_active", "feet_rules", "default_feet_rule"),
    "user": ("full_name",),
    "face": ("stokt_id", "name", "picture_sha256", "feet_rules_options", "has_symmetry"),
    "hold": ("face_id", "num", "stokt_id", "polygon_str", "path_str", "touch_polygon_str", "top_polygon_str",
             "center_tape_str", "left_tape_str", "right_tape_str"),
    "climb": ("stokt_id", "face_id", "setter_id", "name", "holds_list", "grade_font", "grade_ircra", "feet_rule",
              "description", "is_private"),
    "climb_personal": PERSONAL,
    "hold_annotation": ("hold_id", "grip_type", "condition", "difficulty", "notes"),
    "list": ("name", "description", "is_public", "list_type"),
    "list_item": ("list_id", "climb_id", "position", "status", "notes"),
}
# hashed only when not empty (see the module docstring)
HASHED_EXTRA: dict[str, tuple[str, ...]] = {
    "climb": ("tags", "circuit", "is_benchmark", "mirror_holds_list"),
    "face": ("small_picture_path",),
}
# fields a person edits: the base of the 3-way check (the rest follows the server)
EDIT: dict[str, tuple[str, ...]] = {
    **HASHED,
    "climb": ("name", "holds_list", "grade_font", "grade_ircra", "feet_rule", "description", "is_private"),
}
# columns written locally when a remote version is taken (beyond `id`)
WRITTEN: dict[str, tuple[str, ...]] = {
    "gym": ("stokt_id", "display_name", "location_string", "source"),
    "wall": ("stokt_id", "gym_id", "name", "angle", "is_active", "feet_rules", "default_feet_rule", "source"),
    "user": ("stokt_id", "full_name", "avatar_path", "source"),
    "face": ("stokt_id", "gym_id", "wall_id", "name", "picture_path", "picture_width", "picture_height", "picture_sha256",
             "small_picture_path", "feet_rules_options", "has_symmetry", "source", "date_modified"),
    "hold": ("face_id", "num", "stokt_id", "area", "polygon_str", "touch_polygon_str", "path_str", "centroid_str",
             "top_polygon_str", "center_tape_str", "left_tape_str", "right_tape_str"),
    "climb": ("stokt_id", "face_id", "setter_id", "name", "holds_list", "mirror_holds_list", "grade_font", "grade_ircra",
              "feet_rule", "description", "tags", "circuit", "is_private", "is_benchmark", "climbed_by", "total_likes",
              "total_comments", "source", "created_at"),
    "climb_personal": PERSONAL,
    "hold_annotation": ("hold_id", "grip_type", "condition", "difficulty", "notes", "created_at"),
    "list": ("name", "description", "is_public", "list_type", "stokt_id", "source", "created_at"),
    "list_item": ("list_id", "climb_id", "position", "status", "notes", "stokt_id", "added_at"),
}
KEEP_ON_UPDATE: dict[str, tuple[str, ...]] = {"face": ("gym_id", "picture_path"), "hold": ("centroid_str", "area")}


def _bool(value: Any) -> Any:
    return int(bool(value))


def _text_or_empty(value: Any) -> Any:
    return value or ""


def _count(value: Any) -> Any:
    return int(value or 0)


def _grade(value: Any) -> Any:
    return None if value is None else round(float(value), 4)


def _int_or_none(value: Any) -> Any:
    return None if value is None else int(value)


def _stokt_id(value: Any) -> Any:
    return None if value in (None, "") else str(value)


def _json_list(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value or "[]")
        except ValueError:
            return value
    return json.dumps(list(value or []), ensure_ascii=False)


def _none_if_empty(value: Any) -> Any:
    return value if value not in ("",) else None


def _same(value: Any) -> Any:
    return value


# one normalizer per field (looked up once per field name: the hashes run over every pulled row)
_NORMS: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(("is_private", "is_public", "has_symmetry", "is_project", "is_active", "is_benchmark"), _bool),
    **dict.fromkeys(("tags", "circuit", "mirror_holds_list"), _text_or_empty),
    **dict.fromkeys(("climbed_by", "total_likes", "total_comments"), _count),
    "grade_ircra": _grade,
    **dict.fromkeys(("num", "position", "personal_rating"), _int_or_none),
    "stokt_id": _stokt_id,
    **dict.fromkeys(("feet_rules_options", "feet_rules"), _json_list),
    "list_type": lambda v: v or "personal",
    "status": lambda v: v or "todo",
    **dict.fromkeys(("description", "notes", "personal_notes", "location_string", "grip_type", "condition", "difficulty",
                     "name", "angle", "default_feet_rule"), _none_if_empty),
}


def _normalizer(field: str) -> Callable[[Any], Any]:
    fn = _NORMS.get(field)
    if fn is None:
        fn = _text_or_empty if field.endswith("_str") else _same
        _NORMS[field] = fn
    return fn


def _norm(field: str, value: Any) -> Any:
    return _normalizer(field)(value)


def normalize_one(field: str, value: Any) -> Any:
    return _norm(field, value)


def _plan(fields: tuple[str, ...]) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    return tuple((f, _normalizer(f)) for f in fields)


_WRITTEN_N = {e: _plan(f) for e, f in WRITTEN.items()}
_HASHED_N = {e: _plan(f) for e, f in HASHED.items()}
_EXTRA_N = {e: _plan(f) for e, f in HASHED_EXTRA.items()}
_EDIT_N = {e: _plan(f) for e, f in EDIT.items()}


def normalize(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    get = values.get
    return {f: fn(get(f)) for f, fn in _WRITTEN_N[entity]}


def _digest(values: tuple[Any, ...]) -> str:
    return hashlib.sha1(repr(values).encode("utf-8")).hexdigest()


def content_hash(entity: str, values: dict[str, Any]) -> str:
    get = values.get
    base = tuple([fn(get(f)) for f, fn in _HASHED_N[entity]])
    extra = tuple([(f, v) for f, fn in _EXTRA_N.get(entity, ()) if (v := fn(get(f))) not in ("", 0, None)])
    return _digest(base + extra if extra else base)


def edit_hash(entity: str, values: dict[str, Any]) -> str:
    get = values.get
    return _digest(tuple([fn(get(f)) for f, fn in _EDIT_N[entity]]))


def changed_fields(entity: str, a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return [f for f in (*HASHED[entity], *HASHED_EXTRA.get(entity, ())) if _norm(f, a.get(f)) != _norm(f, b.get(f))]


def local_ts(value: Any) -> str | None:
    """A server timestamp (naive UTC ISO 8601) as the store writes it (UTC with `+00:00`)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


class Lookup:
    """What remote -> local mapping needs to know about the local side (and what this pull brings)."""

    def __init__(self, hold_by_num: dict[int, str], users: set[str], image_local: dict[str, str]) -> None:
        self.hold_by_num = hold_by_num  # public hold number -> local hold id
        self.users = users  # local user ids
        self.image_local = image_local  # server sha256 -> local sha256


def remote_to_local(entity: str, data: dict[str, Any], lk: Lookup) -> dict[str, Any] | None:
    """A server record as local column values (`id` included), or None when it cannot be mapped."""
    d = data
    if entity == "gym":
        return {"id": d["id"], "stokt_id": d.get("stokt_id"), "display_name": d.get("display_name") or "",
                "location_string": d.get("location_string"), "source": "stokt" if d.get("stokt_id") else "mastoc"}
    if entity == "wall":
        return {"id": d["id"], "stokt_id": d.get("stokt_id"), "gym_id": d.get("gym_id"), "name": d.get("name") or "",
                "angle": d.get("angle"), "is_active": d.get("is_active", True), "feet_rules": d.get("feet_rules") or [],
                "default_feet_rule": d.get("default_feet_rule"), "source": d.get("source") or "stokt"}
    if entity == "user":
        return {"id": d["id"], "stokt_id": d.get("stokt_id"),
                "full_name": d.get("full_name") or d.get("username") or "?", "avatar_path": d.get("avatar_path"),
                "source": "stokt" if d.get("stokt_id") else "mastoc"}
    if entity == "face":
        sha = d.get("picture_sha256")
        return {"id": d["id"], "stokt_id": d.get("stokt_id"), "gym_id": d.get("gym_id"), "wall_id": d.get("wall_id"),
                "name": d.get("name"), "picture_path": d.get("picture_path") or "", "picture_width": d.get("picture_width"),
                "picture_height": d.get("picture_height"), "picture_sha256": lk.image_local.get(sha, sha) if sha else None,
                "small_picture_path": d.get("small_picture_path"),
                "feet_rules_options": d.get("feet_rules_options") or [], "has_symmetry": d.get("has_symmetry"),
                "source": d.get("source") or "stokt", "date_modified": local_ts(d.get("date_modified")),
                "_remote_sha": sha}
    if entity == "hold":
        uid = d.get("uid")
        if not uid:
            return None
        cx, cy = d.get("centroid_x"), d.get("centroid_y")
        return {"id": uid, "face_id": d.get("face_id"), "num": int(d["id"]), "stokt_id": d.get("stokt_id"),
                "area": _area(d.get("area"), stokt=d.get("stokt_id") is not None), "polygon_str": d.get("polygon_str") or "",
                "touch_polygon_str": d.get("touch_polygon_str"), "path_str": d.get("path_str"),
                "centroid_str": _centroid(cx, cy, stokt=d.get("stokt_id") is not None),
                "top_polygon_str": d.get("top_polygon_str"), "center_tape_str": d.get("center_tape_str"),
                "left_tape_str": d.get("left_tape_str"), "right_tape_str": d.get("right_tape_str")}
    if entity == "climb":
        setter = d.get("setter_id")
        return {"id": d["id"], "stokt_id": d.get("stokt_id"), "face_id": d.get("face_id"),
                "setter_id": setter if setter in lk.users else None, "name": d.get("name") or "",
                "holds_list": d.get("holds_list") or "", "mirror_holds_list": d.get("mirror_holds_list") or "",
                "grade_font": d.get("grade_font"), "grade_ircra": d.get("grade_ircra"), "feet_rule": d.get("feet_rule"),
                "description": d.get("description"), "tags": d.get("tags") or "", "circuit": d.get("circuit") or "",
                "is_private": d.get("is_private"), "is_benchmark": d.get("is_benchmark"),
                "climbed_by": d.get("climbed_by") or 0, "total_likes": d.get("total_likes") or 0,
                "total_comments": d.get("total_comments") or 0, "source": d.get("source") or "mastoc",
                "created_at": local_ts(d.get("created_at"))}
    if entity == "climb_personal":
        return {"id": d.get("climb_id") or d["id"], **{f: d.get(f) for f in PERSONAL}}
    if entity == "hold_annotation":
        hold = lk.hold_by_num.get(int(d.get("hold_id") or 0))
        if hold is None:
            return None
        return {"id": d["id"], "hold_id": hold, "grip_type": d.get("grip_type"), "condition": d.get("condition"),
                "difficulty": d.get("difficulty"), "notes": d.get("notes"), "created_at": local_ts(d.get("created_at"))}
    if entity == "list":
        return {"id": d["id"], "name": d.get("name") or "", "description": d.get("description"),
                "is_public": d.get("is_public"), "list_type": d.get("list_type") or "personal",
                "stokt_id": d.get("stokt_id"), "source": d.get("source") or "mastoc",
                "created_at": local_ts(d.get("created_at"))}
    if entity == "list_item":
        return {"id": d["id"], "list_id": d.get("list_id"), "climb_id": d.get("climb_id"),
                "position": d.get("position") or 0, "status": d.get("status") or "todo", "notes": d.get("notes"),
                "stokt_id": d.get("stokt_id"), "added_at": local_ts(d.get("added_at"))}
    return None


def centroid_xy(text: str | None) -> tuple[float | None, float | None]:
    try:
        x, y = (float(v) for v in (text or "").replace(",", " ").split())
    except ValueError:
        return None, None
    return x, y


def area_value(text: Any) -> float | None:
    try:
        return None if text in (None, "") else float(text)
    except (TypeError, ValueError):
        return None


def _area(value: Any, *, stokt: bool) -> str | None:
    """The area text as the hold's origin writes it (Stokt: two decimals), like `_centroid`."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:.2f}" if stokt else f"{number:.10g}"


def _centroid(x: float | None, y: float | None, *, stokt: bool) -> str:
    """The centroid text as the hold's origin writes it: Stokt with two decimals, mastoc without
    trailing zeros (the server keeps the numbers, not the text)."""
    if x is None or y is None:
        return ""
    return f"{x:.2f} {y:.2f}" if stokt else f"{x:.10g} {y:.10g}"
