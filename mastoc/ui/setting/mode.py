"""`SetMode`: the wall mode of Set. A click cycles the hold's role, Shift- or Ctrl-click removes it, a
drag paints the legend's current brush on every hold it crosses; the draft is drawn with the styles of
a displayed climb (start tapes, top outline, feet colour), the mirror (when shown) dashed, and the
usage heatmap (when asked) under it. Gestures go to the controller, which makes them undoable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from mastoc.domain.models import Role
from mastoc.ui import styles
from mastoc.ui.wall.modes import NO_MODIFIER, Mode, WallMode

if TYPE_CHECKING:
    from mastoc.ui.setting.controller import SetController
    from mastoc.ui.wall.scene import WallScene

REMOVE_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
MIRROR = "#c77dffff"


class SetMode(WallMode):
    name = Mode.SET
    hover_over_styled = False  # the role just set stays visible under the pointer

    def __init__(self, scene: WallScene, ctx: SetController) -> None:
        super().__init__(scene)
        self.ctx = ctx
        self.heat_image: QImage | None = None
        self.show_heat = False

    def enter(self) -> None:
        self.scene.set_selected_hold(None)
        self.ctx.entered()

    def leave(self) -> bool:
        return self.ctx.may_leave()

    def on_hold_clicked(self, hold: int, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        self.ctx.click_hold(hold, bool(modifiers & REMOVE_MODIFIERS))

    def on_drag_start(self, hold: int, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> bool:
        return self.ctx.start_drag(hold, bool(modifiers & REMOVE_MODIFIERS))

    def on_drag(self, holds: Sequence[int]) -> None:
        self.ctx.drag_over(holds)

    def on_drag_end(self) -> None:
        self.ctx.end_drag()

    def wall_changed(self) -> None:
        self.heat_image = None

    def hold_styles(self, outline_width: float) -> dict[int, styles.HoldStyle]:
        out: dict[int, styles.HoldStyle] = {}
        mirror = self.ctx.mirror_nums() if self.ctx.show_mirror else set()
        dashed = styles.HoldStyle(outline=styles.Stroke(MIRROR, outline_width, dashed=True), z=1.5)
        for num in mirror:
            out[num] = dashed
        for num, roles in self.ctx.draft.roles.items():
            out[num] = styles.role_style(roles, outline_width)
        for num in self.ctx.compare_nums():  # a duplicate shown for comparison: its holds dashed
            out.setdefault(num, styles.HoldStyle(outline=styles.Stroke(styles.HOVER, outline_width, dashed=True),
                                                 z=1.5))
        return out

    def start_holds(self) -> list[int]:
        return sorted(n for n, roles in self.ctx.draft.roles.items() if Role.START in roles)

    def overlay_image(self) -> QImage | None:
        return self.heat_image if self.show_heat else None

    def dims(self, styled: Mapping[int, styles.HoldStyle]) -> bool:
        return True
