"""`/api/climbs*`: paged listing with filters (deterministic order), read, create (idempotent),
edit, delete, and the admin fix-ups (Stokt id, creation dates).

Editing rules: shared fields of a climb may be changed by its creator or an admin (Stokt climbs:
admins only); the personal fields (`personal_notes`, `personal_rating`, `is_project`) are stored per
user, so any logged-in user may set their own.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import and_, delete, func, or_, select, true
from sqlmodel import Session

from mastoc.server import changes, grades, views
from mastoc.server.deps import Caller, admin_required, gate, get_session, user_required
from mastoc.server.errors import invalid
from mastoc.server.idempotency import record_id
from mastoc.server.models import Climb, ClimbPersonal, Face, ListItem, User
from mastoc.server.schemas import (
    BulkDateUpdate,
    BulkResult,
    ClimbCreate,
    ClimbResponse,
    ClimbsListResponse,
    ClimbUpdate,
    DateUpdateRequest,
)
from mastoc.server.timeutil import iso, parse_iso, utcnow

router = APIRouter(prefix="/api/climbs", tags=["climbs"])
MSG_NOT_FOUND = "Climb not found"
SHARED_FIELDS = ("name", "holds_list", "grade_font", "grade_ircra", "feet_rule", "description", "is_private", "tags",
                 "circuit", "mirror_holds_list")
PERSONAL_FIELDS = ("personal_notes", "personal_rating", "is_project")
NOT_FOUND = {404: {"description": "Climb not found"}}


def visible(caller: Caller) -> Any:
    """Climbs the caller may read: all but other users' private mastoc climbs (admins read all).
    Private climbs imported from Stokt stay listed, as on the old server."""
    if caller.is_admin:
        return true()
    return or_(Climb.is_private.is_(False), Climb.created_by_id.is_(None), Climb.created_by_id == (caller.user_id or ""))


def feed_owner(climb: Climb) -> str | None:
    """Who may see this climb's changes: its creator only while it is a private mastoc climb."""
    return climb.created_by_id if climb.is_private and climb.created_by_id else None


def _query(caller: Caller):  # type: ignore[no-untyped-def]
    q = select(Climb, User.full_name, ClimbPersonal).outerjoin(User, User.id == Climb.setter_id)
    uid = caller.user_id or ""
    return q.outerjoin(ClimbPersonal, and_(ClimbPersonal.climb_id == Climb.id, ClimbPersonal.user_id == uid))


def _flat_query(caller: Caller):  # type: ignore[no-untyped-def]
    """The listing as plain columns (no ORM objects: a page of 500 is built several times faster)."""
    uid = caller.user_id or ""
    cols = [c for c in Climb.__table__.c]  # type: ignore[attr-defined]
    return (select(*cols, User.full_name.label("setter_name"), ClimbPersonal.personal_notes,
                   ClimbPersonal.personal_rating, ClimbPersonal.is_project.label("personal_is_project"))
            .outerjoin(User, User.id == Climb.setter_id)
            .outerjoin(ClimbPersonal, and_(ClimbPersonal.climb_id == Climb.id, ClimbPersonal.user_id == uid)))


def _one(session: Session, caller: Caller, *where: Any) -> dict[str, Any]:
    row = session.execute(_query(caller).where(visible(caller), *where)).first()
    if row is None:
        raise HTTPException(404, MSG_NOT_FOUND)
    return views.climb(row[0], row[1], row[2])


def _date(value: str | None, name: str):  # type: ignore[no-untyped-def]
    if value is None:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise invalid("query", name, "invalid date-time", value) from None


def _like(text: str) -> str:
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@router.get("", response_model=ClimbsListResponse)
def list_climbs(
    face_id: uuid.UUID | None = None,
    setter_id: uuid.UUID | None = None,
    search: str | None = Query(None, max_length=255),
    source: str | None = Query(None, pattern="^(stokt|mastoc)$"),
    since_created_at: str | None = Query(None, max_length=64, description="created_at >= (ISO 8601)"),
    since_synced_at: str | None = Query(None, max_length=64, description="synced_at >= (ISO 8601)"),
    since_updated_at: str | None = Query(None, max_length=64, description="last change (update or creation) >="),
    local_only: bool = False,
    grade_min: str | None = Query(None, max_length=16, description="easiest grade, inclusive: Font (6A+), Hueco (V4), Dankyu or IRCRA (18.5)"),
    grade_max: str | None = Query(None, max_length=16, description="hardest grade, inclusive (same forms as grade_min)"),
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(50, ge=1, le=500),
    caller: Caller = Depends(gate),
    session: Session = Depends(get_session),
) -> Response:
    conds: list[Any] = [visible(caller)]
    if face_id:
        conds.append(Climb.face_id == str(face_id))
    if setter_id:
        conds.append(Climb.setter_id == str(setter_id))
    if search:
        conds.append(func.lower(Climb.name).like(_like(search), escape="\\"))
    if source:
        conds.append(Climb.source == source)
    if (d := _date(since_created_at, "since_created_at")) is not None:
        conds.append(Climb.created_at >= d)
    if (d := _date(since_synced_at, "since_synced_at")) is not None:
        conds.append(Climb.synced_at >= d)
    if (d := _date(since_updated_at, "since_updated_at")) is not None:
        conds.append(func.coalesce(Climb.updated_at, Climb.created_at) >= d)
    if local_only:
        conds.append(Climb.stokt_id.is_(None))
    try:
        lo, hi = grades.bounds(grade_min, grade_max)
    except grades.GradeError as exc:
        raise invalid("query", "grade_min" if grade_min else "grade_max", str(exc), [grade_min, grade_max]) from None
    if grade_min or grade_max:
        conds.append(Climb.grade_ircra > 0)  # ungraded climbs (no value, or Stokt's 0.0) never match
    if lo is not None:
        conds.append(Climb.grade_ircra >= lo)
    if hi is not None:
        conds.append(Climb.grade_ircra < hi)
    count = session.execute(select(func.count()).select_from(Climb).where(*conds)).scalar_one()
    rows = session.execute(_flat_query(caller).where(*conds).order_by(Climb.created_at, Climb.id)
                           .offset((page - 1) * page_size).limit(page_size)).mappings().all()
    results = [views.climb_row(r) for r in rows]
    return JSONResponse({"results": results, "count": count, "page": page, "page_size": page_size})


@router.get("/by-stokt-id/{stokt_id}", response_model=ClimbResponse, responses=NOT_FOUND)
def climb_by_stokt_id(stokt_id: uuid.UUID, caller: Caller = Depends(gate),
                      session: Session = Depends(get_session)) -> dict[str, Any]:
    return _one(session, caller, Climb.stokt_id == str(stokt_id))


@router.get("/{climb_id}", response_model=ClimbResponse, responses=NOT_FOUND)
def get_climb(climb_id: uuid.UUID, caller: Caller = Depends(gate),
              session: Session = Depends(get_session)) -> dict[str, Any]:
    return _one(session, caller, Climb.id == str(climb_id))


@router.post("", status_code=201, response_model=ClimbResponse,
             responses={404: {"description": "Face not found"}, 409: {"description": "id used by another record"}})
def create_climb(body: ClimbCreate, request: Request, caller: Caller = Depends(user_required),
                 session: Session = Depends(get_session)) -> dict[str, Any]:
    """Create a climb (source `mastoc`). Idempotent: send `id` (client UUID) or an `Idempotency-Key`
    header; a replay returns the existing climb instead of creating a second one."""
    cid = record_id(request, body.id, caller.user_id, "climb")
    existing = session.get(Climb, cid)
    if existing is not None:
        if existing.created_by_id != caller.user_id:
            raise HTTPException(409, "This id is already used")
        return _one(session, caller, Climb.id == cid)
    if session.get(Face, str(body.face_id)) is None:
        raise HTTPException(404, "Face not found")
    setter = caller.user_id  # another setter only when the server knows them (a copy keeps its setter)
    if body.setter_id is not None and session.get(User, str(body.setter_id)) is not None:
        setter = str(body.setter_id)
    climb = Climb(id=cid, face_id=str(body.face_id), name=body.name, holds_list=body.holds_list,
                  grade_font=body.grade_font,
                  grade_ircra=body.grade_ircra if body.grade_ircra is not None else grades.ircra_of_font(body.grade_font),
                  feet_rule=body.feet_rule, description=body.description, is_private=body.is_private, source="mastoc",
                  tags=body.tags, circuit=body.circuit, mirror_holds_list=body.mirror_holds_list,
                  setter_id=setter, created_by_id=caller.user_id, updated_by_id=caller.user_id)
    session.add(climb)
    session.flush()
    out = _one(session, caller, Climb.id == cid)
    changes.record(session, "climb", cid, "upsert", _public(out), owner_id=feed_owner(climb))
    session.commit()
    return out


def _readable(session: Session, caller: Caller, climb_id: str) -> Climb:
    climb = session.get(Climb, climb_id)
    if climb is None or not (caller.is_admin or feed_owner(climb) in (None, caller.user_id)):
        raise HTTPException(404, MSG_NOT_FOUND)
    return climb


def _public(out: dict[str, Any]) -> dict[str, Any]:
    """A climb as the changes feed publishes it: without anybody's personal fields."""
    return {**out, "personal_notes": None, "personal_rating": None, "is_project": False}


def _may_edit(caller: Caller, climb: Climb) -> bool:
    return caller.is_admin or (climb.created_by_id is not None and climb.created_by_id == caller.user_id)


@router.patch("/{climb_id}", response_model=ClimbResponse,
              responses={**NOT_FOUND, 403: {"description": "not yours"}})
def update_climb(climb_id: uuid.UUID, body: ClimbUpdate, caller: Caller = Depends(user_required),
                 session: Session = Depends(get_session)) -> dict[str, Any]:
    climb = _readable(session, caller, str(climb_id))
    was_owner = feed_owner(climb)
    sent = body.model_fields_set
    for required in ("name", "holds_list"):
        if required in sent and getattr(body, required) is None:
            raise invalid("body", required, "may not be null")
    shared = [f for f in SHARED_FIELDS if f in sent]
    personal = [f for f in PERSONAL_FIELDS if f in sent]
    if shared and not _may_edit(caller, climb):
        raise HTTPException(403, "Vous ne pouvez modifier que vos propres climbs")
    now = utcnow()
    if shared:
        for f in shared:
            value = getattr(body, f)
            setattr(climb, f, "" if value is None and f in ("tags", "circuit") else value)
        if "grade_font" in sent and "grade_ircra" not in sent:
            climb.grade_ircra = grades.ircra_of_font(body.grade_font)
        climb.updated_at = now
        climb.updated_by_id = caller.user_id
        session.add(climb)
    if personal:
        row = session.get(ClimbPersonal, (climb.id, caller.user_id))
        if row is None:
            row = ClimbPersonal(climb_id=climb.id, user_id=caller.user_id)
        for f in personal:
            value = getattr(body, f)
            setattr(row, f, bool(value) if f == "is_project" else value)
        row.updated_at = now
        session.add(row)
        session.flush()
        changes.record(session, "climb_personal", f"{climb.id}:{caller.user_id}", "upsert", views.personal(row),
                       owner_id=caller.user_id)
    session.flush()
    out = _one(session, caller, Climb.id == climb.id)
    if shared:
        now_owner = feed_owner(climb)
        if was_owner is None and now_owner is not None:  # became private: others forget it
            changes.record(session, "climb", climb.id, "delete", {"stokt_id": climb.stokt_id, "face_id": climb.face_id})
        changes.record(session, "climb", climb.id, "upsert", _public(out), owner_id=now_owner)
    session.commit()
    return out


def delete_climb_rows(session: Session, climb: Climb) -> None:
    """Delete a climb, its personal rows and list items, recording tombstones."""
    items = session.execute(select(ListItem).where(ListItem.climb_id == climb.id)).scalars().all()
    for it in items:
        from mastoc.server.routes.lists import list_owner_for_feed

        changes.record(session, "list_item", it.id, "delete", {"list_id": it.list_id, "climb_id": it.climb_id},
                       owner_id=list_owner_for_feed(session, it.list_id))
        session.delete(it)
    personal = session.execute(select(ClimbPersonal).where(ClimbPersonal.climb_id == climb.id)).scalars().all()
    for p in personal:
        changes.record(session, "climb_personal", f"{p.climb_id}:{p.user_id}", "delete", None, owner_id=p.user_id)
    session.execute(delete(ClimbPersonal).where(ClimbPersonal.climb_id == climb.id))
    session.flush()
    owner = feed_owner(climb)
    session.delete(climb)
    changes.record(session, "climb", climb.id, "delete", {"stokt_id": climb.stokt_id, "face_id": climb.face_id},
                   owner_id=owner)


@router.delete("/{climb_id}", status_code=204, responses={**NOT_FOUND, 403: {"description": "not yours"}})
def remove_climb(climb_id: uuid.UUID, caller: Caller = Depends(user_required),
                 session: Session = Depends(get_session)) -> Response:
    climb = _readable(session, caller, str(climb_id))
    if not _may_edit(caller, climb):
        raise HTTPException(403, "Vous ne pouvez supprimer que vos propres climbs")
    delete_climb_rows(session, climb)
    session.commit()
    return Response(status_code=204)


@router.patch("/{climb_id}/stokt-id", responses={**NOT_FOUND, 409: {"description": "Stokt id already used"}})
def set_stokt_id(climb_id: uuid.UUID, stokt_id: uuid.UUID, caller: Caller = Depends(user_required),
                 session: Session = Depends(get_session)) -> dict[str, str]:
    """Record the Stokt id of a climb pushed to Stokt (its creator or an admin)."""
    climb = _readable(session, caller, str(climb_id))
    if not _may_edit(caller, climb):
        raise HTTPException(403, "Vous ne pouvez modifier que vos propres climbs")
    other = session.execute(select(Climb.id).where(Climb.stokt_id == str(stokt_id), Climb.id != climb.id)).first()
    if other:
        raise HTTPException(409, "stokt_id already used by another climb")
    climb.stokt_id = str(stokt_id)
    climb.updated_at = utcnow()
    session.add(climb)
    session.flush()
    changes.record(session, "climb", climb.id, "upsert", _public(_one(session, caller, Climb.id == climb.id)),
                   owner_id=feed_owner(climb))
    session.commit()
    return {"message": "stokt_id updated", "stokt_id": str(stokt_id)}


@router.patch("/bulk/dates", response_model=BulkResult, responses={403: {"description": "admin only"}})
def bulk_dates(body: BulkDateUpdate, caller: Caller = Depends(admin_required),
               session: Session = Depends(get_session)) -> dict[str, int]:
    updated = errors = 0
    for item in body.updates:
        try:
            sid = str(uuid.UUID(str(item.get("stokt_id"))))
            when = parse_iso(str(item.get("created_at")))
        except (ValueError, TypeError, AttributeError):
            errors += 1
            continue
        climb = session.execute(select(Climb).where(Climb.stokt_id == sid)).scalars().first()
        if climb is None:
            errors += 1
            continue
        climb.created_at = when
        session.add(climb)
        session.flush()
        changes.record(session, "climb", climb.id, "upsert", _public(_one(session, caller, Climb.id == climb.id)),
                       owner_id=feed_owner(climb))
        updated += 1
    session.commit()
    return {"updated": updated, "errors": errors, "total": len(body.updates)}


@router.patch("/{climb_id}/date", responses={**NOT_FOUND, 400: {"description": "bad date"}, 403: {"description": "admin only"}})
def set_date(climb_id: uuid.UUID, body: DateUpdateRequest, caller: Caller = Depends(admin_required),
             session: Session = Depends(get_session)) -> dict[str, Any]:
    climb = session.get(Climb, str(climb_id))
    if climb is None:
        raise HTTPException(404, MSG_NOT_FOUND)
    try:
        when = parse_iso(body.created_at)
    except ValueError:
        raise HTTPException(400, f"Invalid date format: {body.created_at[:64]}") from None
    climb.created_at = when
    session.add(climb)
    session.flush()
    changes.record(session, "climb", climb.id, "upsert", _public(_one(session, caller, Climb.id == climb.id)),
                   owner_id=feed_owner(climb))
    session.commit()
    return {"message": "date updated", "created_at": iso(when)}
