"""The wall photo item (drawn from a small mip chain so scaled drawing stays cheap) and the plain board
drawn for a face without a photo."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from mastoc.ui import styles
from mastoc.ui.wall import overlay
from mastoc.ui.wall.model import WallHold


class PhotoItem(QGraphicsItem):
    """The wall photo, drawn from the mip level closest above the needed resolution."""

    def __init__(self, levels: Sequence[QImage], size: tuple[int, int] | None = None) -> None:
        super().__init__()
        self._w, self._h = size or (levels[0].width(), levels[0].height())
        self.set_levels(levels)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(-10)

    def set_levels(self, levels: Sequence[QImage]) -> None:
        """Replace the pictures (e.g. the preview by the full photo); the item keeps its size."""
        images = list(levels)
        while images[-1].width() > 400:
            img = images[-1]
            images.append(img.scaled(img.width() // 2, img.height() // 2, Qt.AspectRatioMode.IgnoreAspectRatio,
                                     Qt.TransformationMode.SmoothTransformation))
        self._levels: list[QPixmap] = [QPixmap.fromImage(img) for img in images]
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self._w, self._h)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        t = painter.worldTransform()
        scale = max(abs(t.m11()), abs(t.m12())) * painter.device().devicePixelRatioF()
        level = self._levels[0]
        for pix in self._levels[1:]:
            if pix.width() >= self._w * scale:
                level = pix
            else:
                break
        exposed = option.exposedRect.intersected(self.boundingRect())
        if exposed.isEmpty():
            return
        fx = level.width() / self._w
        fy = level.height() / self._h
        src = QRectF(exposed.x() * fx, exposed.y() * fy, exposed.width() * fx, exposed.height() * fy)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawPixmap(exposed, level, src)


def extent(holds: Sequence[WallHold]) -> tuple[int, int]:
    if not holds:
        return (1000, 1000)
    return (int(max(h.bbox[2] for h in holds)) + 50, int(max(h.bbox[3] for h in holds)) + 50)


def drawn_board(holds: Sequence[WallHold], size: tuple[int, int]) -> QImage:
    """A face without a photo: a plain board with every hold drawn (outlines baked in, not items)."""
    w, h = max(1, int(size[0])), max(1, int(size[1]))
    board = QImage(w, h, QImage.Format.Format_RGB32)
    board.fill(QColor("#d9bf94"))
    drawn = overlay.render_styles(
        holds, {x.num: styles.HoldStyle(outline=styles.Stroke("#5a4630ff", 2.0), fill="#8c7a62ff") for x in holds},
        (w, h), scale=1.0)
    p = QPainter(board)
    p.drawImage(0, 0, drawn)
    p.end()
    return board
