"""The server's tables (SQLModel). Alembic migrations in `migrations/versions` create them.

Ids are UUID strings stored as VARCHAR(36) (never a NUMERIC-affinity type on SQLite). Hold ids are
the public integer hold ids: the Stokt hold id for Stokt holds, `MASTOC_HOLD_ID_MIN` and up for holds
drawn in mastoc. Every timestamp is naive UTC. Personal climb fields live in `climb_personal`, one
row per (climb, user). `change_log` is the changes feed: one row per create/update/delete, written in
the same transaction as the change, numbered by `change_counter` in commit order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from mastoc.server.timeutil import utcnow


class Gym(SQLModel, table=True):
    __tablename__ = "gyms"
    id: str = Field(primary_key=True, max_length=36)
    stokt_id: str | None = Field(default=None, max_length=36, unique=True)
    display_name: str = Field(max_length=255)
    location_string: str | None = Field(default=None, max_length=255)
    owner_id: str | None = Field(default=None, max_length=36, index=True)
    source: str = Field(default="stokt", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None


class Wall(SQLModel, table=True):
    """A Stokt wall (gym -> wall -> face); `feet_rules` is a JSON list as text."""

    __tablename__ = "walls"
    id: str = Field(primary_key=True, max_length=36)
    stokt_id: str | None = Field(default=None, max_length=36, unique=True)
    gym_id: str = Field(foreign_key="gyms.id", max_length=36, index=True)
    name: str = Field(max_length=255)
    angle: str | None = Field(default=None, max_length=50)
    is_active: bool = True
    feet_rules: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    default_feet_rule: str | None = Field(default=None, max_length=100)
    source: str = Field(default="stokt", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None


class Face(SQLModel, table=True):
    __tablename__ = "faces"
    id: str = Field(primary_key=True, max_length=36)
    stokt_id: str | None = Field(default=None, max_length=36, unique=True)
    gym_id: str = Field(foreign_key="gyms.id", max_length=36, index=True)
    wall_id: str | None = Field(default=None, max_length=36, index=True)
    name: str | None = Field(default=None, max_length=255)
    picture_path: str = Field(max_length=500)
    picture_width: int | None = None
    picture_height: int | None = None
    picture_sha256: str | None = Field(default=None, max_length=64)
    feet_rules_options: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    has_symmetry: bool = False
    owner_id: str | None = Field(default=None, max_length=36, index=True)
    source: str = Field(default="stokt", max_length=10)
    synced_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None


class Hold(SQLModel, table=True):
    __tablename__ = "holds"
    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    uid: str = Field(max_length=36, unique=True)
    stokt_id: int | None = Field(default=None, unique=True)
    face_id: str = Field(foreign_key="faces.id", max_length=36, index=True)
    polygon_str: str = Field(sa_column=Column(Text, nullable=False))
    centroid_x: float | None = None
    centroid_y: float | None = None
    area: float | None = None
    path_str: str | None = Field(default=None, sa_column=Column(Text))
    touch_polygon_str: str | None = Field(default=None, sa_column=Column(Text))
    top_polygon_str: str | None = Field(default=None, sa_column=Column(Text))
    center_tape_str: str | None = Field(default=None, max_length=200)
    right_tape_str: str | None = Field(default=None, max_length=200)
    left_tape_str: str | None = Field(default=None, max_length=200)
    source: str = Field(default="stokt", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: str = Field(primary_key=True, max_length=36)
    stokt_id: str | None = Field(default=None, max_length=36, unique=True)
    full_name: str = Field(max_length=255)
    avatar_path: str | None = Field(default=None, max_length=500)
    avatar_sha256: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=255, unique=True)
    username: str | None = Field(default=None, max_length=100, unique=True)
    password_hash: str | None = Field(default=None, max_length=255)
    is_active: bool = True
    role: str = Field(default="user", max_length=10)
    source: str = Field(default="mastoc", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None
    last_login_at: datetime | None = None
    reset_token_hash: str | None = Field(default=None, max_length=64)
    reset_token_expires: datetime | None = None
    # set at a password change or deactivation: tokens without a session id (older ones) stop working
    tokens_valid_after: datetime | None = None


class Climb(SQLModel, table=True):
    __tablename__ = "climbs"
    __table_args__ = (Index("ix_climbs_created_at_id", "created_at", "id"),)
    id: str = Field(primary_key=True, max_length=36)
    stokt_id: str | None = Field(default=None, max_length=36, unique=True)
    face_id: str = Field(foreign_key="faces.id", max_length=36, index=True)
    setter_id: str | None = Field(default=None, foreign_key="users.id", max_length=36, index=True)
    name: str = Field(max_length=255)
    holds_list: str = Field(sa_column=Column(Text, nullable=False))
    mirror_holds_list: str | None = Field(default=None, sa_column=Column(Text))
    grade_font: str | None = Field(default=None, max_length=10)
    grade_ircra: float | None = None
    feet_rule: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, sa_column=Column(Text))
    is_private: bool = False
    is_benchmark: bool = False
    climbed_by: int = 0
    total_likes: int = 0
    total_comments: int = 0
    source: str = Field(default="mastoc", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None
    synced_at: datetime | None = None
    created_by_id: str | None = Field(default=None, max_length=36, index=True)
    updated_by_id: str | None = Field(default=None, max_length=36)


class ClimbPersonal(SQLModel, table=True):
    """A user's own notes, rating and project flag on a climb (the old server kept them global)."""

    __tablename__ = "climb_personal"
    climb_id: str = Field(primary_key=True, foreign_key="climbs.id", max_length=36)
    user_id: str = Field(primary_key=True, foreign_key="users.id", max_length=36)
    personal_notes: str | None = Field(default=None, sa_column=Column(Text))
    personal_rating: int | None = None
    is_project: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class HoldAnnotation(SQLModel, table=True):
    __tablename__ = "hold_annotations"
    __table_args__ = (UniqueConstraint("hold_id", "user_id", name="uq_hold_annotation_hold_user"),)
    id: str = Field(primary_key=True, max_length=36)
    hold_id: int = Field(foreign_key="holds.id", index=True)
    user_id: str = Field(foreign_key="users.id", max_length=36, index=True)
    grip_type: str | None = Field(default=None, max_length=50)
    condition: str | None = Field(default=None, max_length=50)
    difficulty: str | None = Field(default=None, max_length=50)
    notes: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None


class ClimbList(SQLModel, table=True):
    __tablename__ = "climb_lists"
    id: str = Field(primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", max_length=36, index=True)
    stokt_id: str | None = Field(default=None, max_length=36)
    name: str = Field(max_length=255)
    description: str | None = Field(default=None, sa_column=Column(Text))
    is_public: bool = False
    source: str = Field(default="mastoc", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None


class ListItem(SQLModel, table=True):
    __tablename__ = "list_items"
    __table_args__ = (UniqueConstraint("list_id", "climb_id", name="uq_list_item_list_climb"),)
    id: str = Field(primary_key=True, max_length=36)
    list_id: str = Field(foreign_key="climb_lists.id", max_length=36, index=True)
    climb_id: str = Field(foreign_key="climbs.id", max_length=36, index=True)
    position: int = 0
    added_at: datetime = Field(default_factory=utcnow)


class Image(SQLModel, table=True):
    """A stored image, content-addressed by the SHA-256 of the stored bytes (the original bytes when
    they were clean, else a re-encoding). `path` is its public path under `/static/`; `owner_id`
    set = a private image (a personal wall's photo) served to that user only."""

    __tablename__ = "images"
    __table_args__ = (Index("ix_images_path", "path"),)
    sha256: str = Field(primary_key=True, max_length=64)
    original_sha256: str = Field(max_length=64, index=True)
    content_type: str = Field(max_length=50)
    width: int
    height: int
    size: int
    path: str = Field(max_length=300)  # relative to the static directory
    uploaded_by_id: str | None = Field(default=None, max_length=36)
    owner_id: str | None = Field(default=None, max_length=36)
    created_at: datetime = Field(default_factory=utcnow)


class ImageBlob(SQLModel, table=True):
    """Image bytes kept in the database (the default store on PostgreSQL: every replica sees them)."""

    __tablename__ = "image_blobs"
    sha256: str = Field(primary_key=True, max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class AuthSession(SQLModel, table=True):
    """One login = one refresh-token family. Only the latest refresh token (`refresh_jti`) may be
    used; presenting an older one revokes the family. Access tokens carry the session id."""

    __tablename__ = "auth_sessions"
    id: str = Field(primary_key=True, max_length=36)
    user_id: str = Field(max_length=36, index=True)
    refresh_jti: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class Counter(SQLModel, table=True):
    """Named counters (`hold_id`: the last hold id allocated by the server)."""

    __tablename__ = "counters"
    name: str = Field(primary_key=True, max_length=30)
    value: int = Field(sa_column=Column(BigInteger, nullable=False))


class IdMapping(SQLModel, table=True):
    """The first server's audit table, carried over by `mastoc server migrate-from-old`."""

    __tablename__ = "id_mappings"
    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    entity_type: str = Field(max_length=50)
    mastoc_id: str | None = Field(default=None, max_length=36)
    stokt_id: str | None = Field(default=None, max_length=36)
    sync_direction: str | None = Field(default=None, max_length=20)
    synced_at: datetime | None = None


class ChangeLog(SQLModel, table=True):
    """One create/update/delete, in commit order. `owner_id` set = visible to that user only."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_owner_seq", "owner_id", "seq"),)
    seq: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    entity: str = Field(max_length=30)
    entity_id: str = Field(max_length=100)
    op: str = Field(max_length=10)  # "upsert" | "delete"
    owner_id: str | None = Field(default=None, max_length=36)
    at: datetime = Field(default_factory=utcnow)
    data: str | None = Field(default=None, sa_column=Column(Text))


class ChangeCounter(SQLModel, table=True):
    """A single row; incrementing it takes a row lock held to commit, so cursors follow commit order."""

    __tablename__ = "change_counter"
    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    value: int = 0


class LoginFailure(SQLModel, table=True):
    """Failed logins kept in the database so every server process applies the same rate limit."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300)
    at: datetime = Field(default_factory=utcnow)

