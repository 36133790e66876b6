"""Photo intake: upright, metadata stripped, size capped, bad files refused with one clear line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from mastoc.store.photo_intake import MAX_SIDE, PhotoError, prepare_photo
from tests.walls.photos import exif_of, wall_photo


def test_exif_orientation_is_applied_and_gps_is_gone():
    data = wall_photo(400, 300, orientation=6, gps=True)
    assert exif_of(data)["gps"]  # the generated photo does carry GPS tags
    out = prepare_photo(data)
    assert (out.width, out.height) == (300, 400) and out.rotated
    meta = exif_of(out.data)
    assert not meta["gps"] and 0x0112 not in meta and 0x010F not in meta
    assert "exif" not in meta["info"]
    with Image.open(io.BytesIO(out.data)) as im:
        # orientation 6 = rotate 90° clockwise to view: the red disc (top left) ends up top right
        r, g, b = im.convert("RGB").getpixel((300 - 80, 80))
        assert r > 180 and g < 90


def test_png_with_transparency_stays_png_and_large_photos_are_capped():
    im = Image.new("RGBA", (50, 40), (255, 0, 0, 128))
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    assert prepare_photo(buf.getvalue()).media_type == "image/png"
    big = Image.new("RGB", (5000, 2500), (120, 120, 120))
    buf = io.BytesIO()
    big.save(buf, format="JPEG")
    out = prepare_photo(buf.getvalue())
    assert (out.width, out.height) == (MAX_SIDE, 2000) and out.downscaled


def test_heic_is_read_when_pillow_heif_is_there():
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 10)).save(buf, format="HEIF")
    out = prepare_photo(buf.getvalue())
    assert out.source_format == "HEIC" and (out.width, out.height) == (64, 48) and out.media_type == "image/jpeg"


def test_not_an_image(tmp_path: Path):
    with pytest.raises(PhotoError, match="not an image"):
        prepare_photo(b"%PDF-1.4 definitely not a photo" * 10, "wall.pdf")


def test_gif_is_refused_by_type():
    buf = io.BytesIO()
    Image.new("P", (10, 10)).save(buf, format="GIF")
    with pytest.raises(PhotoError, match="GIF image"):
        prepare_photo(buf.getvalue())


def test_decompression_bomb_is_refused_before_decoding():
    # a 20,000 x 20,000 PNG: tiny file (one colour, compressed), 400 megapixels once decoded
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
    raw = zlib.compress(b"\x00" * 100)  # not the real data: the size check must come first
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    with pytest.raises(PhotoError, match="too many pixels for a wall photo .400 megapixels"):
        prepare_photo(bomb)


def test_image_over_the_pixel_cap_is_refused_from_its_header():
    im = Image.new("L", (12000, 9000))  # 108 megapixels: under Pillow's bomb limit, over ours
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    with pytest.raises(PhotoError, match="12000x9000 pixels, too large"):
        prepare_photo(buf.getvalue())


def test_truncated_jpeg_is_refused():
    data = wall_photo(400, 300)
    with pytest.raises(PhotoError, match="damaged or truncated"):
        prepare_photo(data[: len(data) // 2])


def test_empty_file():
    with pytest.raises(PhotoError, match="empty"):
        prepare_photo(b"")
