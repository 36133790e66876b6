"""Login sessions: one per login, a family of rotating refresh tokens.

`start` opens a session and issues its first tokens; both tokens carry the session id (`sid`).
`rotate` accepts only the session's latest refresh token and replaces it; presenting an older one
(a stolen copy used after the owner rotated, or the other way round) revokes the whole session, so
both holders lose it. `end_all` revokes every session of a user (password change, reset,
deactivation) and makes older session-less tokens invalid too. `access_ok` is what the request
dependencies ask for every access token.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi import HTTPException
from sqlalchemy import update
from sqlmodel import Session

from mastoc.server import security
from mastoc.server.config import Settings
from mastoc.server.models import AuthSession, User
from mastoc.server.timeutil import utcnow

MSG_BAD_REFRESH = "Refresh token invalide ou expiré"
MSG_INACTIVE = "Compte désactivé"


def _tokens(settings: Settings, user: User, sid: str, jti: str) -> dict[str, object]:
    access = security.make_token(settings.secret_key, sub=user.id, kind="access",
                                 lifetime=timedelta(minutes=settings.access_token_minutes),
                                 email=user.email, role=user.role, sid=sid)
    refresh = security.make_token(settings.secret_key, sub=user.id, kind="refresh",
                                  lifetime=timedelta(days=settings.refresh_token_days), sid=sid, jti=jti)
    return {"access_token": access, "refresh_token": refresh, "token_type": "bearer",
            "expires_in": settings.access_token_minutes * 60}


def start(session: Session, settings: Settings, user: User) -> dict[str, object]:
    """A new session for `user`; the caller commits."""
    sid, jti = str(uuid.uuid4()), uuid.uuid4().hex
    session.add(AuthSession(id=sid, user_id=user.id, refresh_jti=jti))
    return _tokens(settings, user, sid, jti)


def _bad() -> HTTPException:
    return HTTPException(401, MSG_BAD_REFRESH, headers={"WWW-Authenticate": "Bearer"})


def rotate(session: Session, settings: Settings, refresh_token: str) -> dict[str, object]:
    """New tokens for a valid latest refresh token (commits); reuse of an older one revokes the session."""
    claims = security.decode_token(settings.secret_key, refresh_token, "refresh")
    if claims is None or not isinstance(claims.get("sid"), str) or not isinstance(claims.get("jti"), str):
        raise _bad()
    row = session.get(AuthSession, claims["sid"], with_for_update=True)
    user = session.get(User, claims["sub"])
    if row is None or user is None or row.user_id != user.id or row.revoked_at is not None:
        raise _bad()
    if row.refresh_jti != claims["jti"]:
        row.revoked_at = utcnow()  # a rotated refresh token came back: the family is compromised
        session.add(row)
        session.commit()
        raise _bad()
    if not user.is_active:
        raise HTTPException(403, MSG_INACTIVE)
    row.refresh_jti = uuid.uuid4().hex
    row.last_used_at = utcnow()
    session.add(row)
    out = _tokens(settings, user, row.id, row.refresh_jti)
    session.commit()
    return out


def end_all(session: Session, user: User) -> None:
    """Revoke every session of `user` (the caller commits)."""
    now = utcnow()
    session.execute(update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
                    .values(revoked_at=now))
    user.tokens_valid_after = now
    session.add(user)


def access_ok(session: Session, user: User, claims: dict[str, Any]) -> bool:
    sid = claims.get("sid")
    if sid is None:  # issued before sessions existed: valid until the user's sessions are ended
        return user.tokens_valid_after is None
    if not isinstance(sid, str):
        return False
    row = session.get(AuthSession, sid)
    return row is not None and row.user_id == user.id and row.revoked_at is None
