"""`/api/auth/*`: register, login (form), refresh (rotating), logout, password reset.

Failed logins are counted in the database (per account name and per client address) so every
server process enforces the same limit; over the limit the answer is 429 with Retry-After.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from sqlalchemy import delete, func, or_, select
from sqlmodel import Session

from mastoc.server import changes, security, views
from mastoc.server.config import Settings
from mastoc.server.deps import MSG_INACTIVE, get_session, get_settings
from mastoc.server.models import LoginFailure, User
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


def issue_tokens(settings: Settings, user: User) -> dict[str, object]:
    access = security.make_token(settings.secret_key, sub=user.id, kind="access",
                                 lifetime=timedelta(minutes=settings.access_token_minutes),
                                 email=user.email, role=user.role)
    refresh = security.make_token(settings.secret_key, sub=user.id, kind="refresh",
                                  lifetime=timedelta(days=settings.refresh_token_days))
    return {"access_token": access, "refresh_token": refresh, "token_type": "bearer",
            "expires_in": settings.access_token_minutes * 60}


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
    return request.client.host if request.client else "unknown"


def _check_rate(session: Session, settings: Settings, keys: list[tuple[str, int]]) -> None:
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    for key, limit in keys:
        n = session.execute(select(func.count()).select_from(LoginFailure)
                         .where(LoginFailure.key == key, LoginFailure.at >= since)).scalar_one()
        if n >= limit:
            raise HTTPException(429, "Trop de tentatives de connexion, réessayez plus tard",
                                headers={"Retry-After": str(settings.login_window_seconds)})


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
    keys = [(f"u:{name.lower()}", settings.login_max_failures), (f"ip:{_client_ip(request)}", settings.login_max_failures_ip)]
    _check_rate(session, settings, keys)
    user = None
    if "\x00" not in name:
        user = session.execute(select(User).where(or_(func.lower(User.email) == name.lower(),
                                                   User.username == name))).scalars().first()
    ok = security.verify_password(password, user.password_hash if user else None)
    if not ok or user is None:
        for key, _limit in keys:
            session.add(LoginFailure(key=key))
        stale = utcnow() - timedelta(seconds=settings.login_window_seconds)
        session.execute(delete(LoginFailure).where(LoginFailure.key.in_([k for k, _ in keys]), LoginFailure.at < stale))
        session.commit()
        raise HTTPException(401, MSG_BAD_LOGIN, headers={"WWW-Authenticate": "Bearer"})
    if not user.is_active:
        raise HTTPException(403, MSG_INACTIVE)
    session.execute(delete(LoginFailure).where(LoginFailure.key == keys[0][0]))
    user.last_login_at = utcnow()
    session.add(user)
    session.commit()
    out = issue_tokens(settings, user)
    out.update({"user_id": user.id, "email": user.email or "", "username": user.username or "",
                "full_name": user.full_name, "role": user.role})
    return out


@router.post("/refresh", response_model=Token,
             responses={401: {"description": "invalid refresh token"}, 403: {"description": "deactivated"}})
def refresh(body: RefreshRequest, session: Session = Depends(get_session),
            settings: Settings = Depends(get_settings)) -> dict[str, object]:
    claims = security.decode_token(settings.secret_key, body.refresh_token, "refresh")
    user = session.get(User, claims["sub"]) if claims else None
    if user is None:
        raise HTTPException(401, "Refresh token invalide ou expiré", headers={"WWW-Authenticate": "Bearer"})
    if not user.is_active:
        raise HTTPException(403, MSG_INACTIVE)
    return issue_tokens(settings, user)


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
    user.reset_token_hash = None
    user.reset_token_expires = None
    user.updated_at = utcnow()
    session.add(user)
    session.commit()
    return {"message": "Mot de passe mis à jour"}
