"""Stokt's hold geometry strings: parsing into points and (lazily) shapely geometry.

Formats (stokt/API.md §7), in pixels of the full face picture, origin top-left, y downwards:
`polygonStr` / `touchPolygonStr` / `topPolygonStr` "x,y x,y …" (not closed), `pathStr`
"Mx,yLx,y…Lx,yz" (SVG, same points as `polygonStr`), `centroidStr` "x y", tapes "x1 y1 x2 y2".

Malformed strings raise `GeometryError` naming the field and the offending token. Parsing is plain
string work (776 holds in a few milliseconds); shapely is imported only by the functions that build
geometry. `hold_polygon` always returns a valid polygon: an invalid outline (self-intersecting
"bow-tie") is repaired with `make_valid` and the largest polygonal part kept; `check_hold` reports
what is wrong with a hold instead of raising.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from mastoc.domain.models import Hold

if TYPE_CHECKING:
    from shapely.geometry import Polygon

Point = tuple[float, float]

_PATH_CMD = re.compile(r"([MLZmlz])")


class GeometryError(ValueError):
    """A geometry string that does not follow its format. `field` and `token` name the culprit."""

    def __init__(self, field: str, message: str, token: str = "") -> None:
        detail = f"{field}: {message}" + (f": {token!r}" if token else "")
        super().__init__(detail)
        self.field = field
        self.token = token


def _number(field: str, token: str) -> float:
    # float() is the fast path; it also accepts "nan", "inf", "1_0" and non-ASCII digits, refused here.
    try:
        value = float(token)
    except ValueError:
        raise GeometryError(field, "not a number", token) from None
    if not math.isfinite(value) or "_" in token or not token.isascii():
        raise GeometryError(field, "not a finite decimal number", token)
    return value


def parse_points(text: str, field: str = "polygonStr") -> list[Point]:
    """Points of a "x,y x,y …" string (empty string: no points)."""
    points: list[Point] = []
    for token in text.split():
        parts = token.split(",")
        if len(parts) != 2:
            raise GeometryError(field, "expected a point 'x,y'", token)
        points.append((_number(field, parts[0]), _number(field, parts[1])))
    return points


def parse_path(text: str, field: str = "pathStr") -> list[Point]:
    """Points of an SVG path "Mx,yLx,y…z" (absolute moveto/lineto, optional closing z)."""
    stripped = text.strip()
    if not stripped:
        return []
    pieces = _PATH_CMD.split(stripped)
    if pieces[0].strip():
        raise GeometryError(field, "path must start with M", pieces[0].strip())
    points: list[Point] = []
    closed = False
    for i in range(1, len(pieces), 2):
        command, body = pieces[i], pieces[i + 1].strip()
        if closed:
            raise GeometryError(field, "content after closing z", command + body)
        if command in "Zz":
            if body:
                raise GeometryError(field, "content after closing z", body)
            closed = True
            continue
        if command in "ml":
            raise GeometryError(field, "relative path commands are not supported", command + body)
        if (command == "M") != (i == 1):
            raise GeometryError(field, "M only at the start of the path", command + body)
        coords = body.replace(",", " ").split()
        if len(coords) != 2:
            raise GeometryError(field, "expected one point 'x,y' per command", command + body)
        points.append((_number(field, coords[0]), _number(field, coords[1])))
    return points


def parse_centroid(text: str, field: str = "centroidStr") -> Point:
    """The point of an "x y" string."""
    tokens = text.split()
    if len(tokens) != 2:
        raise GeometryError(field, "expected 'x y'", text.strip())
    return _number(field, tokens[0]), _number(field, tokens[1])


def parse_tape(text: str, field: str = "centerTapeStr") -> tuple[Point, Point]:
    """The segment of an "x1 y1 x2 y2" tape string."""
    tokens = text.split()
    if len(tokens) != 4:
        raise GeometryError(field, "expected 'x1 y1 x2 y2'", text.strip())
    x1, y1, x2, y2 = (_number(field, t) for t in tokens)
    return (x1, y1), (x2, y2)


def format_points(points: Iterable[Point]) -> str:
    """The "x,y x,y …" string of `points`, two decimals as Stokt writes them."""
    return " ".join(f"{x:.2f},{y:.2f}" for x, y in points)


def scale_points(points: Iterable[Point], sx: float, sy: float | None = None) -> list[Point]:
    """Points scaled by (sx, sy) about the origin (sy defaults to sx), e.g. to the small picture."""
    fy = sx if sy is None else sy
    return [(x * sx, y * fy) for x, y in points]


def bounds(points: Sequence[Point]) -> tuple[float, float, float, float]:
    """(min_x, min_y, max_x, max_y) of a non-empty point list."""
    if not points:
        raise ValueError("bounds of no points")
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def outline(hold: Hold) -> list[Point]:
    """The outline points of a hold (`polygonStr`)."""
    return parse_points(hold.polygon_str, "polygonStr")


def centroid(hold: Hold) -> Point:
    """The hold's centroid: `centroidStr`, or the outline's centroid when that string is empty."""
    if hold.centroid_str.strip():
        return parse_centroid(hold.centroid_str)
    poly = hold_polygon(hold)
    c = poly.centroid
    return c.x, c.y


# ---------------------------------------------------------------------------- shapely geometry


def _largest_polygon(geom: object) -> Polygon | None:
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.geometry.base import BaseMultipartGeometry

    if isinstance(geom, Polygon):
        return None if geom.is_empty else geom
    parts: list[Polygon] = []
    if isinstance(geom, MultiPolygon):
        parts = list(geom.geoms)
    elif isinstance(geom, BaseMultipartGeometry):
        for part in geom.geoms:
            best = _largest_polygon(part)
            if best is not None:
                parts.append(best)
    parts = [p for p in parts if not p.is_empty and p.area > 0]
    return max(parts, key=lambda p: p.area) if parts else None


def _repair(poly: Polygon) -> Polygon | None:
    """A valid polygon for an invalid one: make_valid's largest polygon, else buffer(0)."""
    from shapely.validation import make_valid

    best = _largest_polygon(make_valid(poly))
    if best is None or not best.is_valid:
        best = _largest_polygon(poly.buffer(0))
    return best if best is not None and best.is_valid and best.area > 0 else None


def polygon_from_points(points: Sequence[Point], field: str = "polygonStr") -> Polygon:
    """A valid shapely polygon from an outline, repaired if needed.

    Raises GeometryError when fewer than 3 points are given or nothing with an area remains.
    """
    from shapely.geometry import Polygon

    if len(points) < 3:
        raise GeometryError(field, f"a polygon needs at least 3 points, got {len(points)}")
    poly = Polygon(points)
    if poly.is_valid and poly.area > 0:
        return poly
    repaired = _repair(poly)
    if repaired is None:
        raise GeometryError(field, "degenerate polygon (no area)", format_points(points[:3]))
    return repaired


def hold_polygon(hold: Hold) -> Polygon:
    """The hold outline (`polygonStr`) as a valid shapely polygon (repaired when invalid)."""
    return polygon_from_points(outline(hold), "polygonStr")


def touch_polygon(hold: Hold) -> Polygon:
    """The hit-test region (`touchPolygonStr`), falling back to the outline when empty."""
    if not hold.touch_polygon_str.strip():
        return hold_polygon(hold)
    return polygon_from_points(parse_points(hold.touch_polygon_str, "touchPolygonStr"), "touchPolygonStr")


def top_polygon(hold: Hold) -> Polygon:
    """The second outline of top holds (`topPolygonStr`), or the outline grown by 25 px when empty."""
    if not hold.top_polygon_str.strip():
        return hold_polygon(hold).buffer(25.0, join_style=2)
    return polygon_from_points(parse_points(hold.top_polygon_str, "topPolygonStr"), "topPolygonStr")


_FIELDS = (
    ("polygonStr", "polygon_str", parse_points),
    ("touchPolygonStr", "touch_polygon_str", parse_points),
    ("topPolygonStr", "top_polygon_str", parse_points),
    ("pathStr", "path_str", parse_path),
    ("centroidStr", "centroid_str", parse_centroid),
    ("centerTapeStr", "center_tape_str", parse_tape),
    ("leftTapeStr", "left_tape_str", parse_tape),
    ("rightTapeStr", "right_tape_str", parse_tape),
)


def check_hold(hold: Hold) -> list[str]:
    """Human-readable problems of a hold's geometry (empty list when all is well).

    Reports malformed or missing strings, outlines with fewer than 3 points, invalid outlines
    (and whether they could be repaired), a path that differs from the outline, and a centroid
    outside the touch region.
    """
    from shapely.geometry import Point as ShapelyPoint
    from shapely.geometry import Polygon

    problems: list[str] = []
    parsed: dict[str, object] = {}
    for name, attr, parser in _FIELDS:
        text = getattr(hold, attr)
        if not text.strip():
            if name == "polygonStr":
                problems.append("polygonStr: empty")
            continue
        try:
            parsed[name] = parser(text, name)  # type: ignore[operator]
        except GeometryError as exc:
            problems.append(str(exc))
    for name in ("polygonStr", "touchPolygonStr", "topPolygonStr"):
        points = parsed.get(name)
        if points is None:
            continue
        assert isinstance(points, list)
        if len(points) < 3:
            problems.append(f"{name}: fewer than 3 points ({len(points)})")
            parsed.pop(name)
            continue
        raw = Polygon(points)
        if not raw.is_valid or raw.area <= 0:
            repaired = _repair(raw)
            if repaired is None:
                problems.append(f"{name}: invalid polygon, cannot be repaired")
                parsed.pop(name)
            else:
                problems.append(f"{name}: invalid polygon, repaired")
    if "pathStr" in parsed and "polygonStr" in parsed and parsed["pathStr"] != parsed["polygonStr"]:
        problems.append("pathStr: points differ from polygonStr")
    c = parsed.get("centroidStr")
    if c is not None:
        assert isinstance(c, tuple)
        region_name = "touchPolygonStr" if "touchPolygonStr" in parsed else "polygonStr"
        points = parsed.get(region_name)
        if isinstance(points, list):
            region = polygon_from_points(points, region_name)
            if not region.covers(ShapelyPoint(c)):
                problems.append(f"centroidStr: centroid outside {region_name}")
    return problems



def check_holds(holds: Sequence[Hold]) -> dict[int, list[str]]:
    """`check_hold` for a whole face at once: {hold num: problems} for the holds with problems.

    Strings are parsed in Python, then every ring is tested in one vectorised shapely call; only
    the holds that look wrong go through the detailed `check_hold`. 776 holds take a few ms (plus
    shapely's import the first time).
    """
    import numpy as np
    import shapely

    suspects: set[int] = set()
    rings: list[list[Point]] = []
    owners: list[int] = []
    centres: list[tuple[int, Point]] = []
    for index, hold in enumerate(holds):
        try:
            outline_pts = parse_points(hold.polygon_str, "polygonStr")
            touch_pts = parse_points(hold.touch_polygon_str, "touchPolygonStr")
            top_pts = parse_points(hold.top_polygon_str, "topPolygonStr")
            if hold.path_str.strip() and parse_path(hold.path_str) != outline_pts:
                suspects.add(index)
            for attr, name in (("center_tape_str", "centerTapeStr"), ("left_tape_str", "leftTapeStr"),
                               ("right_tape_str", "rightTapeStr")):
                if getattr(hold, attr).strip():
                    parse_tape(getattr(hold, attr), name)
            if hold.centroid_str.strip():
                centres.append((index, parse_centroid(hold.centroid_str)))
        except GeometryError:
            suspects.add(index)
            continue
        for pts in (outline_pts, touch_pts or outline_pts, top_pts):
            if not pts:
                continue
            if len(pts) < 3:
                suspects.add(index)
                continue
            rings.append(pts)
            owners.append(index)
    if rings:
        flat = np.array([pt for r in rings for pt in r], dtype=float)
        ring_ids = np.repeat(np.arange(len(rings)), [len(r) for r in rings])
        polys = shapely.polygons(shapely.linearrings(flat, indices=ring_ids))
        bad = ~(shapely.is_valid(polys) & (shapely.area(polys) > 0))
        suspects.update(owners[i] for i in np.nonzero(bad)[0])
        # centroid inside the touch region (the second ring of each hold)
        touch_of: dict[int, object] = {}
        seen: dict[int, int] = {}
        for ring_index, owner in enumerate(owners):
            seen[owner] = seen.get(owner, 0) + 1
            if seen[owner] == 2:
                touch_of[owner] = polys[ring_index]
        with_region = [(index, pt) for index, pt in centres if index in touch_of]
        if with_region:
            regions = np.array([touch_of[index] for index, _ in with_region], dtype=object)
            xs = np.array([pt[0] for _, pt in with_region])
            ys = np.array([pt[1] for _, pt in with_region])
            outside = ~shapely.covers(regions, shapely.points(xs, ys))
            suspects.update(with_region[i][0] for i in np.nonzero(outside)[0])
    out: dict[int, list[str]] = {}
    for index in sorted(suspects):
        problems = check_hold(holds[index])
        if problems:
            out[holds[index].num] = problems
    return out
