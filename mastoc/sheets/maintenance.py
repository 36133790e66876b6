"""The printable maintenance sheet: the wall photo with the holds needing attention outlined and
numbered, then a table number → hold → condition → notes → reported by / when.

`marked_photo` draws on the face photo with Pillow (outline in the condition's colour, a numbered
disc on the hold's centroid); `write_sheet` draws the photo on page 1 of an A4 PDF (reportlab), the
table follows from page 2, and returns where the photo went (`SheetLayout`) so a test can find the
marks on the rendered page. Reads the store, never writes it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from mastoc.domain import annotations as dom
from mastoc.domain import geometry
from mastoc.domain.models import Face, Hold
from mastoc.store.annotations import MaintenanceItem
from mastoc.store.db import Store

# mark colour per condition (RGB), the severe ones warm
COLOURS = {
    "cassee": (220, 20, 60), "usee": (148, 0, 211), "tournee": (255, 140, 0),
    "sale": (139, 90, 43), "a_brosser": (30, 144, 255), "ok": (46, 139, 87),
}
PHOTO_MAX_PX = 1600  # the photo is drawn at most this wide (keeps the PDF small, marks crisp)
DISC_RADIUS = 0.018  # of the photo's width


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """Where page 1's photo lies, in PDF points from the page's top-left corner, and its scale
    from face picture pixels to points."""

    page_width: float
    page_height: float
    x: float
    y: float
    width: float
    height: float
    scale: float  # points per face-picture pixel
    centres: dict[int, tuple[float, float]]  # item number -> disc centre in face-picture pixels


def _photo(store: Store, face: Face) -> Image.Image:
    path = store.image_path(face.picture_sha256) if face.picture_sha256 else None
    if path is None:
        w, h = face.picture_width or 1000, face.picture_height or 1000
        return Image.new("RGB", (w, h), (235, 235, 235))
    img = Image.open(path)
    return img.convert("RGB")


def marked_photo(store: Store, face: Face, items: list[MaintenanceItem]) -> tuple[Image.Image, float, dict[int, tuple[float, float]]]:
    """The face photo (at most `PHOTO_MAX_PX` wide) with the items' holds outlined and numbered 1…n.

    Returns the image, its scale from face-picture pixels, and each number's disc centre (face pixels).
    """
    img = _photo(store, face)
    full_w = face.picture_width or img.width
    scale = min(1.0, PHOTO_MAX_PX / img.width) * img.width / full_w
    if img.width > PHOTO_MAX_PX:
        img = img.resize((PHOTO_MAX_PX, round(img.height * PHOTO_MAX_PX / img.width)), Image.Resampling.LANCZOS)
    holds = {h.id: h for h in store.holds(face.id)}
    draw = ImageDraw.Draw(img)
    r = max(8, round(img.width * DISC_RADIUS))
    font = ImageFont.load_default(size=round(r * 1.2))
    centres: dict[int, tuple[float, float]] = {}
    line = max(3, r // 4)
    for n, it in enumerate(items, 1):
        hold: Hold | None = holds.get(it.hold.id)
        if hold is None:
            continue
        colour = COLOURS.get(it.condition, (220, 20, 60))
        try:
            pts = [(x * scale, y * scale) for x, y in geometry.outline(hold)]
            cx, cy = geometry.centroid(hold)
        except (geometry.GeometryError, ValueError):
            continue
        if len(pts) >= 3:
            draw.line([*pts, pts[0]], fill=colour, width=line, joint="curve")
        centres[n] = (cx, cy)
        px, py = cx * scale, cy * scale
        draw.ellipse((px - r, py - r, px + r, py + r), fill=colour, outline=(255, 255, 255), width=max(2, r // 8))
        draw.text((px, py), str(n), fill=(255, 255, 255), font=font, anchor="mm")
    return img, scale, centres


def write_sheet(store: Store, face: Face, items: list[MaintenanceItem], target: str | Path) -> SheetLayout:
    """Write the PDF to `target` (replacing it) and return page 1's layout."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    img, px_scale, centres = marked_photo(store, face, items)
    page_w, page_h = A4
    margin = 36.0
    font, bold = _fonts()
    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["BodyText"], fontName=font, fontSize=9, leading=11)
    title = (f"Maintenance — {face.name or 'wall'} — {len(items)} hold(s) — "
             f"{datetime.now(UTC).astimezone().strftime('%Y-%m-%d %H:%M')}")
    title_h = 28.0
    k = min((page_w - 2 * margin) / img.width, (page_h - 2 * margin - title_h) / img.height)
    w, h = img.width * k, img.height * k
    x, y_top = (page_w - w) / 2, margin + title_h
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=88)
    buf.seek(0)
    photo = ImageReader(buf)

    def first_page(canvas: Any, _doc: Any) -> None:
        canvas.setFont(bold, 13)
        canvas.drawString(margin, page_h - margin - 14, title)
        canvas.drawImage(photo, x, page_h - y_top - h, width=w, height=h)

    data: list[list[Any]] = [["#", "Hold", "Condition", "Notes", "Reported by / when"]]
    for n, it in enumerate(items, 1):
        hold = f"Stokt {it.hold.stokt_id}" if it.hold.stokt_id is not None else f"hold {it.hold.num}"
        data.append([str(n), hold, Paragraph(_esc(dom.label("condition", it.condition)), cell),
                     Paragraph(_esc(it.notes or ""), cell),
                     Paragraph(_esc(f"{it.reported_by}, {(it.reported_at or '-')[:16].replace('T', ' ')}"), cell)])
    table = Table(data, colWidths=[24, 80, 88, None, 130], repeatRows=1)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
             ("FONTNAME", (0, 0), (-1, -1), font), ("FONTNAME", (0, 0), (-1, 0), bold), ("FONTSIZE", (0, 0), (-1, -1), 9),
             ("VALIGN", (0, 0), (-1, -1), "TOP")]
    for n, it in enumerate(items, 1):
        rgb = COLOURS.get(it.condition, (220, 20, 60))
        style.append(("BACKGROUND", (0, n), (0, n), colors.Color(*(c / 255 for c in rgb))))
        style.append(("TEXTCOLOR", (0, n), (0, n), colors.white))
    table.setStyle(TableStyle(style))
    story: list[Any] = [PageBreak(), table] if items else [PageBreak(), Paragraph("No hold needs attention.", cell)]
    doc = SimpleDocTemplate(str(target), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title="mastoc maintenance sheet")
    doc.build(story, onFirstPage=first_page)
    return SheetLayout(page_w, page_h, x, y_top, w, h, px_scale * k, centres)


def _fonts() -> tuple[str, str]:
    """A Unicode TrueType font when the system has DejaVu (names like "Stōkt"), else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    base = Path("/usr/share/fonts/truetype/dejavu")
    try:
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(base / "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(base / "DejaVuSans-Bold.ttf")))
        return "DejaVuSans", "DejaVuSans-Bold"
    except (OSError, TTFError):  # no such font file: the built-in one
        return "Helvetica", "Helvetica-Bold"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
