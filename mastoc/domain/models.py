"""The entities mastoc keeps: gym, wall, face, hold, user, climb, list, list item, hold annotation.

Plain dataclasses, free of storage and transport. Every entity has a mastoc `id` (UUID string) and,
where it can come from Stokt, a nullable `stokt_id` (a UUID string, or an int for holds).
Timestamps are timezone-aware UTC `datetime`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Source(StrEnum):
    STOKT = "stokt"
    MASTOC = "mastoc"


class Role(StrEnum):
    """The role of a hold in a climb, with Stokt's `holdsList` letter as value."""

    START = "S"
    FEET = "F"  # feet only
    OTHER = "O"  # hand hold ("other")
    TOP = "T"


# Canonical serialisation order of roles in a holdsList string.
ROLE_ORDER: tuple[Role, ...] = (Role.START, Role.FEET, Role.OTHER, Role.TOP)


@dataclass(slots=True)
class Gym:
    id: str
    display_name: str
    stokt_id: str | None = None
    location_string: str | None = None
    source: Source = Source.STOKT
    created_at: datetime | None = None


@dataclass(slots=True)
class Wall:
    id: str
    gym_id: str
    name: str
    stokt_id: str | None = None
    angle: str | None = None
    is_active: bool = True
    feet_rules: list[str] = field(default_factory=list)
    default_feet_rule: str | None = None
    source: Source = Source.STOKT


@dataclass(slots=True)
class Face:
    id: str
    gym_id: str
    wall_id: str | None
    picture_path: str  # Stokt media name for Stokt faces, or a local name
    picture_width: int | None = None
    picture_height: int | None = None
    stokt_id: str | None = None
    name: str | None = None  # display name ("<wall name>" for Stokt faces)
    small_picture_path: str | None = None
    picture_sha256: str | None = None  # set once the photo is stored locally
    feet_rules_options: list[str] = field(default_factory=list)
    has_symmetry: bool = False
    is_active: bool = True
    source: Source = Source.STOKT
    date_modified: datetime | None = None


@dataclass(slots=True)
class Hold:
    """One hold of a face with its geometry strings, exactly as Stokt's face setup gives them.

    `num` is the hold's public integer id: the Stokt hold id for Stokt holds, or a number from
    `ids.MASTOC_HOLD_ID_MIN` up for holds drawn in mastoc. `holdsList` strings reference `num`.
    Shapely geometry is derived on demand by `mastoc.domain.geometry`.
    """

    id: str
    face_id: str
    num: int
    polygon_str: str
    stokt_id: int | None = None
    area: str | None = None
    touch_polygon_str: str = ""
    path_str: str = ""
    centroid_str: str = ""
    top_polygon_str: str = ""
    center_tape_str: str = ""
    left_tape_str: str = ""
    right_tape_str: str = ""


@dataclass(slots=True)
class User:
    id: str
    full_name: str
    stokt_id: str | None = None
    avatar_path: str | None = None
    source: Source = Source.STOKT


@dataclass(slots=True)
class Climb:
    id: str
    face_id: str
    name: str
    holds_list: str  # canonical Stokt token string, e.g. "S829284 F829104 O829309 T829220"
    stokt_id: str | None = None
    setter_id: str | None = None
    setter_name: str | None = None
    mirror_holds_list: str = ""
    grade_font: str | None = None  # "6A+", or "?" when ungraded
    grade_ircra: float | None = None  # None when ungraded
    feet_rule: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    circuit: list[dict] = field(default_factory=list)  # [{"id": int, "x": float, "y": float, "value": str}]
    is_private: bool = False
    is_benchmark: bool = False
    climbed_by: int = 0
    total_likes: int = 0
    total_comments: int = 0
    source: Source = Source.STOKT
    created_at: datetime | None = None
    updated_at: datetime | None = None
    synced_at: datetime | None = None
    personal_notes: str | None = None
    personal_rating: int | None = None
    is_project: bool = False


@dataclass(slots=True)
class ClimbList:
    id: str
    name: str
    user_id: str | None = None
    stokt_id: str | None = None
    description: str | None = None
    is_public: bool = False
    source: Source = Source.MASTOC
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(slots=True)
class ListItem:
    id: str
    list_id: str
    climb_id: str
    position: int = 0
    added_at: datetime | None = None


GRIP_TYPES = (
    "plat", "reglette", "bi_doigt", "tri_doigt", "mono_doigt", "pince",
    "colonnette", "inverse", "bac", "prise_volume", "micro", "autre",
)
CONDITIONS = ("ok", "a_brosser", "sale", "tournee", "usee", "cassee")
DIFFICULTIES = ("facile", "normale", "dure")


@dataclass(slots=True)
class HoldAnnotation:
    """A setter's or climber's note on one hold (one per hold and user)."""

    id: str
    hold_id: str  # mastoc hold id (UUID)
    user_id: str | None = None
    grip_type: str | None = None
    condition: str | None = None
    difficulty: str | None = None
    notes: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
