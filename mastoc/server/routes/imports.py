"""`/api/sync/*`: statistics, and the Stokt import endpoints (admin only).

Imports are upserts keyed by Stokt id: a re-import writes every field that changed (a corrected
polygon or renamed climb arrives) and reports `created`, `updated` (something changed) or `exists`
(nothing changed). A field left out of the request keeps its stored value; an explicit null clears
it. Holds keep their Stokt id as public id. Holds, users and climbs (single or batch) go through
`bulk_import`: a request is one transaction of a few set-based statements; gyms, walls and faces
(a few per gym) are upserted row by row here. A request that loses a race to a concurrent import of
the same new rows is run again once those are committed (`txretry`), and sees them as existing.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import func, select
from sqlmodel import Session

from mastoc.domain.ids import id_for_stokt
from mastoc.server import bulk_import, changes, txretry, views
from mastoc.server.deps import Caller, admin_required, gate, get_session
from mastoc.server.models import Climb, Face, Gym, Hold, User, Wall
from mastoc.server.routes.walls import face_out
from mastoc.server.schemas import (
    BatchImportClimbs,
    BatchImportHolds,
    BatchImportResult,
    BatchImportUsers,
    ImportClimb,
    ImportFace,
    ImportGym,
    ImportHold,
    ImportResult,
    ImportUser,
    ImportWall,
    SyncStats,
)
from mastoc.server.timeutil import as_utc, parse_iso, utcnow

router = APIRouter(prefix="/api/sync", tags=["sync"])
ADMIN = {403: {"description": "admin only"}}


class _NotFound(Exception):
    pass


@router.get("/stats", response_model=SyncStats)
def stats(caller: Caller = Depends(gate), session: Session = Depends(get_session)) -> dict[str, int]:
    def n(model: Any, *where: Any) -> int:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()

    return {"gyms": n(Gym), "faces": n(Face), "holds": n(Hold), "climbs": n(Climb), "users": n(User),
            "climbs_synced": n(Climb, Climb.stokt_id.is_not(None)), "climbs_local": n(Climb, Climb.stokt_id.is_(None))}


def _assign(row: Any, values: dict[str, Any]) -> bool:
    changed = False
    for k, v in values.items():
        current = getattr(row, k)
        if hasattr(current, "tzinfo") and current is not None and v is not None:
            same = as_utc(current) == as_utc(v)
        else:
            same = current == v
        if not same:
            setattr(row, k, v)
            changed = True
    return changed


def _upsert(session: Session, model: Any, where: Any, new_id: Any, values: dict[str, Any]) -> tuple[Any, str]:
    row = session.execute(select(model).where(where)).scalars().first()
    if row is None:
        row = model(id=new_id, **values)
        session.add(row)
        session.flush()
        return row, "created"
    if _assign(row, values):
        if hasattr(row, "updated_at"):
            row.updated_at = utcnow()
        session.add(row)
        session.flush()
        return row, "updated"
    return row, "exists"


def _gym(session: Session, body: ImportGym) -> tuple[Gym, str]:
    sid = str(body.stokt_id)
    row, status = _upsert(session, Gym, Gym.stokt_id == sid, id_for_stokt("gym", sid),
                          {"stokt_id": sid, "display_name": body.display_name, "source": "stokt",
                           **({"location_string": body.location_string} if "location_string" in body.model_fields_set else {})})
    if status != "exists":
        changes.record(session, "gym", row.id, "upsert", {"id": row.id, "stokt_id": sid, "display_name": row.display_name,
                                                          "location_string": row.location_string})
    return row, status


def _wall(session: Session, body: ImportWall) -> tuple[Wall, str]:
    gym = session.execute(select(Gym).where(Gym.stokt_id == str(body.gym_stokt_id))).scalars().first()
    if gym is None:
        raise _NotFound("Gym not found")
    sid = str(body.stokt_id)
    row, status = _upsert(session, Wall, Wall.stokt_id == sid, id_for_stokt("wall", sid),
                          {"stokt_id": sid, "gym_id": gym.id, "name": body.name, "angle": body.angle,
                           "is_active": body.is_active, "feet_rules": json.dumps(body.feet_rules),
                           "default_feet_rule": body.default_feet_rule, "source": "stokt"})
    if status != "exists":
        changes.record(session, "wall", row.id, "upsert", views.wall(row))
    return row, status


def _date_or_none(text: str | None) -> Any:
    try:
        return parse_iso(text) if text else None
    except ValueError:
        return None


def _face(session: Session, body: ImportFace) -> tuple[Face, str]:
    gym = session.execute(select(Gym).where(Gym.stokt_id == str(body.gym_stokt_id))).scalars().first()
    if gym is None:
        raise _NotFound("Gym not found")
    wall_id = None
    if body.wall_stokt_id is not None:
        wall_id = session.execute(select(Wall.id).where(Wall.stokt_id == str(body.wall_stokt_id))).scalar()
        if wall_id is None:
            raise _NotFound("Wall not found")
    sid = str(body.stokt_id)
    sent = body.model_fields_set
    values: dict[str, Any] = {"stokt_id": sid, "gym_id": gym.id, "picture_path": body.picture_path, "source": "stokt"}
    if "wall_stokt_id" in sent:  # omitted fields keep their value; an explicit null clears
        values["wall_id"] = wall_id
    for f in ("picture_width", "picture_height", "has_symmetry"):
        if f in sent:
            values[f] = getattr(body, f)
    if "feet_rules_options" in sent:
        values["feet_rules_options"] = json.dumps(body.feet_rules_options or [])
    if body.name is not None:
        values["name"] = body.name
    for f in ("small_picture_path", "date_modified"):  # omitted: kept as they are
        if f in sent:
            values[f] = _date_or_none(body.date_modified) if f == "date_modified" else body.small_picture_path
    row, status = _upsert(session, Face, Face.stokt_id == sid, id_for_stokt("face", sid), values)
    row.synced_at = utcnow()
    if status != "exists":
        changes.record(session, "face", row.id, "upsert", face_out(session, row))
    return row, status


def _single_row(fn: Any, session: Session, body: Any, missing: str) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        result = fn(session, [body])[0]
        if result is None:
            raise _NotFound(missing)
        return {"id": result[0]["id"], "status": result[1]}

    try:
        return txretry.run(session, work)
    except _NotFound as exc:
        raise HTTPException(404, str(exc)) from None


def _single(fn: Any, session: Session, *args: Any) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        row, status = fn(session, *args)
        return {"id": row.id, "status": status}

    try:
        return txretry.run(session, work)
    except _NotFound as exc:
        raise HTTPException(404, str(exc)) from None


def _batch(fn: Any, session: Session, items: list[Any]) -> dict[str, int]:
    """One request, one transaction, a few statements (`bulk_import`); unknown faces count as errors."""
    return bulk_import.counts(txretry.run(session, lambda: fn(session, items)))


@router.post("/import/gym", response_model=ImportResult, responses=ADMIN)
def import_gym(body: ImportGym, _a: Caller = Depends(admin_required), session: Session = Depends(get_session)) -> dict[str, Any]:
    return _single(_gym, session, body)


@router.post("/import/wall", response_model=ImportResult, responses={**ADMIN, 404: {"description": "Gym not found"}})
def import_wall(body: ImportWall, _a: Caller = Depends(admin_required), session: Session = Depends(get_session)) -> dict[str, Any]:
    return _single(_wall, session, body)


@router.post("/import/face", response_model=ImportResult, responses={**ADMIN, 404: {"description": "Gym or wall not found"}})
def import_face(body: ImportFace, _a: Caller = Depends(admin_required), session: Session = Depends(get_session)) -> dict[str, Any]:
    return _single(_face, session, body)


@router.post("/import/hold", response_model=ImportResult, responses={**ADMIN, 404: {"description": "Face not found"}})
def import_hold(body: ImportHold, _a: Caller = Depends(admin_required), session: Session = Depends(get_session)) -> dict[str, Any]:
    return _single_row(bulk_import.upsert_holds, session, body, "Face not found")


@router.post("/import/holds/batch", response_model=BatchImportResult, responses=ADMIN)
def import_holds(body: BatchImportHolds, _a: Caller = Depends(admin_required),
                 session: Session = Depends(get_session)) -> dict[str, int]:
    return _batch(bulk_import.upsert_holds, session, body.holds)


@router.post("/import/user", response_model=ImportResult, responses=ADMIN)
def import_user(body: ImportUser, _a: Caller = Depends(admin_required), session: Session = Depends(get_session)) -> dict[str, Any]:
    return _single_row(bulk_import.upsert_users, session, body, "")


@router.post("/import/users/batch", response_model=BatchImportResult, responses=ADMIN)
def import_users(body: BatchImportUsers, _a: Caller = Depends(admin_required),
                 session: Session = Depends(get_session)) -> dict[str, int]:
    return _batch(bulk_import.upsert_users, session, body.users)


@router.post("/import/climb", response_model=ImportResult, responses={**ADMIN, 404: {"description": "Face not found"}})
def import_climb(body: ImportClimb, caller: Caller = Depends(admin_required),
                 session: Session = Depends(get_session)) -> dict[str, Any]:
    return _single_row(bulk_import.upsert_climbs, session, body, "Face not found")


@router.post("/import/climbs/batch", response_model=BatchImportResult, responses=ADMIN)
def import_climbs(body: BatchImportClimbs, caller: Caller = Depends(admin_required),
                  session: Session = Depends(get_session)) -> dict[str, int]:
    return _batch(bulk_import.upsert_climbs, session, body.climbs)


