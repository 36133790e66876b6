"""`GET /api/changes?since=CURSOR`: every create/update/delete visible to the caller, in commit order.

Each change carries its `seq` (the server cursor), the entity kind and id, `op` (`upsert` or
`delete`, a tombstone), the time and the record as it was written. Clients keep the returned
`cursor` and ask again with `since=cursor` until `has_more` is false; clocks are never involved.
Entities: gym, wall, face, hold, user, climb, climb_personal*, hold_annotation*, hold_consensus, list*,
list_item*, image (* = visible to its owner only, or to all for public lists).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import Select, func, select, union_all
from sqlmodel import Session

from mastoc.server.deps import Caller, gate, get_session
from mastoc.server.models import ChangeLog
from mastoc.server.schemas import ChangesResponse
from mastoc.server.timeutil import iso

router = APIRouter(tags=["changes"])


_COLUMNS = (ChangeLog.seq, ChangeLog.entity, ChangeLog.entity_id, ChangeLog.op, ChangeLog.at, ChangeLog.data)


WINDOW = 4  # a page reads at most WINDOW x limit sequence numbers


def page_query(start: int, latest: int, user_id: str | None, limit: int) -> tuple[Select[Any], int]:
    """The query of one page, and the last sequence number it covers (`end`).

    A page looks at the records in (`start`, `end`], `end` at most WINDOW x `limit` after `start`,
    so what the database reads per page stays bounded whatever plan it picks (right after a bulk
    import PostgreSQL's statistics say the table is tiny, and it bitmap-scans and sorts every later
    record, for every page: quadratic over a first sync). The page returns up to `limit` + 1 of them,
    plain columns, merged by `seq` from one ordered range per visibility (`ix_change_log_owner_seq`:
    everyone's records, then the caller's own). A window with fewer visible records gives a shorter
    page; the cursor then moves to `end` (`has_more` while `end` is before the latest record).
    """
    end = min(latest, start + WINDOW * limit)
    n = limit + 1
    in_range = (ChangeLog.seq > start, ChangeLog.seq <= end)
    public = select(*_COLUMNS).where(ChangeLog.owner_id.is_(None), *in_range).order_by(ChangeLog.seq).limit(n)
    if not user_id:
        return public, end
    own = select(*_COLUMNS).where(ChangeLog.owner_id == user_id, *in_range).order_by(ChangeLog.seq).limit(n)
    both = union_all(select(public.subquery()), select(own.subquery())).subquery()
    return select(both).order_by(both.c.seq).limit(n), end


@router.get("/api/changes", response_model=ChangesResponse)
def list_changes(since: int = Query(0, ge=0, le=2**31 - 1, description="cursor from the previous page (0 = everything)"),
                 limit: int = Query(500, ge=1, le=5000),
                 caller: Caller = Depends(gate), session: Session = Depends(get_session)) -> Response:
    # Read the high-water mark first: every change up to it is committed (cursors follow commit order).
    latest = session.execute(select(func.max(ChangeLog.seq))).scalar() or 0
    reset = since > latest  # the client's cursor is from another database (restored or recreated)
    start = 0 if reset else since
    query, end = page_query(start, latest, caller.user_id, limit)
    rows = session.execute(query).all()
    if len(rows) > limit:
        rows = rows[:limit]
        cursor, has_more = rows[-1][0], True
    else:  # everything visible up to `end` is in this page
        cursor, has_more = end, end < latest
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
