"""`AnnotateMode`: pick holds to annotate and colour the wall by their annotations.

Gestures: a click selects one hold; shift-click adds or removes a hold; a drag that starts on a hold
selects every hold whose centre lies in the rectangle from that hold's centre to the centre of the
hold under the pointer (with shift: added to the selection). The overlay colours holds by the value
of one dimension (`looks.OVERLAYS`), mine or the consensus; the holds of a displayed climb keep their
role styling and the selection is drawn above everything. `selection_changed(set)` is called after
every change of the selection (the window shows the panel for it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt

from mastoc.ui import styles
from mastoc.ui.annotate import looks
from mastoc.ui.wall.modes import NO_MODIFIER, WallMode

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

    # --- state ---------------------------------------------------------------------------
    def set_values(self, values: Mapping[int, str | None]) -> None:
        self.values = dict(values)
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
        self.selection, self.values = set(), {}

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

    def on_drag(self, hold: int) -> None:
        if self._drag_from is None:
            return
        self.set_selection(self._drag_base | self.in_rectangle(self._drag_from, self.scene.index.by_num[hold].centroid))

    def on_drag_end(self) -> None:
        self._drag_from = None

    def in_rectangle(self, a: tuple[float, float], b: tuple[float, float]) -> set[int]:
        x0, x1 = sorted((a[0], b[0]))
        y0, y1 = sorted((a[1], b[1]))
        return {h.num for h in self.scene.holds if x0 <= h.centroid[0] <= x1 and y0 <= h.centroid[1] <= y1}

    # --- styling -------------------------------------------------------------------------
    def hold_styles(self, outline_width: float) -> dict[int, styles.HoldStyle]:
        return looks.annotation_styles(self.values, self.overlay, outline_width, self.scene.climb_roles,
                                       self.selection)

    def dims(self, styled) -> bool:  # type: ignore[no-untyped-def]
        return bool(styled)
