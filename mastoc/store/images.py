"""Wall photos on disk: files named by their SHA-256 under `<data>/images/`, written atomically.

A file is written to a temporary name in the same directory, flushed and fsynced, its length and hash
checked, and only then renamed into place, so a truncated download never replaces a good image.

Every photo is decoded in full before it is accepted (`dimensions`): Pillow's `verify()` alone does
not read JPEG scan data, so a JPEG cut short with an intact header would pass it. `replacement_warning`
words what changes when a face's photo is swapped for one of other dimensions.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

_SHA = re.compile(r"[0-9a-f]{64}")

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
    (b"RIFF", "image/webp", ".webp"),
)


class ImageError(ValueError):
    """Bytes that are not a usable image, or that do not match the expected hash or length."""


@dataclass(frozen=True, slots=True)
class ImageInfo:
    sha256: str
    size: int
    media_type: str
    width: int | None
    height: int | None
    path: Path


def sniff(data: bytes) -> tuple[str, str]:
    """(media type, file suffix) from the content's magic bytes; ImageError if not an image."""
    for magic, media_type, suffix in _SIGNATURES:
        if data.startswith(magic) and (media_type != "image/webp" or data[8:12] == b"WEBP"):
            return media_type, suffix
    raise ImageError("not an image (JPEG, PNG, GIF or WebP expected)")


def dimensions(data: bytes) -> tuple[int | None, int | None]:
    """(width, height) of an image that decodes completely; ImageError otherwise.

    The structure is checked with `verify()`, then every pixel is decoded (`load()`, with Pillow's
    `LOAD_TRUNCATED_IMAGES` off), so a file cut short or with damaged scan data is refused.
    """
    import io

    from PIL import Image, ImageFile, UnidentifiedImageError

    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise ImageError("Pillow is set to accept truncated images; refusing to check photos that way")
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
        with Image.open(io.BytesIO(data)) as im:
            size = im.size
            im.load()
            return size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise ImageError(f"damaged image ({exc})") from exc


def replacement_warning(old: tuple[int | None, int | None] | None, new: tuple[int | None, int | None],
                        what: str) -> str | None:
    """A warning when `what`'s photo of size `old` is replaced by one of size `new` (None if same)."""
    if old is None or None in old or tuple(old) == tuple(new):
        return None
    return (f"{what}: the new photo is {new[0]}x{new[1]} pixels, the previous one was {old[0]}x{old[1]}; "
            "the hold outlines may not match it")


def write_image(
    directory: Path,
    data: bytes,
    *,
    expected_sha256: str | None = None,
    expected_size: int | None = None,
) -> ImageInfo:
    """Verify and store `data`; returns its info. Nothing is replaced unless everything checks."""
    if expected_size is not None and len(data) != expected_size:
        raise ImageError(f"image is {len(data)} bytes, expected {expected_size} (truncated download?)")
    digest = hashlib.sha256(data).hexdigest()
    if expected_sha256 is not None and digest != expected_sha256.lower():
        raise ImageError("image content does not match its SHA-256")
    media_type, suffix = sniff(data)
    width, height = dimensions(data)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{digest}{suffix}"
    if not (final.exists() and final.stat().st_size == len(data)):
        fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            written = Path(tmp).read_bytes()
            if len(written) != len(data) or hashlib.sha256(written).hexdigest() != digest:
                raise ImageError("image file did not read back intact")
            os.replace(tmp, final)
        except BaseException:
            with_suppress_unlink(Path(tmp))
            raise
        _fsync_dir(directory)
    return ImageInfo(digest, len(data), media_type, width, height, final)


def existing_path(directory: Path, sha256: str) -> Path | None:
    if not _SHA.fullmatch(sha256 or ""):
        return None
    for _magic, _type, suffix in _SIGNATURES:
        candidate = directory / f"{sha256}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def record(conn: sqlite3.Connection, info: ImageInfo, source_name: str | None) -> None:
    from mastoc.store.rows import now_ts

    conn.execute(
        "INSERT INTO images (sha256, size, media_type, width, height, source_name, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING",
        (info.sha256, info.size, info.media_type, info.width, info.height, source_name, now_ts()),
    )


def with_suppress_unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
