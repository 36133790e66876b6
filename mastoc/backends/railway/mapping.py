"""Pure mapping between the mastoc server's JSON (snake_case, naive-UTC timestamps) and domain values.

Works with our server and with the first production server: ids are taken as the server gives
them (our server gives Stokt entities the same deterministic ids as the desktop,
`ids.id_for_stokt`; the old server gave random ones, so callers match those by `stokt_id`). Hold
numbers are the public hold ids; a hold's mastoc id is its `uid` when the server sends one, else
the deterministic id of its Stokt hold id. A malformed item raises `MappingError` naming it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mastoc.backends.values import MappingError, parse_datetime
from mastoc.domain import grades, holdslist
from mastoc.domain.ids import id_for_stokt
from mastoc.domain.models import Climb, ClimbList, Face, Hold, HoldAnnotation, ListItem, Source, User

UNGRADED = "?"


def format_datetime(value: datetime | None) -> str | None:
    """The server's wire form: naive UTC ISO 8601."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat()


def _source(value: Any) -> Source:
    return Source.STOKT if value == "stokt" else Source.MASTOC


def _str_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def map_climb(d: Any) -> Climb:
    if not isinstance(d, dict) or not d.get("id"):
        raise MappingError("climb", "item without an id")
    label = f"climb {d['id']}"
    try:
        text = str(d.get("holds_list") or "")
        holdslist.parse(text)
        ircra = d.get("grade_ircra")
        ircra = float(ircra) if ircra not in (None, "") else None
        grade_font = _str_or_none(d.get("grade_font"))
        if not ircra:  # None, or Stokt's ungraded marker 0.0
            ircra = None
            if grade_font and grade_font != UNGRADED:  # an old server may hold a Font grade alone
                try:
                    ircra = grades.to_ircra(grades.GradeSystem.FONT, grade_font)
                    grade_font = grades.normalize_label(grades.GradeSystem.FONT, grade_font)
                except grades.GradeError:
                    ircra = None
        if ircra is None:
            grade_font = UNGRADED
        return Climb(
            id=str(d["id"]), face_id=str(d["face_id"]), name=str(d.get("name") or ""), holds_list=text,
            stokt_id=_str_or_none(d.get("stokt_id")), setter_id=_str_or_none(d.get("setter_id")),
            setter_name=_str_or_none(d.get("setter_name")), grade_font=grade_font, grade_ircra=ircra,
            feet_rule=_str_or_none(d.get("feet_rule")), description=_str_or_none(d.get("description")),
            is_private=bool(d.get("is_private", False)), climbed_by=int(d.get("climbed_by") or 0),
            total_likes=int(d.get("total_likes") or 0), source=_source(d.get("source")),
            created_at=parse_datetime(d.get("created_at")), updated_at=parse_datetime(d.get("updated_at")),
            synced_at=parse_datetime(d.get("synced_at")), personal_notes=_str_or_none(d.get("personal_notes")),
            personal_rating=d.get("personal_rating"), is_project=bool(d.get("is_project", False)),
        )
    except MappingError:
        raise
    except holdslist.HoldsListError as exc:
        raise MappingError(label, f"bad holds_list: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise MappingError(label, f"unexpected value ({exc})") from exc


def climb_body(c: Climb, *, for_create: bool = True) -> dict[str, Any]:
    """The JSON body of `POST /api/climbs` (with the client id) or of a `PATCH` of its shared fields."""
    body: dict[str, Any] = {
        "name": c.name, "holds_list": c.holds_list,
        "grade_font": None if c.grade_font == UNGRADED else c.grade_font, "grade_ircra": c.grade_ircra,
        "feet_rule": c.feet_rule, "description": c.description, "is_private": c.is_private,
    }
    if for_create:
        body.update({"id": c.id, "face_id": c.face_id})
    return body


def personal_body(c: Climb) -> dict[str, Any]:
    return {"personal_notes": c.personal_notes, "personal_rating": c.personal_rating, "is_project": c.is_project}


def map_hold(h: Any, face_id: str) -> Hold:
    if not isinstance(h, dict):
        raise MappingError("hold", "not an object")
    try:
        num = int(h["id"])
        polygon = str(h.get("polygon_str") or "").strip()
        if not polygon:
            raise MappingError(f"hold {num}", "has no polygon_str")
        stokt = h.get("stokt_id")
        uid = h.get("uid") or id_for_stokt("hold", stokt if stokt is not None else num)
        # Stokt's form ("572.53 2397.11") from the numbers; the server's `centroid_str` keeps the
        # first server's form ("572.53 2397.11" but "125.0 225.0"), so it is only a fallback
        centroid = str(h.get("centroid_str") or "")
        if h.get("centroid_x") is not None and h.get("centroid_y") is not None:
            centroid = f"{float(h['centroid_x']):.2f} {float(h['centroid_y']):.2f}"
        area = h.get("area")
        return Hold(
            id=str(uid), face_id=face_id, num=num, stokt_id=int(stokt) if stokt is not None else None,
            polygon_str=polygon, area=None if area is None else f"{float(area):.2f}",
            touch_polygon_str=str(h.get("touch_polygon_str") or ""), path_str=str(h.get("path_str") or ""),
            centroid_str=centroid, top_polygon_str=str(h.get("top_polygon_str") or ""),
            center_tape_str=str(h.get("center_tape_str") or ""), left_tape_str=str(h.get("left_tape_str") or ""),
            right_tape_str=str(h.get("right_tape_str") or ""),
        )
    except MappingError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise MappingError(f"hold {h.get('id')}", f"unexpected value ({exc})") from exc


def map_face(summary: dict[str, Any], setup: dict[str, Any] | None = None) -> tuple[Face, list[Hold]]:
    """A face from its summary (`GET /api/faces`) and, when given, its setup with the holds."""
    try:
        fid = str(summary["id"])
        picture = (setup or {}).get("picture") or {}
        face = Face(
            id=fid, gym_id=str(summary["gym_id"]), wall_id=_str_or_none(summary.get("wall_id")),
            picture_path=str(summary.get("picture_path") or picture.get("name") or ""),
            picture_width=summary.get("picture_width") or picture.get("width") or None,
            picture_height=summary.get("picture_height") or picture.get("height") or None,
            stokt_id=_str_or_none(summary.get("stokt_id")), name=_str_or_none(summary.get("name")),
            picture_sha256=_str_or_none(summary.get("picture_sha256")),
            feet_rules_options=[str(x) for x in (summary.get("feet_rules_options")
                                                  or (setup or {}).get("feet_rules_options") or [])],
            has_symmetry=bool(summary.get("has_symmetry", (setup or {}).get("has_symmetry", False))),
            source=_source(summary.get("source", "stokt")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise MappingError(f"face {summary.get('id')}", f"unexpected value ({exc})") from exc
    holds = [map_hold(h, face.id) for h in (setup or {}).get("holds") or []]
    return face, holds


def map_user(d: dict[str, Any]) -> User:
    return User(id=str(d["id"]), full_name=str(d.get("full_name") or ""), avatar_path=_str_or_none(d.get("avatar_path")),
                source=_source(d.get("source", "mastoc")))


def map_annotation(d: dict[str, Any], hold_id: str, user_id: str | None) -> HoldAnnotation:
    """The caller's `user_annotation` of a hold (`hold_id` = the hold's mastoc id)."""
    return HoldAnnotation(
        id=str(d.get("id") or id_for_stokt("annotation", f"{hold_id}:{user_id}")), hold_id=hold_id, user_id=user_id,
        grip_type=_str_or_none(d.get("grip_type")), condition=_str_or_none(d.get("condition")),
        difficulty=_str_or_none(d.get("difficulty")), notes=_str_or_none(d.get("notes")),
        created_at=parse_datetime(d.get("created_at")), updated_at=parse_datetime(d.get("updated_at")),
    )


def annotation_body(a: HoldAnnotation) -> dict[str, Any]:
    """`PUT /api/holds/{num}/annotations`: empty strings clear a dimension on the server."""
    return {"grip_type": a.grip_type or "", "condition": a.condition or "", "difficulty": a.difficulty or "",
            "notes": a.notes or ""}


def map_list(d: dict[str, Any]) -> ClimbList:
    return ClimbList(id=str(d["id"]), name=str(d["name"]), user_id=_str_or_none(d.get("user_id")),
                     stokt_id=_str_or_none(d.get("stokt_id")), description=_str_or_none(d.get("description")),
                     is_public=bool(d.get("is_public", False)), source=_source(d.get("source", "mastoc")),
                     created_at=parse_datetime(d.get("created_at")), updated_at=parse_datetime(d.get("updated_at")))


def map_list_item(d: dict[str, Any]) -> ListItem:
    return ListItem(id=str(d["id"]), list_id=str(d["list_id"]), climb_id=str(d["climb_id"]),
                    position=int(d.get("position") or 0), added_at=parse_datetime(d.get("added_at")))
