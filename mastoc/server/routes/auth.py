"""`/api/auth/*`: register, login (form), refresh (rotating), logout, password reset.

Failed logins are counted in the database (per account and client address, see `login_limit`) so
every server process enforces the same limit; over the limit the answer is 429 with Retry-After.
Each login opens a session whose refresh tokens rotate (see `sessions`). A bcrypt hash from the
first server is replaced by an argon2id hash at the first successful login.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from sqlalchemy import func, or_, select
from sqlmodel import Session

from mastoc.server import changes, login_limit, security, sessions, views
from mastoc.server.config import Settings
from mastoc.server.deps import MSG_INACTIVE, get_session, get_settings
from mastoc.server.models import User
from mastoc.server.schemas import (
    LoginResponse,
    MessageResponse,
    RefreshRequest,
    RegisterRequest,
    RegisterResponse,
    ResetPasswordConfirm,
    ResetPasswordRequest,
    Token,
)
from mastoc.server.timeutil import as_utc, utcnow

router = APIRouter(prefix="/api/auth", tags=["auth"])

MSG_BAD_LOGIN = "Email/username ou mot de passe incorrect"
MSG_EMAIL_TAKEN = "Cet email est déjà utilisé"
MSG_USERNAME_TAKEN = "Ce nom d'utilisateur est déjà pris"


def create_user(session: Session, *, email: str, username: str, password: str, full_name: str,
                role: str = "user") -> User:
    email_l = email.strip().lower()
    if session.execute(select(User.id).where(func.lower(User.email) == email_l)).first():
        raise HTTPException(400, MSG_EMAIL_TAKEN)
    if session.execute(select(User.id).where(User.username == username)).first():
        raise HTTPException(400, MSG_USERNAME_TAKEN)
    user = User(id=str(uuid.uuid4()), email=email_l, username=username, full_name=full_name,
                password_hash=security.hash_password(password), role=role, source="mastoc")
    session.add(user)
    session.flush()
    changes.record(session, "user", user.id, "upsert", views.user_public(user))
    return user


@router.post("/register", status_code=201, response_model=RegisterResponse,
             responses={400: {"description": "email or username taken"}})
def register(body: RegisterRequest, session: Session = Depends(get_session)) -> dict[str, object]:
    user = create_user(session, email=body.email, username=body.username, password=body.password,
                       full_name=body.full_name)
    session.commit()
    return {"id": user.id, "email": user.email, "username": user.username, "full_name": user.full_name,
            "message": "Compte créé avec succès"}


def _client_ip(request: Request) -> str:
    """The client address (behind trusted proxies, see `proxy`)."""
    return request.client.host if request.client else "unknown"


@router.post("/login", response_model=LoginResponse,
             responses={401: {"description": "bad credentials"}, 403: {"description": "deactivated"},
                        429: {"description": "too many failed logins"}})
def login(request: Request, username: Annotated[str, Form(max_length=255)],
          password: Annotated[str, Form(max_length=256)],
          grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
          scope: Annotated[str, Form(max_length=1000)] = "",
          client_id: Annotated[str | None, Form(max_length=255)] = None,
          client_secret: Annotated[str | None, Form(max_length=255)] = None,
          session: Session = Depends(get_session), settings: Settings = Depends(get_settings)) -> dict[str, object]:
    name = username.strip()
    address = _client_ip(request)
    user = None
    if "\x00" not in name:
        user = session.execute(select(User).where(or_(func.lower(User.email) == name.lower(),
                                                   User.username == name))).scalars().first()
    account = login_limit.account_key(user, name)
    login_limit.check(session, settings, address, account)
    ok = security.verify_password(password, user.password_hash if user else None)
    if not ok or user is None:
        login_limit.record_failure(session, settings, address, account)
        session.commit()
        raise HTTPException(401, MSG_BAD_LOGIN, headers={"WWW-Authenticate": "Bearer"})
    if not user.is_active:
        raise HTTPException(403, MSG_INACTIVE)
    login_limit.clear(session, address, account)
    if security.needs_rehash(user.password_hash):  # e.g. the first server's bcrypt hash
        user.password_hash = security.hash_password(password)
    user.last_login_at = utcnow()
    session.add(user)
    out = sessions.start(session, settings, user)
    session.commit()
    out.update({"user_id": user.id, "email": user.email or "", "username": user.username or "",
                "full_name": user.full_name, "role": user.role})
    return out


@router.post("/refresh", response_model=Token,
             responses={401: {"description": "invalid refresh token"}, 403: {"description": "deactivated"}})
def refresh(body: RefreshRequest, session: Session = Depends(get_session),
            settings: Settings = Depends(get_settings)) -> dict[str, object]:
    """New access and refresh tokens. Only the latest refresh token of a session works; using an
    older (already rotated) one ends that session."""
    return sessions.rotate(session, settings, body.refresh_token)


@router.post("/logout", response_model=MessageResponse)
def logout() -> dict[str, str]:
    return {"message": "Déconnecté"}


@router.post("/reset-password", response_model=MessageResponse)
def reset_password(body: ResetPasswordRequest, session: Session = Depends(get_session)) -> dict[str, str]:
    user = session.execute(select(User).where(func.lower(User.email) == body.email.lower())).scalars().first()
    if user is not None:
        token = secrets.token_urlsafe(32)
        user.reset_token_hash = security.sha256_hex(token)
        user.reset_token_expires = utcnow() + timedelta(hours=1)
        session.add(user)
        session.commit()
        # Delivery (e-mail) is not configured; the token is never logged.
    return {"message": "Si cet email existe, un lien de réinitialisation a été envoyé"}


@router.post("/reset-password/confirm", response_model=MessageResponse,
             responses={400: {"description": "invalid or expired token"}})
def reset_password_confirm(body: ResetPasswordConfirm, session: Session = Depends(get_session)) -> dict[str, str]:
    user = session.execute(select(User).where(User.reset_token_hash == security.sha256_hex(body.token))).scalars().first()
    if user is None:
        raise HTTPException(400, "Token invalide")
    if user.reset_token_expires is None or as_utc(user.reset_token_expires) < utcnow():
        raise HTTPException(400, "Token expiré")
    user.password_hash = security.hash_password(body.new_password)
    sessions.end_all(session, user)
    user.reset_token_hash = None
    user.reset_token_expires = None
    user.updated_at = utcnow()
    session.add(user)
    session.commit()
    return {"message": "Mot de passe mis à jour"}
