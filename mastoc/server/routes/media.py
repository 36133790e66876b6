"""Images and static files: `POST /api/images` (upload, sniffed and re-encoded, content-addressed),
`GET /api/images/{sha256}`, and public `GET /static/{path}` resolved strictly inside the static root
(a face whose `picture_path` names a missing file is served from its stored photo)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from sqlalchemy import select
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from mastoc.server import changes, images, views
from mastoc.server.config import Settings
from mastoc.server.deps import Caller, gate, get_session, get_settings, user_required
from mastoc.server.models import Face
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


@router.post("/api/images", status_code=201, response_model=ImageOut, openapi_extra=UPLOAD_BODY,
             responses={400: {"description": "bad file"}, 413: {"description": "too large"},
                        415: {"description": "not an accepted image"}})
async def upload_image(request: Request, caller: Caller = Depends(user_required),
                       settings: Settings = Depends(get_settings)) -> dict[str, object]:
    """Upload a photo. The answer's `sha256` addresses the stored (re-encoded) file; `original_sha256`
    (the uploaded bytes' hash) also finds it. Re-uploading the same bytes creates nothing new."""
    data = await read_upload(request, settings.max_upload_bytes)

    def _store() -> dict[str, object]:
        with request.app.state.sessionmaker() as session:
            try:
                img, created = images.store(session, settings.static_dir, data,
                                            max_pixels=settings.max_image_pixels, user_id=caller.user_id)
            except images.ImageRejected as exc:
                raise HTTPException(exc.status, str(exc)) from exc
            out = views.image(img)
            if created:
                changes.record(session, "image", img.sha256, "upsert", out)
            session.commit()
            return out

    return await run_in_threadpool(_store)


@router.get("/api/images/{sha256}", response_class=FileResponse, responses={404: {"description": "unknown image"}})
def get_image(sha256: str, _caller: Caller = Depends(gate), session=Depends(get_session),  # type: ignore[no-untyped-def]
              settings: Settings = Depends(get_settings)) -> FileResponse:
    if not _SHA.match(sha256):
        raise HTTPException(404, "Image not found")
    img = images.find(session, sha256)
    path = images.safe_path(settings.static_dir, img.path) if img else None
    if img is None or path is None:
        raise HTTPException(404, "Image not found")
    return FileResponse(path, media_type=img.content_type,
                        headers={"Cache-Control": "public, max-age=31536000, immutable", "ETag": f'"{img.sha256}"'})


@router.get("/static/{path:path}", response_class=FileResponse, responses={404: {"description": "not found"}})
def static_file(path: str, session=Depends(get_session),  # type: ignore[no-untyped-def]
                settings: Settings = Depends(get_settings)) -> FileResponse:
    """Public static files (no key: the Android app loads wall photos here without one)."""
    target = images.safe_path(settings.static_dir, path)
    if target is not None:
        return FileResponse(target)
    if len(path) <= 500 and "\x00" not in path:
        face = session.execute(select(Face).where(Face.picture_path == path)).scalars().first()
        if face is not None and face.picture_sha256:
            img = images.find(session, face.picture_sha256)
            stored = images.safe_path(settings.static_dir, img.path) if img else None
            if img is not None and stored is not None:
                return FileResponse(stored, media_type=img.content_type)
    raise HTTPException(404, "Not Found")
