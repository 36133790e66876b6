"""Reading lists and their items for views, files and sheets (read-only; the edits are in
`mastoc.edits.lists`).

`get_list` / `all_lists` give a list with its item and done counts; `items` the items in order
(1-based positions) with what a view shows of each climb, including whether the climb was deleted
(`climb_deleted`: the item stays, flagged, until the user removes it; its name, grade and setter
come from the deleted climb's snapshot in `climb_trash`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from mastoc.errors import UserFacingError
from mastoc.store.db import Store


class ListNotFoundError(UserFacingError):
    exit_code = 3


@dataclass(frozen=True, slots=True)
class ListInfo:
    id: str
    name: str
    description: str | None
    list_type: str
    is_public: bool
    stokt_id: str | None
    source: str
    items: int = 0
    done: int = 0


@dataclass(frozen=True, slots=True)
class ItemInfo:
    id: str
    list_id: str
    climb_id: str
    position: int  # 1-based
    status: str
    notes: str | None
    stokt_id: str | None
    climb_name: str
    climb_stokt_id: str | None
    grade: str | None
    setter: str | None
    face_id: str
    climb_deleted: bool


def get_list(store: Store, list_id: str) -> ListInfo:
    r = store.conn.execute(
        "SELECT l.*, (SELECT count(*) FROM list_items i WHERE i.list_id = l.id) AS n, "
        "(SELECT count(*) FROM list_items i WHERE i.list_id = l.id AND i.status = 'done') AS d "
        "FROM climb_lists l WHERE l.id = ?", (list_id,)).fetchone()
    if r is None:
        raise ListNotFoundError(f"no list {list_id!r}")
    return _info(r)


def all_lists(store: Store) -> list[ListInfo]:
    cur = store.conn.execute(
        "SELECT l.*, count(i.id) AS n, coalesce(sum(i.status = 'done'), 0) AS d FROM climb_lists l "
        "LEFT JOIN list_items i ON i.list_id = l.id GROUP BY l.id ORDER BY l.name COLLATE NOCASE, l.id")
    return [_info(r) for r in cur]


def _info(r: sqlite3.Row) -> ListInfo:
    return ListInfo(id=r["id"], name=r["name"], description=r["description"], list_type=r["list_type"],
                    is_public=bool(r["is_public"]), stokt_id=r["stokt_id"], source=r["source"], items=r["n"],
                    done=r["d"])


def items(store: Store, list_id: str) -> list[ItemInfo]:
    """The list's items in order, with what a view shows of each climb."""
    c = store.conn
    cur = c.execute(
        "SELECT i.*, coalesce(c.name, t.name, '?') AS climb_name, coalesce(c.stokt_id, t.stokt_id) AS climb_stokt_id, "
        "coalesce(c.grade_font, json_extract(t.snapshot, '$.row.grade_font')) AS grade_font, "
        "coalesce(c.face_id, t.face_id, '') AS face_id, u.full_name AS setter, c.id IS NULL AS gone "
        "FROM list_items i LEFT JOIN climbs c ON c.id = i.climb_id LEFT JOIN climb_trash t ON t.climb_id = i.climb_id "
        "LEFT JOIN users u ON u.id = coalesce(c.setter_id, json_extract(t.snapshot, '$.row.setter_id')) "
        "WHERE i.list_id = ? ORDER BY i.position, i.id", (list_id,))
    return [ItemInfo(id=r["id"], list_id=r["list_id"], climb_id=r["climb_id"], position=n, status=r["status"],
                     notes=r["notes"], stokt_id=r["stokt_id"], climb_name=r["climb_name"],
                     climb_stokt_id=r["climb_stokt_id"], grade=r["grade_font"], setter=r["setter"],
                     face_id=r["face_id"], climb_deleted=bool(r["gone"]))
            for n, r in enumerate(cur, 1)]


