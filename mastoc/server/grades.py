"""Font (Fontainebleau) grade order for the `grade_min` / `grade_max` filters of `GET /api/climbs`.

A small local table (the server does not depend on the desktop's grade module). Bounds may be Font
labels (`6A+`, case-insensitive) or IRCRA numbers; both bounds are inclusive.
"""

from __future__ import annotations

FONT_LABELS: tuple[str, ...] = (
    "3", "3+", "4", "4+", "5", "5+", "6A", "6A+", "6B", "6B+", "6C", "6C+",
    "7A", "7A+", "7B", "7B+", "7C", "7C+", "8A", "8A+", "8B", "8B+", "8C", "8C+", "9A",
)
_INDEX = {label: i for i, label in enumerate(FONT_LABELS)}


class GradeError(ValueError):
    pass


def _as_number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def font_index(label: str) -> int:
    key = label.strip().upper()
    if key not in _INDEX:
        raise GradeError(f"unknown Font grade: {label!r}")
    return _INDEX[key]


def bounds(grade_min: str | None, grade_max: str | None) -> tuple[list[str] | None, float | None, float | None]:
    """(allowed Font labels or None, min IRCRA or None, max IRCRA or None) for the two filter values."""
    labels: list[str] | None = None
    lo_num = hi_num = None
    lo_idx, hi_idx = 0, len(FONT_LABELS) - 1
    use_labels = False
    if grade_min:
        num = _as_number(grade_min)
        if num is None:
            lo_idx, use_labels = font_index(grade_min), True
        else:
            lo_num = num
    if grade_max:
        num = _as_number(grade_max)
        if num is None:
            hi_idx, use_labels = font_index(grade_max), True
        else:
            hi_num = num
    if use_labels:
        labels = list(FONT_LABELS[lo_idx:hi_idx + 1])
        # lower-case spellings as stored by some imports
        labels += [x.lower() for x in labels if x.lower() != x]
    return labels, lo_num, hi_num
