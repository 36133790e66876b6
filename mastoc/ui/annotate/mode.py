"""`AnnotateMode`: pick holds to annotate and colour the wall by their annotations.

Gestures: a click selects one hold; shift-click adds or removes a hold; a drag that starts on a hold
selects every hold whose centre lies in the rectangle from that hold's centre to the centre of the
hold under the pointer (with shift: added to the selection). The overlay colours holds by the value
of one dimension (`looks.OVERLAYS`), mine or the consensus; the holds of a displayed climb keep their
role styling and the selection is drawn above everything. The overlay is baked into one image per
(overlay, values) and the last few are kept, so switching back and forth only swaps a picture. `selection_changed(set)` is called after
every change of the selection (the window shows the panel for it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from mastoc.ui import styles
from mastoc.ui.annotate import looks
from mastoc.ui.wall import overlay as baking
from mastoc.ui.wall.modes import NO_MODIFIER, WallMode

CACHED_IMAGES = 8

ANNOTATE = "annotate"


class AnnotateMode(WallMode):
    name = ANNOTATE
    hover_over_styled = False  # the hover marker would hide the overlay colour

    def __init__(self, scene, selection_changed: Callable[[set[int]], None] | None = None) -> None:
        super().__init__(scene)
        self.selection: set[int] = set()
        self.overlay = "condition"
        self.source = "mine"
        self.values: dict[int, str | None] = {}  # hold num -> the overlay's value
        self.selection_changed = selection_changed or (lambda _s: None)
        self._drag_from: tuple[float, float] | None = None
        self._drag_base: set[int] = set()
        self._images: dict[tuple, tuple[dict, QImage]] = {}  # baked overlays by (overlay, values, width)

    # --- state ---------------------------------------------------------------------------
    def set_values(self, values: Mapping[int, str | None]) -> None:
        self.values = values if isinstance(values, dict) else dict(values)
        if self.scene.current is self:
            self.scene.refresh()

    def set_selection(self, holds: set[int]) -> None:
        holds = {h for h in holds if h in self.scene.index.by_num}
        if holds != self.selection:
            self.selection = holds
            if self.scene.current is self:
                self.scene.refresh()
            self.selection_changed(set(holds))

    def wall_changed(self) -> None:
        self.selection, self.values, self._images = set(), {}, {}

    def display_changed(self) -> None:
        self._images = {}

    def enter(self) -> None:
        self.scene.set_selected_hold(None)

    # --- gestures ------------------------------------------------------------------------
    def on_hold_clicked(self, hold: int, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        if modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.set_selection(self.selection ^ {hold})
        else:
            self.set_selection({hold})

    def on_drag_start(self, hold: int, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> bool:
        self._drag_from = self.scene.index.by_num[hold].centroid
        self._drag_base = set(self.selection) if modifiers & Qt.KeyboardModifier.ShiftModifier else set()
        self.set_selection(self._drag_base | {hold})
        return True

    def on_drag(self, holds: Sequence[int]) -> None:
        if self._drag_from is None or not holds:
            return
        last = self.scene.index.by_num[holds[-1]].centroid  # the rectangle reaches the latest hold
        self.set_selection(self._drag_base | self.in_rectangle(self._drag_from, last))

    def on_drag_end(self) -> None:
        self._drag_from = None

    def in_rectangle(self, a: tuple[float, float], b: tuple[float, float]) -> set[int]:
        x0, x1 = sorted((a[0], b[0]))
        y0, y1 = sorted((a[1], b[1]))
        return {h.num for h in self.scene.holds if x0 <= h.centroid[0] <= x1 and y0 <= h.centroid[1] <= y1}

    # --- styling -------------------------------------------------------------------------
    # The overlay is baked into one image (like the heatmap: one picture to draw, not hundreds of
    # translucent polygons); the displayed climb's holds and the selection are items above it.
    def hold_styles(self, outline_width: float) -> dict[int, styles.HoldStyle]:
        return looks.annotation_styles({}, self.overlay, outline_width, self.scene.climb_roles, self.selection)

    def overlay_styles(self) -> dict[int, styles.HoldStyle]:
        out = {}
        for num, value in self.values.items():
            st = looks.overlay_style(self.overlay, value, self.scene.outline_width)
            if st is not None:
                out[num] = st
        return out

    def overlay_image(self) -> QImage | None:
        if not self.values:
            return None
        # the window hands the same dict for the same values (until an edit): keyed by identity, the
        # dict kept alongside so its id cannot be reused
        key = (self.overlay, id(self.values), self.scene.outline_width)
        hit = self._images.get(key)
        if hit is None:
            r = self.scene.sceneRect()
            hit = (self.values, baking.render_styles(self.scene.holds, self.overlay_styles(), (r.width(), r.height())))
            if len(self._images) >= CACHED_IMAGES:
                self._images.pop(next(iter(self._images)))
            self._images[key] = hit
        return hit[1]

    def style_of(self, hold: int) -> styles.HoldStyle:
        item = self.scene.items_by_num[hold].style
        if item != styles.HIDDEN:
            return item
        return looks.overlay_style(self.overlay, self.values.get(hold), self.scene.outline_width) or styles.HIDDEN

    def dims(self, styled) -> bool:  # type: ignore[no-untyped-def]
        # the veil dims the photo under the baked overlay (which lies above it); its holes are only
        # the few item-styled holds (climb, selection), so it stays cheap
        return bool(self.values) or bool(styled)
