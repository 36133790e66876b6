"""How holds look: a pure lookup from a hold's role(s) or search state to a style (no Qt here).

Colours are `#RRGGBBAA` strings; widths are in device pixels (cosmetic pens, so outlines stay
sharp and equally thick at every zoom level and on HiDPI screens). `wall/items.py` turns a
`HoldStyle` into Qt pens and brushes (cached).

Climb display, the way climbers know it from Stokt:

- start holds: green outline, plus white start tapes — one start hold: its left and right tapes
  (a "V"); two or more: each start hold's centre tape;
- hand holds ("other"): white outline;
- feet-only holds: their own colour (amber);
- top holds: red outline plus the enlarged top outline (`topPolygonStr`);
- a hold with several roles (start and top of a loop) combines them;
- the rest of the photo is dimmed (`dim_alpha`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mastoc.domain.models import Role
from mastoc.ui.wall.model import Segment, WallHold

START = "#2fd35aff"
HAND = "#ffffffff"
FEET = "#ffb400ff"
TOP = "#ff3b30ff"
TAPE = "#ffffffff"
TAPE_CASING = "#000000b0"
HOVER = "#00e5ffff"
SELECTED = "#00e5ffff"
EXCLUDED = "#ff3b30ff"
REQUIRED = "#00e5ffff"

DEFAULT_OUTLINE_WIDTH = 2.5
DEFAULT_DIM = 0.55  # 0 = no dimming, 1 = black


@dataclass(frozen=True, slots=True)
class Stroke:
    color: str
    width: float
    dashed: bool = False


@dataclass(frozen=True, slots=True)
class HoldStyle:
    outline: Stroke | None = None
    fill: str | None = None
    top_outline: Stroke | None = None  # drawn along topPolygonStr
    z: float = 1.0


HIDDEN = HoldStyle()

_ROLE_COLOR = {Role.START: START, Role.OTHER: HAND, Role.FEET: FEET, Role.TOP: TOP}
# When a hold has several roles, the outline takes the first of these.
_ROLE_PRIORITY = (Role.START, Role.TOP, Role.OTHER, Role.FEET)


def role_style(roles: Collection[Role], outline_width: float = DEFAULT_OUTLINE_WIDTH) -> HoldStyle:
    """The style of a hold of the displayed climb with these roles (empty: not in the climb)."""
    if not roles:
        return HIDDEN
    main = next(r for r in _ROLE_PRIORITY if r in roles)
    top = Stroke(TOP, outline_width) if Role.TOP in roles else None
    z = 3.0 if main in (Role.START, Role.TOP) else 2.0
    return HoldStyle(outline=Stroke(_ROLE_COLOR[main], outline_width), top_outline=top, z=z)


def start_tapes(starts: Sequence[WallHold]) -> list[Segment]:
    """The tape segments of the start holds: one start -> left+right ("V"), more -> centre tapes."""
    if len(starts) == 1:
        h = starts[0]
        return [t for t in (h.left_tape, h.right_tape) if t is not None]
    return [h.center_tape for h in starts if h.center_tape is not None]


def dim_alpha(level: float) -> int:
    """Dimming level (0..1) -> alpha of the black veil over the photo (0..255)."""
    return max(0, min(255, round(level * 255)))


class SearchState(StrEnum):
    """What a hold means in the hold search; a click cycles through `SEARCH_CYCLE`."""

    OFF = "off"
    ANY = "any"  # required, in any role
    START = "start"
    TOP = "top"
    FEET = "feet"
    EXCLUDED = "excluded"


SEARCH_CYCLE: tuple[SearchState, ...] = (
    SearchState.OFF,
    SearchState.ANY,
    SearchState.START,
    SearchState.TOP,
    SearchState.FEET,
    SearchState.EXCLUDED,
)

SEARCH_ROLE: dict[SearchState, Role | None] = {
    SearchState.ANY: None,
    SearchState.START: Role.START,
    SearchState.TOP: Role.TOP,
    SearchState.FEET: Role.FEET,
}


def next_search_state(state: SearchState) -> SearchState:
    i = SEARCH_CYCLE.index(state)
    return SEARCH_CYCLE[(i + 1) % len(SEARCH_CYCLE)]


def search_style(state: SearchState, outline_width: float = DEFAULT_OUTLINE_WIDTH) -> HoldStyle:
    w = outline_width + 0.5
    if state is SearchState.OFF:
        return HIDDEN
    if state is SearchState.ANY:
        return HoldStyle(outline=Stroke(REQUIRED, w), fill="#00e5ff40", z=4.0)
    if state is SearchState.START:
        return HoldStyle(outline=Stroke(START, w), fill="#2fd35a40", z=4.0)
    if state is SearchState.TOP:
        return HoldStyle(outline=Stroke(TOP, w), top_outline=Stroke(TOP, w), fill="#ff3b3040", z=4.0)
    if state is SearchState.FEET:
        return HoldStyle(outline=Stroke(FEET, w), fill="#ffb40040", z=4.0)
    return HoldStyle(outline=Stroke(EXCLUDED, w, dashed=True), fill="#00000099", z=4.0)


def hover_style(outline_width: float = DEFAULT_OUTLINE_WIDTH) -> HoldStyle:
    return HoldStyle(outline=Stroke(HOVER, outline_width, dashed=True), z=10.0)


def selected_style(outline_width: float = DEFAULT_OUTLINE_WIDTH) -> HoldStyle:
    return HoldStyle(outline=Stroke(SELECTED, outline_width + 1.0), fill="#00e5ff30", z=9.0)


# --- heatmaps -------------------------------------------------------------------------------

# A perceptually ordered ramp (dark violet -> red -> yellow), sampled at 5 stops.
_RAMP = ((0.0, (60, 20, 120)), (0.3, (160, 30, 140)), (0.55, (230, 60, 60)), (0.8, (250, 150, 30)),
         (1.0, (255, 240, 80)))


def ramp_rgb(t: float) -> tuple[int, int, int]:
    """0..1 -> an RGB colour of the heat ramp."""
    t = max(0.0, min(1.0, t))
    for (t0, c0), (t1, c1) in zip(_RAMP, _RAMP[1:], strict=False):
        if t <= t1:
            f = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
            return tuple(round(a + (b - a) * f) for a, b in zip(c0, c1, strict=True))  # type: ignore[return-value]
    return _RAMP[-1][1]


def heat_color(t: float, alpha: int = 170) -> str:
    r, g, b = ramp_rgb(t)
    return f"#{r:02x}{g:02x}{b:02x}{alpha:02x}"


def heat_style(t: float | None, outline_width: float = DEFAULT_OUTLINE_WIDTH) -> HoldStyle:
    """A hold in a heatmap: filled by its value (0..1); None = unused (thin grey outline)."""
    if t is None:
        return HoldStyle(outline=Stroke("#b0b0b0a0", 1.0), z=1.0)
    return HoldStyle(outline=Stroke(heat_color(t, 255), 1.0), fill=heat_color(t), z=2.0)


def normalise(values: dict[int, float], invert: bool = False) -> dict[int, float]:
    """Scale values to 0..1 over their own range (all equal -> 1.0)."""
    if not values:
        return {}
    lo, hi = min(values.values()), max(values.values())
    span = hi - lo
    out = {k: (1.0 if span == 0 else (v - lo) / span) for k, v in values.items()}
    if invert:
        out = {k: 1.0 - v for k, v in out.items()}
    return out


def roles_by_hold(refs: Iterable[tuple[Role, int]]) -> dict[int, frozenset[Role]]:
    out: dict[int, set[Role]] = {}
    for role, num in refs:
        out.setdefault(num, set()).add(role)
    return {k: frozenset(v) for k, v in out.items()}


def rgba(color: str) -> tuple[int, int, int, int]:
    """`#RRGGBB[AA]` -> (r, g, b, a)."""
    c = color.lstrip("#")
    r, g, b = int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    a = int(c[6:8], 16) if len(c) >= 8 else 255
    return (r, g, b, a)
