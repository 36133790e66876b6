"""Edit operations on a climber's own record of a climb: the personal fields and the logbook.

- `set_personal`: `is_project`, `personal_notes`, `personal_rating` (1–5 or none) on the climb's row
  (the Railway sync sends them as the climb's personal record).
- The logbook (`climb_log`): one entry per session on a climb (date, attempts, sent / flashed, a
  note). `add_session` / `delete_session` (the undo of each other: `session_row` keeps what an undo
  needs), `sessions` (newest first), `sent_climbs` (the ids a "hide sent climbs" filter uses).
- `import_sent`: entries from Stokt's `my-sent-climbs`, keyed by `stokt_key` so a re-import adds
  nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mastoc.domain import lists as rules
from mastoc.domain.ids import new_id
from mastoc.edits.changes import Changes, EditError, NotFoundEditError
from mastoc.store import rows
from mastoc.store.db import Store

_UNSET: Any = object()
LOG_COLUMNS = ("id", "climb_id", "date", "attempts", "sent", "flashed", "note", "source", "stokt_key", "created_at")


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    climb_id: str
    date: str | None
    attempts: int | None
    sent: bool
    flashed: bool
    note: str | None
    source: str


def _rule(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except rules.ListRuleError as exc:
        raise EditError(str(exc)) from None


def _climb(store: Store, climb_id: str) -> None:
    if store.conn.execute("SELECT 1 FROM climbs WHERE id = ?", (climb_id,)).fetchone() is None:
        raise NotFoundEditError(f"no climb {climb_id!r} in this store")


def personal(store: Store, climb_id: str) -> dict[str, Any]:
    r = store.conn.execute("SELECT is_project, personal_notes, personal_rating FROM climbs WHERE id = ?",
                           (climb_id,)).fetchone()
    if r is None:
        raise NotFoundEditError(f"no climb {climb_id!r} in this store")
    return {"is_project": bool(r[0]), "personal_notes": r[1], "personal_rating": r[2]}


def set_personal(store: Store, climb_id: str, *, is_project: bool | None = None, personal_notes: Any = _UNSET,
                 personal_rating: Any = _UNSET) -> Changes:
    """Change the given personal fields (`None` clears notes / rating)."""
    _climb(store, climb_id)
    sets: dict[str, Any] = {}
    if is_project is not None:
        sets["is_project"] = int(bool(is_project))
    if personal_notes is not _UNSET:
        sets["personal_notes"] = _rule(rules.check_text, personal_notes, "note")
    if personal_rating is not _UNSET:
        sets["personal_rating"] = _rule(rules.check_rating, personal_rating)
    if not sets:
        return Changes()
    with store.transaction() as c:
        c.execute(f"UPDATE climbs SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?", (*sets.values(), climb_id))
    return Changes(climbs=frozenset({climb_id}))


def add_session(store: Store, climb_id: str, *, date: str | None = None, attempts: int | None = None,
                sent: bool = False, flashed: bool = False, note: str | None = None,
                session_id: str | None = None) -> Changes:
    """Log a session on a climb (a flash counts as a send)."""
    _climb(store, climb_id)
    day = _rule(rules.check_log_date, date)
    attempts = _rule(rules.check_attempts, attempts)
    note = _rule(rules.check_text, note, "note")
    if flashed and attempts not in (None, 1):
        raise EditError("a flash is a send on the first attempt (attempts must be 1)")
    with store.transaction() as c:
        c.execute("INSERT INTO climb_log (id, climb_id, date, attempts, sent, flashed, note, source, created_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, 'mastoc', ?)",
                  (session_id or new_id(), climb_id, day, attempts, int(bool(sent or flashed)), int(bool(flashed)), note,
                   rows.now_ts()))
    return Changes(climbs=frozenset({climb_id}))


def session_row(store: Store, session_id: str) -> dict[str, Any]:
    r = store.conn.execute(f"SELECT {', '.join(LOG_COLUMNS)} FROM climb_log WHERE id = ?", (session_id,)).fetchone()
    if r is None:
        raise NotFoundEditError(f"no logbook entry {session_id!r}")
    return dict(r)


def delete_session(store: Store, session_id: str) -> Changes:
    row = session_row(store, session_id)
    with store.transaction() as c:
        c.execute("DELETE FROM climb_log WHERE id = ?", (session_id,))
    return Changes(climbs=frozenset({row["climb_id"]}))


def restore_session(store: Store, row: dict[str, Any]) -> Changes:
    with store.transaction() as c:
        c.execute(f"INSERT INTO climb_log ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
    return Changes(climbs=frozenset({row["climb_id"]}))


def sessions(store: Store, climb_id: str) -> list[Session]:
    cur = store.conn.execute("SELECT * FROM climb_log WHERE climb_id = ? ORDER BY date DESC, created_at DESC",
                             (climb_id,))
    return [Session(r["id"], r["climb_id"], r["date"], r["attempts"], bool(r["sent"]), bool(r["flashed"]), r["note"],
                    r["source"]) for r in cur]


def sent_climbs(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT DISTINCT climb_id FROM climb_log WHERE sent = 1")}


def import_sent(store: Store, entries: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Write Stokt sends (`{"climb_id", "stokt_key", "date", "attempts", "flashed"}`) not yet in the
    logbook. Returns (entries added, problems)."""
    added = 0
    problems: list[str] = []
    with store.transaction() as c:
        for e in entries:
            if c.execute("SELECT 1 FROM climbs WHERE id = ?", (e["climb_id"],)).fetchone() is None:
                problems.append(f"sent climb {e.get('name') or e['stokt_key']}: not in this store; skipped")
                continue
            added += c.execute(
                "INSERT OR IGNORE INTO climb_log (id, climb_id, date, attempts, sent, flashed, note, source, stokt_key, "
                "created_at) VALUES (?, ?, ?, ?, 1, ?, NULL, 'stokt', ?, ?)",
                (new_id(), e["climb_id"], e.get("date"), e.get("attempts"), int(bool(e.get("flashed"))), e["stokt_key"],
                 rows.now_ts())).rowcount
    return added, problems
