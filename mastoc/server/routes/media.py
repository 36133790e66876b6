"""Images and static files: `POST /api/images` (upload, sniffed, kept byte for byte when clean,
content-addressed), `GET /api/images/{sha256}`, and public `GET /static/{path}`: an image stored
under that path (or the photo of the face whose `picture_path` it is) from the configured store,
else a file resolved strictly inside the static root. Private images are served to their owner only,
through `/api/images/`."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response
from sqlalchemy import select
from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from mastoc.server import changes, images, views
from mastoc.server.config import Settings
from mastoc.server.deps import Caller, gate, get_session, get_settings, user_required
from mastoc.server.models import Face, Image
from mastoc.server.schemas import ImageOut

router = APIRouter(tags=["images"])
_SHA = re.compile(r"^[0-9a-f]{64}$")

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["file"],
                           "properties": {"file": {"type": "string", "format": "binary"}}}
            },
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


async def read_upload(request: Request, limit: int) -> bytes:
    """The uploaded bytes: one multipart part named `file`, or the raw body (any image/* type)."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        try:
            form = await request.form(max_files=1, max_fields=5, max_part_size=64 * 1024)
        except MultiPartException as exc:
            raise HTTPException(400, f"bad multipart body: {exc.message}") from exc
        try:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise HTTPException(400, "missing file part 'file'")
            data = await upload.read(limit + 1)
        finally:
            await form.close()
    else:
        data = await request.body()
    if len(data) > limit:
        raise HTTPException(413, "file too large")
    if not data:
        raise HTTPException(400, "empty file")
    return data


def image_response(request: Request, session: Session, img: Image, *, immutable: bool = False) -> Response | None:
    """The image's bytes from the configured store (streamed from disk when they are local)."""
    store = request.app.state.image_store
    headers = {"ETag": f'"{img.sha256}"'}
    if immutable:
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
    path = store.local_path(img)
    if path is not None:
        return FileResponse(path, media_type=img.content_type, headers=headers)
    data = store.get(session, img)
    if data is None:
        return None
    return Response(content=data, media_type=img.content_type, headers=headers)


@router.post("/api/images", status_code=201, response_model=ImageOut, openapi_extra=UPLOAD_BODY,
             responses={400: {"description": "bad file"}, 413: {"description": "too large"},
                        415: {"description": "not an accepted image"}})
async def upload_image(request: Request, caller: Caller = Depends(user_required),
                       settings: Settings = Depends(get_settings)) -> dict[str, object]:
    """Upload a photo. A clean JPEG/PNG is stored as uploaded (`sha256 == original_sha256`); anything
    else is re-encoded once, and `original_sha256` (the uploaded bytes' hash) also finds it.
    Re-uploading the same bytes creates nothing new. A new photo is private to its uploader until
    it is attached to a shared (Stokt) wall."""
    data = await read_upload(request, settings.max_upload_bytes)

    def _store() -> dict[str, object]:
        with request.app.state.sessionmaker() as session:
            try:
                img, created = images.store(session, request.app.state.image_store, data,
                                            max_pixels=settings.max_image_pixels, user_id=caller.user_id,
                                            owner_id=caller.user_id)
            except images.ImageRejected as exc:
                raise HTTPException(exc.status, str(exc)) from exc
            out = views.image(img)
            if created:
                changes.record(session, "image", img.sha256, "upsert", out)
            session.commit()
            return out

    return await run_in_threadpool(_store)


@router.get("/api/images/{sha256}", response_class=FileResponse, responses={404: {"description": "unknown image"}})
def get_image(sha256: str, request: Request, caller: Caller = Depends(gate),
              session: Session = Depends(get_session)) -> Response:
    if not _SHA.match(sha256):
        raise HTTPException(404, "Image not found")
    img = images.find(session, sha256)
    out = None
    if img is not None and images.may_read(img, caller.user_id, caller.is_admin):
        out = image_response(request, session, img, immutable=True)
    if out is None:
        raise HTTPException(404, "Image not found")
    return out


@router.get("/static/{path:path}", response_class=FileResponse, responses={404: {"description": "not found"}})
def static_file(path: str, request: Request, session: Session = Depends(get_session),
                settings: Settings = Depends(get_settings)) -> Response:
    """Public static files (no key: the Android app loads wall photos here without one). Private
    images (personal walls' photos) are never served here."""
    if len(path) > 500 or "\x00" in path:
        raise HTTPException(404, "Not Found")
    img = images.find_by_path(session, path)
    if img is None:
        face = session.execute(select(Face).where(Face.picture_path == path)).scalars().first()
        if face is not None and face.picture_sha256:
            img = images.find(session, face.picture_sha256)
    if img is not None:
        if img.owner_id is not None:
            raise HTTPException(404, "Not Found")
        out = image_response(request, session, img)
        if out is not None:
            return out
    target = images.safe_path(settings.static_dir, path)
    if target is not None:
        return FileResponse(target)
    raise HTTPException(404, "Not Found")
