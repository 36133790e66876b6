"""Walls, faces, holds and hold annotations.

The public hold id is the Stokt hold id for Stokt holds and `MASTOC_HOLD_ID_MIN` and up for holds
drawn in mastoc; every hold-addressed route (`/api/holds/{id}`, annotations, batch, setup) uses it.
Faces and holds created in mastoc (personal walls) belong to their creator; Stokt ones to admins.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mastoc.domain.ids import MASTOC_HOLD_ID_MAX
from mastoc.server import changes, holdids, images, views
from mastoc.server.deps import Caller, gate, get_session, user_required
from mastoc.server.errors import invalid
from mastoc.server.idempotency import record_id
from mastoc.server.models import Climb, Face, Gym, Hold, HoldAnnotation, Wall
from mastoc.server.schemas import (
    AnnotationInput,
    BatchAnnotationsRequest,
    BatchAnnotationsResponse,
    FaceCreate,
    FaceSetup,
    FaceSummary,
    FaceUpdate,
    HoldAnnotations,
    HoldCreate,
    HoldResponse,
    HoldsListResponse,
    HoldUpdate,
    UserAnnotation,
    WallResponse,
)
from mastoc.server.timeutil import utcnow

router = APIRouter(tags=["faces"])
HoldId = Annotated[int, Path(ge=1, le=MASTOC_HOLD_ID_MAX)]
FACE_404 = {404: {"description": "Face not found"}}
HOLD_404 = {404: {"description": "Hold not found"}}


# --- walls ----------------------------------------------------------------------------------------

@router.get("/api/walls", response_model=list[WallResponse])
def list_walls(gym_id: uuid.UUID | None = None, caller: Caller = Depends(gate),
               session: Session = Depends(get_session)) -> list[dict[str, Any]]:
    q = select(Wall).order_by(Wall.created_at, Wall.id)
    if gym_id:
        q = q.where(Wall.gym_id == str(gym_id))
    return [views.wall(w) for w in session.execute(q).scalars().all()]


# --- faces ----------------------------------------------------------------------------------------

def _counts(session: Session, face_ids: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    if not face_ids:
        return {}, {}
    holds = dict(session.execute(select(Hold.face_id, func.count()).where(Hold.face_id.in_(face_ids))
                                 .group_by(Hold.face_id)).all())
    climbs = dict(session.execute(select(Climb.face_id, func.count()).where(Climb.face_id.in_(face_ids))
                                  .group_by(Climb.face_id)).all())
    return holds, climbs


def face_out(session: Session, face: Face) -> dict[str, Any]:
    holds, climbs = _counts(session, [face.id])
    return views.face_summary(face, holds.get(face.id, 0), climbs.get(face.id, 0))


def _face(session: Session, face_id: str) -> Face:
    face = session.get(Face, face_id)
    if face is None:
        raise HTTPException(404, "Face not found")
    return face


def _may_edit_face(caller: Caller, face: Face) -> bool:
    return caller.is_admin or (face.owner_id is not None and face.owner_id == caller.user_id)


@router.get("/api/faces", response_model=list[FaceSummary])
def list_faces(gym_id: uuid.UUID | None = None, caller: Caller = Depends(gate),
               session: Session = Depends(get_session)) -> list[dict[str, Any]]:
    q = select(Face).order_by(Face.created_at, Face.id)
    if gym_id:
        q = q.where(Face.gym_id == str(gym_id))
    faces = session.execute(q).scalars().all()
    holds, climbs = _counts(session, [f.id for f in faces])
    return [views.face_summary(f, holds.get(f.id, 0), climbs.get(f.id, 0)) for f in faces]


@router.get("/api/faces/{face_id}", response_model=FaceSummary, responses=FACE_404)
def get_face(face_id: uuid.UUID, caller: Caller = Depends(gate), session: Session = Depends(get_session)) -> dict[str, Any]:
    return face_out(session, _face(session, str(face_id)))


def _setup(session: Session, face: Face) -> dict[str, Any]:
    holds = session.execute(select(Hold).where(Hold.face_id == face.id).order_by(Hold.id)).scalars().all()
    total = session.execute(select(func.count()).select_from(Climb).where(Climb.face_id == face.id)).scalar_one()
    return views.face_setup(face, holds, total)


@router.get("/api/faces/{face_id}/setup", response_model=FaceSetup, responses=FACE_404)
def face_setup(face_id: uuid.UUID, caller: Caller = Depends(gate), session: Session = Depends(get_session)) -> dict[str, Any]:
    return _setup(session, _face(session, str(face_id)))


@router.get("/api/faces/by-stokt-id/{stokt_id}/setup", response_model=FaceSetup, responses=FACE_404)
def face_setup_by_stokt_id(stokt_id: uuid.UUID, caller: Caller = Depends(gate),
                           session: Session = Depends(get_session)) -> dict[str, Any]:
    face = session.execute(select(Face).where(Face.stokt_id == str(stokt_id))).scalars().first()
    if face is None:
        raise HTTPException(404, "Face not found")
    return _setup(session, face)


def _personal_gym(session: Session, user_id: str) -> str:
    gid = str(uuid.uuid5(uuid.UUID(user_id), "mastoc:personal-gym"))
    if session.get(Gym, gid) is None:
        session.add(Gym(id=gid, display_name="Personal walls", owner_id=user_id, source="mastoc"))
        session.flush()
        changes.record(session, "gym", gid, "upsert", {"id": gid, "display_name": "Personal walls", "owner_id": user_id})
    return gid


def _apply_picture(session: Session, face: Face, sha: str | None, caller: Caller) -> None:
    if sha is None:
        return
    img = images.find(session, sha)
    if img is None or not images.may_read(img, caller.user_id, caller.is_admin):
        raise invalid("body", "picture_sha256", "unknown image (upload it first)", sha)
    if face.owner_id is None and img.owner_id is not None:
        img.owner_id = None  # a shared (Stokt) wall's photo is public, as /static/ always was
        session.add(img)
    face.picture_sha256 = img.sha256
    face.picture_width, face.picture_height = img.width, img.height
    if face.source == "mastoc":
        face.picture_path = img.path


@router.post("/api/faces", status_code=201, response_model=FaceSummary,
             responses={409: {"description": "id used by another record"}, 422: {"description": "unknown picture"}})
def create_face(body: FaceCreate, request: Request, caller: Caller = Depends(user_required),
                session: Session = Depends(get_session)) -> dict[str, Any]:
    """Create a personal wall (source `mastoc`, owned by the caller). Idempotent by `id`/Idempotency-Key."""
    fid = record_id(request, body.id, caller.user_id, "face")
    existing = session.get(Face, fid)
    if existing is not None:
        if existing.owner_id != caller.user_id:
            raise HTTPException(409, "This id is already used")
        return face_out(session, existing)
    face = Face(id=fid, gym_id=_personal_gym(session, caller.user_id or ""), name=body.name, picture_path="",
                picture_width=body.picture_width, picture_height=body.picture_height,
                feet_rules_options=json.dumps(body.feet_rules_options), has_symmetry=body.has_symmetry,
                owner_id=caller.user_id, source="mastoc")
    _apply_picture(session, face, body.picture_sha256, caller)
    session.add(face)
    session.flush()
    out = face_out(session, face)
    changes.record(session, "face", fid, "upsert", out)
    session.commit()
    return out


@router.patch("/api/faces/{face_id}", response_model=FaceSummary, responses={**FACE_404, 403: {"description": "not yours"}})
def update_face(face_id: uuid.UUID, body: FaceUpdate, caller: Caller = Depends(user_required),
                session: Session = Depends(get_session)) -> dict[str, Any]:
    face = _face(session, str(face_id))
    if not _may_edit_face(caller, face):
        raise HTTPException(403, "Vous ne pouvez modifier que vos propres murs")
    sent = body.model_fields_set
    if "name" in sent and body.name is not None:
        face.name = body.name
    if "feet_rules_options" in sent and body.feet_rules_options is not None:
        face.feet_rules_options = json.dumps(body.feet_rules_options)
    if "has_symmetry" in sent and body.has_symmetry is not None:
        face.has_symmetry = body.has_symmetry
    if "picture_sha256" in sent:
        _apply_picture(session, face, body.picture_sha256, caller)
    face.updated_at = utcnow()
    session.add(face)
    session.flush()
    out = face_out(session, face)
    changes.record(session, "face", face.id, "upsert", out)
    session.commit()
    return out


@router.delete("/api/faces/{face_id}", status_code=204,
               responses={**FACE_404, 403: {"description": "not yours"}, 409: {"description": "face has climbs"}})
def delete_face(face_id: uuid.UUID, caller: Caller = Depends(user_required),
                session: Session = Depends(get_session)) -> Response:
    face = _face(session, str(face_id))
    if not _may_edit_face(caller, face):
        raise HTTPException(403, "Vous ne pouvez supprimer que vos propres murs")
    if session.execute(select(Climb.id).where(Climb.face_id == face.id).limit(1)).first():
        raise HTTPException(409, "This face still has climbs")
    for h in session.execute(select(Hold).where(Hold.face_id == face.id)).scalars().all():
        _delete_hold(session, h)
    session.flush()
    session.delete(face)
    changes.record(session, "face", face.id, "delete", None)
    session.commit()
    return Response(status_code=204)


# --- holds ----------------------------------------------------------------------------------------

def _hold(session: Session, hold_id: int) -> Hold:
    h = session.get(Hold, hold_id)
    if h is None:
        raise HTTPException(404, "Hold not found")
    return h


@router.get("/api/holds", response_model=HoldsListResponse, tags=["holds"])
def list_holds(face_id: uuid.UUID, caller: Caller = Depends(gate), session: Session = Depends(get_session)) -> dict[str, Any]:
    rows = session.execute(select(Hold).where(Hold.face_id == str(face_id)).order_by(Hold.id)).scalars().all()
    return {"results": [views.hold(h) for h in rows], "count": len(rows)}


@router.get("/api/holds/by-stokt-id/{stokt_id}", response_model=HoldResponse, responses=HOLD_404, tags=["holds"])
def hold_by_stokt_id(stokt_id: HoldId, caller: Caller = Depends(gate),
                     session: Session = Depends(get_session)) -> dict[str, Any]:
    h = session.execute(select(Hold).where(Hold.stokt_id == stokt_id)).scalars().first()
    if h is None:
        raise HTTPException(404, "Hold not found")
    return views.hold(h)


@router.get("/api/holds/{hold_id}", response_model=HoldResponse, responses=HOLD_404, tags=["holds"])
def get_hold(hold_id: HoldId, caller: Caller = Depends(gate), session: Session = Depends(get_session)) -> dict[str, Any]:
    return views.hold(_hold(session, hold_id))


GEOMETRY = ("polygon_str", "centroid_x", "centroid_y", "area", "path_str", "touch_polygon_str", "top_polygon_str",
            "center_tape_str", "right_tape_str", "left_tape_str")


@router.post("/api/faces/{face_id}/holds", status_code=201, response_model=HoldResponse, tags=["holds"],
             responses={**FACE_404, 403: {"description": "not your face"}})
def create_hold(face_id: uuid.UUID, body: HoldCreate, request: Request, caller: Caller = Depends(user_required),
                session: Session = Depends(get_session)) -> dict[str, Any]:
    """Draw a hold on a face you own. Its public id is allocated from 1,000,000,000 up.
    Idempotent by `uid` (client UUID) or Idempotency-Key."""
    face = _face(session, str(face_id))
    if not _may_edit_face(caller, face):
        raise HTTPException(403, "Vous ne pouvez modifier que vos propres murs")
    uid = record_id(request, body.uid, caller.user_id, "hold")
    existing = session.execute(select(Hold).where(Hold.uid == uid)).scalars().first()
    if existing is not None:
        if existing.face_id != face.id:
            raise HTTPException(409, "This uid is already used")
        return views.hold(existing)
    for attempt in range(5):
        if attempt == 0 and body.id is not None and body.id <= MASTOC_HOLD_ID_MAX and session.get(Hold, body.id) is None:
            hid = body.id  # the number the client gave it, when free (it never moves the allocation)
        else:
            hid = holdids.allocate(session)
        h = Hold(id=hid, uid=uid, face_id=face.id, source="mastoc", **{f: getattr(body, f) for f in GEOMETRY})
        try:
            with session.begin_nested():
                session.add(h)
        except IntegrityError:
            continue
        out = views.hold(h)
        changes.record(session, "hold", hid, "upsert", out)
        session.commit()
        return out
    raise HTTPException(409, "could not allocate a hold id, retry")


def _check_hold_owner(session: Session, caller: Caller, h: Hold) -> None:
    face = _face(session, h.face_id)
    if not _may_edit_face(caller, face):
        raise HTTPException(403, "Vous ne pouvez modifier que vos propres murs")


@router.patch("/api/holds/{hold_id}", response_model=HoldResponse, tags=["holds"],
              responses={**HOLD_404, 403: {"description": "not yours"}})
def update_hold(body: HoldUpdate, hold_id: HoldId, caller: Caller = Depends(user_required),
                session: Session = Depends(get_session)) -> dict[str, Any]:
    h = _hold(session, hold_id)
    _check_hold_owner(session, caller, h)
    for f in GEOMETRY:
        if f in body.model_fields_set:
            value = getattr(body, f)
            if f == "polygon_str" and value is None:
                raise invalid("body", "polygon_str", "may not be null")
            setattr(h, f, value)
    h.updated_at = utcnow()
    session.add(h)
    out = views.hold(h)
    changes.record(session, "hold", h.id, "upsert", out)
    session.commit()
    return out


def _delete_hold(session: Session, h: Hold) -> None:
    for a in session.execute(select(HoldAnnotation).where(HoldAnnotation.hold_id == h.id)).scalars().all():
        changes.record(session, "hold_annotation", a.id, "delete", {"hold_id": h.id}, owner_id=a.user_id)
        session.delete(a)
    changes.record(session, "hold_consensus", h.id, "delete", None)
    session.flush()
    session.delete(h)
    changes.record(session, "hold", h.id, "delete", {"face_id": h.face_id})


@router.delete("/api/holds/{hold_id}", status_code=204, tags=["holds"],
               responses={**HOLD_404, 403: {"description": "not yours"}})
def delete_hold(hold_id: HoldId, caller: Caller = Depends(user_required),
                session: Session = Depends(get_session)) -> Response:
    h = _hold(session, hold_id)
    _check_hold_owner(session, caller, h)
    _delete_hold(session, h)
    session.commit()
    return Response(status_code=204)


# --- annotations ----------------------------------------------------------------------------------

def _annotations(session: Session, hold_ids: list[int], caller: Caller) -> dict[int, dict[str, Any]]:
    rows = session.execute(select(HoldAnnotation).where(HoldAnnotation.hold_id.in_(hold_ids))
                           .order_by(HoldAnnotation.created_at, HoldAnnotation.id)).scalars().all()
    by_hold: dict[int, list[HoldAnnotation]] = {h: [] for h in hold_ids}
    for r in rows:
        by_hold[r.hold_id].append(r)
    out = {}
    for hid, anns in by_hold.items():
        mine = next((a for a in anns if caller.user_id and a.user_id == caller.user_id), None)
        out[hid] = {"hold_id": hid, "consensus": views.consensus(anns),
                    "user_annotation": views.annotation(mine) if mine else None}
    return out


@router.get("/api/holds/{hold_id}/annotations", response_model=HoldAnnotations, responses=HOLD_404, tags=["annotations"])
def get_annotations(hold_id: HoldId, caller: Caller = Depends(gate),
                    session: Session = Depends(get_session)) -> dict[str, Any]:
    _hold(session, hold_id)
    return _annotations(session, [hold_id], caller)[hold_id]


def _record_consensus(session: Session, hold_id: int) -> None:
    session.flush()
    rows = session.execute(select(HoldAnnotation).where(HoldAnnotation.hold_id == hold_id)).scalars().all()
    changes.record(session, "hold_consensus", hold_id, "upsert", {"hold_id": hold_id, **views.consensus(rows)})


@router.put("/api/holds/{hold_id}/annotations", response_model=UserAnnotation, tags=["annotations"],
            responses={**HOLD_404, 401: {"description": "a user is required"}})
def put_annotation(body: AnnotationInput, hold_id: HoldId, caller: Caller = Depends(user_required),
                   session: Session = Depends(get_session)) -> dict[str, Any]:
    """Create or update the caller's annotation. On update an absent or null field is kept, an empty
    string clears it. Values must be one of the documented enumerations."""
    _hold(session, hold_id)
    ann = session.execute(select(HoldAnnotation).where(HoldAnnotation.hold_id == hold_id,
                                                       HoldAnnotation.user_id == caller.user_id)).scalars().first()
    fields = ("grip_type", "condition", "difficulty", "notes")
    if ann is None:
        aid = str(body.id) if body.id is not None and session.get(HoldAnnotation, str(body.id)) is None else str(uuid.uuid4())
        ann = HoldAnnotation(id=aid, hold_id=hold_id, user_id=caller.user_id or "",
                             **{f: (getattr(body, f) or None) for f in fields})
    else:
        for f in fields:
            value = getattr(body, f)
            if value is None:
                continue
            setattr(ann, f, value or None)
        ann.updated_at = utcnow()
    session.add(ann)
    session.flush()
    out = views.annotation(ann)
    changes.record(session, "hold_annotation", ann.id, "upsert", {"hold_id": hold_id, "user_id": ann.user_id, **out},
                   owner_id=ann.user_id)
    _record_consensus(session, hold_id)
    session.commit()
    return out


@router.delete("/api/holds/{hold_id}/annotations", status_code=204, tags=["annotations"],
               responses={404: {"description": "Hold or annotation not found"}})
def delete_annotation(hold_id: HoldId, caller: Caller = Depends(user_required),
                      session: Session = Depends(get_session)) -> Response:
    _hold(session, hold_id)
    ann = session.execute(select(HoldAnnotation).where(HoldAnnotation.hold_id == hold_id,
                                                       HoldAnnotation.user_id == caller.user_id)).scalars().first()
    if ann is None:
        raise HTTPException(404, "Annotation not found")
    session.delete(ann)
    changes.record(session, "hold_annotation", ann.id, "delete", {"hold_id": hold_id}, owner_id=ann.user_id)
    _record_consensus(session, hold_id)
    session.commit()
    return Response(status_code=204)


@router.post("/api/holds/annotations/batch", response_model=BatchAnnotationsResponse, tags=["annotations"],
             responses={400: {"description": "more than 1000 ids"}})
def batch_annotations(body: BatchAnnotationsRequest, caller: Caller = Depends(gate),
                      session: Session = Depends(get_session)) -> dict[str, Any]:
    if len(body.hold_ids) > 1000:
        raise HTTPException(400, "Maximum 1000 hold_ids par requête")
    wanted = sorted({h for h in body.hold_ids if 1 <= h <= MASTOC_HOLD_ID_MAX})
    known = list(session.execute(select(Hold.id).where(Hold.id.in_(wanted))).scalars().all()) if wanted else []
    found = _annotations(session, known, caller) if known else {}
    return {"annotations": {str(k): v for k, v in found.items()}}
