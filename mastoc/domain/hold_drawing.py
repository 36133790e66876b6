"""Holds drawn by a person: validating an outline and deriving the rest of its geometry as Stokt does.

`clean_outline` checks a drawn outline (at least 3 distinct points, an area, inside the picture) and
repairs a self-intersecting one when the repair keeps the hold (the largest valid part holds almost
all of the area) or refuses it with a `GeometryError` saying why. `derive` computes what Stokt's face
setup carries for each hold (stokt/API.md §7), so climbs on a personal wall are drawn exactly like
Stokt's: the area centroid, the SVG path, the top outline (every edge moved out by 25 px, mitred, same
vertex count), the touch region (hull grown a little, ≤ 10 vertices) and the three 100 px start tapes
(centre along the ray from the picture's top-centre through the centroid, left/right rotated by
±30°, each starting where its ray from the centroid leaves the outline).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from mastoc.domain.geometry import GeometryError, Point, format_points

TOP_OFFSET = 25.0
TAPE_LENGTH = 100.0
TAPE_ANGLE = 30.0  # degrees
TOUCH_MARGIN = 8.0
MAX_POINTS = 200
MIN_AREA = 4.0  # px²
REPAIR_KEEPS = 0.9  # a repair must keep this share of the drawn area


@dataclass(frozen=True, slots=True)
class DerivedGeometry:
    """The geometry strings of a hold, in the store's (Stokt's) formats."""

    polygon_str: str
    path_str: str
    centroid_str: str
    top_polygon_str: str
    touch_polygon_str: str
    center_tape_str: str
    left_tape_str: str
    right_tape_str: str
    area: str


def clean_outline(points: Sequence[Point], width: float | None = None, height: float | None = None) -> list[Point]:
    """A valid outline from drawn points (repaired when possible); GeometryError otherwise."""
    from shapely.geometry import Polygon
    from shapely.validation import explain_validity, make_valid

    pts: list[Point] = []
    for x, y in points:
        if not (math.isfinite(x) and math.isfinite(y)):
            raise GeometryError("outline", "a point is not a finite number", f"{x},{y}")
        if width is not None and height is not None:
            x, y = min(max(x, 0.0), float(width)), min(max(y, 0.0), float(height))
        if not pts or (abs(pts[-1][0] - x) > 1e-6 or abs(pts[-1][1] - y) > 1e-6):
            pts.append((float(x), float(y)))
    if len(pts) > 1 and abs(pts[0][0] - pts[-1][0]) < 1e-6 and abs(pts[0][1] - pts[-1][1]) < 1e-6:
        pts.pop()
    if len(pts) < 3:
        raise GeometryError("outline", f"a hold needs at least 3 distinct points, got {len(pts)}")
    if len(pts) > MAX_POINTS:
        raise GeometryError("outline", f"a hold has at most {MAX_POINTS} points, got {len(pts)}")
    poly = Polygon(pts)
    if poly.is_valid and poly.area >= MIN_AREA:
        return pts
    drawn = abs(_shoelace(pts))
    why = explain_validity(poly)
    fixed = make_valid(poly)
    parts = [g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type == "Polygon" and g.area > 0]
    if not parts:
        raise GeometryError("outline", "the outline has no area (all points on a line)")
    best = max(parts, key=lambda g: g.area)
    total = sum(g.area for g in parts)
    if best.area < MIN_AREA:
        raise GeometryError("outline", "the outline is too small to be a hold")
    if best.area < REPAIR_KEEPS * total or (drawn > 0 and best.area < 0.5 * drawn):
        raise GeometryError("outline", f"the outline crosses itself ({why}); redraw it without crossing edges")
    ring = list(best.exterior.coords)[:-1]
    return [(float(x), float(y)) for x, y in ring]


def _shoelace(pts: Sequence[Point]) -> float:
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, [*pts[1:], pts[0]], strict=True))


def _offset_ring(pts: Sequence[Point], distance: float) -> list[Point] | None:
    """Every edge moved outwards by `distance`, vertices at the meeting of neighbouring edges
    (a mitred offset with the same vertex count), or None when that fails (very sharp corners)."""
    from shapely.geometry import Polygon

    n = len(pts)
    sign = 1.0 if _shoelace(pts) > 0 else -1.0  # y down: positive area = clockwise on screen
    lines = []
    for i in range(n):
        (x0, y0), (x1, y1) = pts[i], pts[(i + 1) % n]
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy)
        if length < 1e-9:
            return None
        nx, ny = -dy / length * sign, dx / length * sign  # outward normal
        lines.append(((x0 - nx * distance, y0 - ny * distance), (dx, dy)))
    out: list[Point] = []
    for i in range(n):
        (p, d), (q, e) = lines[i - 1], lines[i]
        cross = d[0] * e[1] - d[1] * e[0]
        if abs(cross) < 1e-9:  # collinear edges: move the vertex along the normal
            out.append((q[0], q[1]))
            continue
        t = ((q[0] - p[0]) * e[1] - (q[1] - p[1]) * e[0]) / cross
        x, y = p[0] + d[0] * t, p[1] + d[1] * t
        vx, vy = pts[i]
        if math.hypot(x - vx, y - vy) > 4 * distance:  # a spike: give up on the same-count offset
            return None
        out.append((x, y))
    grown = Polygon(out)
    if not grown.is_valid or not grown.contains(Polygon(pts)):
        return None
    return out


def top_outline(pts: Sequence[Point], distance: float = TOP_OFFSET) -> list[Point]:
    from shapely.geometry import JOIN_STYLE, Polygon

    same_count = _offset_ring(pts, distance)
    if same_count is not None:
        return same_count
    grown = Polygon(pts).buffer(distance, join_style=JOIN_STYLE.mitre, mitre_limit=2.0)
    return [(float(x), float(y)) for x, y in list(grown.exterior.coords)[:-1]]


def _ray_exit(poly: object, origin: Point, direction: Point) -> Point:
    """Where the ray from `origin` (inside) along `direction` leaves the polygon's boundary."""
    from shapely.geometry import LineString, MultiPoint
    from shapely.geometry import Point as SPoint

    far = 1e5
    ray = LineString([origin, (origin[0] + direction[0] * far, origin[1] + direction[1] * far)])
    hit = ray.intersection(poly.exterior)  # type: ignore[attr-defined]
    if hit.is_empty:
        return origin
    points = list(hit.geoms) if isinstance(hit, MultiPoint) else [hit] if isinstance(hit, SPoint) else [
        SPoint(c) for g in getattr(hit, "geoms", [hit]) for c in g.coords]
    best = max(points, key=lambda p: (p.x - origin[0]) ** 2 + (p.y - origin[1]) ** 2)
    return best.x, best.y


def _tape(poly: object, centroid: Point, angle: float) -> str:
    start = _ray_exit(poly, centroid, (math.cos(angle), math.sin(angle)))
    end = (start[0] + math.cos(angle) * TAPE_LENGTH, start[1] + math.sin(angle) * TAPE_LENGTH)
    return f"{start[0]:.2f} {start[1]:.2f} {end[0]:.2f} {end[1]:.2f}"


def derive(points: Sequence[Point], picture_width: float) -> DerivedGeometry:
    """All geometry strings of a hold from its (clean) outline; `picture_width` sets the tapes' origin."""
    from shapely.geometry import Point as SPoint
    from shapely.geometry import Polygon

    poly = Polygon(points)
    c = poly.centroid
    centroid = (c.x, c.y)
    if not poly.contains(SPoint(centroid)):  # a crescent: use a point surely inside for the tapes
        inside = poly.representative_point()
        centroid_for_rays = (inside.x, inside.y)
    else:
        centroid_for_rays = centroid
    base = math.atan2(centroid[1] - 0.0, centroid[0] - picture_width / 2.0)
    if math.hypot(centroid[0] - picture_width / 2.0, centroid[1]) < 1e-9:
        base = math.pi / 2
    rot = math.radians(TAPE_ANGLE)
    touch = poly.convex_hull.buffer(TOUCH_MARGIN, join_style=2).simplify(2.0)
    touch_pts = list(touch.exterior.coords)[:-1]
    tolerance = 2.0
    while len(touch_pts) > 10:
        tolerance *= 1.5
        touch_pts = list(poly.convex_hull.buffer(TOUCH_MARGIN, join_style=2).simplify(tolerance).exterior.coords)[:-1]
    outline = format_points(points)
    path = "M" + "L".join(f"{x:.2f},{y:.2f}" for x, y in points) + "z"
    return DerivedGeometry(
        polygon_str=outline,
        path_str=path,
        centroid_str=f"{centroid[0]:.2f} {centroid[1]:.2f}",
        top_polygon_str=format_points(top_outline(points)),
        touch_polygon_str=format_points(touch_pts),
        center_tape_str=_tape(poly, centroid_for_rays, base),
        left_tape_str=_tape(poly, centroid_for_rays, base + rot),
        right_tape_str=_tape(poly, centroid_for_rays, base - rot),
        area=f"{poly.area:.2f}",
    )
