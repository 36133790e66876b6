"""Idempotent creates: the id of a new record comes from the body (client UUID), else from the
`Idempotency-Key` header (a UUIDv5 of caller + kind + key), else is random. Replaying the same
request therefore targets the same id, and the route returns the existing record instead of
making a second one."""

from __future__ import annotations

import uuid

from fastapi import HTTPException, Request

_NS = uuid.UUID("2f4b7c1e-9a3d-4e8f-b6a2-5c0d1e7f3a94")
HEADER = "Idempotency-Key"


def record_id(request: Request, body_id: uuid.UUID | None, user_id: str | None, kind: str) -> str:
    if body_id is not None:
        return str(body_id)
    key = request.headers.get(HEADER)
    if key:
        if len(key) > 255:
            raise HTTPException(400, "Idempotency-Key too long")
        return str(uuid.uuid5(_NS, f"{user_id}:{kind}:{key}"))
    return str(uuid.uuid4())
