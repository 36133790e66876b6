"""A person's own wall photo, made fit to store: checked, upright, metadata-free, size-capped.

`prepare_photo(data)` accepts JPEG, PNG and (when pillow-heif is installed) HEIC/HEIF. It refuses
anything else, images over `MAX_PIXELS` (checked from the header, before decoding: a
decompression bomb never gets decoded) and truncated or damaged files, each with one clear
`PhotoError` line. The image is rotated as its EXIF orientation says, re-encoded from pixels (so
EXIF, GPS, XMP, ICC and comments are gone), and its longest side capped at `MAX_SIDE`. The result is
a JPEG (a PNG when it has transparency). `intake_photo` stores it content-addressed under the data
directory exactly like Stokt photos (`store.images.write_image`); recording it in the `images` table
is left to the caller's transaction.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from mastoc.store import images, paths

MAX_SIDE = 4000  # px, longest side of the stored photo
MAX_PIXELS = 100_000_000  # refused above this (header size), before any decoding
MAX_FILE_BYTES = 200 * 1024 * 1024
JPEG_QUALITY = 92
FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "HEIF": "HEIC", "HEIC": "HEIC"}


class PhotoError(images.ImageError):
    """A file that cannot become a wall photo; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    data: bytes
    media_type: str
    width: int
    height: int
    source_format: str  # JPEG, PNG or HEIC
    rotated: bool  # an EXIF orientation was applied
    downscaled: bool


def _register_heif() -> bool:
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True


def prepare_photo(data: bytes, name: str = "the photo") -> PreparedPhoto:
    """The storable version of an uploaded photo (see the module docstring); PhotoError if unfit."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise PhotoError(f"{name} is empty")
    if len(data) > MAX_FILE_BYTES:
        raise PhotoError(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    heif = _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own cap, below
            im = Image.open(io.BytesIO(data))
            fmt = FORMATS.get(im.format or "")
            if fmt is None:
                kinds = "JPEG, PNG or HEIC" if heif else "JPEG or PNG"
                raise PhotoError(f"{name} is a {im.format} image; a {kinds} photo is expected")
            width, height = im.size
            if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
                raise PhotoError(f"{name} is {width}x{height} pixels, too large for a wall photo "
                                 f"(at most {MAX_PIXELS // 1_000_000} megapixels)")
            im.load()
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        count = f"{int(found.group(1)) / 1e6:.0f} megapixels; " if found else ""
        raise PhotoError(f"{name} has too many pixels for a wall photo ({count}"
                         f"at most {MAX_PIXELS // 1_000_000})") from None
    except UnidentifiedImageError:
        kinds = "JPEG, PNG or HEIC" if heif else "JPEG or PNG"
        raise PhotoError(f"{name} is not an image (a {kinds} photo is expected)") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise PhotoError(f"{name} is damaged or truncated ({exc})") from None
    orientation = im.getexif().get(0x0112, 1)
    upright = ImageOps.exif_transpose(im)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
    clean = upright.convert("RGBA" if has_alpha else "RGB")
    downscaled = max(clean.size) > MAX_SIDE
    if downscaled:
        clean.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    clean.info.clear()
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, format="PNG")
        media_type = "image/png"
    else:
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        media_type = "image/jpeg"
    return PreparedPhoto(out.getvalue(), media_type, clean.size[0], clean.size[1], fmt,
                         orientation not in (1, None), downscaled)


def intake_photo(data_dir: Path, data: bytes, name: str = "the photo") -> tuple[images.ImageInfo, PreparedPhoto]:
    """Prepare `data` and write it under `<data_dir>/images/` by its SHA-256 (atomic, verified)."""
    prepared = prepare_photo(data, name)
    info = images.write_image(paths.images_dir(data_dir), prepared.data)
    return info, prepared
