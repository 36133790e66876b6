"""`/api/users*`: own profile (bearer), password change, avatar, public profiles, admin user list."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response
from sqlalchemy import func, or_, select
from sqlmodel import Session

from mastoc.server import changes, images, security, sessions, views
from mastoc.server.config import Settings
from mastoc.server.deps import Caller, admin_required, bearer_user, gate, get_session, get_settings
from mastoc.server.models import User
from mastoc.server.routes.media import UPLOAD_BODY, image_response, read_upload
from mastoc.server.schemas import (
    AdminUserUpdate,
    ChangePassword,
    MessageResponse,
    UpdateProfile,
    UserProfile,
    UserPublicProfile,
    UsersListResponse,
)
from mastoc.server.timeutil import utcnow

router = APIRouter(prefix="/api/users", tags=["users"])
MSG_NOT_FOUND = "Utilisateur non trouvé"


@router.get("/me", response_model=UserProfile, responses={401: {"description": "not logged in"}})
def me(user: User = Depends(bearer_user)) -> dict[str, object]:
    return views.user_profile(user)


@router.patch("/me", response_model=UserProfile, responses={400: {"description": "username taken"}})
def update_me(body: UpdateProfile, user: User = Depends(bearer_user),
              session: Session = Depends(get_session)) -> dict[str, object]:
    if body.username is not None and body.username != user.username:
        taken = session.execute(select(User.id).where(User.username == body.username)).first()
        if taken:
            raise HTTPException(400, "Ce nom d'utilisateur est déjà pris")
        user.username = body.username
    if body.full_name is not None:
        user.full_name = body.full_name
    user.updated_at = utcnow()
    session.add(user)
    changes.record(session, "user", user.id, "upsert", views.user_public(user))
    session.commit()
    return views.user_profile(user)


@router.post("/me/password", response_model=MessageResponse, responses={400: {"description": "wrong password"}})
def change_password(body: ChangePassword, user: User = Depends(bearer_user),
                    session: Session = Depends(get_session)) -> dict[str, str]:
    if not user.password_hash:
        raise HTTPException(400, "Ce compte n'a pas de mot de passe")
    if not security.verify_password(body.current_password, user.password_hash):
        raise HTTPException(400, "Mot de passe actuel incorrect")
    user.password_hash = security.hash_password(body.new_password)
    user.updated_at = utcnow()
    sessions.end_all(session, user)  # every session (this one too) ends: log in again
    session.commit()
    return {"message": "Mot de passe mis à jour"}


@router.post("/me/avatar", response_model=MessageResponse, openapi_extra=UPLOAD_BODY,
             responses={400: {"description": "bad file"}, 413: {"description": "too big"}, 415: {"description": "not an image"}})
async def upload_avatar(request: Request, user: User = Depends(bearer_user),
                        settings: Settings = Depends(get_settings)) -> dict[str, str]:
    data = await read_upload(request, settings.max_avatar_bytes)

    def _store() -> None:
        with request.app.state.sessionmaker() as session:
            u = session.get(User, user.id)
            try:
                img, _ = images.store(session, request.app.state.image_store, data, max_pixels=4_000_000,
                                      user_id=user.id)
            except images.ImageRejected as exc:
                raise HTTPException(exc.status, str(exc)) from exc
            u.avatar_sha256 = img.sha256
            u.avatar_path = f"/api/users/{u.id}/avatar"
            u.updated_at = utcnow()
            session.add(u)
            changes.record(session, "user", u.id, "upsert", views.user_public(u))
            session.commit()

    await run_in_threadpool(_store)
    return {"message": "Avatar mis à jour"}


@router.get("/{user_id}", response_model=UserPublicProfile, responses={404: {"description": "not found"}})
def public_profile(user_id: str, _caller: Caller = Depends(gate),
                   session: Session = Depends(get_session)) -> dict[str, object]:
    user = session.get(User, user_id)
    if user is None:
        raise HTTPException(404, MSG_NOT_FOUND)
    return views.user_public(user)


@router.patch("/{user_id}", response_model=UserProfile,
               responses={403: {"description": "admin only"}, 404: {"description": "not found"}})
def admin_update_user(user_id: str, body: AdminUserUpdate, _admin: Caller = Depends(admin_required),
                      session: Session = Depends(get_session)) -> dict[str, object]:
    """Admin: `{"is_active": false}` deactivates an account and ends all its sessions."""
    user = session.get(User, user_id)
    if user is None:
        raise HTTPException(404, MSG_NOT_FOUND)
    if body.is_active is not None and body.is_active != user.is_active:
        user.is_active = body.is_active
        if not body.is_active:
            sessions.end_all(session, user)
        user.updated_at = utcnow()
        session.add(user)
    session.commit()
    return views.user_profile(user)


@router.get("/{user_id}/avatar", response_class=FileResponse, responses={404: {"description": "no avatar"}})
def avatar(user_id: str, request: Request, _caller: Caller = Depends(gate),
           session: Session = Depends(get_session)) -> Response:
    user = session.get(User, user_id)
    if user is None:
        raise HTTPException(404, MSG_NOT_FOUND)
    img = images.find(session, user.avatar_sha256) if user.avatar_sha256 else None
    out = image_response(request, session, img) if img else None
    if out is None:
        raise HTTPException(404, "Avatar non trouvé")
    return out


@router.get("", response_model=UsersListResponse, responses={403: {"description": "admin only"}})
def list_users(search: str | None = Query(None, max_length=255), role: str | None = Query(None, max_length=10),
               page: int = Query(1, ge=1, le=100000), page_size: int = Query(50, ge=1, le=500),
               _admin: Caller = Depends(admin_required), session: Session = Depends(get_session)) -> dict[str, object]:
    q = select(User)
    if search:
        like = f"%{search.lower()}%"
        q = q.where(or_(func.lower(User.full_name).like(like), func.lower(User.email).like(like),
                        func.lower(User.username).like(like)))
    if role:
        q = q.where(User.role == role)
    count = session.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    rows = session.execute(q.order_by(User.created_at.desc(), User.id).offset((page - 1) * page_size)
                           .limit(page_size)).scalars().all()
    return {"results": [views.user_profile(u) for u in rows], "count": count, "page": page, "page_size": page_size}
