"""Heatmap values: per-hold statistics → the raw measure, its 0..1 colour scale, the legend and the note.

Pure computation (no Qt): the window feeds the result to the scene and the Heatmap tab.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mastoc.domain import grades
from mastoc.store.search import HoldStat
from mastoc.ui import styles


@dataclass(frozen=True)
class HeatView:
    raw: dict[int, float]  # the measure per hold (climbs, or an IRCRA grade)
    scaled: dict[int, float]  # 0..1, what the colour ramp shows
    legend: tuple[str, str]  # texts at the two ends of the ramp
    note: str


def heat_view(stats: Mapping[int, HoldStat], kind: str, system: str, hold_nums: Iterable[int],
              kinds: Mapping[str, str]) -> HeatView:
    """What a heatmap of `kind` ("usage", "rarity", "easiest", "hardest") shows for these statistics."""
    if kind in ("usage", "rarity"):
        raw = {n: float(s.count) for n, s in stats.items() if s.count > 0}
    elif kind == "easiest":
        raw = {n: s.min_ircra for n, s in stats.items() if s.min_ircra is not None and s.min_ircra > 0}
    else:
        raw = {n: s.max_ircra for n, s in stats.items() if s.max_ircra is not None and s.max_ircra > 0}
    if kind in ("usage", "rarity"):  # counts are skewed: a square-root scale shows the spread
        scaled = styles.normalise({n: v**0.5 for n, v in raw.items()}, invert=(kind == "rarity"))
    else:
        scaled = styles.normalise(raw)
    legend = ("", "")
    if raw:
        lo, hi = min(raw.values()), max(raw.values())
        if kind in ("usage", "rarity"):
            legend = (f"{int(lo)} climb{'s' if lo != 1 else ''}", f"{int(hi)} climbs")
            if kind == "rarity":
                legend = (legend[1] + " (common)", legend[0] + " (rare)")
        else:
            legend = (grades.label(system, lo), grades.label(system, hi))
    unused = sum(1 for n in hold_nums if n not in raw)
    scale = " (square-root colour scale)" if kind in ("usage", "rarity") else ""
    note = f"{kinds[kind]}{scale}: {len(raw)} holds coloured, {unused} unused (grey)."
    return HeatView(raw, scaled, legend, note)
