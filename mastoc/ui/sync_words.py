"""Plain words for the Sync panel: operation and backend names, counts, history rows and error messages.

No widgets here: the panel (`sync_panel`) shows what these functions say. Errors are the typed errors
of `mastoc.backends.errors` (and the store's `StoreError`); anything else is an unexpected failure
and says so, in one line, without a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from mastoc.backends.errors import (
    AuthError,
    BackendError,
    CancelledError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    TransientError,
)

BACKEND_NAMES = {"railway": "Railway (mastoc server)", "stokt": "Stokt"}
OP_NAMES = {"railway-sync": "Sync with Railway", "stokt-import": "Import from Stokt", "stokt-push": "Push to Stokt"}
OP_BACKEND = {"railway-sync": "railway", "stokt-import": "stokt", "stokt-push": "stokt"}
OPS_WHEN_ACTIVE = {"railway": ("railway-sync", "stokt-push"), "stokt": ("stokt-import", "stokt-push")}
ENTITY_NAMES = {"climb": "Climbs", "hold_annotation": "Hold notes", "list": "Lists", "list_item": "List items",
                "face": "Faces", "hold": "Holds", "gym": "Gyms", "wall": "Walls", "user": "Setters",
                "image": "Photos"}
CATEGORY_NAMES = {"new": "New", "updated": "Updated", "conflict": "Conflicts", "deleted_upstream": "Deleted upstream",
                  "to_push": "To push", "upload": "To upload", "delete_remote": "To delete on the server",
                  "unchanged": "Unchanged", "pushed": "Pushed", "failed": "Failed", "skipped": "Skipped",
                  "create": "To send (new)", "update": "To send (changed)", "created": "Sent (new)",
                  "sent": "Sent", "resolved_mine": "Resolved (kept mine)", "resolved_theirs": "Resolved (took theirs)",
                  "resolved_both": "Resolved (kept both)"}
# the order categories are shown in (unknown ones come after, alphabetically)
CATEGORY_ORDER = ("conflict", "new", "updated", "deleted_upstream", "to_push", "create", "update", "upload",
                  "delete_remote")
CHOICE_NAMES = {"mine": "Keep mine", "theirs": "Take theirs", "both": "Keep both"}
DIRECTION_ARROWS = {"pull": "↓", "push": "↑"}


FIELD_WORDS = {"grade_font": "grade", "grade_ircra": "grade", "holds_list": "holds", "feet_rule": "feet rule",
               "is_private": "privacy", "is_benchmark": "benchmark", "setter_id": "setter", "face_id": "face",
               "personal_notes": "notes", "personal_rating": "rating", "is_project": "project", "grip_type": "grip",
               "hold_id": "hold", "climb_id": "climb", "list_id": "list", "display_name": "name",
               "picture_path": "photo", "image_sha256": "photo", "full_name": "name", "climbed_by": "ascents",
               "total_likes": "likes", "total_comments": "comments"}


def readable_detail(detail: str) -> str:
    """Column names in a detail read as words, each once: "name, grade_font, grade_ircra changed" ->
    "name, grade changed"."""
    out = []
    for part in detail.split(" · "):
        if "," in part or part.endswith(" changed"):
            tail = " changed" if part.endswith(" changed") else ""
            names = part.removesuffix(" changed").split(",")
            words = list(dict.fromkeys(FIELD_WORDS.get(n.strip(), n.strip().replace("_", " ")) for n in names))
            part = ", ".join(words) + tail
        out.append(part)
    return " · ".join(out)


def entity_name(entity: str) -> str:
    return ENTITY_NAMES.get(entity, entity.replace("_", " ").capitalize())


def category_name(category: str) -> str:
    return CATEGORY_NAMES.get(category, category.replace("_", " ").capitalize())


def count_word(category: str, n: int) -> str:
    """How a count reads: "1 conflict", "2 conflicts", "3 to push", "10 unchanged"."""
    if category == "conflict":
        return "conflict" if n == 1 else "conflicts"
    return category_name(category).lower()


def category_key(category: str) -> tuple[int, str]:
    return (CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else len(CATEGORY_ORDER), category)


def counts_text(counts: dict | str | None) -> str:
    """`{"climb": {"new": 3, "unchanged": 10}}` -> "Climbs: 3 new, 10 unchanged" (zeros left out)."""
    if isinstance(counts, str):
        try:
            counts = json.loads(counts)
        except ValueError:
            return counts
    if not counts:
        return "nothing"
    parts = []
    if all(isinstance(v, (int, float)) for v in counts.values()):
        counts = {"": counts}
    for entity, cats in sorted(counts.items(), key=lambda kv: (kv[0] != "climb", 0)):
        if not isinstance(cats, dict):
            parts.append(f"{entity_name(entity)}: {cats}")
            continue
        inner = ", ".join(f"{n:,} {count_word(c, n)}" for c, n in sorted(cats.items(), key=lambda kv: category_key(kv[0]))
                          if n)
        if inner:
            parts.append(f"{entity_name(entity)}: {inner}" if entity else inner)
    return "; ".join(parts) or "nothing to do"


def when_text(value: datetime | str | None, now: datetime | None = None) -> str:
    """A readable local time: "today 14:02", "3 Nov 2026 14:02", or "never"."""
    if value is None or value == "":
        return "never"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone()
    now = (now or datetime.now(UTC)).astimezone()
    if local.date() == now.date():
        return f"today {local:%H:%M}"
    return f"{local.day} {local:%b %Y %H:%M}"


@dataclass(frozen=True, slots=True)
class PlainError:
    """What the panel says about a failure, and whether Retry can help."""

    text: str
    kind: str  # "auth" | "rate_limited" | "network" | "not_found" | "protocol" | "store" | "cancelled" | "other"
    retry_in: float | None = None  # seconds, for rate limits with a known wait


def plain_error(exc: BaseException, backend: str = "", *, logging_in: bool = False) -> PlainError:
    name = BACKEND_NAMES.get(backend, backend) or "The server"
    short = "Stokt" if backend == "stokt" else ("The mastoc server" if backend == "railway" else name)
    msg = str(exc).strip()
    if isinstance(exc, RateLimitedError):
        wait = exc.retry_after
        text = f"{'Stokt' if backend == 'stokt' else short} is rate limiting"
        if wait:
            text += f"; retrying in {round(wait)} s"
        return PlainError(text, "rate_limited", wait)
    if isinstance(exc, AuthError):
        low = msg.lower()
        if logging_in or "password" in low or "credential" in low or "unable to log in" in low:
            return PlainError("Wrong password (or user name). Log in again.", "auth")
        if exc.status == 403:
            return PlainError(f"{name} refused: this account may not do that.", "auth")
        return PlainError(f"Not logged in to {name} (or the session expired): log in again.", "auth")
    if isinstance(exc, TransientError):
        return PlainError(f"{short} is unreachable ({msg or 'network failure'}). Check the connection and retry.",
                          "network")
    if isinstance(exc, NotFoundError):
        return PlainError(f"Not found on {name}: {msg}", "not_found")
    if isinstance(exc, ProtocolError):
        return PlainError(f"{short} answered something unexpected: {msg}", "protocol")
    if isinstance(exc, CancelledError):
        return PlainError("Cancelled.", "cancelled")
    if isinstance(exc, BackendError):
        return PlainError(msg or f"{short} refused the request.", "other")
    if type(exc).__name__ == "StoreError":
        return PlainError(f"The local store: {msg}", "store")
    if type(exc).__name__ == "StalePlanError":
        return PlainError("The data changed since the preview: preview again, then run.", "stale")
    if isinstance(exc, OSError):
        return PlainError(f"Could not read or write a file: {msg}", "other")
    return PlainError(f"Unexpected error ({type(exc).__name__}): {msg}", "other")


def history_row(run: dict) -> tuple[str, str, str, str, str]:
    """(when, backend, direction, counts, outcome) of one `sync_runs` row as the facade returns it."""
    when = when_text(run.get("started_at") or run.get("finished_at"))
    backend = BACKEND_NAMES.get(str(run.get("backend", "")), str(run.get("backend", "")))
    direction = str(run.get("direction", ""))
    direction = {"pull": "import", "push": "push", "both": "sync", "import-full": "import (full)",
                 "import-incremental": "import"}.get(direction, direction.replace("-", " "))
    outcome = str(run.get("status", ""))
    message = run.get("message") or ""
    if message and outcome not in ("ok",):
        outcome = f"{outcome}: {message}"
    return when, backend, direction, counts_text(run.get("counts")), outcome
