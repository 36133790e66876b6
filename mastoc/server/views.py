"""Turning rows into wire dictionaries (the shapes of `schemas`), shared by routes and the changes feed."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from mastoc.server.models import (
    Climb,
    ClimbList,
    ClimbPersonal,
    Face,
    Hold,
    HoldAnnotation,
    Image,
    ListItem,
    User,
    Wall,
)
from mastoc.server.timeutil import iso


def climb(c: Climb, setter_name: str | None = None, personal: ClimbPersonal | None = None) -> dict[str, Any]:
    return {
        "id": c.id, "stokt_id": c.stokt_id, "face_id": c.face_id, "setter_id": c.setter_id,
        "setter_name": setter_name, "name": c.name, "holds_list": c.holds_list,
        "grade_font": c.grade_font, "grade_ircra": c.grade_ircra, "feet_rule": c.feet_rule,
        "description": c.description, "is_private": c.is_private, "climbed_by": c.climbed_by,
        "total_likes": c.total_likes, "source": c.source,
        "personal_notes": personal.personal_notes if personal else None,
        "personal_rating": personal.personal_rating if personal else None,
        "is_project": personal.is_project if personal else False,
        "created_at": iso(c.created_at), "updated_at": iso(c.updated_at), "synced_at": iso(c.synced_at),
        "created_by_id": c.created_by_id,
    }


def climb_row(r: Any) -> dict[str, Any]:
    """`climb()` for a row of plain columns (see routes.climbs._flat_query)."""
    return {
        "id": r["id"], "stokt_id": r["stokt_id"], "face_id": r["face_id"], "setter_id": r["setter_id"],
        "setter_name": r["setter_name"], "name": r["name"], "holds_list": r["holds_list"],
        "grade_font": r["grade_font"], "grade_ircra": r["grade_ircra"], "feet_rule": r["feet_rule"],
        "description": r["description"], "is_private": r["is_private"], "climbed_by": r["climbed_by"],
        "total_likes": r["total_likes"], "source": r["source"],
        "personal_notes": r["personal_notes"], "personal_rating": r["personal_rating"],
        "is_project": bool(r["personal_is_project"]),
        "created_at": iso(r["created_at"]), "updated_at": iso(r["updated_at"]), "synced_at": iso(r["synced_at"]),
        "created_by_id": r["created_by_id"],
    }


def personal(p: ClimbPersonal) -> dict[str, Any]:
    return {"climb_id": p.climb_id, "user_id": p.user_id, "personal_notes": p.personal_notes,
            "personal_rating": p.personal_rating, "is_project": p.is_project, "updated_at": iso(p.updated_at)}


def face_summary(f: Face, holds_count: int = 0, climbs_count: int = 0) -> dict[str, Any]:
    return {
        "id": f.id, "stokt_id": f.stokt_id, "gym_id": f.gym_id, "wall_id": f.wall_id, "picture_path": f.picture_path,
        "picture_width": f.picture_width, "picture_height": f.picture_height,
        "holds_count": holds_count, "climbs_count": climbs_count, "name": f.name,
        "picture_sha256": f.picture_sha256, "source": f.source, "owner_id": f.owner_id,
        "feet_rules_options": json.loads(f.feet_rules_options or "[]"), "has_symmetry": f.has_symmetry,
        "created_at": iso(f.created_at), "updated_at": iso(f.updated_at),
    }


def wall(w: Wall) -> dict[str, Any]:
    return {"id": w.id, "stokt_id": w.stokt_id, "gym_id": w.gym_id, "name": w.name, "angle": w.angle,
            "is_active": w.is_active, "feet_rules": json.loads(w.feet_rules or "[]"),
            "default_feet_rule": w.default_feet_rule, "source": w.source,
            "created_at": iso(w.created_at), "updated_at": iso(w.updated_at)}


def hold(h: Hold) -> dict[str, Any]:
    return {
        "id": h.id, "stokt_id": h.stokt_id, "face_id": h.face_id, "polygon_str": h.polygon_str,
        "centroid_x": h.centroid_x, "centroid_y": h.centroid_y, "area": h.area,
        "center_tape_str": h.center_tape_str, "right_tape_str": h.right_tape_str,
        "left_tape_str": h.left_tape_str, "uid": h.uid, "path_str": h.path_str,
        "touch_polygon_str": h.touch_polygon_str, "top_polygon_str": h.top_polygon_str, "source": h.source,
    }


def _num(v: float) -> str:
    return str(float(v))  # the first server's form: "125.0 225.0"


def hold_setup(h: Hold) -> dict[str, Any]:
    centroid = ""
    if h.centroid_x is not None and h.centroid_y is not None:
        centroid = f"{_num(h.centroid_x)} {_num(h.centroid_y)}"
    return {
        "id": h.id, "stokt_id": h.stokt_id, "polygon_str": h.polygon_str,
        "centroid_x": h.centroid_x, "centroid_y": h.centroid_y, "path_str": h.path_str, "area": h.area,
        "touch_polygon_str": h.touch_polygon_str or "", "centroid_str": centroid,
        "top_polygon_str": h.top_polygon_str or "", "center_tape_str": h.center_tape_str or "",
        "right_tape_str": h.right_tape_str or "", "left_tape_str": h.left_tape_str or "", "uid": h.uid,
    }


def face_setup(f: Face, holds: Iterable[Hold], total_climbs: int) -> dict[str, Any]:
    return {
        "id": f.id, "stokt_id": f.stokt_id, "wall_id": f.wall_id, "is_active": True, "total_climbs": total_climbs,
        "picture": {"name": f.picture_path, "width": f.picture_width or 0, "height": f.picture_height or 0},
        "small_picture": None, "feet_rules_options": json.loads(f.feet_rules_options or "[]"),
        "has_symmetry": f.has_symmetry, "holds": [hold_setup(h) for h in holds],
    }


def user_profile(u: User) -> dict[str, Any]:
    return {"id": u.id, "email": u.email, "username": u.username, "full_name": u.full_name,
            "avatar_path": u.avatar_path, "role": u.role, "source": u.source,
            "created_at": iso(u.created_at), "last_login_at": iso(u.last_login_at)}


def user_public(u: User) -> dict[str, Any]:
    return {"id": u.id, "username": u.username, "full_name": u.full_name, "avatar_path": u.avatar_path}


def annotation(a: HoldAnnotation) -> dict[str, Any]:
    return {"id": a.id, "grip_type": a.grip_type, "condition": a.condition, "difficulty": a.difficulty,
            "notes": a.notes, "created_at": iso(a.created_at), "updated_at": iso(a.updated_at)}


def consensus(rows: Iterable[HoldAnnotation]) -> dict[str, Any]:
    """Per dimension the most frequent non-empty value; ties go to the alphabetically first value."""
    rows = list(rows)
    out: dict[str, Any] = {"total_annotators": len(rows)}
    for dim in ("grip_type", "condition", "difficulty"):
        values = [getattr(r, dim) for r in rows if getattr(r, dim)]
        if not values:
            out.update({dim: None, f"{dim}_votes": 0, f"{dim}_confidence": 0.0})
            continue
        counts = Counter(values)
        best, votes = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        out.update({dim: best, f"{dim}_votes": votes, f"{dim}_confidence": round(votes / len(values), 2)})
    return out


def climb_list(cl: ClimbList, items_count: int = 0) -> dict[str, Any]:
    return {"id": cl.id, "user_id": cl.user_id, "name": cl.name, "description": cl.description,
            "is_public": cl.is_public, "source": cl.source, "stokt_id": cl.stokt_id,
            "items_count": items_count, "created_at": iso(cl.created_at), "updated_at": iso(cl.updated_at)}


def list_item(it: ListItem) -> dict[str, Any]:
    return {"id": it.id, "list_id": it.list_id, "climb_id": it.climb_id, "position": it.position,
            "added_at": iso(it.added_at)}


def image(img: Image) -> dict[str, Any]:
    return {"sha256": img.sha256, "original_sha256": img.original_sha256, "content_type": img.content_type,
            "width": img.width, "height": img.height, "size": img.size, "path": img.path,
            "url": f"/api/images/{img.sha256}"}
