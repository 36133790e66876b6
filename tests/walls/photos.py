"""Generated wall photos for the personal-wall tests (never the real fixtures)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def wall_photo(width: int = 400, height: int = 300, *, orientation: int = 1, gps: bool = False,
               fmt: str = "JPEG") -> bytes:
    """A grey panel with a red disc and a blue square; EXIF orientation and GPS tags on request."""
    im = Image.new("RGB", (width, height), (150, 150, 146))
    d = ImageDraw.Draw(im)
    d.ellipse((40, 40, 120, 120), fill=(220, 40, 30))
    d.rectangle((200, 150, 260, 210), fill=(30, 60, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    out = io.BytesIO()
    im.save(out, format=fmt, exif=exif.tobytes(), **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def exif_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as im:
        exif = im.getexif()
        return {**dict(exif), "gps": dict(exif.get_ifd(0x8825)), "info": dict(im.info)}
