"""Image intake: sniff the content (never trust names or Content-Type), bound the pixel count before
decoding, decode fully, and store content-addressed by the SHA-256 of the stored bytes.

An upload that is a JPEG or PNG which decodes completely within the pixel limit and carries nothing
after its end marker (JPEG EOI / PNG IEND) is kept byte for byte, so every device gets the very file
that was uploaded (a Stokt wall photo keeps its SHA-256). Anything else that decodes (GIF, WebP,
trailing bytes, ...) is re-encoded without metadata, once. The `images` table keeps the metadata and
the SHA-256 of the bytes as uploaded, so a re-upload of the same original is recognised without
decoding it again; the bytes go to the configured store (`imagestore`).
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings

from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from sqlalchemy import select
from sqlmodel import Session

from mastoc.server.imagestore import Store, safe_path
from mastoc.server.models import Image

__all__ = ["ImageRejected", "find", "find_by_path", "store", "safe_path", "may_read", "is_clean"]

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
_KEEP = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ImageRejected(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def find(session: Session, sha256: str) -> Image | None:
    img = session.get(Image, sha256)
    if img is None:
        img = session.execute(select(Image).where(Image.original_sha256 == sha256)).scalars().first()
    return img


def find_by_path(session: Session, path: str) -> Image | None:
    return session.execute(select(Image).where(Image.path == path)).scalars().first()


def may_read(img: Image, user_id: str | None, is_admin: bool = False) -> bool:
    """Private images (a personal wall's photo) are for their owner only."""
    return img.owner_id is None or is_admin or img.owner_id == user_id


def _jpeg_end(data: bytes) -> int | None:
    """Offset just past the EOI marker that ends the JPEG stream, or None if the structure is broken."""
    n = len(data)
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 1 < n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:
            return i + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        if i + 4 > n:
            return None
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        i += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while i + 1 < n:
                if data[i] == 0xFF and data[i + 1] != 0x00 and not 0xD0 <= data[i + 1] <= 0xD7:
                    break
                i += 1
    return None


def _png_end(data: bytes) -> int | None:
    if not data.startswith(_PNG_SIGNATURE):
        return None
    i, n = 8, len(data)
    while i + 12 <= n:
        (length,) = struct.unpack(">I", data[i:i + 4])
        kind = data[i + 4:i + 8]
        i += 12 + length
        if kind == b"IEND":
            return i if i <= n else None
    return None


def is_clean(data: bytes, fmt: str) -> bool:
    """True when the JPEG/PNG stream ends exactly at the end of `data` (nothing appended)."""
    end = _jpeg_end(data) if fmt == "JPEG" else _png_end(data) if fmt == "PNG" else None
    return end is not None and end == len(data)


def _decode(data: bytes, max_pixels: int) -> tuple[PILImage.Image, str, int, int]:
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
    return im, str(fmt), width, height


def _reencode(im: PILImage.Image) -> tuple[bytes, str, str]:
    has_alpha = im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info)
    out = io.BytesIO()
    clean = im.convert("RGBA" if has_alpha else "RGB")
    clean.info.clear()  # no comments, EXIF, ICC or other metadata survive
    if has_alpha:
        clean.save(out, format="PNG", optimize=False)
        return out.getvalue(), "image/png", "png"
    clean.save(out, format="JPEG", quality=90)
    return out.getvalue(), "image/jpeg", "jpg"


def prepare(data: bytes, max_pixels: int) -> tuple[bytes, str, str, int, int]:
    """(stored bytes, content type, extension, width, height): the original when clean, else re-encoded."""
    if not data:
        raise ImageRejected("empty file", 400)
    im, fmt, width, height = _decode(data, max_pixels)
    if fmt in _KEEP and is_clean(data, fmt):
        ctype, ext = _KEEP[fmt]
        return data, ctype, ext, width, height
    encoded, ctype, ext = _reencode(im)
    return encoded, ctype, ext, width, height


def store(session: Session, byte_store: Store, data: bytes, *, max_pixels: int, user_id: str | None,
          owner_id: str | None = None, path: str | None = None) -> tuple[Image, bool]:
    """Store `data` as an image; returns (row, created). The caller commits. `owner_id` makes a new
    image private to that user; `path` (migrations) names its public path instead of `images/…`."""
    if not data:
        raise ImageRejected("empty file", 400)
    original = hashlib.sha256(data).hexdigest()
    existing = find(session, original)
    if existing is not None and byte_store.has(session, existing):
        return existing, False
    stored, ctype, ext, width, height = prepare(data, max_pixels)
    sha = hashlib.sha256(stored).hexdigest()
    img = session.get(Image, sha)
    created = img is None
    if img is None:
        img = Image(sha256=sha, original_sha256=original, content_type=ctype, width=width, height=height,
                    size=len(stored), path=path or f"images/{sha[:2]}/{sha}.{ext}", uploaded_by_id=user_id,
                    owner_id=owner_id)
        session.add(img)
        session.flush()
    byte_store.put(session, img, stored)
    return img, created
