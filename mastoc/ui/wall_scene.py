"""The wall scene: photo, hold items, climb display, hold search and heatmap; owns the interaction mode.

The view forwards clicks and hovers as scene coordinates (`click_at`, `hover_at`); the scene picks the
hold with `HoldIndex` (documented tie-break, independent of item order) and emits signals:
`holdClicked(int)` in browse mode, `holdHovered(int)` (-1 = none), `searchChanged()` when the hold
search changes. Idle holds are hidden items so a full repaint only draws the photo and the few styled
holds (P8). The photo is drawn from a small mip chain so scaled drawing stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsPolygonItem,
    QGraphicsScene,
    QStyleOptionGraphicsItem,
    QWidget,
)

from mastoc.domain.holdslist import HoldRef
from mastoc.domain.models import Role
from mastoc.ui import overlay, styles
from mastoc.ui.hold_item import HoldItem, qbrush, qpen, qpolygon
from mastoc.ui.styles import SearchState
from mastoc.ui.wall_model import HoldIndex, WallHold


class Mode(StrEnum):
    BROWSE = "browse"
    HOLD_SEARCH = "hold_search"
    HEATMAP = "heatmap"


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


class WallScene(QGraphicsScene):
    holdClicked = Signal(int)
    holdHovered = Signal(int)
    searchChanged = Signal()
    modeChanged = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.mode = Mode.BROWSE
        self.holds: list[WallHold] = []
        self.index = HoldIndex([])
        self.items_by_num: dict[int, HoldItem] = {}
        self.photo: PhotoItem | None = None
        self.outline_width = styles.DEFAULT_OUTLINE_WIDTH
        self.dim_level = styles.DEFAULT_DIM
        self.climb_refs: tuple[HoldRef, ...] = ()
        self.climb_roles: dict[int, frozenset[Role]] = {}
        self.search: dict[int, SearchState] = {}
        self.heat: dict[int, float | None] = {}
        self.selected_hold: int | None = None
        self.hovered_hold: int | None = None
        self._veil = QGraphicsPathItem()
        self._veil.setPen(QPen(Qt.PenStyle.NoPen))
        self._veil.setZValue(0.5)
        self._veil.setVisible(False)
        self._tape_casing = QGraphicsPathItem()
        self._tape_casing.setZValue(5)
        self._tape = QGraphicsPathItem()
        self._tape.setZValue(5.1)
        self._hover = QGraphicsPolygonItem()
        self._hover.setVisible(False)
        self._selected = QGraphicsPolygonItem()
        self._selected.setVisible(False)
        self._heat_item = QGraphicsPixmapItem()
        self._heat_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._heat_item.setScale(1 / overlay.OVERLAY_SCALE)
        self._heat_item.setZValue(2)
        self._heat_item.setVisible(False)
        self.heat_styles: dict[int, styles.HoldStyle] = {}
        self._heat_image: QImage | None = None
        self._heat_shown: QImage | None = None
        for item in (self._veil, self._tape_casing, self._tape, self._hover, self._selected, self._heat_item):
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.addItem(item)
        self._apply_fixed_styles()

    # --- content -------------------------------------------------------------------------

    def set_wall(
        self,
        image: QImage | Sequence[QImage] | None,
        holds: Sequence[WallHold],
        size: tuple[int, int] | None = None,
    ) -> None:
        """Show a face: its photo (a QImage or a mip chain, full size first; None: a neutral board)
        and holds. Resets climb, search and heat."""
        for item in self.items_by_num.values():
            self.removeItem(item)
        if self.photo is not None:
            self.removeItem(self.photo)
            self.photo = None
        self.holds = list(holds)
        self.index = HoldIndex(self.holds)
        levels = [image] if isinstance(image, QImage) else list(image or [])
        if not levels or levels[0].isNull():
            levels = [_drawn_board(self.holds, size or _extent(self.holds))]
        self.photo = PhotoItem(levels, size)
        self.addItem(self.photo)
        self.setSceneRect(self.photo.boundingRect())
        self.items_by_num = {}
        for h in self.holds:
            item = HoldItem(h)
            self.items_by_num[h.num] = item
            self.addItem(item)
        self.climb_refs = ()
        self.climb_roles = {}
        self.search = {}
        self.heat = {}
        self.heat_styles = {}
        self._heat_image = None
        self._heat_shown = None
        self._heat_item.setPixmap(QPixmap())
        self.selected_hold = None
        self.hovered_hold = None
        self._hover.setVisible(False)
        self._selected.setVisible(False)
        self._refresh()

    def set_photo_levels(self, levels: Sequence[QImage]) -> None:
        """Swap in the full-resolution photo once decoded (same picture, more pixels)."""
        if self.photo is not None and levels:
            self.photo.set_levels(levels)

    def set_climb(self, refs: Iterable[HoldRef] | None) -> None:
        """Display a climb's holds by role (None or empty: no climb)."""
        self.climb_refs = tuple(refs or ())
        self.climb_roles = styles.roles_by_hold((r.role, r.hold) for r in self.climb_refs)
        self._refresh()

    def set_mode(self, mode: Mode) -> None:
        if mode == self.mode:
            return
        self.mode = Mode(mode)
        self._refresh()
        self.modeChanged.emit(str(self.mode))

    def set_display(self, dim_level: float | None = None, outline_width: float | None = None) -> None:
        if dim_level is not None:
            self.dim_level = max(0.0, min(1.0, dim_level))
        if outline_width is not None and outline_width != self.outline_width:
            self.outline_width = max(0.5, outline_width)
            self.heat_styles = overlay.heat_styles(self.holds, self.heat, self.outline_width)
            self._heat_image = None
        self._apply_fixed_styles()
        self._refresh()

    def set_heat(self, values: Mapping[int, float | None], image: QImage | None = None) -> None:
        """Heatmap values per hold, already scaled to 0..1 (None or missing: unused).

        `image` is the heatmap already baked by `overlay.render_heat` (e.g. on a worker thread);
        without it the scene bakes it here.
        """
        self.heat = dict(values)
        self.heat_styles = overlay.heat_styles(self.holds, self.heat, self.outline_width)
        self._heat_image = image
        if self.mode is Mode.HEATMAP:
            self._refresh()

    def set_search_state(self, num: int, state: SearchState) -> None:
        if state is SearchState.OFF:
            self.search.pop(num, None)
        else:
            self.search[num] = state
        self._refresh()
        self.searchChanged.emit()

    def clear_search(self) -> None:
        if self.search:
            self.search = {}
            self._refresh()
            self.searchChanged.emit()

    def set_selected_hold(self, num: int | None) -> None:
        self.selected_hold = num if num in self.index.by_num else None
        if self.selected_hold is None:
            self._selected.setVisible(False)
        else:
            self._selected.setPolygon(qpolygon(self.index.by_num[self.selected_hold].outline))
            self._selected.setVisible(True)

    # --- interaction (called by the view with scene coordinates) -------------------------

    def pick(self, x: float, y: float, tolerance: float = 0.0) -> int | None:
        return self.index.pick(x, y, tolerance)

    def click_at(self, x: float, y: float, tolerance: float = 0.0) -> int | None:
        num = self.pick(x, y, tolerance)
        if num is None:
            return None
        if self.mode is Mode.HOLD_SEARCH:
            state = self.search.get(num, SearchState.OFF)
            self.set_search_state(num, styles.next_search_state(state))
        else:
            self.set_selected_hold(num)
        self.holdClicked.emit(num)
        return num

    def hover_at(self, x: float | None, y: float | None, tolerance: float = 0.0) -> None:
        num = None if x is None or y is None else self.pick(x, y, tolerance)
        if num == self.hovered_hold:
            return
        self.hovered_hold = num
        if num is None:
            self._hover.setVisible(False)
        else:
            self._hover.setPolygon(qpolygon(self.index.by_num[num].outline))
            self._hover.setVisible(True)
        self.holdHovered.emit(-1 if num is None else num)

    # --- queries (tests, screenshots) ---------------------------------------------------

    def style_of(self, num: int) -> styles.HoldStyle:
        """The style a hold is drawn with (its item's, or its baked heatmap style)."""
        if self.mode is Mode.HEATMAP:
            return self.heat_styles.get(num, styles.HIDDEN)
        return self.items_by_num[num].style

    def tape_segments(self) -> list[styles.Segment]:
        return list(self._tapes)

    # --- internals -----------------------------------------------------------------------

    def _apply_fixed_styles(self) -> None:
        w = self.outline_width
        hover = styles.hover_style(w)
        self._hover.setPen(qpen(hover.outline))
        self._hover.setBrush(qbrush(hover.fill))
        self._hover.setZValue(hover.z)
        sel = styles.selected_style(w)
        self._selected.setPen(qpen(sel.outline))
        self._selected.setBrush(qbrush(sel.fill))
        self._selected.setZValue(sel.z)
        casing = QPen(QColor(*styles.rgba(styles.TAPE_CASING)))
        casing.setWidthF(w * 2.2 + 2)
        casing.setCosmetic(True)
        casing.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._tape_casing.setPen(casing)
        tape = QPen(QColor(*styles.rgba(styles.TAPE)))
        tape.setWidthF(w * 2.2)
        tape.setCosmetic(True)
        tape.setCapStyle(Qt.PenCapStyle.FlatCap)
        self._tape.setPen(tape)

    def _refresh(self) -> None:
        w = self.outline_width
        show_climb = self.mode is not Mode.HEATMAP
        wanted: dict[int, styles.HoldStyle] = {}
        if self.mode is Mode.HEATMAP:
            # all holds at once: baked into one image instead of 776 visible items (P8)
            if self._heat_image is None:
                if not self.heat_styles:
                    self.heat_styles = overlay.heat_styles(self.holds, self.heat, w)
                r = self.sceneRect()
                self._heat_image = overlay.render_styles(self.holds, self.heat_styles, (r.width(), r.height()))
            if self._heat_shown is not self._heat_image:
                self._heat_item.setPixmap(QPixmap.fromImage(self._heat_image))
                self._heat_shown = self._heat_image
            self._heat_item.setVisible(True)
        else:
            self._heat_item.setVisible(False)
            if show_climb:
                for num, roles in self.climb_roles.items():
                    if num in self.items_by_num:
                        wanted[num] = styles.role_style(roles, w)
            if self.mode is Mode.HOLD_SEARCH:
                for num, state in self.search.items():
                    if num in self.items_by_num:
                        wanted[num] = styles.search_style(state, w)
        for num, item in self.items_by_num.items():
            item.apply_style(wanted.get(num, styles.HIDDEN))
        # start tapes
        self._tapes: list[styles.Segment] = []
        if show_climb and self.climb_refs:
            starts = sorted({r.hold for r in self.climb_refs if r.role is Role.START})
            self._tapes = styles.start_tapes([self.index.by_num[n] for n in starts if n in self.index.by_num])
        path = QPainterPath()
        for (x1, y1), (x2, y2) in self._tapes:
            path.moveTo(x1, y1)
            path.lineTo(x2, y2)
        self._tape.setPath(path)
        self._tape_casing.setPath(path)
        # the veil dims the photo, leaving the displayed climb's holds (or search holds) bright
        veil_on = self.dim_level > 0 and (
            self.mode is Mode.HEATMAP or bool(self.climb_roles) or (self.mode is Mode.HOLD_SEARCH and bool(self.search))
        )
        if veil_on:
            vpath = QPainterPath()
            vpath.addRect(self.sceneRect())
            if self.mode is not Mode.HEATMAP and wanted:
                holes = QPainterPath()
                holes.setFillRule(Qt.FillRule.WindingFill)
                for num in wanted:
                    holes.addPolygon(qpolygon(self.index.by_num[num].outline))
                    holes.closeSubpath()
                vpath = vpath.subtracted(holes.simplified())
            self._veil.setPath(vpath)
            self._veil.setBrush(QBrush(QColor(0, 0, 0, styles.dim_alpha(self.dim_level))))
        self._veil.setVisible(veil_on)


def _extent(holds: Sequence[WallHold]) -> tuple[int, int]:
    if not holds:
        return (1000, 1000)
    return (int(max(h.bbox[2] for h in holds)) + 50, int(max(h.bbox[3] for h in holds)) + 50)


def _drawn_board(holds: Sequence[WallHold], size: tuple[int, int]) -> QImage:
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
