"""A list's printable sheet (PDF, A4): per climb its position, name, grade, setter, status, notes and
a small picture of the wall with the climb's holds drawn.

`wall_picture(store, climb_id)` draws one climb on its face's photo with Pillow (the photo is
decoded and scaled once per face); `write_list_sheet(store, list_id, path)` lays the climbs out four
to a page with reportlab and writes the PDF through a temporary file (never half-written).
Hold colours follow the app's: start green, hands white, feet orange, top red.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from mastoc.domain import geometry, holdslist
from mastoc.domain.models import Role
from mastoc.store import list_rows as ops
from mastoc.store.db import Store

PER_PAGE = 4
THUMB_WIDTH = 480  # pixels of the wall picture's width (about 150 dpi at the printed size)
ROLE_COLOURS = {Role.START: (47, 211, 90), Role.OTHER: (255, 255, 255), Role.FEET: (255, 180, 0),
                Role.TOP: (255, 59, 48)}
_PRIORITY = (Role.START, Role.TOP, Role.OTHER, Role.FEET)
STATUS_WORDS = {"todo": "to do", "in_progress": "in progress", "done": "done"}


class SheetError(Exception):
    pass


class _Faces:
    """Each face's photo, dimmed and scaled to the thumbnail width, and its hold outlines (scaled)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, tuple[Image.Image | None, dict[int, list[tuple[float, float]]]]] = {}

    def get(self, face_id: str) -> tuple[Image.Image | None, dict[int, list[tuple[float, float]]]]:
        if face_id not in self._cache:
            self._cache[face_id] = self._load(face_id)
        return self._cache[face_id]

    def _load(self, face_id: str) -> tuple[Image.Image | None, dict[int, list[tuple[float, float]]]]:
        c = self.store.conn
        r = c.execute("SELECT picture_sha256, picture_width, picture_height FROM faces WHERE id = ?", (face_id,)).fetchone()
        path = self.store.image_path(r[0]) if r and r[0] else None
        photo = None
        if path is not None:
            with Image.open(path) as img:
                img.draft("RGB", (THUMB_WIDTH * 2, THUMB_WIDTH * 3))
                full_w = r[1] or img.size[0]
                photo = img.convert("RGB")
                photo = photo.resize((THUMB_WIDTH, max(1, round(photo.size[1] * THUMB_WIDTH / photo.size[0]))),
                                     Image.Resampling.LANCZOS)
                photo = Image.blend(photo, Image.new("RGB", photo.size), 0.6)  # dim, as the app does
            scale = THUMB_WIDTH / full_w
        else:
            scale = 1.0
        outlines: dict[int, list[tuple[float, float]]] = {}
        for num, text in c.execute("SELECT num, polygon_str FROM holds WHERE face_id = ?", (face_id,)):
            try:
                pts = geometry.parse_points(text)
            except geometry.GeometryError:
                continue
            outlines[int(num)] = [(p[0] * scale, p[1] * scale) for p in pts]
        return photo, outlines


def wall_picture(store: Store, climb_id: str, faces: _Faces | None = None) -> Image.Image | None:
    """The climb drawn on its wall (None when the face has no photo in this store)."""
    faces = faces or _Faces(store)
    r = store.conn.execute("SELECT face_id, holds_list FROM climbs WHERE id = ?", (climb_id,)).fetchone()
    if r is None:
        return None
    photo, outlines = faces.get(r[0])
    if photo is None:
        return None
    img = photo.copy()
    draw = ImageDraw.Draw(img)
    try:
        refs = holdslist.parse(r[1])
    except holdslist.HoldsListError:
        refs = ()
    roles: dict[int, set[Role]] = {}
    for ref in refs:
        roles.setdefault(ref.hold, set()).add(ref.role)
    for num, rs in roles.items():
        pts = outlines.get(num)
        if not pts or len(pts) < 3:
            continue
        role = next(x for x in _PRIORITY if x in rs)
        draw.polygon(pts, outline=ROLE_COLOURS[role], width=7)
    return img


def write_list_sheet(store: Store, list_id: str, path: str | Path) -> int:
    """Write the list's sheet to `path`; returns the number of pages."""
    path = Path(path)
    lst = ops.get_list(store, list_id)
    its = ops.items(store, list_id)
    faces = _Faces(store)
    buf = io.BytesIO()
    rl_config.useA85 = 0  # binary streams: no pure-Python ASCII85 pass over every picture (and smaller files)
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    pdf.setTitle(lst.name)
    pdf.setAuthor("mastoc")
    page_w, page_h = A4
    margin = 12 * mm
    cols, rows_per_page = 1, PER_PAGE
    cell_w = (page_w - 2 * margin) / cols
    top = page_h - margin - 16 * mm
    cell_h = (top - margin) / rows_per_page
    pages = 0

    def header() -> None:
        nonlocal pages
        pages += 1
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(margin, page_h - margin - 6 * mm, _fit(lst.name, 60))
        pdf.setFont("Helvetica", 9)
        done = sum(1 for it in its if it.status == "done")
        info = f"{lst.list_type} · {len(its)} climbs · {done} done"
        pdf.drawRightString(page_w - margin, page_h - margin - 6 * mm, f"{info} · page {pages}")
        if lst.description:
            pdf.drawString(margin, page_h - margin - 12 * mm, _fit(lst.description, 110))

    header()
    if not its:
        pdf.setFont("Helvetica", 11)
        pdf.drawString(margin, top - 10 * mm, "This list is empty.")
    for n, it in enumerate(its):
        slot = n % (cols * rows_per_page)
        if n and slot == 0:
            pdf.showPage()
            header()
        x = margin + (slot % cols) * cell_w
        y = top - (slot // cols + 1) * cell_h
        pic_h = cell_h - 6 * mm
        pic = wall_picture(store, it.climb_id, faces)
        pic_w = 0.0
        if pic is not None:
            pic_w = pic_h * pic.size[0] / pic.size[1]
            jpeg = io.BytesIO()
            pic.save(jpeg, "JPEG", quality=82, optimize=True)  # embedded as is (DCT): small, fast
            jpeg.seek(0)
            pdf.drawImage(ImageReader(jpeg), x, y + 3 * mm, width=pic_w, height=pic_h)
        tx = x + pic_w + 4 * mm
        ty = y + cell_h - 8 * mm
        text_w = cell_w - pic_w - 6 * mm
        width_chars = max(10, int(text_w / (1.9 * mm)))
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawString(tx, ty, _fit_width(pdf, f"{it.position}. {it.climb_name}", text_w, "Helvetica-Bold", 13))
        pdf.setFont("Helvetica", 10)
        lines = [f"Grade {it.grade or '?'}", f"Set by {it.setter or '?'}", f"Status: {STATUS_WORDS[it.status]}"]
        if it.climb_deleted:
            lines.append("(climb deleted)")
        for k, line in enumerate(lines, 1):
            pdf.drawString(tx, ty - k * 5 * mm, _fit(line, width_chars))
        if it.notes:
            pdf.setFont("Helvetica-Oblique", 9)
            for k, line in enumerate(_wrap(it.notes, width_chars + 4)[:4], len(lines) + 1):
                pdf.drawString(tx, ty - k * 5 * mm, line)
    pdf.save()
    tmp = path.with_name(f".{path.name}.partial")
    try:
        tmp.write_bytes(buf.getvalue())
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SheetError(f"cannot write {path}: {exc.strerror}") from exc
    return pages


def _fit_width(pdf: canvas.Canvas, text: str, width: float, font: str, size: float) -> str:
    text = " ".join(str(text).split())
    while len(text) > 1 and pdf.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def _fit(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _wrap(text: str, n: int) -> list[str]:
    out: list[str] = []
    line = ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > n:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        out.append(line)
    return [_fit(x, n) for x in out]
