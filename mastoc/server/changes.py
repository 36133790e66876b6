"""The changes feed: recording every create/update/delete in the transaction that makes it.

Routes call `record(session, entity, entity_id, op, data, owner_id)`; just before the session
commits, the pending records get consecutive sequence numbers from `change_counter` (an
`UPDATE ... RETURNING` whose row lock is held until commit, so numbers follow commit order and a
reader never sees a later number before an earlier one) and are inserted as `change_log` rows.
`owner_id` restricts a record to its owner (lists, personal fields, own annotations).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session as _SASession
from sqlalchemy.orm import sessionmaker

from mastoc.server import rowcopy
from mastoc.server.models import ChangeLog
from mastoc.server.timeutil import utcnow

_PENDING = "mastoc_pending_changes"


def record(session: _SASession, entity: str, entity_id: object, op: str,
           data: dict[str, Any] | None = None, owner_id: str | None = None) -> None:
    if op not in ("upsert", "delete"):
        raise ValueError(op)
    session.info.setdefault(_PENDING, []).append(
        {
            "entity": entity,
            "entity_id": str(entity_id),
            "op": op,
            "owner_id": owner_id,
            "data": None if data is None else json.dumps(data, ensure_ascii=False, default=str),
        }
    )


def _before_commit(session: _SASession) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    n = len(pending)
    last = session.execute(
        text("UPDATE change_counter SET value = value + :n WHERE id = 1 RETURNING value"), {"n": n}
    ).scalar_one()
    first = last - n + 1
    now = utcnow()
    rows = [dict(p, seq=first + i, at=now) for i, p in enumerate(pending)]
    rowcopy.insert_rows(session.connection(), ChangeLog.__table__, rows)  # type: ignore[attr-defined]


_MARKS = "mastoc_pending_marks"


def _after_transaction_create(session: _SASession, transaction: Any) -> None:
    if transaction.nested:  # a savepoint: remember how many records came before it
        session.info.setdefault(_MARKS, {})[id(transaction)] = len(session.info.get(_PENDING, []))


def _after_rollback(session: _SASession, transaction: Any) -> None:
    if transaction.nested:  # only the records made inside the savepoint go
        mark = session.info.get(_MARKS, {}).pop(id(transaction), None)
        if mark is not None and _PENDING in session.info:
            del session.info[_PENDING][mark:]
        return
    session.info.pop(_PENDING, None)
    session.info.pop(_MARKS, None)


def install(maker: sessionmaker) -> None:  # type: ignore[type-arg]
    event.listen(maker, "before_commit", _before_commit)
    event.listen(maker, "after_transaction_create", _after_transaction_create)
    event.listen(maker, "after_soft_rollback", _after_rollback)
