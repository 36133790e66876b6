"""Image intake: sniff the content (never trust names or Content-Type), bound the pixel count before
decoding, re-encode, and store content-addressed by the SHA-256 of the stored bytes.

Files live under `<static>/images/<aa>/<sha256>.<ext>` (written atomically); the `images` table
keeps their metadata and the SHA-256 of the bytes as uploaded, so a re-upload of the same original
is recognised without decoding it again.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import warnings
from pathlib import Path

from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from sqlalchemy import select
from sqlmodel import Session

from mastoc.server.models import Image

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


class ImageRejected(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def find(session: Session, sha256: str) -> Image | None:
    img = session.get(Image, sha256)
    if img is None:
        img = session.execute(select(Image).where(Image.original_sha256 == sha256)).scalars().first()
    return img


def _reencode(data: bytes, max_pixels: int) -> tuple[bytes, str, str, int, int]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            im = PILImage.open(io.BytesIO(data))
            fmt = im.format
            if fmt not in ALLOWED_FORMATS:
                raise ImageRejected(f"unsupported image type: {fmt}", 415)
            width, height = im.size
            if width <= 0 or height <= 0 or width * height > max_pixels:
                raise ImageRejected(f"image too large: {width}x{height} pixels", 413)
            im.seek(0)
            im.load()
    except ImageRejected:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise ImageRejected("image too large (pixel limit)", 413) from exc
    except UnidentifiedImageError as exc:
        raise ImageRejected("not an accepted image", 415) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:  # truncated or corrupt content
        raise ImageRejected("corrupt image", 400) from exc
    has_alpha = im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info)
    out = io.BytesIO()
    clean = im.convert("RGBA" if has_alpha else "RGB")
    clean.info.clear()  # no comments, EXIF, ICC or other metadata survive
    if has_alpha:
        clean.save(out, format="PNG", optimize=False)
        return out.getvalue(), "image/png", "png", width, height
    clean.save(out, format="JPEG", quality=90)
    return out.getvalue(), "image/jpeg", "jpg", width, height


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store(session: Session, static_dir: Path, data: bytes, *, max_pixels: int,
          user_id: str | None) -> tuple[Image, bool]:
    """Store `data` as an image; returns (row, created). The caller commits."""
    if not data:
        raise ImageRejected("empty file", 400)
    original = hashlib.sha256(data).hexdigest()
    existing = find(session, original)
    if existing is not None and (static_dir / existing.path).is_file():
        return existing, False
    encoded, ctype, ext, width, height = _reencode(data, max_pixels)
    sha = hashlib.sha256(encoded).hexdigest()
    rel = f"images/{sha[:2]}/{sha}.{ext}"
    target = static_dir / rel
    if not target.is_file():
        _atomic_write(target, encoded)
    img = session.get(Image, sha)
    if img is None:
        img = Image(sha256=sha, original_sha256=original, content_type=ctype, width=width, height=height,
                    size=len(encoded), path=rel, uploaded_by_id=user_id)
        session.add(img)
        session.flush()
        return img, True
    return img, False


def safe_path(root: Path, relative: str) -> Path | None:
    """The file `relative` inside `root`, or None when it is missing or resolves outside the root."""
    if not relative or "\x00" in relative or relative.startswith(("/", "\\")):
        return None
    base = root.resolve()
    try:
        target = (base / relative).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target
