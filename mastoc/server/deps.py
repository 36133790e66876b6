"""Request dependencies: the database session, and who is calling.

The API key (`X-API-Key`) is an app-level gate, never a user: a wrong key is refused (403), and with
no key configured any key is wrong (fail closed). A valid bearer access token decides who acts, and
also passes the gate on its own. Writes need a user; admin-only routes need an admin user.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from mastoc.server import security, sessions
from mastoc.server.config import Settings
from mastoc.server.models import User

MSG_KEY_MISSING = "API Key manquante. Header 'X-API-Key' requis."
MSG_KEY_INVALID = "API Key invalide."
MSG_UNAUTHENTICATED = "Non authentifié. Utilisez un token JWT ou une API Key."
MSG_ADMIN_ONLY = "Accès réservé aux administrateurs."
MSG_INACTIVE = "Compte désactivé"
MSG_BAD_TOKEN = "Token invalide ou expiré"


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker() as session:
        yield session


@dataclass
class Caller:
    user: User | None
    key_ok: bool

    @property
    def user_id(self) -> str | None:
        return self.user.id if self.user else None

    @property
    def is_admin(self) -> bool:
        return self.user is not None and self.user.role == "admin"


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization")
    if not auth:
        return None
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _user_from_token(session: Session, settings: Settings, token: str) -> User | None:
    claims = security.decode_token(settings.secret_key, token, "access")
    if claims is None:
        return None
    user = session.get(User, claims["sub"])
    live = user is not None and sessions.access_ok(session, user, claims)
    session.commit()  # end the read transaction now (on SQLite it holds the write lock)
    if user is None or not live:
        return None
    if not user.is_active:
        raise HTTPException(403, MSG_INACTIVE)
    return user


def _unauthorized(detail: str, bearer: bool = True) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"} if bearer else None)


def gate(request: Request, session: Session = Depends(get_session),
         settings: Settings = Depends(get_settings)) -> Caller:
    """The gate of the data routes: a valid key, or a valid bearer token (or both)."""
    key = request.headers.get("x-api-key")
    key_ok = False
    if key is not None:
        if not security.keys_equal(key, settings.api_key):
            raise HTTPException(403, MSG_KEY_INVALID)
        key_ok = True
    token = _bearer(request)
    user = _user_from_token(session, settings, token) if token else None
    if not key_ok and user is None:
        if token:
            raise _unauthorized(MSG_BAD_TOKEN)
        raise HTTPException(401, MSG_KEY_MISSING)
    return Caller(user=user, key_ok=key_ok)


def user_required(caller: Caller = Depends(gate)) -> Caller:
    if caller.user is None:
        raise _unauthorized(MSG_UNAUTHENTICATED)
    return caller


def admin_required(caller: Caller = Depends(user_required)) -> Caller:
    if not caller.is_admin:
        raise HTTPException(403, MSG_ADMIN_ONLY)
    return caller


def bearer_user(request: Request, session: Session = Depends(get_session),
                settings: Settings = Depends(get_settings)) -> User:
    """`/api/users/me*`: a bearer access token only (an API key alongside is ignored)."""
    token = _bearer(request)
    user = _user_from_token(session, settings, token) if token else None
    if user is None:
        raise _unauthorized(MSG_UNAUTHENTICATED if not token else MSG_BAD_TOKEN)
    return user
