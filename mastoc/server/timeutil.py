"""Time helpers. Stored timestamps are timezone-aware UTC; on the wire they are naive UTC ISO 8601
strings without a zone suffix (`2026-11-25T14:38:34.105909`), exactly like the old server."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Aware datetimes are converted to UTC; naive ones are taken as UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 date-time (`Z` or an offset allowed) or a plain date (midnight), to aware UTC.

    Raises ValueError on anything else.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty date")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        d = date.fromisoformat(text)
        return datetime(d.year, d.month, d.day, tzinfo=UTC)
    try:
        return as_utc(parsed)
    except OverflowError:  # e.g. 9999-12-31T23:59-05:00: past year 9999 in UTC
        raise ValueError("date out of range") from None


def iso(value: datetime | None) -> str | None:
    """The wire form: naive UTC ISO 8601 (microseconds only when non-zero)."""
    return None if value is None else as_utc(value).replace(tzinfo=None).isoformat()
