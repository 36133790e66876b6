"""The `grade_min` / `grade_max` filters of `GET /api/climbs`, on the climbs' IRCRA values.

Bounds are labels of any grade system, detected like the desktop does (`6A+` Font, `V4` Hueco,
`1D+` Dankyu, `18.5` IRCRA; `font:6A` prefixes too), both ends inclusive: `grade_min=6A&grade_max=6C`
selects climbs whose IRCRA value lies in the bands 6A..6C, i.e. Font order. Ungraded climbs never
match a grade filter. A climb created with only a Font grade gets its IRCRA value from the band.
"""

from __future__ import annotations

from mastoc.domain import grades as g

GradeError = g.GradeError


def bounds(grade_min: str | None, grade_max: str | None) -> tuple[float | None, float | None]:
    """(min IRCRA inclusive, max IRCRA exclusive); None = open end. Raises GradeError."""
    lo = hi = None
    if grade_min:
        system, label = g.parse_grade(grade_min)
        lo = g.filter_bounds(system, label, None)[0]
    if grade_max:
        system, label = g.parse_grade(grade_max)
        hi = g.filter_bounds(system, None, label)[1]
    if lo is not None and hi is not None and hi <= lo:
        raise GradeError(f"empty grade range: {grade_min} .. {grade_max}")
    return lo, hi


def ircra_of_font(label: str | None) -> float | None:
    """The IRCRA value of a Font label (lower bound of its band), None when it is not one."""
    if not label:
        return None
    try:
        return g.to_ircra(g.GradeSystem.FONT, label)
    except GradeError:
        return None
