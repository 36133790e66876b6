"""Bake many styled holds into one image (the heatmap), so a repaint draws one picture, not 776 polygons.

Pure painting on a `QImage`: safe on a worker thread. The scene shows the image scaled back over the
photo; picking still uses `HoldIndex`, so the baked image changes nothing about clicks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPolygonF

from mastoc.ui import styles
from mastoc.ui.wall.model import WallHold

OVERLAY_SCALE = 0.5  # overlay pixels per picture pixel


def render_styles(
    holds: Sequence[WallHold],
    style_of: Mapping[int, styles.HoldStyle],
    size: tuple[float, float],
    scale: float = OVERLAY_SCALE,
) -> QImage:
    """An ARGB image of `size * scale` with each hold drawn in its style (outline widths in image px)."""
    w, h = max(1, int(size[0] * scale)), max(1, int(size[1] * scale))
    img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(scale, scale)
    ordered = sorted((h for h in holds if h.num in style_of), key=lambda h: style_of[h.num].z)
    for hold in ordered:
        st = style_of[hold.num]
        if st == styles.HIDDEN:
            continue
        if st.outline is not None:
            r, g, b, a = styles.rgba(st.outline.color)
            pen = QPen(QColor(r, g, b, a))
            pen.setWidthF(st.outline.width / scale)
            p.setPen(pen)
        else:
            p.setPen(Qt.PenStyle.NoPen)
        if st.fill is not None:
            r, g, b, a = styles.rgba(st.fill)
            p.setBrush(QBrush(QColor(r, g, b, a)))
        else:
            p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in hold.outline]))
    p.end()
    return img


def heat_styles(holds: Sequence[WallHold], values: Mapping[int, float | None],
                outline_width: float) -> dict[int, styles.HoldStyle]:
    return {h.num: styles.heat_style(values.get(h.num), outline_width) for h in holds}


def render_heat(holds: Sequence[WallHold], values: Mapping[int, float | None], size: tuple[float, float],
                outline_width: float = styles.DEFAULT_OUTLINE_WIDTH) -> QImage:
    return render_styles(holds, heat_styles(holds, values, outline_width), size)
