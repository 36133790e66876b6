"""Rules for climb lists, their items and the logbook (pure: no I/O).

A list has a name (1–255 characters after trimming, the server's limit), an optional description
(≤ 5000), a type (personal | circuit | project) and a public flag. An item has a status
(todo | in_progress | done) and optional notes. A logbook entry has a date (ISO `YYYY-MM-DD`),
attempts (≥ 0), sent / flashed flags (a flash is a send) and an optional note. Personal fields of a
climb: `personal_rating` 1–5 or none.

Each `check_*` returns the cleaned value or raises `ListRuleError` with one line a user can act on.
"""

from __future__ import annotations

from datetime import date

LIST_TYPES = ("personal", "circuit", "project")
STATUSES = ("todo", "in_progress", "done")
MAX_NAME = 255
MAX_TEXT = 5000


class ListRuleError(ValueError):
    pass


def check_name(name: str) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise ListRuleError("a list needs a name")
    if len(text) > MAX_NAME:
        raise ListRuleError(f"a list name has at most {MAX_NAME} characters (this one has {len(text)})")
    return text


def check_text(text: str | None, what: str = "description") -> str | None:
    if text is None:
        return None
    value = str(text).strip()
    if len(value) > MAX_TEXT:
        raise ListRuleError(f"a {what} has at most {MAX_TEXT} characters (this one has {len(value)})")
    return value or None


def check_type(list_type: str) -> str:
    if list_type not in LIST_TYPES:
        raise ListRuleError(f"unknown list type {list_type!r}; use one of {', '.join(LIST_TYPES)}")
    return list_type


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise ListRuleError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    return status


def check_position(position: int, count: int) -> int:
    """A 1-based position in a list of `count` items."""
    if count == 0:
        raise ListRuleError("the list is empty")
    if not 1 <= position <= count:
        raise ListRuleError(f"position {position} is out of range; use 1 to {count}")
    return position


def check_rating(rating: int | None) -> int | None:
    if rating is None:
        return None
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ListRuleError(f"a personal rating is 1 to 5 (got {rating!r})")
    return rating


def check_log_date(text: str | None) -> str:
    if not text:
        return date.today().isoformat()
    try:
        return date.fromisoformat(str(text)[:10]).isoformat()
    except ValueError:
        raise ListRuleError(f"a session date is YYYY-MM-DD (got {text!r})") from None


def check_attempts(attempts: int | None) -> int | None:
    if attempts is None:
        return None
    if isinstance(attempts, bool) or not isinstance(attempts, int) or not 0 <= attempts <= 100_000:
        raise ListRuleError(f"attempts is a whole number from 0 (got {attempts!r})")
    return attempts


def progress(statuses: list[str]) -> tuple[int, int]:
    """(done, total) of a list's items."""
    return sum(1 for s in statuses if s == "done"), len(statuses)
