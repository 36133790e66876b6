"""How annotations look on the wall: one palette per overlay, a legend, and the hold styles.

Overlays: `grip_type`, `condition`, `difficulty` (each value its colour) and `notes` (holds with a
note). The source is mine or the consensus. Pure values (no widgets), so tests compare colours.
"""

from __future__ import annotations

from collections.abc import Mapping

from mastoc.domain import annotations as dom
from mastoc.ui import styles
from mastoc.ui.styles import HoldStyle, Stroke

OVERLAYS = ("condition", "grip_type", "difficulty", "notes")
SOURCES = ("mine", "consensus")

PALETTES: dict[str, dict[str, str]] = {
    "condition": {"ok": "#2e8b57", "a_brosser": "#1e90ff", "sale": "#a0522d", "tournee": "#ff8c00",
                  "usee": "#9400d3", "cassee": "#dc143c"},
    "grip_type": {"plat": "#8dd3c7", "reglette": "#ffd92f", "bi_doigt": "#bebada", "tri_doigt": "#fb8072",
                  "mono_doigt": "#e41a1c", "pince": "#80b1d3", "colonnette": "#fdb462", "inverse": "#b3de69",
                  "bac": "#4daf4a", "prise_volume": "#fccde5", "micro": "#ff7f00", "autre": "#d9d9d9"},
    "difficulty": {"facile": "#4daf4a", "normale": "#ffd92f", "dure": "#e41a1c"},
    "notes": {"yes": "#00bcd4"},
}
FILL_ALPHA = "80"
SELECTED = "#00e5ff"


def legend(overlay: str) -> list[tuple[str, str, str]]:
    """(colour, label, description) rows of an overlay's legend."""
    if overlay == "notes":
        return [(PALETTES["notes"]["yes"], "Has notes", "a note was written on the hold")]
    return [(PALETTES[overlay][c.value], c.label, c.description) for c in dom.CHOICES[overlay]]


def value_colour(overlay: str, value: str | None) -> str | None:
    if not value:
        return None
    return PALETTES[overlay].get("yes" if overlay == "notes" else value)


def overlay_style(overlay: str, value: str | None, outline_width: float) -> HoldStyle | None:
    colour = value_colour(overlay, value)
    if colour is None:
        return None
    return HoldStyle(outline=Stroke(colour, outline_width), fill=colour + FILL_ALPHA, z=1.5)


def selected_style(outline_width: float) -> HoldStyle:
    return HoldStyle(outline=Stroke(SELECTED, outline_width + 1.5, dashed=True), fill=SELECTED + "30", z=8.0)


def annotation_styles(values: Mapping[int, str | None], overlay: str, outline_width: float,
                      climb_roles: Mapping[int, object], selection: set[int]) -> dict[int, HoldStyle]:
    """The styles of the whole wall: overlay values, the displayed climb's holds by role on top,
    the selection above everything."""
    out: dict[int, HoldStyle] = {}
    for num, value in values.items():
        st = overlay_style(overlay, value, outline_width)
        if st is not None:
            out[num] = st
    for num, roles in climb_roles.items():
        out[num] = styles.role_style(roles, outline_width)  # type: ignore[arg-type]
    for num in selection:
        out[num] = selected_style(outline_width)
    return out
