"""The geometry of drawing gestures (pure Python, no Qt): rectangles and ellipses from a drag,
vertex and edge hit-testing, and vertex insertion/removal on an outline being edited."""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]

ELLIPSE_POINTS = 16


def rectangle(a: Point, b: Point) -> list[Point]:
    (x0, y0), (x1, y1) = a, b
    left, right, top, bottom = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
    return [(left, top), (right, top), (right, bottom), (left, bottom)]


def ellipse(a: Point, b: Point, n: int = ELLIPSE_POINTS) -> list[Point]:
    """The ellipse inscribed in the rectangle a–b, as `n` points (clockwise on screen)."""
    (x0, y0), (x1, y1) = a, b
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, abs(x1 - x0) / 2, abs(y1 - y0) / 2
    return [(cx + rx * math.cos(2 * math.pi * i / n), cy + ry * math.sin(2 * math.pi * i / n)) for i in range(n)]


def nearest_vertex(points: Sequence[Point], x: float, y: float, tolerance: float) -> int | None:
    best, index = tolerance, None
    for i, (px, py) in enumerate(points):
        d = math.hypot(px - x, py - y)
        if d <= best:
            best, index = d, i
    return index


def _project(p: Point, a: Point, b: Point) -> tuple[float, Point]:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    q = (ax + t * dx, ay + t * dy)
    return math.hypot(px - q[0], py - q[1]), q


def nearest_edge(points: Sequence[Point], x: float, y: float, tolerance: float) -> tuple[int, Point] | None:
    """(index where a new vertex would go, the point on the edge) of the edge within `tolerance`."""
    best: tuple[int, Point] | None = None
    best_d = tolerance
    n = len(points)
    for i in range(n):
        d, q = _project((x, y), points[i], points[(i + 1) % n])
        if d <= best_d:
            best_d, best = d, (i + 1, q)
    return best


def insert_vertex(points: Sequence[Point], index: int, point: Point) -> list[Point]:
    out = list(points)
    out.insert(index, point)
    return out


def remove_vertex(points: Sequence[Point], index: int) -> list[Point]:
    """The outline without vertex `index` (a hold keeps at least 3)."""
    if len(points) <= 3:
        return list(points)
    return [p for i, p in enumerate(points) if i != index]


def move_vertex(points: Sequence[Point], index: int, point: Point) -> list[Point]:
    out = list(points)
    out[index] = point
    return out


def translate(points: Sequence[Point], dx: float, dy: float) -> list[Point]:
    return [(x + dx, y + dy) for x, y in points]


def contains(points: Sequence[Point], x: float, y: float) -> bool:
    inside = False
    n = len(points)
    for i in range(n):
        (x0, y0), (x1, y1) = points[i], points[(i + 1) % n]
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside
