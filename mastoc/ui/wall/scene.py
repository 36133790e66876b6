"""The wall scene: photo, hold items, what is displayed (climb, hold search, selection), and the mode routing.

The view forwards clicks, drags and hovers as scene coordinates (`click_at`, `drag_start_at`,
`drag_to`, `drag_end`, `hover_at`); the scene picks the hold with `HoldIndex` (documented tie-break,
independent of item order) and hands the gesture to the current mode (`wall.modes`), which also says
how holds are styled. Signals: `holdClicked(int)` (every mode), `holdHovered(int)` (-1 = none),
`searchChanged()` when the hold search changes, `modeChanged(str)`. Idle holds are hidden items so a
full repaint only draws the photo and the few styled holds (P8).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsPixmapItem, QGraphicsPolygonItem, QGraphicsScene

from mastoc.domain.holdslist import HoldRef
from mastoc.domain.models import Role
from mastoc.ui import styles
from mastoc.ui.styles import SearchState
from mastoc.ui.wall import overlay
from mastoc.ui.wall.items import HoldItem, qbrush, qpen, qpolygon, tape_pens
from mastoc.ui.wall.model import HoldIndex, WallHold
from mastoc.ui.wall.modes import NO_MODIFIER, BrowseMode, HeatmapMode, HoldSearchMode, Mode, WallMode
from mastoc.ui.wall.photo import PhotoItem, drawn_board, extent

__all__ = ["Mode", "WallMode", "WallScene"]


class WallScene(QGraphicsScene):
    holdClicked = Signal(int)
    holdHovered = Signal(int)
    searchChanged = Signal()
    modeChanged = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.holds: list[WallHold] = []
        self.index = HoldIndex([])
        self.items_by_num: dict[int, HoldItem] = {}
        self.photo: PhotoItem | None = None
        self.outline_width = styles.DEFAULT_OUTLINE_WIDTH
        self.dim_level = styles.DEFAULT_DIM
        self.climb_refs: tuple[HoldRef, ...] = ()
        self.climb_roles: dict[int, frozenset[Role]] = {}
        self.search: dict[int, SearchState] = {}
        self.selected_hold: int | None = None
        self.hovered_hold: int | None = None
        self._styled: dict[int, styles.HoldStyle] = {}
        self._veil_key: object = None
        self._tapes: list[styles.Segment] = []
        self._drag: tuple[float, float, float] | None = None  # last point and tolerance of a mode's drag
        self._dragged: set[int] = set()
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
        self._overlay_item = QGraphicsPixmapItem()
        self._overlay_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._overlay_item.setScale(1 / overlay.OVERLAY_SCALE)
        self._overlay_item.setZValue(2)
        self._overlay_item.setVisible(False)
        self._overlay_shown: QImage | None = None
        self._pixmaps: dict[int, QPixmap] = {}  # QImage.cacheKey() -> its pixmap (the last few overlays)
        for item in (self._veil, self._tape_casing, self._tape, self._hover, self._selected, self._overlay_item):
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.addItem(item)
        self.modes: dict[str, WallMode] = {}
        for mode in (BrowseMode(self), HoldSearchMode(self), HeatmapMode(self)):
            self.add_mode(mode)
        self.current: WallMode = self.modes[Mode.BROWSE]
        self.requested: str = self.current.name
        self._apply_fixed_styles()

    # --- modes ---------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        """The current mode's name (a `Mode` member for the built-in modes)."""
        return self.current.name

    def add_mode(self, mode: WallMode) -> WallMode:
        self.modes[str(mode.name)] = mode
        return mode

    def set_mode(self, name: str, force: bool = False) -> bool:
        """Make `name` the current mode; False when the current mode refused to be left."""
        mode = self.modes[str(name)]
        if mode is self.current:
            return True
        self.requested = mode.name  # the mode asked for, for a `leave()` that switches later
        if not force and not self.current.leave():
            return False
        self.drag_end()
        self.current = mode
        mode.enter()
        self._refresh()
        self.modeChanged.emit(str(mode.name))
        return True

    def refresh(self) -> None:
        """Re-style the holds (a mode calls it after changing what it draws)."""
        self._refresh()

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
            levels = [drawn_board(self.holds, size or extent(self.holds))]
        self.photo = PhotoItem(levels, size)
        self.addItem(self.photo)
        self.setSceneRect(self.photo.boundingRect())
        self.items_by_num = {}
        self._styled = {}
        self._veil_key = None
        for h in self.holds:
            item = HoldItem(h)
            self.items_by_num[h.num] = item
            self.addItem(item)
        self.climb_refs = ()
        self.climb_roles = {}
        self.search = {}
        self._overlay_shown = None
        self._pixmaps = {}
        self._overlay_item.setPixmap(QPixmap())
        self.selected_hold = None
        self.hovered_hold = None
        self._hover.setVisible(False)
        self._selected.setVisible(False)
        for mode in self.modes.values():
            mode.wall_changed()
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

    def set_display(self, dim_level: float | None = None, outline_width: float | None = None) -> None:
        if dim_level is not None:
            self.dim_level = max(0.0, min(1.0, dim_level))
        if outline_width is not None and outline_width != self.outline_width:
            self.outline_width = max(0.5, outline_width)
            for mode in self.modes.values():
                mode.display_changed()
        self._apply_fixed_styles()
        self._refresh()

    def set_heat(self, values: Mapping[int, float | None], image: QImage | None = None) -> None:
        """Heatmap values per hold, already scaled to 0..1 (None or missing: unused).

        `image` is the heatmap already baked by `overlay.render_heat` (e.g. on a worker thread);
        without it the heatmap mode bakes it when shown.
        """
        heat = self.modes[Mode.HEATMAP]
        assert isinstance(heat, HeatmapMode)
        heat.set_heat(values, image)
        if self.current is heat:
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

    def press_at(self, x: float, y: float, tolerance: float = 0.0,
                 modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> bool:
        """A left press anywhere: True when the mode takes the whole gesture as raw points (its
        `on_press`, e.g. dragging a vertex in Draw holds); then `move_to`/`release_at` follow."""
        handler = getattr(self.current, "on_press", None)
        return bool(handler(x, y, tolerance, modifiers)) if handler is not None else False

    def move_to(self, x: float, y: float) -> None:
        handler = getattr(self.current, "on_move", None)
        if handler is not None:
            handler(x, y)

    def release_at(self, x: float, y: float) -> None:
        handler = getattr(self.current, "on_release", None)
        if handler is not None:
            handler(x, y)

    def key_pressed(self, key: int, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> bool:
        """A key for the mode (its `on_key`, e.g. Enter closes a polygon); True when it used it."""
        handler = getattr(self.current, "on_key", None)
        return bool(handler(key, modifiers)) if handler is not None else False

    def replace_holds(self, holds: Sequence[WallHold]) -> None:
        """New hold geometry for the same face (a hold drawn, moved or removed): the photo, the climb
        and the hold search stay."""
        for item in self.items_by_num.values():
            self.removeItem(item)
        self.holds = list(holds)
        self.index = HoldIndex(self.holds)
        self.items_by_num = {}
        self._styled = {}  # the new items are all unstyled
        self._veil_key = None
        for h in self.holds:
            item = HoldItem(h)
            self.items_by_num[h.num] = item
            self.addItem(item)
        self.set_selected_hold(self.selected_hold)  # its outline may have changed (or it is gone)
        if self.hovered_hold not in self.index.by_num:
            self.hovered_hold = None
        self._refresh()

    def click_at(self, x: float, y: float, tolerance: float = 0.0,
                 modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> int | None:
        point_click = getattr(self.current, "on_point_click", None)
        if point_click is not None and point_click(x, y, tolerance, modifiers):
            return None  # the mode used the click as a point (e.g. a polygon vertex)
        num = self.pick(x, y, tolerance)
        if num is None:
            return None
        self.current.on_hold_clicked(num, modifiers)
        self._update_hover()
        self.holdClicked.emit(num)
        return num

    def drag_start_at(self, x: float, y: float, tolerance: float = 0.0,
                      modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> bool:
        """A drag begins at this point: True when the current mode takes it (the view must not pan)."""
        num = self.pick(x, y, tolerance)
        if num is None or not self.current.on_drag_start(num, modifiers):
            return False
        self._drag = (x, y, tolerance)
        self._dragged = {num}
        return True

    def drag_to(self, x: float, y: float) -> None:
        """The pointer of a taken drag moved here: the holds crossed on the way go to the mode (each once)."""
        if self._drag is None:
            return
        x0, y0, tol = self._drag
        step = max(tol, 4.0)
        n = max(1, math.ceil(math.hypot(x - x0, y - y0) / step))
        crossed: list[int] = []
        for i in range(1, n + 1):
            num = self.pick(x0 + (x - x0) * i / n, y0 + (y - y0) * i / n, tol)
            if num is not None and num not in self._dragged:
                self._dragged.add(num)
                crossed.append(num)
        self._drag = (x, y, tol)
        if crossed:
            self.current.on_drag(crossed)

    def drag_end(self) -> None:
        if self._drag is not None:
            self._drag = None
            self._dragged = set()
            self.current.on_drag_end()

    def hover_at(self, x: float | None, y: float | None, tolerance: float = 0.0) -> None:
        num = None if x is None or y is None else self.pick(x, y, tolerance)
        if num == self.hovered_hold:
            return
        self.hovered_hold = num
        self._update_hover()
        self.holdHovered.emit(-1 if num is None else num)

    # --- queries (tests, screenshots) ---------------------------------------------------

    def style_of(self, num: int) -> styles.HoldStyle:
        """The style a hold is drawn with (its item's, or its baked overlay style)."""
        return self.current.style_of(num)

    def tape_segments(self) -> list[styles.Segment]:
        return list(self._tapes)

    # --- internals -----------------------------------------------------------------------

    def _update_hover(self) -> None:
        num = self.hovered_hold
        hidden = num is None or (not self.current.hover_over_styled and num in self._styled)
        if hidden or num is None:
            self._hover.setVisible(False)
        else:
            self._hover.setPolygon(qpolygon(self.index.by_num[num].outline))
            self._hover.setVisible(True)

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
        casing, tape = tape_pens(w)
        self._tape_casing.setPen(casing)
        self._tape.setPen(tape)

    def _refresh(self) -> None:
        mode = self.current
        image = mode.overlay_image()
        if image is not None and self._overlay_shown is not image:
            pix = self._pixmaps.pop(image.cacheKey(), None)
            if pix is None:
                pix = QPixmap.fromImage(image)
            self._pixmaps[image.cacheKey()] = pix  # a mode switching between a few baked images reuses them
            while len(self._pixmaps) > 8:
                self._pixmaps.pop(next(iter(self._pixmaps)))
            self._overlay_item.setPixmap(pix)
            self._overlay_shown = image
        self._overlay_item.setVisible(image is not None)
        wanted = {n: s for n, s in mode.hold_styles(self.outline_width).items() if n in self.items_by_num}
        for num in self._styled.keys() - wanted.keys():  # only the holds whose style may change
            self.items_by_num[num].apply_style(styles.HIDDEN)
        for num, style in wanted.items():
            self.items_by_num[num].apply_style(style)
        self._styled = wanted
        # start tapes
        starts = [self.index.by_num[n] for n in mode.start_holds() if n in self.index.by_num]
        self._tapes = styles.start_tapes(starts) if starts else []
        path = QPainterPath()
        for (x1, y1), (x2, y2) in self._tapes:
            path.moveTo(x1, y1)
            path.lineTo(x2, y2)
        self._tape.setPath(path)
        self._tape_casing.setPath(path)
        # the veil dims the photo, leaving the styled holds bright
        veil_on = self.dim_level > 0 and mode.dims(wanted)
        key = (frozenset(wanted), self.sceneRect())
        if veil_on and key != self._veil_key:  # (a role cycling on the same holds keeps the veil)
            self._veil_key = key
            vpath = QPainterPath()
            vpath.addRect(self.sceneRect())
            if wanted:
                holes = QPainterPath()
                holes.setFillRule(Qt.FillRule.WindingFill)
                for num in wanted:
                    holes.addPolygon(qpolygon(self.index.by_num[num].outline))
                    holes.closeSubpath()
                vpath = vpath.subtracted(holes.simplified())
            self._veil.setPath(vpath)
        if veil_on:
            self._veil.setBrush(QBrush(QColor(0, 0, 0, styles.dim_alpha(self.dim_level))))
        self._veil.setVisible(veil_on)
        self._update_hover()
