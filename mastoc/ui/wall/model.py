"""The drawable wall: holds parsed once into plain geometry, and picking a hold at a point.

Pure Python (no Qt), so the hit-testing rule is testable on its own and fast (P9: a grid of
buckets, then ray casting on a handful of small polygons).

Tie-break where outlines overlap (about 2 % of clicks on the real wall): among the holds whose
outline (`polygonStr`) contains the point, pick the one with the **smallest outline area**, then the
one whose **centroid is nearest** to the point, then the **lowest hold id**. If no outline contains
the point and a tolerance is given (a few screen pixels, converted to scene units by the view), the
hold whose outline is nearest within that tolerance wins, with the same tie-break after the distance.
The result never depends on the drawing order of items.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mastoc.domain.models import Hold

Point = tuple[float, float]
Segment = tuple[Point, Point]

_CELL = 64.0  # scene pixels per grid cell


def parse_points(text: str) -> tuple[Point, ...]:
    """`"x,y x,y ..."` -> points. Empty or malformed pairs are skipped."""
    points: list[Point] = []
    for pair in (text or "").split():
        xs, _, ys = pair.partition(",")
        try:
            points.append((float(xs), float(ys)))
        except ValueError:
            continue
    return tuple(points)


def parse_pair(text: str) -> Point | None:
    """`"x y"` -> (x, y), or None."""
    parts = (text or "").split()
    if len(parts) != 2:
        return None
    try:
        return (float(parts[0]), float(parts[1]))
    except ValueError:
        return None


def parse_segment(text: str) -> Segment | None:
    """`"x1 y1 x2 y2"` -> ((x1, y1), (x2, y2)), or None."""
    parts = (text or "").split()
    if len(parts) != 4:
        return None
    try:
        x1, y1, x2, y2 = (float(p) for p in parts)
    except ValueError:
        return None
    return ((x1, y1), (x2, y2))


def polygon_area(points: Sequence[Point]) -> float:
    """Absolute shoelace area."""
    n = len(points)
    if n < 3:
        return 0.0
    s = 0.0
    for i in range(n):
        x1, y1 = points[i]
        x2, y2 = points[(i + 1) % n]
        s += x1 * y2 - x2 * y1
    return abs(s) / 2.0


def polygon_centroid(points: Sequence[Point]) -> Point:
    n = len(points)
    if n == 0:
        return (0.0, 0.0)
    a = 0.0
    cx = cy = 0.0
    for i in range(n):
        x1, y1 = points[i]
        x2, y2 = points[(i + 1) % n]
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(a) < 1e-9:
        return (sum(p[0] for p in points) / n, sum(p[1] for p in points) / n)
    return (cx / (3 * a), cy / (3 * a))


def contains(points: Sequence[Point], x: float, y: float) -> bool:
    """Even-odd ray casting; points on an edge count as inside."""
    n = len(points)
    inside = False
    j = n - 1
    for i in range(n):
        xi, yi = points[i]
        xj, yj = points[j]
        if _seg_dist2(x, y, xi, yi, xj, yj) < 1e-12:
            return True
        if (yi > y) != (yj > y):
            xcross = xi + (y - yi) * (xj - xi) / (yj - yi)
            if x < xcross:
                inside = not inside
        j = i
    return inside


def _seg_dist2(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    ll = dx * dx + dy * dy
    if ll == 0.0:
        return (px - ax) ** 2 + (py - ay) ** 2
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / ll))
    qx, qy = ax + t * dx, ay + t * dy
    return (px - qx) ** 2 + (py - qy) ** 2


def distance_to_outline(points: Sequence[Point], x: float, y: float) -> float:
    """0 inside the polygon, else the distance to its nearest edge."""
    if contains(points, x, y):
        return 0.0
    n = len(points)
    best = math.inf
    for i in range(n):
        ax, ay = points[i]
        bx, by = points[(i + 1) % n]
        best = min(best, _seg_dist2(x, y, ax, ay, bx, by))
    return math.sqrt(best)


@dataclass(frozen=True, slots=True)
class WallHold:
    """One hold's drawable geometry, in picture pixels."""

    num: int
    outline: tuple[Point, ...]
    top_outline: tuple[Point, ...]
    centroid: Point
    area: float
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1
    center_tape: Segment | None
    left_tape: Segment | None
    right_tape: Segment | None


def wall_hold(hold: Hold) -> WallHold | None:
    """Parse a stored hold; None when its outline is unusable (fewer than 3 points)."""
    outline = parse_points(hold.polygon_str)
    if len(outline) < 3:
        return None
    xs = [p[0] for p in outline]
    ys = [p[1] for p in outline]
    centroid = parse_pair(hold.centroid_str) or polygon_centroid(outline)
    top = parse_points(hold.top_polygon_str)
    return WallHold(
        num=hold.num,
        outline=outline,
        top_outline=top if len(top) >= 3 else (),
        centroid=centroid,
        area=polygon_area(outline),
        bbox=(min(xs), min(ys), max(xs), max(ys)),
        center_tape=parse_segment(hold.center_tape_str),
        left_tape=parse_segment(hold.left_tape_str),
        right_tape=parse_segment(hold.right_tape_str),
    )


def wall_holds(holds: Iterable[Hold]) -> list[WallHold]:
    out = [w for w in (wall_hold(h) for h in holds) if w is not None]
    out.sort(key=lambda w: w.num)
    return out


class HoldIndex:
    """Point -> hold id, with the documented tie-break (see the module docstring)."""

    def __init__(self, holds: Sequence[WallHold]) -> None:
        self.holds = list(holds)
        self.by_num = {h.num: h for h in self.holds}
        self._grid: dict[tuple[int, int], list[WallHold]] = {}
        for h in self.holds:
            x0, y0, x1, y1 = h.bbox
            for cx in range(int(x0 // _CELL), int(x1 // _CELL) + 1):
                for cy in range(int(y0 // _CELL), int(y1 // _CELL) + 1):
                    self._grid.setdefault((cx, cy), []).append(h)

    def candidates(self, x: float, y: float, tolerance: float = 0.0) -> list[WallHold]:
        """Holds whose bounding box (grown by `tolerance`) contains the point."""
        seen: dict[int, WallHold] = {}
        t = max(0.0, tolerance)
        for cx in range(int((x - t) // _CELL), int((x + t) // _CELL) + 1):
            for cy in range(int((y - t) // _CELL), int((y + t) // _CELL) + 1):
                for h in self._grid.get((cx, cy), ()):
                    x0, y0, x1, y1 = h.bbox
                    if x0 - t <= x <= x1 + t and y0 - t <= y <= y1 + t:
                        seen[h.num] = h
        return list(seen.values())

    def holds_at(self, x: float, y: float) -> list[int]:
        """Every hold whose outline contains the point, in tie-break order (best first)."""
        inside = [h for h in self.candidates(x, y) if contains(h.outline, x, y)]
        inside.sort(key=lambda h: _rank(h, x, y))
        return [h.num for h in inside]

    def pick(self, x: float, y: float, tolerance: float = 0.0) -> int | None:
        """The hold under the point (see the module docstring), or None."""
        cands = self.candidates(x, y, tolerance)
        inside = [h for h in cands if contains(h.outline, x, y)]
        if inside:
            return min(inside, key=lambda h: _rank(h, x, y)).num
        if tolerance <= 0.0 or not cands:
            return None
        best: tuple[float, float, float, int] | None = None
        for h in cands:
            d = distance_to_outline(h.outline, x, y)
            if d <= tolerance:
                key = (d, *_rank(h, x, y))
                if best is None or key < best:
                    best = key
        return None if best is None else best[3]


def _rank(h: WallHold, x: float, y: float) -> tuple[float, float, int]:
    cx, cy = h.centroid
    return (h.area, (cx - x) ** 2 + (cy - y) ** 2, h.num)
