"""Wall modes: one small object per mode receives the scene's hold clicks and drags and says how holds look.

The scene (`wall.scene.WallScene`) keeps what is displayed (the climb, the hold-search criteria, the
selected and hovered hold) and routes every gesture to its current mode, as in Qt's diagramscene
example. Built in: `BrowseMode`, `HoldSearchMode`, `HeatmapMode`; the Set mode lives in
`mastoc/ui/setting/` and is registered by the main window.

The API a mode implements (all optional except `name`):

- `name` — the key of the mode (`scene.set_mode(name)`, `scene.mode == name`); a `Mode` member or any
  other string;
- `enter()` / `leave() -> bool` — called on switching; `leave` may refuse (return False), e.g. to ask
  about unsaved changes first, and switch later to `scene.requested` with `set_mode(.., force=True)`;
- `on_hold_clicked(hold, modifiers)` — a click on hold number `hold` (`Qt.KeyboardModifier` flags);
  the scene emits `holdClicked(hold)` afterwards, in every mode;
- `on_drag_start(hold, modifiers) -> bool` — a left-button drag that starts on a hold: return True
  to take it (the view then does not pan), then `on_drag(holds)` with the further holds the pointer
  crossed since the last move, in order, each hold once per drag (fast drags are sampled along the
  segment, so no hold is skipped), and `on_drag_end()` on release;
- `hold_styles(outline_width) -> {hold: HoldStyle}` — the holds to draw and how (the others are
  hidden); the default draws the displayed climb by roles (`styles.role_style`);
- `start_holds()` (holds that get start tapes), `overlay_image()` (one baked image over the photo,
  e.g. the heatmap; None: none), `dims(styled)` (whether the photo is veiled), `style_of(hold)`;
- `wall_changed()` (a new face was shown) and `display_changed()` (outline width or dimming).

Adding a mode (e.g. AnnotateMode):

    class AnnotateMode(WallMode):
        name = "annotate"
        def on_hold_clicked(self, hold, modifiers):
            self.picked.emit(hold)            # a QObject of yours, or a callback given to __init__
        def hold_styles(self, outline_width):
            return {n: my_style(n) for n in self.annotated}

    scene.add_mode(AnnotateMode(scene))     # in the window: one call, plus a QAction that calls
    scene.set_mode("annotate")              # window.set_mode("annotate")

After changing what it draws, a mode calls `self.scene.refresh()`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from mastoc.domain.models import Role
from mastoc.ui import styles
from mastoc.ui.styles import SearchState
from mastoc.ui.wall import overlay

if TYPE_CHECKING:
    from mastoc.ui.wall.scene import WallScene

NO_MODIFIER = Qt.KeyboardModifier.NoModifier


class Mode(StrEnum):
    """Names of the built-in modes (a mode added later may use any other string)."""

    BROWSE = "browse"
    HOLD_SEARCH = "hold_search"
    HEATMAP = "heatmap"
    SET = "set"


class WallMode:
    """Base mode: clicks select the hold, no drags, the displayed climb drawn by roles."""

    name: str = ""
    #: whether the hover marker is drawn over a hold this mode styles (it hides the style's colour)
    hover_over_styled = True

    def __init__(self, scene: WallScene) -> None:
        self.scene = scene

    # --- lifecycle -----------------------------------------------------------------------
    def enter(self) -> None:
        """Called when the mode becomes current."""

    def leave(self) -> bool:
        """Called before another mode becomes current; False keeps this one."""
        return True

    def wall_changed(self) -> None:
        """A new face was shown (holds replaced)."""

    def display_changed(self) -> None:
        """Outline width or dimming changed."""

    # --- gestures ------------------------------------------------------------------------
    def on_hold_clicked(self, hold: int, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        self.scene.set_selected_hold(hold)

    def on_drag_start(self, hold: int, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> bool:
        return False

    def on_drag(self, holds: Sequence[int]) -> None:
        """The pointer of a drag this mode took crossed these holds (in order) since the last move."""

    def on_drag_end(self) -> None:
        """The drag this mode took ended."""

    # --- styling -------------------------------------------------------------------------
    def hold_styles(self, outline_width: float) -> dict[int, styles.HoldStyle]:
        return {n: styles.role_style(roles, outline_width) for n, roles in self.scene.climb_roles.items()}

    def start_holds(self) -> list[int]:
        return sorted({r.hold for r in self.scene.climb_refs if r.role is Role.START})

    def overlay_image(self) -> QImage | None:
        return None

    def dims(self, styled: Mapping[int, styles.HoldStyle]) -> bool:
        return bool(self.scene.climb_roles)

    def style_of(self, hold: int) -> styles.HoldStyle:
        return self.scene.items_by_num[hold].style


class BrowseMode(WallMode):
    """Browse: a click selects the hold (the window lists the climbs that use it)."""

    name = Mode.BROWSE

    def enter(self) -> None:
        self.scene.set_selected_hold(None)


class HoldSearchMode(WallMode):
    """Search by holds: a click cycles the hold's criterion (any → start → top → feet → not → off)."""

    name = Mode.HOLD_SEARCH
    hover_over_styled = False

    def enter(self) -> None:
        self.scene.set_selected_hold(None)  # the browse marker would hide the criterion's colour

    def on_hold_clicked(self, hold: int, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        state = self.scene.search.get(hold, SearchState.OFF)
        self.scene.set_search_state(hold, styles.next_search_state(state))

    def hold_styles(self, outline_width: float) -> dict[int, styles.HoldStyle]:
        out = super().hold_styles(outline_width)
        for num, state in self.scene.search.items():
            if num in self.scene.items_by_num:
                out[num] = styles.search_style(state, outline_width)
        return out

    def dims(self, styled: Mapping[int, styles.HoldStyle]) -> bool:
        return bool(self.scene.climb_roles) or bool(self.scene.search)


class HeatmapMode(WallMode):
    """Heatmap: every hold coloured by a value, baked into one image instead of 776 items (P8)."""

    name = Mode.HEATMAP

    def __init__(self, scene: WallScene) -> None:
        super().__init__(scene)
        self.values: dict[int, float | None] = {}
        self.styles: dict[int, styles.HoldStyle] = {}
        self.image: QImage | None = None

    def set_heat(self, values: Mapping[int, float | None], image: QImage | None = None) -> None:
        self.values = dict(values)
        self.styles = overlay.heat_styles(self.scene.holds, self.values, self.scene.outline_width)
        self.image = image

    def wall_changed(self) -> None:
        self.values, self.styles, self.image = {}, {}, None

    def display_changed(self) -> None:
        self.styles = overlay.heat_styles(self.scene.holds, self.values, self.scene.outline_width)
        self.image = None

    def hold_styles(self, outline_width: float) -> dict[int, styles.HoldStyle]:
        return {}

    def start_holds(self) -> list[int]:
        return []

    def overlay_image(self) -> QImage | None:
        if self.image is None:
            if not self.styles:
                self.styles = overlay.heat_styles(self.scene.holds, self.values, self.scene.outline_width)
            r = self.scene.sceneRect()
            self.image = overlay.render_styles(self.scene.holds, self.styles, (r.width(), r.height()))
        return self.image

    def dims(self, styled: Mapping[int, styles.HoldStyle]) -> bool:
        return True

    def style_of(self, hold: int) -> styles.HoldStyle:
        return self.styles.get(hold, styles.HIDDEN)
