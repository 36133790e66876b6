"""Climb edit operations: set, edit, delete, restore a climb; duplicate check; who may edit what.

Every operation validates first and raises `EditError` (exit 2) / `NotFoundEditError` (exit 3)
with one line, having written nothing; otherwise it writes in ONE `store.transaction()` and returns
a `Changes` value. The CLI (`mastoc climb add|edit|delete`) and the GUI's Set mode call these.

Operations
----------
- `set_climb(store, ClimbInput, *, climb_id=None) -> Changes` — a new climb with a new mastoc UUID
  (`climb_id` only to re-create a known id), `source = mastoc`, `stokt_id` NULL.
  `Changes.climbs == {new id}`.
- `edit_climb(store, climb_id, patch=None, **fields) -> Changes` — `fields` (or a `ClimbPatch`):
  `name`, `holds`, `grade`, `grade_system`, `feet_rule`, `description`, `is_private`,
  `mirror_holds`. Only the given fields are validated and written; an edit that changes nothing
  returns an empty `Changes`. Changing the holds of a climb whose holds are read-only (see "set by
  me") raises `EditError`; its details stay editable locally (a push of them may be refused by Stokt).
- `delete_climb(store, climb_id) -> Changes` — removes the climb from search, lists of climbs,
  counts and heatmaps (its row and `climb_holds` rows go), writes a `tombstones` row (the Railway
  sync sends the deletion) and a `climb_trash` row (a snapshot). List items pointing at it are
  KEPT: `Changes.list_items` names them and `Changes.messages` says which lists; they are listed
  by `deleted_climb_items()` ("climb deleted"). A climb with a Stokt id is deleted on Stokt only by
  `mastoc stokt push --delete-remote`; until then the Stokt import does not bring it back.
- `climb_snapshot(store, climb_id) -> ClimbSnapshot` — the full current state (every column and
  the push base), taken BEFORE an edit or a delete; `restore_climb(store, snapshot) -> Changes`
  puts exactly that state back (undo of an edit, undo of a delete, redo of a set) and clears the
  climb's trash row and tombstone. `trashed_snapshot(store, climb_id)` reads a deleted climb's
  snapshot from the trash. Undo of `set_climb` is `delete_climb`.
- `find_duplicates(store, face_id, holds, *, mirror=None, exclude=None) -> list[Duplicate]`
  (implemented in `mastoc.edits.duplicates`, re-exported here) —
  climbs of the face with the same hold set (roles ignored, kind "same"), the mirrored set on a
  symmetric face ("mirror"), or sharing at least 80 % (Jaccard on hold sets, kinds "near" /
  "near_mirror"). Prefix filtering on the `climb_holds` index: only climbs that can still share
  enough holds are looked at (a few ms at 100k climbs, `benchmarks/bench_duplicates.py`).
- `duplicate_input(store, climb_id) -> ClimbInput` — "Duplicate and edit": any climb's values as
  the input of a new climb.
- `hold_problems(store, face_id, holds) -> list[str]` — the live setting rules (at least one and
  at most two start holds, the same for top holds, a hold both start and top allowed, feet-only
  holds allowed, only holds of this face); empty when the holds can be saved.

"Set by me" (`set_by_me`): the climb was set in mastoc (`source = mastoc`), or pushed to Stokt from
this store (a `push_intents` row `done`), or its setter is the Stokt account recorded by
`remember_stokt_account` (written by `mastoc stokt login` from Stokt's `users/me`). Other imported
climbs are read-only in their holds (`holds_read_only_reason` says why, or None).

"Changed since last push to Stokt": for a climb with a Stokt id, the first local edit stores its
previous editable values (`PUSH_FIELDS`) in `stokt_push_base`; `changed_since_push` compares the
current values with that base (keys that differ, old and new). The Stokt push sends those keys and,
once Stokt accepted them, drops the base (`clear_push_base`). `push_state` words the result:
"local only", "pushed", "changed since pushed", "imported".
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from mastoc.domain import grades, holdslist, mirror
from mastoc.domain.holdslist import HoldRef
from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Face, Source
from mastoc.edits.changes import Changes, EditError, NotFoundEditError
from mastoc.edits.duplicates import NEAR_JACCARD, Duplicate, describe, find_duplicates, mirror_pairs
from mastoc.store import rows
from mastoc.store.db import Store, write_climbs

NAME_MIN, NAME_MAX = 3, 80
DESCRIPTION_MAX = 2000
MAX_HOLDS = 600  # Stokt's app refuses more selected holds (API.md §11)
# The editable fields Stokt knows (the creation body's keys); the base of "changed since pushed".
PUSH_FIELDS = ("name", "holds_list", "grade_font", "grade_ircra", "feet_rule", "description", "is_private")

LOCAL_ONLY, PUSHED, CHANGED, IMPORTED = "local only", "pushed", "changed since pushed", "imported"
STOKT_ACCOUNT_KEY = "stokt.account_id"


class _Unset:
    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()
Holds = str | Iterable[HoldRef]


@dataclass(frozen=True, slots=True)
class ClimbInput:
    """A new climb as a setter enters it.

    `holds`: a holds-list string ("S829284 O829309 T829220") or `HoldRef`s. `grade`: a label in any
    system ("6A+", "V4", "2Q", "18.5", "hueco:V4"); with `grade_system` the bare label is read in
    that system; None or "?" = ungraded. `feet_rule`: one of the face's options (None: the wall's
    default, else the first option).
    """

    face_id: str
    name: str
    holds: Holds
    grade: str | None = None
    grade_system: str | None = None
    feet_rule: str | None = None
    description: str | None = None
    is_private: bool = False
    mirror_holds: Holds = ""
    setter_id: str | None = None


@dataclass(frozen=True, slots=True)
class ClimbPatch:
    """Fields to change; a field left `UNSET` is not touched (same meanings as `ClimbInput`)."""

    name: Any = UNSET
    holds: Any = UNSET
    grade: Any = UNSET
    grade_system: Any = UNSET
    feet_rule: Any = UNSET
    description: Any = UNSET
    is_private: Any = UNSET
    mirror_holds: Any = UNSET

    def given(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not UNSET}


@dataclass(frozen=True, slots=True)
class ClimbSnapshot:
    """Everything needed to put a climb back exactly: its row (every column) and its push base."""

    climb_id: str
    row: Mapping[str, Any]
    push_base: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class FlaggedItem:
    """A list item whose climb was deleted ("climb deleted")."""

    item_id: str
    list_id: str
    list_name: str
    climb_id: str
    climb_name: str


# -- validation ------------------------------------------------------------------------------------
def check_name(name: object) -> str:
    """The trimmed name, or `EditError` (3 to 80 characters)."""
    text = " ".join(str(name or "").split())
    if not text:
        raise EditError("a climb needs a name")
    if len(text) < NAME_MIN:
        raise EditError(f"a climb name needs at least {NAME_MIN} characters (got {text!r})")
    if len(text) > NAME_MAX:
        raise EditError(f"a climb name has at most {NAME_MAX} characters (got {len(text)})")
    return text


def parse_holds(holds: Holds) -> tuple[HoldRef, ...]:
    if isinstance(holds, str):
        try:
            return holdslist.parse(holds)
        except holdslist.HoldsListError as exc:
            raise EditError(f"bad holds list: {exc}") from None
    return tuple(holds)


def hold_problems(store: Store, face_id: str, holds: Holds) -> list[str]:
    """What stops these holds from being saved on `face_id` (empty list: fine). See the module doc."""
    refs = parse_holds(holds)
    problems = holdslist.validate_for_setting(refs)
    nums = sorted(holdslist.hold_ids(refs))
    if len(nums) > MAX_HOLDS:
        problems.append(f"a climb has at most {MAX_HOLDS} holds, got {len(nums)}")
    if nums:
        here = _face_nums(store.conn, face_id, nums)
        missing = [n for n in nums if n not in here]
        if missing:
            elsewhere = _nums_elsewhere(store.conn, face_id, missing)
            unknown = [n for n in missing if n not in elsewhere]
            if unknown:
                problems.append("unknown hold(s) on this face: " + ", ".join(map(str, unknown)))
            for n in missing:
                if n in elsewhere:
                    problems.append(f"hold {n} belongs to another face ({elsewhere[n]}), not this one")
    return problems


def _face_nums(conn: sqlite3.Connection, face_id: str, nums: Sequence[int]) -> set[int]:
    out: set[int] = set()
    for start in range(0, len(nums), 500):
        chunk = nums[start:start + 500]
        out.update(r[0] for r in conn.execute(
            f"SELECT num FROM holds WHERE face_id = ? AND num IN ({', '.join('?' * len(chunk))})", (face_id, *chunk)))
    return out


def _nums_elsewhere(conn: sqlite3.Connection, face_id: str, nums: Sequence[int]) -> dict[int, str]:
    marks = ", ".join("?" * len(nums))
    cur = conn.execute(f"SELECT h.num, coalesce(f.name, f.id) FROM holds h JOIN faces f ON f.id = h.face_id "
                       f"WHERE h.face_id != ? AND h.num IN ({marks})", (face_id, *nums))
    return {r[0]: r[1] for r in cur}


def _check_holds(store: Store, face_id: str, holds: Holds) -> str:
    refs = parse_holds(holds)
    problems = hold_problems(store, face_id, refs)
    if problems:
        raise EditError("cannot save this climb: " + "; ".join(problems))
    return holdslist.format(refs)


def _check_mirror(store: Store, face: Face, holds: Holds) -> str:
    refs = parse_holds(holds)
    if not refs:
        return ""
    if not face.has_symmetry:
        raise EditError("this face has no symmetry: a climb on it has no mirror list")
    return _check_holds(store, face.id, refs)


def parse_grade_input(grade: str | None, system: str | None = None) -> tuple[str, float | None]:
    """(Font label or "?", IRCRA value or None) of a grade typed in any system."""
    if grade is None or not str(grade).strip() or str(grade).strip() == grades.UNGRADED:
        return grades.UNGRADED, None
    try:
        if system:
            sys_, label = grades.GradeSystem(system), grades.normalize_label(system, str(grade))
        else:
            sys_, label = grades.parse_grade(str(grade))
        ircra = grades.to_ircra(sys_, label)
    except ValueError as exc:
        raise EditError(f"unknown grade {grade!r}: {exc}") from None
    return (grades.label(grades.GradeSystem.FONT, ircra) if ircra is not None else grades.UNGRADED), ircra


def feet_rule_for(store: Store, face: Face, rule: str | None) -> str | None:
    """The feet rule to store: `rule` if the face offers it, the wall's default (or the first option)
    when None; `EditError` for a rule the face does not offer."""
    options = face.feet_rules_options
    if rule is not None and str(rule).strip():
        text = str(rule).strip()
        if options and text not in options:
            raise EditError(f"unknown feet rule {text!r}; this face has: {', '.join(options)}")
        return text
    r = store.conn.execute("SELECT default_feet_rule FROM walls WHERE id = ?", (face.wall_id,)).fetchone()
    return (r[0] if r and r[0] else None) or (options[0] if options else None)


def _check_description(text: str | None) -> str | None:
    if text is None:
        return None
    value = str(text).strip()
    if len(value) > DESCRIPTION_MAX:
        raise EditError(f"a description has at most {DESCRIPTION_MAX} characters (got {len(value)})")
    return value or None


def _face(store: Store, face_id: str) -> Face:
    face = store.face(face_id)
    if face is None:
        raise NotFoundEditError(f"unknown face {face_id!r}")
    return face


def _climb(store: Store, key: str) -> Climb:
    climb = store.climb(key)
    if climb is None:
        raise NotFoundEditError(f"no climb {key!r} (give a mastoc or Stokt climb id)")
    return climb


# -- set -------------------------------------------------------------------------------------------
def set_climb(store: Store, data: ClimbInput, *, climb_id: str | None = None) -> Changes:
    """Create a climb (see the module docstring)."""
    face = _face(store, data.face_id)
    name = check_name(data.name)
    holds_list = _check_holds(store, face.id, data.holds)
    mirror_list = _check_mirror(store, face, data.mirror_holds)
    font, ircra = parse_grade_input(data.grade, data.grade_system)
    feet = feet_rule_for(store, face, data.feet_rule)
    description = _check_description(data.description)
    cid = climb_id or new_id()
    if store.conn.execute("SELECT 1 FROM climbs WHERE id = ?", (cid,)).fetchone():
        raise EditError(f"a climb {cid} already exists")
    now = datetime.now(UTC)
    climb = Climb(
        id=cid, face_id=face.id, name=name, holds_list=holds_list, mirror_holds_list=mirror_list,
        grade_font=font, grade_ircra=ircra, feet_rule=feet, description=description,
        is_private=bool(data.is_private), source=Source.MASTOC, setter_id=data.setter_id or _my_user(store),
        created_at=now, updated_at=now,
    )
    with store.transaction() as c:
        write_climbs(c, [climb])
    return Changes(climbs=frozenset({cid}))


def _my_user(store: Store) -> str | None:
    account = get_setting(store, STOKT_ACCOUNT_KEY)
    if not account:
        return None
    r = store.conn.execute("SELECT id FROM users WHERE stokt_id = ?", (account,)).fetchone()
    return r[0] if r else None


def duplicate_input(store: Store, climb_id: str) -> ClimbInput:
    """"Duplicate and edit": a `ClimbInput` with the values of any climb (name marked as a copy),
    to adjust and give to `set_climb` — the new climb is yours, with editable holds."""
    climb = _climb(store, climb_id)
    name = f"{climb.name} (copy)"
    return ClimbInput(face_id=climb.face_id, name=name if len(name) <= NAME_MAX else climb.name,
                      holds=climb.holds_list, grade=climb.grade_font if climb.grade_ircra is not None else None,
                      grade_system="font", feet_rule=climb.feet_rule, description=climb.description,
                      is_private=climb.is_private, mirror_holds=climb.mirror_holds_list)


# -- edit ------------------------------------------------------------------------------------------
_PATCH_KEYS = {f.name for f in fields(ClimbPatch)}


def edit_climb(store: Store, climb_id: str, patch: ClimbPatch | None = None, **changes: Any) -> Changes:
    """Change some fields of a climb (see the module docstring)."""
    unknown = set(changes) - _PATCH_KEYS
    if unknown:
        raise EditError(f"unknown climb field(s): {', '.join(sorted(unknown))}")
    given = {**(patch.given() if patch else {}), **changes}
    climb = _climb(store, climb_id)
    face = _face(store, climb.face_id)
    new: dict[str, Any] = {}
    if "name" in given:
        new["name"] = check_name(given["name"])
    if "holds" in given:
        holds_list = holdslist.format(parse_holds(given["holds"]))
        if holds_list != _canonical_or_raw(climb.holds_list):
            reason = holds_read_only_reason(store, climb)
            if reason:
                raise EditError(reason)
            new["holds_list"] = _check_holds(store, face.id, holds_list)
    if "mirror_holds" in given:
        new["mirror_holds_list"] = _check_mirror(store, face, given["mirror_holds"] or "")
    if "grade" in given or "grade_system" in given:
        if "grade" not in given:
            raise EditError("give the grade with its grade system")
        new["grade_font"], new["grade_ircra"] = parse_grade_input(given["grade"], given.get("grade_system"))
    if "feet_rule" in given:
        new["feet_rule"] = feet_rule_for(store, face, given["feet_rule"])
    if "description" in given:
        new["description"] = _check_description(given["description"])
    if "is_private" in given:
        new["is_private"] = bool(given["is_private"])
    before = _row(store.conn, climb.id)
    assert before is not None
    values = _edit_values(before)
    changed = {k: v for k, v in new.items() if values.get(k) != _as_stored(k, v)}
    if not changed:
        return Changes()
    stored = {k: _as_stored(k, v) for k, v in changed.items()}
    stored["updated_at"] = rows.now_ts()
    base: dict[str, Any] | None = None
    with store.transaction() as c:
        if climb.stokt_id:
            base = _push_base(c, climb.id)
            if base is None:
                base = {k: before[k] for k in PUSH_FIELDS}
                c.execute("INSERT INTO stokt_push_base (climb_id, base, recorded_at) VALUES (?, ?, ?)",
                          (climb.id, json.dumps(base, ensure_ascii=False), rows.now_ts()))
        c.execute(f"UPDATE climbs SET {', '.join(f'{k} = ?' for k in stored)} WHERE id = ?",
                  (*stored.values(), climb.id))
        if "holds_list" in stored or "grade_ircra" in stored:  # the climb<->hold index (grades are copied)
            after = _row(c, climb.id)
            assert after is not None
            c.execute("DELETE FROM climb_holds WHERE climb_id = ?", (climb.id,))
            rows.insert_climb_holds(c, rows.climb_hold_rows(climb.id, after["holds_list"], after["grade_ircra"]))
        if base is not None:
            after = _row(c, climb.id)
            assert after is not None
            if not _push_diff(base, after):
                clear_push_base(c, climb.id)  # back to what Stokt has
    return Changes(climbs=frozenset({climb.id}))


def _canonical_or_raw(text: str) -> str:
    try:
        return holdslist.normalize(text)
    except holdslist.HoldsListError:
        return text


def _as_stored(key: str, value: Any) -> Any:
    return int(value) if key == "is_private" else value


def _edit_values(row: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: row[k] for k in (*PUSH_FIELDS, "mirror_holds_list")}
    out["holds_list"] = _canonical_or_raw(out["holds_list"])
    return out


def _row(conn: sqlite3.Connection, climb_id: str) -> dict[str, Any] | None:
    r = conn.execute("SELECT * FROM climbs WHERE id = ?", (climb_id,)).fetchone()
    return dict(r) if r else None


def _push_base(conn: sqlite3.Connection, climb_id: str) -> dict[str, Any] | None:
    r = conn.execute("SELECT base FROM stokt_push_base WHERE climb_id = ?", (climb_id,)).fetchone()
    return json.loads(r[0]) if r else None


def clear_push_base(conn: sqlite3.Connection, climb_id: str) -> None:
    """Forget the push base (inside the caller's transaction): Stokt now has the local values."""
    conn.execute("DELETE FROM stokt_push_base WHERE climb_id = ?", (climb_id,))


def set_push_base(conn: sqlite3.Connection, climb_id: str, base: Mapping[str, Any]) -> None:
    """Record Stokt's values of the editable fields (inside the caller's transaction), e.g. after an
    import kept local edits over a changed remote: the next push sends what differs from them."""
    conn.execute("INSERT INTO stokt_push_base (climb_id, base, recorded_at) VALUES (?, ?, ?) ON CONFLICT(climb_id) "
                 "DO UPDATE SET base = excluded.base, recorded_at = excluded.recorded_at",
                 (climb_id, json.dumps({k: base.get(k) for k in PUSH_FIELDS}, ensure_ascii=False), rows.now_ts()))


def changed_since_push(store: Store, climb_id: str) -> dict[str, tuple[Any, Any]]:
    """{field: (value at the last push/import, current value)} of the `PUSH_FIELDS` that differ."""
    base = _push_base(store.conn, climb_id)
    row = _row(store.conn, climb_id)
    if base is None or row is None:
        return {}
    return _push_diff(base, row)


def _push_diff(base: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    out = {}
    for k in PUSH_FIELDS:
        old, cur = base.get(k), row.get(k)
        if k == "holds_list":
            old, cur = _canonical_or_raw(old or ""), _canonical_or_raw(cur or "")
        if old != cur:
            out[k] = (base.get(k), row.get(k))
    return out


def changed_climb_ids(store: Store) -> list[str]:
    """Climbs with a Stokt id changed since their last push/import (oldest change first)."""
    cur = store.conn.execute("SELECT b.climb_id FROM stokt_push_base b JOIN climbs c ON c.id = b.climb_id "
                             "WHERE c.stokt_id IS NOT NULL ORDER BY b.recorded_at, b.climb_id")
    return [r[0] for r in cur if changed_since_push(store, r[0])]


# -- who may edit ----------------------------------------------------------------------------------
def get_setting(store: Store, key: str) -> str | None:
    r = store.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return r[0] if r else None


def remember_stokt_account(store: Store, account_id: str | None) -> None:
    """Record the Stokt account of this store (its climbs are "set by me")."""
    if not account_id:
        return
    with store.transaction() as c:
        c.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                  (STOKT_ACCOUNT_KEY, str(account_id)))


def _pushed_here(conn: sqlite3.Connection, climb_id: str) -> bool:
    return conn.execute("SELECT 1 FROM push_intents WHERE climb_id = ? AND status = 'done' LIMIT 1",
                        (climb_id,)).fetchone() is not None


def set_by_me(store: Store, climb: Climb) -> bool:
    """Whether the user set this climb (see the module docstring)."""
    if climb.source is Source.MASTOC or _pushed_here(store.conn, climb.id):
        return True
    account = get_setting(store, STOKT_ACCOUNT_KEY)
    if account and climb.setter_id:
        r = store.conn.execute("SELECT stokt_id FROM users WHERE id = ?", (climb.setter_id,)).fetchone()
        return bool(r and r[0] == account)
    return False


def holds_read_only_reason(store: Store, climb: Climb) -> str | None:
    """Why the holds of `climb` cannot be edited here, or None when they can."""
    if set_by_me(store, climb):
        return None
    who = f" by {climb.setter_name}" if climb.setter_name else ""
    return (f"the holds of {climb.name!r} are read-only: it was set on Stokt{who}, not by you "
            "(use \"Duplicate and edit\" to make your own version)")


def push_state(store: Store, climb: Climb) -> str:
    """"local only", "pushed", "changed since pushed" or "imported"."""
    if not climb.stokt_id:
        return LOCAL_ONLY
    if changed_since_push(store, climb.id):
        return CHANGED
    return PUSHED if set_by_me(store, climb) else IMPORTED


# -- delete and restore ----------------------------------------------------------------------------
def climb_snapshot(store: Store, climb_id: str) -> ClimbSnapshot:
    """The climb's current state, for `restore_climb` (take it before the operation to undo)."""
    climb = _climb(store, climb_id)
    row = _row(store.conn, climb.id)
    assert row is not None
    return ClimbSnapshot(climb.id, row, _push_base(store.conn, climb.id))


def trashed_snapshot(store: Store, climb_id: str) -> ClimbSnapshot:
    r = store.conn.execute("SELECT snapshot FROM climb_trash WHERE climb_id = ?", (climb_id,)).fetchone()
    if r is None:
        raise NotFoundEditError(f"no deleted climb {climb_id!r}")
    data = json.loads(r[0])
    return ClimbSnapshot(climb_id, data["row"], data.get("push_base"))


def delete_climb(store: Store, climb_id: str) -> Changes:
    """Delete a climb, keeping the list items that point at it (see the module docstring)."""
    snap = climb_snapshot(store, climb_id)
    row = snap.row
    items = store.conn.execute(
        "SELECT li.id, coalesce(l.name, li.list_id) FROM list_items li LEFT JOIN climb_lists l ON l.id = li.list_id "
        "WHERE li.climb_id = ? ORDER BY l.name", (snap.climb_id,)).fetchall()
    with store.transaction() as c:
        trash_climb(c, snap.climb_id, "deleted here")
    messages: tuple[str, ...] = ()
    if items:
        names = sorted({str(r[1]) for r in items})
        messages = (f"{row['name']!r} stays in {len(items)} list(s) ({', '.join(names)}), marked \"climb deleted\"",)
    return Changes(deleted_climbs=frozenset({snap.climb_id}), list_items=frozenset(r[0] for r in items),
                   messages=messages)


def trash_climb(conn: sqlite3.Connection, climb_id: str, reason: str) -> bool:
    """Delete one climb row inside the caller's transaction, keeping a snapshot in `climb_trash` and
    a tombstone (also used by the Railway sync for deletions it pulls). False if there is no such row."""
    row = _row(conn, climb_id)
    if row is None:
        return False
    now = rows.now_ts()
    payload = json.dumps({"row": row, "push_base": _push_base(conn, climb_id)}, ensure_ascii=False, default=str)
    conn.execute("INSERT INTO climb_trash (climb_id, stokt_id, face_id, name, snapshot, deleted_at) "
                 "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(climb_id) DO UPDATE SET stokt_id = excluded.stokt_id, "
                 "face_id = excluded.face_id, name = excluded.name, snapshot = excluded.snapshot, "
                 "deleted_at = excluded.deleted_at, stokt_deleted_at = NULL",
                 (climb_id, row["stokt_id"], row["face_id"], row["name"], payload, now))
    conn.execute("INSERT OR REPLACE INTO tombstones (entity_type, entity_id, deleted_at, reason) VALUES ('climb', ?, ?, ?)",
                 (climb_id, now, reason))
    conn.execute("DELETE FROM climbs WHERE id = ?", (climb_id,))
    return True


def restore_climb(store: Store, snapshot: ClimbSnapshot) -> Changes:
    """Put the climb back exactly as `snapshot` (see the module docstring)."""
    conn = store.conn
    columns = [r[1] for r in conn.execute("PRAGMA table_info(climbs)")]
    values = {k: v for k, v in snapshot.row.items() if k in columns}
    values["id"] = snapshot.climb_id
    trash = conn.execute("SELECT stokt_deleted_at FROM climb_trash WHERE climb_id = ?", (snapshot.climb_id,)).fetchone()
    if trash is not None and trash[0]:
        values["stokt_id"] = None  # deleted on Stokt meanwhile: local only again
    if values.get("stokt_id"):
        other = conn.execute("SELECT id FROM climbs WHERE stokt_id = ? AND id != ?",
                             (values["stokt_id"], snapshot.climb_id)).fetchone()
        if other is not None:
            raise EditError(f"cannot restore {values.get('name')!r}: its Stokt climb is now climb {other[0]}")
    cols = list(values)
    with store.transaction() as c:
        c.execute(f"INSERT INTO climbs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
                  f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{k} = excluded.{k}' for k in cols if k != 'id')}",
                  [values[k] for k in cols])
        c.execute("DELETE FROM climb_holds WHERE climb_id = ?", (snapshot.climb_id,))
        rows.insert_climb_holds(c, rows.climb_hold_rows(
            snapshot.climb_id, values.get("holds_list") or "", values.get("grade_ircra")))
        if snapshot.push_base is not None and values.get("stokt_id"):
            c.execute("INSERT INTO stokt_push_base (climb_id, base, recorded_at) VALUES (?, ?, ?) "
                      "ON CONFLICT(climb_id) DO UPDATE SET base = excluded.base",
                      (snapshot.climb_id, json.dumps(dict(snapshot.push_base), ensure_ascii=False), rows.now_ts()))
        else:
            clear_push_base(c, snapshot.climb_id)
        c.execute("DELETE FROM climb_trash WHERE climb_id = ?", (snapshot.climb_id,))
        c.execute("DELETE FROM tombstones WHERE entity_type = 'climb' AND entity_id = ?", (snapshot.climb_id,))
    items = frozenset(r[0] for r in conn.execute("SELECT id FROM list_items WHERE climb_id = ?", (snapshot.climb_id,)))
    return Changes(climbs=frozenset({snapshot.climb_id}), list_items=items)


def deleted_climb_items(store: Store, list_id: str | None = None) -> list[FlaggedItem]:
    """List items whose climb was deleted ("climb deleted"), with the deleted climb's name."""
    sql = ("SELECT li.id, li.list_id, coalesce(l.name, ''), li.climb_id, coalesce(t.name, li.climb_id) "
           "FROM list_items li LEFT JOIN climbs c ON c.id = li.climb_id LEFT JOIN climb_lists l ON l.id = li.list_id "
           "LEFT JOIN climb_trash t ON t.climb_id = li.climb_id WHERE c.id IS NULL")
    params: tuple[Any, ...] = ()
    if list_id is not None:
        sql += " AND li.list_id = ?"
        params = (list_id,)
    return [FlaggedItem(*r) for r in store.conn.execute(sql + " ORDER BY l.name, li.position", params)]


def trashed_stokt_ids(conn: sqlite3.Connection) -> set[str]:
    """Stokt ids of climbs deleted here and not yet deleted on Stokt (the import leaves them out)."""
    return {r[0] for r in conn.execute(
        "SELECT stokt_id FROM climb_trash WHERE stokt_id IS NOT NULL AND stokt_deleted_at IS NULL")}


# -- mirror ----------------------------------------------------------------------------------------
def mirrored(store: Store, face_id: str, holds: Holds) -> str:
    """The mirror holds list of `holds` on a symmetric face; `EditError` when it has none."""
    face = _face(store, face_id)
    if not face.has_symmetry:
        raise EditError("this face has no symmetry, so a climb on it has no mirror")
    refs, missing = mirror.mirror_refs(parse_holds(holds), mirror_pairs(store, face))
    if missing:
        raise EditError("no mirror hold for: " + ", ".join(map(str, missing)))
    return holdslist.format(refs)


__all__ = [
    "NEAR_JACCARD", "CHANGED", "IMPORTED", "LOCAL_ONLY", "PUSHED", "PUSH_FIELDS", "UNSET", "ClimbInput", "ClimbPatch",
    "ClimbSnapshot", "Duplicate", "FlaggedItem", "changed_climb_ids", "changed_since_push", "check_name",
    "clear_push_base", "climb_snapshot", "delete_climb", "deleted_climb_items", "describe", "duplicate_input",
    "edit_climb",
    "feet_rule_for", "find_duplicates", "hold_problems", "holds_read_only_reason", "mirrored", "parse_grade_input",
    "parse_holds", "push_state", "remember_stokt_account", "restore_climb", "set_by_me", "set_climb",
    "set_push_base", "trash_climb", "trashed_snapshot", "trashed_stokt_ids",
]
