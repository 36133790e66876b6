"""Pure mapping from Stokt JSON (camelCase, as the API and the fixtures give it) to domain values.

Tolerant of the real quirks (API.md and the fixtures README): circuit JSON inside a string with mixed
types, null counters, `""` vs null angles, fixed `-05:00` offsets, `?` grades, three shapes of media
paths. Every mastoc id of a Stokt entity is `ids.id_for_stokt(kind, stokt_id)`, so re-loading gives
the same ids; the store layer keeps ids already bound to a `stokt_id`.

A malformed item raises `MappingError` naming the item, so a caller can report it and carry on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mastoc.backends.values import MappingError, parse_datetime
from mastoc.domain import holdslist
from mastoc.domain.ids import id_for_stokt
from mastoc.domain.models import Climb, Face, Gym, Hold, Source, User, Wall

UNGRADED = "?"


def media_name(name: str | None) -> str | None:
    """The media name without a leading `media/` or `/` (API.md §8: three shapes of paths)."""
    if not name:
        return None
    text = name.strip()
    if text.startswith(("http://", "https://")):
        marker = "/media/"
        idx = text.find(marker)
        return text[idx + len(marker):] if idx >= 0 else text
    text = text.lstrip("/")
    if text.startswith("media/"):
        text = text[len("media/"):]
    return text or None


def _int(value: Any, default: int = 0) -> int:
    if value is None or value == "":
        return default
    return int(value)


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text != "" else None


@dataclass(slots=True)
class GymData:
    gym: Gym
    walls: list[Wall] = field(default_factory=list)


def map_gym_summary(data: dict[str, Any]) -> GymData:
    """`GET api/gyms/{id}/summary` → the gym and its walls (with feet rules)."""
    try:
        gym_stokt = str(data["id"])
        gym = Gym(
            id=id_for_stokt("gym", gym_stokt),
            stokt_id=gym_stokt,
            display_name=str(data.get("displayName") or "Unnamed gym"),
            location_string=_str_or_none(data.get("locationString")),
            source=Source.STOKT,
        )
        walls = []
        for w in data.get("walls") or []:
            rules = [str(r["name"]) for r in w.get("feetRules") or [] if r.get("name")]
            default = next((str(r["name"]) for r in w.get("feetRules") or [] if r.get("isDefault")), None)
            walls.append(
                Wall(
                    id=id_for_stokt("wall", w["id"]), gym_id=gym.id, name=str(w.get("name") or ""),
                    stokt_id=str(w["id"]), angle=_str_or_none(w.get("angle")), feet_rules=rules,
                    default_feet_rule=default, source=Source.STOKT,
                )
            )
    except (KeyError, TypeError, AttributeError) as exc:
        raise MappingError("gym summary", f"unexpected shape ({exc})") from exc
    return GymData(gym, walls)


@dataclass(slots=True)
class FaceRef:
    """What `GET api/gyms/{id}/walls` says about a face (the setup says the rest)."""

    stokt_id: str
    wall_stokt_id: str
    wall_name: str
    is_active: bool
    small_picture: str | None
    date_modified: datetime | None
    total_climbs: int


def map_walls(data: list[dict[str, Any]], gym_id: str) -> tuple[list[Wall], list[FaceRef]]:
    """`GET api/gyms/{id}/walls` (a plain array) → walls and references to their faces."""
    if isinstance(data, dict) and "results" in data:  # tolerate the page envelope too
        data = data["results"]
    if not isinstance(data, list):
        raise MappingError("walls", "expected a JSON array")
    walls: list[Wall] = []
    faces: list[FaceRef] = []
    for w in data:
        try:
            wall = Wall(
                id=id_for_stokt("wall", w["id"]), gym_id=gym_id, name=str(w.get("name") or ""),
                stokt_id=str(w["id"]), angle=_str_or_none(w.get("angle")),
                is_active=bool(w.get("isActive", True)), source=Source.STOKT,
            )
            walls.append(wall)
            for f in w.get("faces") or []:
                small = f.get("smallPicture") or {}
                faces.append(
                    FaceRef(
                        stokt_id=str(f["id"]), wall_stokt_id=wall.stokt_id or "", wall_name=wall.name,
                        is_active=bool(f.get("isActive", True)), small_picture=media_name(small.get("name")),
                        date_modified=parse_datetime(f.get("dateModified")),
                        total_climbs=_int(f.get("totalClimbs")),
                    )
                )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise MappingError(f"wall {w.get('id') if isinstance(w, dict) else w!r}", str(exc)) from exc
    return walls, faces


@dataclass(slots=True)
class FaceData:
    face: Face
    holds: list[Hold]
    problems: list[str] = field(default_factory=list)  # reported, not fatal (e.g. a repaired polygon)


def map_face_setup(
    data: dict[str, Any],
    gym_id: str,
    wall_id: str | None,
    ref: FaceRef | None = None,
    *,
    check_geometry: bool = True,
) -> FaceData:
    """`GET api/faces/{id}/setup` → the face and all its holds.

    A hold without an id or outline is a `MappingError` for the whole setup (a face with a hole in
    it is worse than no update); odd but usable geometry is listed in `problems` (unless
    `check_geometry=False`: the Stokt import skips that pass to stay fast; outlines are repaired
    when drawn either way).
    """
    try:
        face_stokt = str(data["id"])
        picture = data.get("picture") or {}
        face = Face(
            id=id_for_stokt("face", face_stokt),
            gym_id=gym_id,
            wall_id=wall_id,
            picture_path=media_name(picture.get("name")) or "",
            picture_width=_int(picture.get("width"), 0) or None,
            picture_height=_int(picture.get("height"), 0) or None,
            stokt_id=face_stokt,
            name=str(data.get("wall") or (ref.wall_name if ref else "") or "Face"),
            small_picture_path=ref.small_picture if ref else None,
            feet_rules_options=[str(x) for x in data.get("feetRulesOptions") or []],
            has_symmetry=bool(data.get("hasSymmetry", False)),
            is_active=ref.is_active if ref else True,
            source=Source.STOKT,
            date_modified=ref.date_modified if ref else None,
        )
        raw_holds = data.get("holds")
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise MappingError("face setup", f"unexpected shape ({exc})") from exc
    if not isinstance(raw_holds, list):
        raise MappingError(f"face {face_stokt}", "setup has no holds array")
    holds: list[Hold] = []
    seen: set[int] = set()
    for index, h in enumerate(raw_holds):
        holds.append(_map_hold(h, index, face.id, seen))
    problems = (
        [f"hold {num}: {p}" for num, ps in _geometry_problems(holds).items() for p in ps] if check_geometry else []
    )
    return FaceData(face, holds, problems)


def _map_hold(h: Any, index: int, face_id: str, seen: set[int]) -> Hold:
    label = f"hold #{index + 1}"
    if not isinstance(h, dict):
        raise MappingError(label, "not an object")
    try:
        num = int(h["id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise MappingError(label, f"missing or non-integer id ({exc})") from exc
    label = f"hold {num}"
    if num in seen:
        raise MappingError(label, "appears twice in the setup")
    seen.add(num)
    polygon = str(h.get("polygonStr") or "").strip()
    if not polygon:
        raise MappingError(label, "has no polygonStr")
    hold = Hold(
        id=id_for_stokt("hold", num), face_id=face_id, num=num, stokt_id=num, polygon_str=polygon,
        area=_str_or_none(h.get("area")),
        touch_polygon_str=str(h.get("touchPolygonStr") or ""), path_str=str(h.get("pathStr") or ""),
        centroid_str=str(h.get("centroidStr") or ""), top_polygon_str=str(h.get("topPolygonStr") or ""),
        center_tape_str=str(h.get("centerTapeStr") or ""), left_tape_str=str(h.get("leftTapeStr") or ""),
        right_tape_str=str(h.get("rightTapeStr") or ""),
    )
    return hold


def _geometry_problems(holds: list[Hold]) -> dict[int, list[str]]:
    """Geometry problems per hold number (invalid outlines are reported here and repaired when drawn)."""
    from mastoc.domain import geometry

    return geometry.check_holds(holds)


def parse_circuit(value: Any) -> list[dict[str, Any]]:
    """Stokt's `circuit`: "" or JSON text of [{x: "str", y: num, id: int, value: "1"}]; normalised."""
    if value in (None, "", "[]"):
        return []
    data = json.loads(value) if isinstance(value, str) else value
    if not isinstance(data, list):
        raise ValueError("circuit is not a list")
    out = []
    for item in data:
        out.append(
            {"id": int(item["id"]), "x": float(item.get("x") or 0), "y": float(item.get("y") or 0),
             "value": str(item.get("value") or "")}
        )
    return out


_USER_IDS: dict[str, str] = {}  # setters repeat on every page: their ids computed once


def map_user(data: dict[str, Any] | None) -> User | None:
    """A climb's `climbSetters` object (or a gym manager) → User; None when absent."""
    if not data or not data.get("id"):
        return None
    stokt = str(data["id"])
    avatar = data.get("avatar")
    uid = _USER_IDS.get(stokt)
    if uid is None:
        if len(_USER_IDS) > 10_000:
            _USER_IDS.clear()
        uid = _USER_IDS[stokt] = id_for_stokt("user", stokt)
    return User(
        id=uid, stokt_id=stokt,
        full_name=str(data.get("fullName") or data.get("name") or "Unknown setter"),
        avatar_path=media_name(avatar) if avatar else None, source=Source.STOKT,
    )


def grade_from_crowd(crowd: Any) -> tuple[str | None, float | None]:
    """(grade_font, grade_ircra) from `crowdGrade`; ungraded (`?` / ircra 0) → ("?", None)."""
    if not isinstance(crowd, dict):
        return UNGRADED, None
    font = crowd.get("font")
    ircra = crowd.get("ircra")
    try:
        value = float(ircra) if ircra not in (None, "") else None
    except (TypeError, ValueError):
        value = None
    if font in (None, "", UNGRADED) or not value:
        return UNGRADED, None
    return str(font), value


def map_climb(data: Any, known_faces: dict[str, str] | None = None) -> tuple[Climb, User | None]:
    """One Stokt climb object → (Climb, its setter).

    `known_faces` maps Stokt face ids to mastoc face ids; a climb of another face is a MappingError.
    """
    if not isinstance(data, dict) or not data.get("id"):
        raise MappingError("climb", "item without an id")
    stokt = str(data["id"])
    label = f"climb {stokt}"
    try:
        face_stokt = str(data["faceId"])
        if known_faces is not None:
            if face_stokt not in known_faces:
                raise MappingError(label, f"is on face {face_stokt}, which is not loaded")
            face_id = known_faces[face_stokt]
        else:
            face_id = id_for_stokt("face", face_stokt)
        text = str(data.get("holdsList") or "")
        holdslist.check(text)  # validates; raises HoldsListError naming the token
        mirror = str(data.get("mirrorHoldsList") or "")
        if mirror:
            holdslist.check(mirror)
        setter = map_user(data.get("climbSetters"))
        grade_font, grade_ircra = grade_from_crowd(data.get("crowdGrade"))
        tags = [t.strip() for t in str(data.get("tags") or "").split(",") if t.strip()]
        climb = Climb(
            id=id_for_stokt("climb", stokt),
            face_id=face_id,
            name=str(data.get("name") or ""),
            holds_list=text,
            stokt_id=stokt,
            setter_id=setter.id if setter else None,
            setter_name=setter.full_name if setter else None,
            mirror_holds_list=mirror,
            grade_font=grade_font,
            grade_ircra=grade_ircra,
            feet_rule=_str_or_none(data.get("feetRule")),
            description=_str_or_none(data.get("description")),
            tags=tags,
            circuit=parse_circuit(data.get("circuit")),
            is_private=bool(data.get("isPrivate", False)),
            is_benchmark=bool(data.get("isBenchmark", False)),
            climbed_by=_int(data.get("climbedBy")),
            total_likes=_int(data.get("totalLikes")),
            total_comments=_int(data.get("totalComments")),
            source=Source.STOKT,
            created_at=parse_datetime(data.get("dateCreated")),
        )
    except MappingError:
        raise
    except holdslist.HoldsListError as exc:
        raise MappingError(label, f"bad holdsList: {exc}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MappingError(label, f"unexpected value ({exc})") from exc
    return climb, setter


def climbs_of_page(page: Any) -> list[Any]:
    """The items of a climbs response: the page envelope's `results`, or a plain array."""
    if isinstance(page, list):
        return page
    if isinstance(page, dict) and isinstance(page.get("results"), list):
        return page["results"]
    raise MappingError("climbs page", "neither a page envelope nor an array")
