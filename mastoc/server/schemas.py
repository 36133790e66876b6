"""Request and response bodies (Pydantic). Field names follow the old server's wire contract.

Request models ignore unknown keys (the old behaviour) and only expose the fields a caller may set,
so ids, owners, roles and Stokt ids cannot be mass-assigned. Strings and integers are bounded so
that nothing reaches the database that it would refuse.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from mastoc.domain.lists import LIST_TYPES, STATUSES
from mastoc.domain.models import CONDITIONS, DIFFICULTIES, GRIP_TYPES

INT32_MAX = 2**31 - 1
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    if not value.isascii():
        try:  # JSON's "\ud800" escapes decode to lone surrogates, which no database stores
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("value is not a valid email address")
    return value


def _no_nul_deep(value: Any) -> Any:
    if isinstance(value, str):
        return _no_nul(value)
    if isinstance(value, list | tuple):
        for v in value:
            _no_nul_deep(v)
    return value


# Plain `str`, so that length constraints stay string constraints (`string_too_short` with numbers
# in `ctx`, as the first server answered); request models (`In`) refuse NUL characters in any field.
Str = str
Int32 = Annotated[int, Field(ge=-(2**31), le=INT32_MAX)]
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
Real = Annotated[float, Field(allow_inf_nan=False)]
Email = Annotated[str, Field(max_length=255, json_schema_extra={"format": "email"}), AfterValidator(_email)]


class In(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        return _no_nul_deep(value)


# --- generic -------------------------------------------------------------------------------------

class MessageResponse(BaseModel):
    message: str


# --- auth and users -------------------------------------------------------------------------------

class RegisterRequest(In):
    email: Email
    username: Annotated[Str, Field(min_length=3, max_length=50)]
    password: Annotated[Str, Field(min_length=8, max_length=256)]
    full_name: Annotated[Str, Field(min_length=1, max_length=255)]


class RegisterResponse(BaseModel):
    id: uuid.UUID
    email: str
    username: str
    full_name: str
    message: str = "Compte créé avec succès"


class LoginResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
    user_id: uuid.UUID
    email: str
    username: str
    full_name: str
    role: str


class RefreshRequest(In):
    refresh_token: Annotated[Str, Field(max_length=4096)]


class Token(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class ResetPasswordRequest(In):
    email: Email


class ResetPasswordConfirm(In):
    token: Annotated[Str, Field(max_length=512)]
    new_password: Annotated[Str, Field(min_length=8, max_length=256)]


class UserProfile(BaseModel):
    id: uuid.UUID
    email: str | None = None
    username: str | None = None
    full_name: str
    avatar_path: str | None = None
    role: str
    source: str
    created_at: str
    last_login_at: str | None = None


class UserPublicProfile(BaseModel):
    id: uuid.UUID
    username: str | None = None
    full_name: str
    avatar_path: str | None = None


class UpdateProfile(In):
    full_name: Annotated[Str, Field(min_length=1, max_length=255)] | None = None
    username: Annotated[Str, Field(min_length=3, max_length=50)] | None = None


class ChangePassword(In):
    current_password: Annotated[Str, Field(max_length=256)]
    new_password: Annotated[Str, Field(min_length=8, max_length=256)]


class AdminUserUpdate(In):
    """Admin: activate or deactivate an account (deactivation ends its sessions)."""

    is_active: bool | None = None


class UsersListResponse(BaseModel):
    results: list[UserProfile]
    count: int
    page: int
    page_size: int


# --- climbs ---------------------------------------------------------------------------------------

class ClimbCreate(In):
    id: uuid.UUID | None = Field(default=None, description="client-chosen id: a replayed create returns the same climb")
    face_id: uuid.UUID
    name: Annotated[Str, Field(max_length=255)]
    holds_list: Annotated[Str, Field(max_length=20000)]
    grade_font: Annotated[Str, Field(max_length=10)] | None = None
    grade_ircra: Real | None = None
    feet_rule: Annotated[Str, Field(max_length=100)] | None = None
    description: Annotated[Str, Field(max_length=20000)] | None = None
    is_private: bool = False
    tags: Annotated[Str, Field(max_length=5000)] = ""
    circuit: Annotated[Str, Field(max_length=50000)] = ""
    mirror_holds_list: Annotated[Str, Field(max_length=20000)] | None = None
    setter_id: uuid.UUID | None = Field(default=None, description="who set it, when not the caller (a copy of "
                                        "another setter's climb keeps its setter); an unknown user is ignored. The caller stays its creator")


class ClimbUpdate(In):
    """Only keys present are written. `name` and `holds_list` may not be null."""

    name: Annotated[Str, Field(max_length=255)] | None = None
    holds_list: Annotated[Str, Field(max_length=20000)] | None = None
    grade_font: Annotated[Str, Field(max_length=10)] | None = None
    grade_ircra: Real | None = None
    feet_rule: Annotated[Str, Field(max_length=100)] | None = None
    description: Annotated[Str, Field(max_length=20000)] | None = None
    is_private: bool | None = None
    tags: Annotated[Str, Field(max_length=5000)] | None = None
    circuit: Annotated[Str, Field(max_length=50000)] | None = None
    mirror_holds_list: Annotated[Str, Field(max_length=20000)] | None = None
    personal_notes: Annotated[Str, Field(max_length=20000)] | None = None
    personal_rating: Annotated[int, Field(ge=0, le=10)] | None = None
    is_project: bool | None = None


class ClimbResponse(BaseModel):
    id: uuid.UUID
    stokt_id: str | None = None
    face_id: uuid.UUID
    setter_id: str | None = None
    setter_name: str | None = None
    name: str
    holds_list: str
    grade_font: str | None = None
    grade_ircra: float | None = None
    feet_rule: str | None = None
    description: str | None = None
    is_private: bool = False
    climbed_by: int = 0
    total_likes: int = 0
    source: str
    mirror_holds_list: str | None = None
    tags: str = ""
    circuit: str = ""
    is_benchmark: bool = False
    total_comments: int = 0
    personal_notes: str | None = None
    personal_rating: int | None = None
    is_project: bool = False
    created_at: str | None = None
    updated_at: str | None = None
    synced_at: str | None = None
    created_by_id: str | None = None


class ClimbsListResponse(BaseModel):
    results: list[ClimbResponse]
    count: int
    page: int
    page_size: int


class DateUpdateRequest(In):
    created_at: Annotated[Str, Field(max_length=64)]


class BulkDateUpdate(In):
    updates: Annotated[list[dict[str, Any]], Field(max_length=10000)]


class BulkResult(BaseModel):
    updated: int
    errors: int
    total: int


# --- faces and holds ------------------------------------------------------------------------------

class WallResponse(BaseModel):
    id: uuid.UUID
    stokt_id: str | None = None
    gym_id: uuid.UUID
    name: str
    angle: str | None = None
    is_active: bool = True
    feet_rules: list[str] = []
    default_feet_rule: str | None = None
    source: str = "stokt"
    created_at: str | None = None
    updated_at: str | None = None


class FaceSummary(BaseModel):
    id: uuid.UUID
    stokt_id: str | None = None
    gym_id: uuid.UUID
    wall_id: uuid.UUID | None = None
    picture_path: str
    picture_width: int | None = None
    picture_height: int | None = None
    holds_count: int = 0
    climbs_count: int = 0
    name: str | None = None
    picture_sha256: str | None = None
    source: str = "stokt"
    owner_id: str | None = None
    small_picture_path: str | None = None
    date_modified: str | None = None
    feet_rules_options: list[str] = []
    has_symmetry: bool = False
    created_at: str | None = None
    updated_at: str | None = None


class PictureResponse(BaseModel):
    name: str
    width: int
    height: int


class HoldSetup(BaseModel):
    id: int
    stokt_id: int | None = None
    polygon_str: str
    centroid_x: float | None = None
    centroid_y: float | None = None
    path_str: str | None = None
    area: float | None = None
    touch_polygon_str: str = ""
    centroid_str: str = ""
    top_polygon_str: str = ""
    center_tape_str: str = ""
    right_tape_str: str = ""
    left_tape_str: str = ""
    uid: str | None = None


class FaceSetup(BaseModel):
    id: uuid.UUID
    stokt_id: str | None = None
    wall_id: uuid.UUID | None = None
    is_active: bool = True
    total_climbs: int = 0
    picture: PictureResponse | None = None
    small_picture: PictureResponse | None = None
    feet_rules_options: list[str] = []
    has_symmetry: bool = False
    holds: list[HoldSetup] = []


class FaceCreate(In):
    id: uuid.UUID | None = Field(default=None, description="client-chosen id (idempotent create)")
    name: Annotated[Str, Field(min_length=1, max_length=255)]
    picture_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    picture_width: Annotated[int, Field(ge=0, le=100000)] | None = None
    picture_height: Annotated[int, Field(ge=0, le=100000)] | None = None
    feet_rules_options: Annotated[list[Annotated[Str, Field(max_length=100)]], Field(max_length=50)] = []
    has_symmetry: bool = False


class FaceUpdate(In):
    name: Annotated[Str, Field(min_length=1, max_length=255)] | None = None
    picture_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    feet_rules_options: Annotated[list[Annotated[Str, Field(max_length=100)]], Field(max_length=50)] | None = None
    has_symmetry: bool | None = None


class HoldResponse(BaseModel):
    id: int
    stokt_id: int | None = None
    face_id: uuid.UUID
    polygon_str: str
    centroid_x: float | None = None
    centroid_y: float | None = None
    area: float | None = None
    center_tape_str: str | None = None
    right_tape_str: str | None = None
    left_tape_str: str | None = None
    uid: str | None = None
    path_str: str | None = None
    touch_polygon_str: str | None = None
    top_polygon_str: str | None = None
    source: str = "stokt"


class HoldsListResponse(BaseModel):
    results: list[HoldResponse]
    count: int


GeomStr = Annotated[Str, Field(max_length=20000)]
TapeStr = Annotated[Str, Field(max_length=200)]


class HoldGeometry(In):
    polygon_str: GeomStr
    centroid_x: Real | None = None
    centroid_y: Real | None = None
    area: Real | None = None
    path_str: GeomStr | None = None
    touch_polygon_str: GeomStr | None = None
    top_polygon_str: GeomStr | None = None
    center_tape_str: TapeStr | None = None
    right_tape_str: TapeStr | None = None
    left_tape_str: TapeStr | None = None


class HoldCreate(HoldGeometry):
    uid: uuid.UUID | None = Field(default=None, description="client-chosen hold uuid (idempotent create)")
    id: Annotated[int, Field(ge=1_000_000_000, le=2_147_483_647)] | None = Field(
        default=None, description="client-chosen public hold id (>= 1,000,000,000; used when free, so a hold keeps "
        "the number a device gave it)")


class HoldUpdate(In):
    polygon_str: GeomStr | None = None
    centroid_x: Real | None = None
    centroid_y: Real | None = None
    area: Real | None = None
    path_str: GeomStr | None = None
    touch_polygon_str: GeomStr | None = None
    top_polygon_str: GeomStr | None = None
    center_tape_str: TapeStr | None = None
    right_tape_str: TapeStr | None = None
    left_tape_str: TapeStr | None = None


# --- annotations ----------------------------------------------------------------------------------

def _enum(values: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return Annotated[Literal[("",) + values] | None, Field(default=None)]  # type: ignore[valid-type]


class AnnotationInput(In):
    id: uuid.UUID | None = Field(default=None, description="client-chosen id, used when the annotation is created")
    grip_type: _enum(GRIP_TYPES) = None  # type: ignore[valid-type]
    condition: _enum(CONDITIONS) = None  # type: ignore[valid-type]
    difficulty: _enum(DIFFICULTIES) = None  # type: ignore[valid-type]
    notes: Annotated[Str, Field(max_length=5000)] | None = None


class Consensus(BaseModel):
    grip_type: str | None = None
    grip_type_votes: int = 0
    grip_type_confidence: float = 0.0
    condition: str | None = None
    condition_votes: int = 0
    condition_confidence: float = 0.0
    difficulty: str | None = None
    difficulty_votes: int = 0
    difficulty_confidence: float = 0.0
    total_annotators: int = 0


class UserAnnotation(BaseModel):
    id: str | None = None
    grip_type: str | None = None
    condition: str | None = None
    difficulty: str | None = None
    notes: str | None = None
    created_at: str
    updated_at: str | None = None


class HoldAnnotations(BaseModel):
    hold_id: int
    consensus: Consensus
    user_annotation: UserAnnotation | None = None


class BatchAnnotationsRequest(In):
    hold_ids: list[int]


class BatchAnnotationsResponse(BaseModel):
    annotations: dict[str, HoldAnnotations]


# --- sync / import (admin) ------------------------------------------------------------------------

class SyncStats(BaseModel):
    gyms: int
    faces: int
    holds: int
    climbs: int
    users: int
    climbs_synced: int = 0
    climbs_local: int = 0


class ImportGym(In):
    stokt_id: uuid.UUID
    display_name: Annotated[Str, Field(max_length=255)]
    location_string: Annotated[Str, Field(max_length=255)] | None = None


class ImportWall(In):
    stokt_id: uuid.UUID
    gym_stokt_id: uuid.UUID
    name: Annotated[Str, Field(max_length=255)]
    angle: Annotated[Str, Field(max_length=50)] | None = None
    is_active: bool = True
    feet_rules: Annotated[list[Annotated[Str, Field(max_length=100)]], Field(max_length=50)] = []
    default_feet_rule: Annotated[Str, Field(max_length=100)] | None = None


class ImportFace(In):
    stokt_id: uuid.UUID
    gym_stokt_id: uuid.UUID
    wall_stokt_id: uuid.UUID | None = None
    picture_path: Annotated[Str, Field(max_length=500)]
    picture_width: Annotated[int, Field(ge=0, le=100000)] | None = None
    picture_height: Annotated[int, Field(ge=0, le=100000)] | None = None
    feet_rules_options: Annotated[list[Annotated[Str, Field(max_length=100)]], Field(max_length=50)] = []
    has_symmetry: bool = False
    name: Annotated[Str, Field(max_length=255)] | None = None
    small_picture_path: Annotated[Str, Field(max_length=500)] | None = None
    date_modified: Annotated[Str, Field(max_length=64)] | None = None


class ImportHold(HoldGeometry):
    stokt_id: Annotated[int, Field(ge=1, lt=1_000_000_000)]
    face_stokt_id: uuid.UUID


class ImportUser(In):
    stokt_id: uuid.UUID
    full_name: Annotated[Str, Field(max_length=255)]
    avatar_path: Annotated[Str, Field(max_length=500)] | None = None


class ImportClimb(In):
    stokt_id: uuid.UUID
    face_stokt_id: uuid.UUID
    setter_stokt_id: uuid.UUID | None = None
    name: Annotated[Str, Field(max_length=255)]
    holds_list: Annotated[Str, Field(max_length=20000)]
    mirror_holds_list: Annotated[Str, Field(max_length=20000)] | None = None
    grade_font: Annotated[Str, Field(max_length=10)] | None = None
    grade_ircra: Real | None = None
    feet_rule: Annotated[Str, Field(max_length=100)] | None = None
    description: Annotated[Str, Field(max_length=20000)] | None = None
    is_private: bool = False
    is_benchmark: bool = False
    climbed_by: Count = 0
    total_likes: Count = 0
    total_comments: Count = 0
    date_created: Annotated[Str, Field(max_length=64)] | None = None
    tags: Annotated[Str, Field(max_length=5000)] | None = None  # comma-separated, as the desktop stores them
    circuit: Annotated[Str, Field(max_length=50000)] | None = None  # JSON text, as the desktop stores it


class ImportResult(BaseModel):
    id: str | int
    status: str


class BatchImportHolds(In):
    holds: Annotated[list[ImportHold], Field(max_length=5000)]


class BatchImportUsers(In):
    users: Annotated[list[ImportUser], Field(max_length=5000)]


class BatchImportClimbs(In):
    climbs: Annotated[list[ImportClimb], Field(max_length=5000)]


class BatchImportResult(BaseModel):
    created: int
    updated: int
    errors: int
    total: int
    unchanged: int = 0


# --- lists ----------------------------------------------------------------------------------------

ListType = Literal[LIST_TYPES]  # type: ignore[valid-type]
ItemStatus = Literal[STATUSES]  # type: ignore[valid-type]


class ListCreate(In):
    id: uuid.UUID | None = Field(default=None, description="client-chosen id (idempotent create)")
    name: Annotated[Str, Field(min_length=1, max_length=255)]
    description: Annotated[Str, Field(max_length=5000)] | None = None
    is_public: bool = False
    list_type: ListType = "personal"
    stokt_id: Annotated[Str, Field(max_length=36)] | None = None


class ListUpdate(In):
    name: Annotated[Str, Field(min_length=1, max_length=255)] | None = None
    description: Annotated[Str, Field(max_length=5000)] | None = None
    is_public: bool | None = None
    list_type: ListType | None = None


class ListOut(BaseModel):
    id: uuid.UUID
    user_id: str
    name: str
    description: str | None = None
    is_public: bool = False
    list_type: str = "personal"
    source: str = "mastoc"
    stokt_id: str | None = None
    items_count: int = 0
    created_at: str | None = None
    updated_at: str | None = None


class ListsResponse(BaseModel):
    results: list[ListOut]
    count: int


class ListItemCreate(In):
    id: uuid.UUID | None = Field(default=None, description="client-chosen id (idempotent create)")
    climb_id: uuid.UUID
    position: Annotated[int, Field(ge=0, le=INT32_MAX)] | None = None
    status: ItemStatus = "todo"
    notes: Annotated[Str, Field(max_length=5000)] | None = None
    stokt_id: Annotated[Str, Field(max_length=36)] | None = None


class ListItemUpdate(In):
    position: Annotated[int, Field(ge=0, le=INT32_MAX)] | None = None
    status: ItemStatus | None = None
    notes: Annotated[Str, Field(max_length=5000)] | None = None


class ListItemOut(BaseModel):
    id: uuid.UUID
    list_id: uuid.UUID
    climb_id: uuid.UUID
    position: int
    status: str = "todo"
    notes: str | None = None
    stokt_id: str | None = None
    added_at: str | None = None


class ListItemsResponse(BaseModel):
    results: list[ListItemOut]
    count: int


# --- images and changes ---------------------------------------------------------------------------

class ImageOut(BaseModel):
    sha256: str
    original_sha256: str
    content_type: str
    width: int
    height: int
    size: int
    path: str
    url: str


class ChangeOut(BaseModel):
    seq: int
    entity: str
    id: str
    op: str
    at: str
    data: dict[str, Any] | None = None


class ChangesResponse(BaseModel):
    changes: list[ChangeOut]
    cursor: int
    has_more: bool
    latest: int
    reset: bool = False
