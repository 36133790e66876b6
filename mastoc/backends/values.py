"""Values shared by the backends' JSON mappings: the mapping error and timestamp parsing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


class MappingError(ValueError):
    """A backend object that cannot be mapped; `item` names it (e.g. "climb 8286…" or "hold 828902")."""

    def __init__(self, item: str, message: str) -> None:
        super().__init__(f"{item}: {message}")
        self.item = item


def parse_datetime(value: Any) -> datetime | None:
    """A timestamp as an aware UTC datetime: offsets (`-05:00`, `Z`) converted, naive taken as UTC;
    None for null or empty."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(f"timestamp is not a string: {value!r}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
