"""Personal walls: a new wall from a photo, and drawing, moving, reshaping and removing its holds.

Personal walls exist only in mastoc (`source = 'mastoc'`, `stokt_id` NULL); a Stokt wall's holds
come from Stokt and are refused here. Every operation validates first (names, the photo through
`store.photo_intake`, outlines through `domain.hold_drawing.clean_outline`), writes in one
transaction and returns `Changes`. A drawn hold gets every geometry string Stokt's holds have
(`hold_drawing.derive`), a random public number from `ids.MASTOC_HOLD_ID_MIN` up (random, so two
devices drawing walls never pick the same numbers) and keeps its id and number when moved.

Wall resets: before a hold used by climbs is moved, reshaped or removed, `climbs_using` names those
climbs (the UI asks with the count). The operation then flags them in `climb_hold_flags` ("uses a
changed hold") and never alters them; `Changes.climbs` names the newly flagged climbs and
`Changes.messages` says which they are. Removing a hold writes tombstones (the hold, its annotations)
so the Railway sync sends the deletion; `restore_hold` (undo) puts it back with the same id.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mastoc.domain import geometry, hold_drawing
from mastoc.domain.geometry import GeometryError, Point
from mastoc.domain.ids import MASTOC_HOLD_ID_MAX, MASTOC_HOLD_ID_MIN, new_id
from mastoc.domain.models import Hold, HoldAnnotation
from mastoc.edits.changes import Changes, EditError, NotFoundEditError
from mastoc.store import images, photo_intake, rows
from mastoc.store.db import Store

DEFAULT_FEET_RULES = ("All feet", "Hand holds as feet", "No feet", "Defined feet")
DEFAULT_GYM = "Home"
MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class HoldSnapshot:
    """A hold and its annotations as they were, to put back on undo."""

    hold: Hold
    annotations: tuple[HoldAnnotation, ...] = field(default=())


# ---------------------------------------------------------------------------------------- walls


def _name(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise EditError(f"the {what} name is empty")
    if len(text) > MAX_NAME:
        raise EditError(f"the {what} name is longer than {MAX_NAME} characters")
    return text


def _feet_rules(rules: Sequence[str] | None) -> list[str]:
    out: list[str] = []
    for rule in DEFAULT_FEET_RULES if rules is None else rules:
        text = rule.strip()
        if not text:
            raise EditError("a feet rule name is empty")
        if text not in out:
            out.append(text)
    return out


def new_wall(store: Store, photo: bytes, *, name: str, gym_name: str | None = None, wall_name: str | None = None,
             feet_rules: Sequence[str] | None = None, default_feet_rule: str | None = None,
             symmetric: bool = False, photo_name: str = "the photo") -> Changes:
    """A personal wall (gym, wall, face) on `photo`; `Changes.faces` holds the new face's id.

    `feet_rules` defaults to `DEFAULT_FEET_RULES`; the gym is an existing personal gym of that name
    or a new one (default "Home"); the wall is named `wall_name` or `name`.
    """
    face_name = _name(name, "face")
    gym = _name(gym_name or DEFAULT_GYM, "gym")
    wall = _name(wall_name or face_name, "wall")
    rules = _feet_rules(feet_rules)
    default = default_feet_rule.strip() if default_feet_rule else (rules[0] if rules else None)
    if default is not None and default not in rules:
        raise EditError(f"the default feet rule {default!r} is not one of the wall's rules")
    try:
        info, prepared = photo_intake.intake_photo(store.directory, photo, photo_name)
    except images.ImageError as exc:
        raise EditError(str(exc)) from None
    now = rows.now_ts()
    face_id, wall_id = new_id(), new_id()
    with store.transaction() as c:
        images.record(c, info, f"photo:{photo_name}"[:200])
        found = c.execute("SELECT id FROM gyms WHERE source = 'mastoc' AND stokt_id IS NULL AND display_name = ? "
                          "ORDER BY created_at, id LIMIT 1", (gym,)).fetchone()
        gym_id = found[0] if found else new_id()
        if not found:
            c.execute("INSERT INTO gyms (id, display_name, source, created_at, updated_at) VALUES (?, ?, 'mastoc', ?, ?)",
                      (gym_id, gym, now, now))
        c.execute("INSERT INTO walls (id, gym_id, name, feet_rules, default_feet_rule, source, updated_at) "
                  "VALUES (?, ?, ?, ?, ?, 'mastoc', ?)",
                  (wall_id, gym_id, wall, _json(rules), default, now))
        c.execute("INSERT INTO faces (id, gym_id, wall_id, name, picture_path, picture_width, picture_height, "
                  "picture_sha256, feet_rules_options, has_symmetry, source, date_modified, created_at, updated_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'mastoc', ?, ?, ?)",
                  (face_id, gym_id, wall_id, face_name, photo_name[:200], prepared.width, prepared.height, info.sha256,
                   _json(rules), int(symmetric), now, now, now))
    note = f"new wall {face_name!r}: photo {prepared.width}x{prepared.height} px"
    if prepared.rotated:
        note += ", turned upright"
    if prepared.downscaled:
        note += f", reduced to {photo_intake.MAX_SIDE} px"
    return Changes(faces=frozenset({face_id}), messages=(note,))


def _json(values: list[str]) -> str:
    import json

    return json.dumps(values, ensure_ascii=False)


# ---------------------------------------------------------------------------------------- holds


def _face(conn: sqlite3.Connection, face_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM faces WHERE id = ?", (face_id,)).fetchone()
    if row is None:
        raise NotFoundEditError(f"no face {face_id}")
    if row["stokt_id"] is not None or row["source"] != "mastoc":
        raise EditError("the holds of a Stokt wall come from Stokt; draw holds on a personal wall")
    return row


def _hold(conn: sqlite3.Connection, hold_id: str) -> tuple[Hold, sqlite3.Row]:
    row = conn.execute("SELECT * FROM holds WHERE id = ?", (hold_id,)).fetchone()
    if row is None:
        raise NotFoundEditError(f"no hold {hold_id}")
    return rows.hold_from_row(row), _face(conn, row["face_id"])


def _outline(points: Sequence[Point], face: sqlite3.Row) -> hold_drawing.DerivedGeometry:
    try:
        clean = hold_drawing.clean_outline(points, face["picture_width"], face["picture_height"])
        return hold_drawing.derive(clean, float(face["picture_width"] or 0))
    except GeometryError as exc:
        raise EditError(f"invalid hold outline: {exc}") from None


def _new_num(conn: sqlite3.Connection) -> int:
    rng = random.SystemRandom()
    for _ in range(100):
        num = rng.randint(MASTOC_HOLD_ID_MIN, MASTOC_HOLD_ID_MAX)
        if conn.execute("SELECT 1 FROM holds WHERE num = ?", (num,)).fetchone() is None:
            return num
    raise EditError("could not find a free hold number")  # pragma: no cover


def _write_geometry(conn: sqlite3.Connection, hold_id: str, g: hold_drawing.DerivedGeometry) -> None:
    conn.execute("UPDATE holds SET polygon_str = ?, path_str = ?, centroid_str = ?, top_polygon_str = ?, "
                 "touch_polygon_str = ?, center_tape_str = ?, left_tape_str = ?, right_tape_str = ?, area = ? "
                 "WHERE id = ?",
                 (g.polygon_str, g.path_str, g.centroid_str, g.top_polygon_str, g.touch_polygon_str,
                  g.center_tape_str, g.left_tape_str, g.right_tape_str, g.area, hold_id))


def _touch_face(conn: sqlite3.Connection, face_id: str) -> None:
    now = rows.now_ts()
    conn.execute("UPDATE faces SET updated_at = ?, date_modified = ? WHERE id = ?", (now, now, face_id))


def add_hold(store: Store, face_id: str, points: Sequence[Point], *, hold_id: str | None = None,
             num: int | None = None) -> Changes:
    """Draw a hold on a personal face; `Changes.holds` holds its id. `hold_id`/`num` (undo, import)
    reuse given identifiers when they are free."""
    with store.transaction() as c:
        face = _face(c, face_id)
        g = _outline(points, face)
        hid = hold_id or new_id()
        if c.execute("SELECT 1 FROM holds WHERE id = ?", (hid,)).fetchone():
            raise EditError(f"a hold {hid} already exists")
        if num is not None and c.execute("SELECT 1 FROM holds WHERE num = ?", (num,)).fetchone():
            raise EditError(f"hold number {num} is already used")
        number = num if num is not None else _new_num(c)
        c.execute("INSERT INTO holds (id, face_id, num, polygon_str) VALUES (?, ?, ?, ?)", (hid, face_id, number, ""))
        _write_geometry(c, hid, g)
        c.execute("DELETE FROM tombstones WHERE entity_type = 'hold' AND entity_id = ?", (hid,))
        _touch_face(c, face_id)
    return Changes(holds=frozenset({hid}), faces=frozenset({face_id}))


def climbs_using(store: Store, hold_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """For each hold id: the climbs (id, name) whose holds list uses it, by name. Ask before a change."""
    out: dict[str, list[tuple[str, str]]] = {}
    for hold_id in hold_ids:
        row = store.conn.execute("SELECT num, face_id FROM holds WHERE id = ?", (hold_id,)).fetchone()
        out[hold_id] = _users(store.conn, row[0], row[1]) if row else []
    return out


def _users(conn: sqlite3.Connection, num: int, face_id: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT DISTINCT c.id, c.name FROM climb_holds ch JOIN climbs c ON c.id = ch.climb_id "
        "WHERE ch.hold_num = ? AND c.face_id = ? ORDER BY c.name COLLATE NOCASE, c.id", (num, face_id))]


def _flag(conn: sqlite3.Connection, hold: Hold, change: str) -> tuple[frozenset[str], tuple[str, ...]]:
    users = _users(conn, hold.num, hold.face_id)
    if not users:
        return frozenset(), ()
    already = {r[0] for r in conn.execute("SELECT climb_id FROM climb_hold_flags WHERE hold_num = ?", (hold.num,))}
    now = rows.now_ts()
    conn.executemany(
        "INSERT INTO climb_hold_flags (climb_id, hold_num, hold_id, change, changed_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(climb_id, hold_num) DO UPDATE SET change = excluded.change, changed_at = excluded.changed_at",
        [(cid, hold.num, hold.id, change, now) for cid, _ in users])
    names = ", ".join(name for _, name in users[:5]) + (", …" if len(users) > 5 else "")
    word = "climb uses" if len(users) == 1 else "climbs use"
    message = f"{len(users)} {word} hold {hold.num} ({change}): {names}; flagged 'uses a changed hold'"
    return frozenset(cid for cid, _ in users if cid not in already), (message,)


def reshape_hold(store: Store, hold_id: str, points: Sequence[Point], *, flag: bool = True,
                 change: str = "reshaped") -> Changes:
    """Give a hold a new outline (same id and number); climbs using it are flagged when `flag`."""
    if change not in ("moved", "reshaped"):
        raise ValueError(change)
    with store.transaction() as c:
        hold, face = _hold(c, hold_id)
        g = _outline(points, face)
        if g.polygon_str == hold.polygon_str:
            return Changes()
        _write_geometry(c, hold_id, g)
        flagged, messages = _flag(c, hold, change) if flag else (frozenset(), ())
        _touch_face(c, hold.face_id)
    return Changes(holds=frozenset({hold_id}), faces=frozenset({hold.face_id}), climbs=flagged, messages=messages)


def move_hold(store: Store, hold_id: str, dx: float, dy: float, *, flag: bool = True) -> Changes:
    """Move a hold by (dx, dy) photo pixels, keeping its id, number and shape."""
    hold = _existing(store, hold_id)
    points = [(x + dx, y + dy) for x, y in geometry.outline(hold)]
    return reshape_hold(store, hold_id, points, flag=flag, change="moved")


def _existing(store: Store, hold_id: str) -> Hold:
    row = store.conn.execute("SELECT * FROM holds WHERE id = ?", (hold_id,)).fetchone()
    if row is None:
        raise NotFoundEditError(f"no hold {hold_id}")
    return rows.hold_from_row(row)


def snapshot(store: Store, hold_id: str) -> HoldSnapshot:
    """The hold and its annotations now (what `restore_hold` puts back after `delete_hold`)."""
    hold = _existing(store, hold_id)
    anns = tuple(rows.annotation_from_row(r) for r in store.conn.execute(
        "SELECT * FROM hold_annotations WHERE hold_id = ? ORDER BY id", (hold_id,)))
    return HoldSnapshot(hold, anns)


def delete_hold(store: Store, hold_id: str, *, flag: bool = True) -> Changes:
    """Remove a hold of a personal wall (and its annotations, tombstoned); climbs using it are
    flagged, never altered."""
    with store.transaction() as c:
        hold, _face_row = _hold(c, hold_id)
        flagged, messages = _flag(c, hold, "removed") if flag else (frozenset(), ())
        now = rows.now_ts()
        anns = [r[0] for r in c.execute("SELECT id FROM hold_annotations WHERE hold_id = ?", (hold_id,))]
        c.execute("DELETE FROM holds WHERE id = ?", (hold_id,))
        c.executemany("INSERT OR REPLACE INTO tombstones (entity_type, entity_id, deleted_at, reason) "
                      "VALUES (?, ?, ?, 'deleted here')",
                      [("hold", hold_id, now)] + [("hold_annotation", a, now) for a in anns])
        _touch_face(c, hold.face_id)
    return Changes(deleted_holds=frozenset({hold_id}), faces=frozenset({hold.face_id}), climbs=flagged,
                   annotations=frozenset(anns), messages=messages)


def restore_hold(store: Store, snap: HoldSnapshot) -> Changes:
    """Put back a removed hold exactly (same id, number, geometry, annotations): undo of `delete_hold`."""
    h = snap.hold
    with store.transaction() as c:
        _face(c, h.face_id)
        if c.execute("SELECT 1 FROM holds WHERE id = ? OR (num = ?)", (h.id, h.num)).fetchone():
            raise EditError(f"hold {h.num} already exists")
        cols = rows.HOLD_COLUMNS
        c.execute(f"INSERT INTO holds ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows.hold_to_row(h))
        acols = rows.ANNOTATION_COLUMNS
        c.executemany(f"INSERT INTO hold_annotations ({', '.join(acols)}) VALUES ({', '.join('?' * len(acols))})",
                      [rows.annotation_to_row(a) for a in snap.annotations])
        c.executemany("DELETE FROM tombstones WHERE entity_type = ? AND entity_id = ?",
                      [("hold", h.id)] + [("hold_annotation", a.id) for a in snap.annotations])
        _touch_face(c, h.face_id)
    return Changes(holds=frozenset({h.id}), faces=frozenset({h.face_id}),
                   annotations=frozenset(a.id for a in snap.annotations))


def clear_hold_flags(store: Store, climb_ids: Iterable[str], hold_num: int | None = None) -> Changes:
    """Drop the "uses a changed hold" flags of these climbs (only those of `hold_num` when given)."""
    ids = sorted(set(climb_ids))
    with store.transaction() as c:
        if hold_num is None:
            c.executemany("DELETE FROM climb_hold_flags WHERE climb_id = ?", [(i,) for i in ids])
        else:
            c.executemany("DELETE FROM climb_hold_flags WHERE climb_id = ? AND hold_num = ?",
                          [(i, hold_num) for i in ids])
    return Changes(climbs=frozenset(ids))


def hold_flags(store: Store, climb_id: str) -> list[tuple[int, str]]:
    """(hold number, change) of the changed holds a climb uses."""
    return [(r[0], r[1]) for r in store.conn.execute(
        "SELECT hold_num, change FROM climb_hold_flags WHERE climb_id = ? ORDER BY hold_num", (climb_id,))]
