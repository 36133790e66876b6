"""Climbing grades: the Font, Hueco, IRCRA and Dankyu systems and conversions between them.

Every grade is stored as an IRCRA number (Stokt's `crowdGrade.ircra`, an average of votes); the
labels of the other systems are derived from it independently, each system cutting the IRCRA line
into half-open bands `[lower bound, next lower bound)`. A label is the band that holds the value,
so a range filter expressed in any system becomes an IRCRA interval (`filter_bounds`).

Ungraded climbs have Stokt `ircra` 0.0 and every label `"?"`; mastoc keeps `None` for them.
Values above 0 but below the lowest bound (never seen in Stokt) get the lowest label.

Lower bounds (see stokt/API.md §9). Font: Stokt's anchors, observed. Hueco and Dankyu: for every
observed label, the smallest IRCRA value seen with that label in the 1,017 real climbs; each such
bound lies in the open-closed interval allowed by the data (e.g. V1 in (14.375, 14.625], 5Q in
(13.25, 13.75]), so every observed (ircra, font, hueco, dankyu) quadruple is reproduced.
Labels never observed are INFERRED, one Font step = one band, following the usual equivalences
7C+ = V10 = 3D, 8A+ = V12 = 4D, 8B = V13 = 4D+, 8B+ = V14 = 5D, 8C = V15 = 5D+, 8C+ = V16 = 6D,
9A = V17 = 6D+ (the observed ones agree: 7A+ = V7 = 1D, 7B+ = V9 = 2D, 8A = V11 = 3D+):
Font 7C+ 25.5, 8A+ 27.5, 8B 28.5, 8B+ 29.5, 8C 30.5, 8C+ 31.5, 9A 32.5; Hueco V10 25.5, V12 27.5 …
V17 32.5; Dankyu 3D 25.5, 4D 27.5 … 6D+ 32.5.

IRCRA itself is a system too: its labels are numbers ("18.5"); `labels(IRCRA)` is the grid of
half points from 12.0 to 32.5 and the band of an IRCRA label is `[value, value + 0.5)`.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from enum import StrEnum


class GradeSystem(StrEnum):
    FONT = "font"
    HUECO = "hueco"
    IRCRA = "ircra"
    DANKYU = "dankyu"


UNGRADED = "?"


class GradeError(ValueError):
    """A grade label that does not belong to its system, or text that is not a grade."""


# (label, lower bound) ascending. "# inferred" marks labels Stokt never produced in the fixtures.
_FONT: tuple[tuple[str, float], ...] = (
    ("4", 12.0), ("4+", 13.25), ("5", 14.25), ("5+", 15.0),
    ("6A", 15.5), ("6A+", 16.5), ("6B", 17.5), ("6B+", 18.0), ("6C", 18.5), ("6C+", 19.5),
    ("7A", 20.5), ("7A+", 21.5), ("7B", 22.5), ("7B+", 23.5), ("7C", 24.5),
    ("7C+", 25.5),  # inferred
    ("8A", 26.5),
    ("8A+", 27.5), ("8B", 28.5), ("8B+", 29.5), ("8C", 30.5), ("8C+", 31.5), ("9A", 32.5),  # inferred
)
_HUECO: tuple[tuple[str, float], ...] = (
    ("V0", 12.0), ("V1", 14.625), ("V2", 15.5), ("V3", 16.5), ("V4", 17.75), ("V5", 19.0),
    ("V6", 20.5), ("V7", 21.5), ("V8", 22.5), ("V9", 23.5),
    ("V10", 25.5),  # inferred
    ("V11", 26.5),
    ("V12", 27.5), ("V13", 28.5), ("V14", 29.5), ("V15", 30.5), ("V16", 31.5),  # inferred
    ("V17", 32.5),  # inferred
)
_DANKYU: tuple[tuple[str, float], ...] = (
    ("6Q", 12.0), ("5Q", 13.75), ("4Q", 15.5), ("3Q", 17.0), ("2Q", 18.25), ("1Q", 20.0),
    ("1D", 21.5), ("1D+", 22.5), ("2D", 23.5), ("2D+", 24.5),
    ("3D", 25.5),  # inferred
    ("3D+", 26.5),
    ("4D", 27.5), ("4D+", 28.5), ("5D", 29.5), ("5D+", 30.5), ("6D", 31.5), ("6D+", 32.5),  # inferred
)
_IRCRA_MIN, _IRCRA_MAX, _IRCRA_STEP = 12.0, 32.5, 0.5

_TABLES = {GradeSystem.FONT: _FONT, GradeSystem.HUECO: _HUECO, GradeSystem.DANKYU: _DANKYU}
_LABELS = {s: tuple(lbl for lbl, _ in t) for s, t in _TABLES.items()}
_BOUNDS = {s: tuple(b for _, b in t) for s, t in _TABLES.items()}
_INDEX = {s: {lbl: i for i, lbl in enumerate(_LABELS[s])} for s in _TABLES}
_IRCRA_LABELS = tuple(
    f"{_IRCRA_MIN + i * _IRCRA_STEP:.1f}"
    for i in range(int((_IRCRA_MAX - _IRCRA_MIN) / _IRCRA_STEP) + 1)
)
_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,6})?")
_PREFIX = re.compile(r"^\s*(font|hueco|ircra|dankyu)\s*[:=]\s*", re.IGNORECASE)


def _system(system: GradeSystem | str) -> GradeSystem:
    try:
        return GradeSystem(system)
    except ValueError:
        raise GradeError(f"unknown grade system: {system!r}") from None


def is_ungraded(ircra: float | None) -> bool:
    """True for Stokt's ungraded marker (0.0), None, NaN or any non-positive value."""
    return ircra is None or math.isnan(ircra) or ircra <= 0.0


def labels(system: GradeSystem | str) -> tuple[str, ...]:
    """The labels of `system`, easiest first (without "?")."""
    system = _system(system)
    if system is GradeSystem.IRCRA:
        return _IRCRA_LABELS
    return _LABELS[system]


def format_ircra(value: float) -> str:
    """An IRCRA number as a label: at least one decimal, at most three ("18.5", "12.625")."""
    text = f"{value:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def label(system: GradeSystem | str, ircra: float | None) -> str:
    """The label of `ircra` in `system`; "?" when ungraded."""
    system = _system(system)
    if is_ungraded(ircra):
        return UNGRADED
    assert ircra is not None
    if system is GradeSystem.IRCRA:
        return format_ircra(ircra)
    index = bisect_right(_BOUNDS[system], ircra) - 1
    return _LABELS[system][max(index, 0)]


def normalize_label(system: GradeSystem | str, text: str) -> str:
    """The canonical spelling of a label of `system` ("6a+" -> "6A+", "v4" -> "V4", " ? " -> "?").

    Raises GradeError when `text` is not a label of `system`.
    """
    system = _system(system)
    cleaned = text.strip().upper().replace(" ", "")
    if cleaned == UNGRADED:
        return UNGRADED
    if system is GradeSystem.IRCRA:
        if not _NUMBER.fullmatch(cleaned):
            raise GradeError(f"not an IRCRA grade: {text!r}")
        return format_ircra(float(cleaned))
    if cleaned not in _INDEX[system]:
        raise GradeError(f"not a {system.value} grade: {text!r}")
    return cleaned


def ircra_range(system: GradeSystem | str, grade: str) -> tuple[float, float]:
    """The half-open IRCRA band `[lo, hi)` of a label; `hi` is inf for the hardest label.

    Raises GradeError for "?" (no band) or an unknown label.
    """
    system = _system(system)
    canonical = normalize_label(system, grade)
    if canonical == UNGRADED:
        raise GradeError("the ungraded label '?' has no IRCRA band")
    if system is GradeSystem.IRCRA:
        value = float(canonical)
        return value, value + _IRCRA_STEP
    index = _INDEX[system][canonical]
    bounds = _BOUNDS[system]
    hi = bounds[index + 1] if index + 1 < len(bounds) else math.inf
    return bounds[index], hi


def to_ircra(system: GradeSystem | str, grade: str) -> float | None:
    """The IRCRA value of one vote for `grade` (the lower bound of its band); None for "?"."""
    if normalize_label(system, grade) == UNGRADED:
        return None
    return ircra_range(system, grade)[0]


def filter_bounds(
    system: GradeSystem | str, lo: str | None, hi: str | None
) -> tuple[float | None, float | None]:
    """IRCRA bounds `(min, max_exclusive)` of the label range `lo`..`hi`, both ends included.

    None or "?" leaves that end open (None). `hi` easier than `lo` raises GradeError.
    A climb with IRCRA value v is selected when `min <= v < max_exclusive` (open ends ignored).
    """
    system = _system(system)
    lo_value: float | None = None
    hi_value: float | None = None
    if lo is not None and normalize_label(system, lo) != UNGRADED:
        lo_value = ircra_range(system, lo)[0]
    if hi is not None and normalize_label(system, hi) != UNGRADED:
        top = ircra_range(system, hi)[1]
        hi_value = None if math.isinf(top) else top
    if lo_value is not None and hi_value is not None and hi_value <= lo_value:
        raise GradeError(f"empty grade range: {lo} .. {hi}")
    return lo_value, hi_value


def in_bounds(ircra: float | None, bounds: tuple[float | None, float | None]) -> bool:
    """Whether a graded value lies in `filter_bounds` output; ungraded values never do."""
    if is_ungraded(ircra):
        return False
    assert ircra is not None
    lo, hi = bounds
    return (lo is None or ircra >= lo) and (hi is None or ircra < hi)


def detect_system(text: str) -> GradeSystem:
    """The system a bare label belongs to: V.. Hueco, ..Q/..D Dankyu, Font labels, else IRCRA."""
    cleaned = text.strip().upper().replace(" ", "")
    for system in (GradeSystem.FONT, GradeSystem.HUECO, GradeSystem.DANKYU):
        if cleaned in _INDEX[system]:
            return system
    if _NUMBER.fullmatch(cleaned):
        return GradeSystem.IRCRA
    raise GradeError(f"not a grade: {text!r}")


def parse_grade(
    text: str, default: GradeSystem | str = GradeSystem.FONT
) -> tuple[GradeSystem, str]:
    """Parse user text into `(system, canonical label)`.

    Accepts "system:label" ("hueco:V4", "ircra=18.5") or a bare label whose system is detected
    ("6a+", "V4", "1D+", "18.5"). A bare "?" is ungraded in `default`.
    """
    match = _PREFIX.match(text)
    if match:
        system = GradeSystem(match.group(1).lower())
        return system, normalize_label(system, text[match.end():])
    if text.strip() == UNGRADED:
        return _system(default), UNGRADED
    system = detect_system(text)
    return system, normalize_label(system, text)


def grade_sort_key(system: GradeSystem | str, grade: str) -> tuple[int, float]:
    """Sort key for labels of one system: easiest first, "?" last."""
    value = to_ircra(system, grade)
    return (1, 0.0) if value is None else (0, value)


def ircra_sort_key(ircra: float | None) -> tuple[int, float]:
    """Sort key for IRCRA values: easiest first, ungraded last."""
    return (1, 0.0) if is_ungraded(ircra) else (0, float(ircra))  # type: ignore[arg-type]


def convert(grade: str, source: GradeSystem | str, target: GradeSystem | str) -> str:
    """The `target` label of one vote for `grade` in `source` ("?" stays "?")."""
    return label(target, to_ircra(source, grade))
