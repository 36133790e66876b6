"""`/api/lists*`: climb lists and their items. A list belongs to its creator; public lists can be
read by everybody, private ones only by their owner (others get 404). Creates are idempotent."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from sqlalchemy import func, or_, select
from sqlmodel import Session

from mastoc.server import changes, views
from mastoc.server.deps import Caller, gate, get_session, user_required
from mastoc.server.idempotency import record_id
from mastoc.server.models import Climb, ClimbList, ListItem
from mastoc.server.routes.climbs import feed_owner
from mastoc.server.schemas import (
    ListCreate,
    ListItemCreate,
    ListItemOut,
    ListItemsResponse,
    ListItemUpdate,
    ListOut,
    ListsResponse,
    ListUpdate,
)
from mastoc.server.timeutil import utcnow

router = APIRouter(prefix="/api/lists", tags=["lists"])
LIST_404 = {404: {"description": "List not found"}}


def list_owner_for_feed(session: Session, list_id: str) -> str | None:
    cl = session.get(ClimbList, list_id)
    return None if cl is None or cl.is_public else cl.user_id


def _count(session: Session, list_id: str) -> int:
    return session.execute(select(func.count()).select_from(ListItem).where(ListItem.list_id == list_id)).scalar_one()


def _readable(session: Session, caller: Caller, list_id: str) -> ClimbList:
    cl = session.get(ClimbList, list_id)
    if cl is None or not (cl.is_public or cl.user_id == caller.user_id):
        raise HTTPException(404, "List not found")
    return cl


def _owned(session: Session, caller: Caller, list_id: str) -> ClimbList:
    cl = _readable(session, caller, list_id)
    if cl.user_id != caller.user_id:
        raise HTTPException(403, "Vous ne pouvez modifier que vos propres listes")
    return cl


def _record_list(session: Session, cl: ClimbList) -> dict[str, Any]:
    session.flush()
    out = views.climb_list(cl, _count(session, cl.id))
    changes.record(session, "list", cl.id, "upsert", out, owner_id=None if cl.is_public else cl.user_id)
    return out


@router.get("", response_model=ListsResponse)
def my_lists(mine: bool = False, caller: Caller = Depends(gate), session: Session = Depends(get_session)) -> dict[str, Any]:
    """The caller's lists and (unless `mine`) every public list, oldest first."""
    cond = ClimbList.user_id == (caller.user_id or "")
    if not mine:
        cond = or_(cond, ClimbList.is_public.is_(True))
    rows = session.execute(select(ClimbList).where(cond).order_by(ClimbList.created_at, ClimbList.id)).scalars().all()
    counts = dict(session.execute(select(ListItem.list_id, func.count()).where(ListItem.list_id.in_([r.id for r in rows]))
                                  .group_by(ListItem.list_id)).all()) if rows else {}
    return {"results": [views.climb_list(r, counts.get(r.id, 0)) for r in rows], "count": len(rows)}


@router.post("", status_code=201, response_model=ListOut, responses={409: {"description": "id used by another record"}})
def create_list(body: ListCreate, request: Request, caller: Caller = Depends(user_required),
                session: Session = Depends(get_session)) -> dict[str, Any]:
    lid = record_id(request, body.id, caller.user_id, "list")
    existing = session.get(ClimbList, lid)
    if existing is not None:
        if existing.user_id != caller.user_id:
            raise HTTPException(409, "This id is already used")
        return views.climb_list(existing, _count(session, lid))
    cl = ClimbList(id=lid, user_id=caller.user_id or "", name=body.name, description=body.description,
                   is_public=body.is_public, list_type=body.list_type, stokt_id=body.stokt_id)
    session.add(cl)
    out = _record_list(session, cl)
    session.commit()
    return out


@router.get("/{list_id}", response_model=ListOut, responses=LIST_404)
def get_list(list_id: uuid.UUID, caller: Caller = Depends(gate), session: Session = Depends(get_session)) -> dict[str, Any]:
    cl = _readable(session, caller, str(list_id))
    return views.climb_list(cl, _count(session, cl.id))


@router.patch("/{list_id}", response_model=ListOut, responses={**LIST_404, 403: {"description": "not yours"}})
def update_list(list_id: uuid.UUID, body: ListUpdate, caller: Caller = Depends(user_required),
                session: Session = Depends(get_session)) -> dict[str, Any]:
    cl = _owned(session, caller, str(list_id))
    was_public = cl.is_public
    sent = body.model_fields_set
    if "name" in sent and body.name is not None:
        cl.name = body.name
    if "description" in sent:
        cl.description = body.description
    if "is_public" in sent and body.is_public is not None:
        cl.is_public = body.is_public
    if "list_type" in sent and body.list_type is not None:
        cl.list_type = body.list_type
    cl.updated_at = utcnow()
    session.add(cl)
    if was_public and not cl.is_public:  # others must forget it
        changes.record(session, "list", cl.id, "delete", None)
    out = _record_list(session, cl)
    if cl.is_public != was_public:  # items change visibility with their list
        for it in session.execute(select(ListItem).where(ListItem.list_id == cl.id)).scalars().all():
            changes.record(session, "list_item", it.id, "upsert", views.list_item(it),
                           owner_id=None if cl.is_public else cl.user_id)
    session.commit()
    return out


@router.delete("/{list_id}", status_code=204, responses={**LIST_404, 403: {"description": "not yours"}})
def delete_list(list_id: uuid.UUID, caller: Caller = Depends(user_required),
                session: Session = Depends(get_session)) -> Response:
    cl = _owned(session, caller, str(list_id))
    owner = None if cl.is_public else cl.user_id
    for it in session.execute(select(ListItem).where(ListItem.list_id == cl.id)).scalars().all():
        changes.record(session, "list_item", it.id, "delete", {"list_id": cl.id}, owner_id=owner)
        session.delete(it)
    session.flush()
    session.delete(cl)
    changes.record(session, "list", cl.id, "delete", None, owner_id=owner)
    session.commit()
    return Response(status_code=204)


@router.get("/{list_id}/items", response_model=ListItemsResponse, responses=LIST_404)
def list_items(list_id: uuid.UUID, caller: Caller = Depends(gate), session: Session = Depends(get_session)) -> dict[str, Any]:
    cl = _readable(session, caller, str(list_id))
    rows = session.execute(select(ListItem).where(ListItem.list_id == cl.id)
                           .order_by(ListItem.position, ListItem.added_at, ListItem.id)).scalars().all()
    return {"results": [views.list_item(r) for r in rows], "count": len(rows)}


@router.post("/{list_id}/items", status_code=201, response_model=ListItemOut,
             responses={**LIST_404, 403: {"description": "not yours"}, 404: {"description": "List or climb not found"}})
def add_item(list_id: uuid.UUID, body: ListItemCreate, request: Request, caller: Caller = Depends(user_required),
             session: Session = Depends(get_session)) -> dict[str, Any]:
    """Add a climb to a list. Idempotent: by `id`, Idempotency-Key, and (list, climb) — a climb is in
    a list at most once; adding it again returns the existing item."""
    cl = _owned(session, caller, str(list_id))
    iid = record_id(request, body.id, caller.user_id, "list_item")
    existing = session.get(ListItem, iid) or session.execute(
        select(ListItem).where(ListItem.list_id == cl.id, ListItem.climb_id == str(body.climb_id))).scalars().first()
    if existing is not None:
        if existing.list_id != cl.id:
            raise HTTPException(409, "This id is already used")
        return views.list_item(existing)
    climb = session.get(Climb, str(body.climb_id))
    if climb is None or feed_owner(climb) not in (None, caller.user_id):
        raise HTTPException(404, "Climb not found")
    position = body.position
    if position is None:
        top = session.execute(select(func.max(ListItem.position)).where(ListItem.list_id == cl.id)).scalar()
        position = 0 if top is None else top + 1
    it = ListItem(id=iid, list_id=cl.id, climb_id=str(body.climb_id), position=position, status=body.status,
                  notes=body.notes, stokt_id=body.stokt_id)
    session.add(it)
    session.flush()
    out = views.list_item(it)
    changes.record(session, "list_item", it.id, "upsert", out, owner_id=None if cl.is_public else cl.user_id)
    cl.updated_at = utcnow()
    _record_list(session, cl)
    session.commit()
    return out


@router.patch("/{list_id}/items/{item_id}", response_model=ListItemOut, responses={**LIST_404, 403: {"description": "not yours"}})
def move_item(list_id: uuid.UUID, item_id: uuid.UUID, body: ListItemUpdate, caller: Caller = Depends(user_required),
              session: Session = Depends(get_session)) -> dict[str, Any]:
    cl = _owned(session, caller, str(list_id))
    it = session.get(ListItem, str(item_id))
    if it is None or it.list_id != cl.id:
        raise HTTPException(404, "Item not found")
    sent = body.model_fields_set
    if body.position is not None:
        it.position = body.position
    if body.status is not None:
        it.status = body.status
    if "notes" in sent:
        it.notes = body.notes
    session.add(it)
    out = views.list_item(it)
    changes.record(session, "list_item", it.id, "upsert", out, owner_id=None if cl.is_public else cl.user_id)
    session.commit()
    return out


@router.delete("/{list_id}/items/{item_id}", status_code=204, responses={**LIST_404, 403: {"description": "not yours"}})
def remove_item(list_id: uuid.UUID, item_id: uuid.UUID, caller: Caller = Depends(user_required),
                session: Session = Depends(get_session)) -> Response:
    cl = _owned(session, caller, str(list_id))
    it = session.get(ListItem, str(item_id))
    if it is None or it.list_id != cl.id:
        raise HTTPException(404, "Item not found")
    session.delete(it)
    changes.record(session, "list_item", it.id, "delete", {"list_id": cl.id}, owner_id=None if cl.is_public else cl.user_id)
    cl.updated_at = utcnow()
    _record_list(session, cl)
    session.commit()
    return Response(status_code=204)
