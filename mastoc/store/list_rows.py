"""Reading lists and their items for views, files and sheets (read-only; the edits are in
`mastoc.edits.lists`).

`get_list` / `all_lists` give a list with its item and done counts; `items` the items in order
(1-based positions) with what a view shows of each climb, including whether the climb was deleted
here (a deleted climb's items stay, flagged, until the user removes them).
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


def _deleted_sql(conn: sqlite3.Connection) -> str:
    """SQL (on alias `c`) telling whether a climb was deleted here (soft delete keeps list items)."""
    cols = {r[1] for r in conn.execute("PRAGMA table_info(climbs)")}
    tomb = "EXISTS (SELECT 1 FROM tombstones t WHERE t.entity_type = 'climb' AND t.entity_id = c.id)"
    return f"(c.deleted_at IS NOT NULL OR {tomb})" if "deleted_at" in cols else tomb


def items(store: Store, list_id: str) -> list[ItemInfo]:
    """The list's items in order, with what a view shows of each climb."""
    c = store.conn
    cur = c.execute(
        f"SELECT i.*, c.name AS climb_name, c.stokt_id AS climb_stokt_id, c.grade_font, c.face_id, "
        f"u.full_name AS setter, {_deleted_sql(c)} AS gone FROM list_items i JOIN climbs c ON c.id = i.climb_id "
        "LEFT JOIN users u ON u.id = c.setter_id WHERE i.list_id = ? ORDER BY i.position, i.id",
        (list_id,))
    return [ItemInfo(id=r["id"], list_id=r["list_id"], climb_id=r["climb_id"], position=n, status=r["status"],
                     notes=r["notes"], stokt_id=r["stokt_id"], climb_name=r["climb_name"],
                     climb_stokt_id=r["climb_stokt_id"], grade=r["grade_font"], setter=r["setter"],
                     face_id=r["face_id"], climb_deleted=bool(r["gone"]))
            for n, r in enumerate(cur, 1)]


