"""Mirroring climbs on symmetric faces (pure).

A face with `has_symmetry` is symmetric about the vertical line through the middle of its picture.
The mirror of a hold is the hold whose centroid is nearest to the reflection of its centroid, if
that distance is within `tolerance` (a fraction of the picture width, 2 % by default); a hold with
no such partner has no mirror, and a climb using it cannot be mirrored. Stokt's data has no mirror
table (every real face has `hasSymmetry: false`, API.md §6.1), so the pairing is geometric.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from mastoc.domain import holdslist
from mastoc.domain.holdslist import HoldRef

Point = tuple[float, float]


def mirror_map(centroids: Mapping[int, Point], width: float, tolerance: float = 0.02) -> dict[int, int]:
    """hold num -> num of its mirror partner (a hold on the middle line may be its own partner)."""
    limit = max(tolerance * width, 1e-9)
    grid: dict[tuple[int, int], list[tuple[int, float, float]]] = {}
    for num, (x, y) in centroids.items():
        grid.setdefault((int(x // limit), int(y // limit)), []).append((num, x, y))
    out: dict[int, int] = {}
    for num, (x, y) in centroids.items():
        rx = width - x
        cx, cy = int(rx // limit), int(y // limit)
        best, best_d = None, math.inf
        for gx in (cx - 1, cx, cx + 1):
            for gy in (cy - 1, cy, cy + 1):
                for other, ox, oy in grid.get((gx, gy), ()):
                    d = math.hypot(ox - rx, oy - y)
                    if d < best_d or (d == best_d and best is not None and other < best):
                        best, best_d = other, d
        if best is not None and best_d <= limit:
            out[num] = best
    return out


def mirror_refs(refs: Iterable[HoldRef], pairs: Mapping[int, int]) -> tuple[tuple[HoldRef, ...], list[int]]:
    """The mirrored tokens (same roles) and the holds that have no mirror partner."""
    out: list[HoldRef] = []
    missing: list[int] = []
    for ref in refs:
        partner = pairs.get(ref.hold)
        if partner is None:
            missing.append(ref.hold)
        else:
            out.append(HoldRef(ref.role, partner))
    return holdslist.canonical(out), sorted(set(missing))


def mirror_holds(holds: Iterable[int], pairs: Mapping[int, int]) -> set[int] | None:
    """The mirrored hold set, or None when a hold has no partner."""
    out = set()
    for h in holds:
        if h not in pairs:
            return None
        out.add(pairs[h])
    return out
