"""`GET /api/changes?since=CURSOR`: every create/update/delete visible to the caller, in commit order.

Each change carries its `seq` (the server cursor), the entity kind and id, `op` (`upsert` or
`delete`, a tombstone), the time and the record as it was written. Clients keep the returned
`cursor` and ask again with `since=cursor` until `has_more` is false; clocks are never involved.
Entities: gym, wall, face, hold, user, climb, climb_personal*, hold_annotation*, hold_consensus, list*,
list_item*, image (* = visible to its owner only, or to all for public lists).
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import func, or_, select
from sqlmodel import Session

from mastoc.server.deps import Caller, gate, get_session
from mastoc.server.models import ChangeLog
from mastoc.server.schemas import ChangesResponse
from mastoc.server.timeutil import iso

router = APIRouter(tags=["changes"])


@router.get("/api/changes", response_model=ChangesResponse)
def list_changes(since: int = Query(0, ge=0, le=2**31 - 1, description="cursor from the previous page (0 = everything)"),
                 limit: int = Query(500, ge=1, le=5000),
                 caller: Caller = Depends(gate), session: Session = Depends(get_session)) -> Response:
    visible = ChangeLog.owner_id.is_(None)
    if caller.user_id:
        visible = or_(visible, ChangeLog.owner_id == caller.user_id)
    # Read the high-water mark first: every change up to it is committed (cursors follow commit order).
    latest = session.execute(select(func.max(ChangeLog.seq))).scalar() or 0
    reset = since > latest  # the client's cursor is from another database (restored or recreated)
    start = 0 if reset else since
    # plain columns, not ORM objects: a page of thousands of records is built without one object per row
    rows = session.execute(select(ChangeLog.seq, ChangeLog.entity, ChangeLog.entity_id, ChangeLog.op, ChangeLog.at,
                                  ChangeLog.data)
                           .where(ChangeLog.seq > start, ChangeLog.seq <= latest, visible)
                           .order_by(ChangeLog.seq).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    cursor = rows[-1][0] if has_more else latest
    dumps = json.dumps
    # `data` is stored as JSON text: splice it in rather than parsing and re-encoding every record
    parts = [
        f'{{"seq":{seq},"entity":{dumps(entity)},"id":{dumps(entity_id)},"op":{dumps(op)},'
        f'"at":{dumps(iso(at))},"data":{data or "null"}}}'
        for seq, entity, entity_id, op, at, data in rows
    ]
    flags = {True: "true", False: "false"}
    body = (f'{{"changes":[{",".join(parts)}],"cursor":{cursor},"has_more":{flags[has_more]},'
            f'"latest":{latest},"reset":{flags[reset]}}}')
    return Response(content=body.encode("utf-8"), media_type="application/json")
