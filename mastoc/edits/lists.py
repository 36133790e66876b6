"""Edit operations on climb lists and their items, shared by the CLI and the GUI.

Lists are found by id or by name (`find_list`), climbs by mastoc or Stokt id (`find_climb`). Every
operation validates first (`mastoc.domain.lists`), writes in one `store.transaction()`, bumps the
list's `updated_at` and returns `Changes(lists=..., list_items=...)`. Deletions leave a `tombstones`
row (entity `list` / `list_item`, the names of the Railway sync) so the sync sends them.

Positions are kept dense (0 … n-1 in list order); the user-facing position is 1-based. A climb is in
a list at most once (`UNIQUE(list_id, climb_id)`): adding it again is refused and writes nothing.

Undo: an operation's inverse is another operation of this module. `snapshot_list` / `restore_list`
undo a deletion (same ids, tombstones removed); `item_order` / `set_order` undo a move;
`snapshot_items` / `restore_items` undo a removal; the old name, description, status or notes are
read (`get_list`, `items`) before the change and written back by the same operation.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mastoc.domain import lists as rules
from mastoc.domain.ids import new_id
from mastoc.edits.changes import Changes, EditError, NotFoundEditError
from mastoc.store import list_rows, rows
from mastoc.store.db import Store
from mastoc.store.list_rows import ItemInfo, ListInfo, all_lists, items

LIST_COLUMNS = ("id", "stokt_id", "owner_id", "name", "description", "is_public", "list_type", "source",
                "created_at", "updated_at", "synced_at")
__all__ = ["ItemInfo", "ListInfo", "all_lists", "get_list", "items"]

ITEM_COLUMNS = ("id", "list_id", "climb_id", "position", "added_at", "stokt_id", "notes", "status")


@dataclass(frozen=True, slots=True)
class ListSnapshot:
    """A list row and its item rows, as stored: what `restore_list` needs to undo a deletion."""

    list_row: dict[str, Any]
    item_rows: tuple[dict[str, Any], ...]


def _rule(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except rules.ListRuleError as exc:
        raise EditError(str(exc)) from None


# -- reading ----------------------------------------------------------------------------------------

def find_list(store: Store, key: str) -> ListInfo:
    """A list by id, Stokt id or exact name (a name shared by several lists is refused)."""
    c = store.conn
    r = c.execute("SELECT id FROM climb_lists WHERE id = ? OR stokt_id = ?", (key, key)).fetchone()
    if r is None:
        found = c.execute("SELECT id FROM climb_lists WHERE name = ?", (key,)).fetchall()
        if len(found) > 1:
            raise EditError(f"{len(found)} lists are named {key!r}; give the list's id (mastoc list ls)")
        r = found[0] if found else None
    if r is None:
        raise NotFoundEditError(f"no list {key!r} (see mastoc list ls)")
    return get_list(store, r[0])


def get_list(store: Store, list_id: str) -> ListInfo:
    try:
        return list_rows.get_list(store, list_id)
    except list_rows.ListNotFoundError as exc:
        raise NotFoundEditError(str(exc)) from None


def find_climb(store: Store, key: str) -> str:
    r = store.conn.execute("SELECT id FROM climbs WHERE id = ? OR stokt_id = ? LIMIT 1", (key, key)).fetchone()
    if r is None:
        raise NotFoundEditError(f"no climb {key!r} in this store")
    return str(r[0])


def lists_of_climb(store: Store, climb_id: str) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT list_id FROM list_items WHERE climb_id = ?", (climb_id,))]


def _item(store: Store, list_id: str, climb_id: str) -> ItemInfo:
    for it in items(store, list_id):
        if it.climb_id == climb_id:
            return it
    name = store.conn.execute("SELECT name FROM climbs WHERE id = ?", (climb_id,)).fetchone()
    raise NotFoundEditError(f"{name[0] if name else climb_id!r} is not in this list")


# -- lists ------------------------------------------------------------------------------------------

def create_list(store: Store, name: str, *, list_type: str = "personal", description: str | None = None,
                is_public: bool = False, list_id: str | None = None, owner_id: str | None = None,
                stokt_id: str | None = None, source: str = "mastoc") -> Changes:
    """A new empty list; its id is the only member of `Changes.lists`."""
    name = _rule(rules.check_name, name)
    list_type = _rule(rules.check_type, list_type)
    description = _rule(rules.check_text, description)
    lid = list_id or new_id()
    now = rows.now_ts()
    with store.transaction() as c:
        if c.execute("SELECT 1 FROM climb_lists WHERE id = ?", (lid,)).fetchone():
            raise EditError(f"a list with id {lid} already exists")
        c.execute("INSERT INTO climb_lists (id, stokt_id, owner_id, name, description, is_public, list_type, source, "
                  "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (lid, stokt_id, owner_id, name, description, int(bool(is_public)), list_type, source, now, now))
        c.execute("DELETE FROM tombstones WHERE entity_type = 'list' AND entity_id = ?", (lid,))
    return Changes(lists=frozenset({lid}))


def update_list(store: Store, list_id: str, *, name: str | None = None, description: str | None = None,
                list_type: str | None = None, is_public: bool | None = None,
                clear_description: bool = False) -> Changes:
    """Rename, describe, retype or (un)publish a list; only the given fields change."""
    get_list(store, list_id)
    sets: dict[str, Any] = {}
    if name is not None:
        sets["name"] = _rule(rules.check_name, name)
    if description is not None or clear_description:
        sets["description"] = _rule(rules.check_text, description)
    if list_type is not None:
        sets["list_type"] = _rule(rules.check_type, list_type)
    if is_public is not None:
        sets["is_public"] = int(bool(is_public))
    if not sets:
        return Changes()
    with store.transaction() as c:
        _write_list(c, list_id, sets)
    return Changes(lists=frozenset({list_id}))


def rename_list(store: Store, list_id: str, name: str) -> Changes:
    return update_list(store, list_id, name=name)


def describe_list(store: Store, list_id: str, description: str | None) -> Changes:
    return update_list(store, list_id, description=description, clear_description=description is None)


def _write_list(c: sqlite3.Connection, list_id: str, sets: dict[str, Any]) -> None:
    sets = {**sets, "updated_at": rows.now_ts()}
    c.execute(f"UPDATE climb_lists SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?", (*sets.values(), list_id))


def snapshot_list(store: Store, list_id: str) -> ListSnapshot:
    c = store.conn
    r = c.execute(f"SELECT {', '.join(LIST_COLUMNS)} FROM climb_lists WHERE id = ?", (list_id,)).fetchone()
    if r is None:
        raise NotFoundEditError(f"no list {list_id!r}")
    its = c.execute(f"SELECT {', '.join(ITEM_COLUMNS)} FROM list_items WHERE list_id = ? ORDER BY position",
                    (list_id,)).fetchall()
    return ListSnapshot(dict(r), tuple(dict(i) for i in its))


def delete_list(store: Store, list_id: str) -> Changes:
    """Delete a list and its items (take `snapshot_list` first to be able to undo)."""
    get_list(store, list_id)
    now = rows.now_ts()
    with store.transaction() as c:
        item_ids = [r[0] for r in c.execute("SELECT id FROM list_items WHERE list_id = ?", (list_id,))]
        c.execute("DELETE FROM list_items WHERE list_id = ?", (list_id,))
        c.execute("DELETE FROM climb_lists WHERE id = ?", (list_id,))
        c.executemany("INSERT OR REPLACE INTO tombstones (entity_type, entity_id, deleted_at, reason) "
                      "VALUES (?, ?, ?, 'deleted here')",
                      [("list_item", i, now) for i in item_ids] + [("list", list_id, now)])
    return Changes(lists=frozenset({list_id}), list_items=frozenset(item_ids))


def restore_list(store: Store, snap: ListSnapshot) -> Changes:
    """Put a deleted list back with its ids and items (the undo of `delete_list`)."""
    lid = snap.list_row["id"]
    with store.transaction() as c:
        if c.execute("SELECT 1 FROM climb_lists WHERE id = ?", (lid,)).fetchone():
            raise EditError("this list exists already")
        _insert(c, "climb_lists", snap.list_row)
        c.execute("DELETE FROM tombstones WHERE entity_type = 'list' AND entity_id = ?", (lid,))
        restored = _restore_rows(c, snap.item_rows)
    return Changes(lists=frozenset({lid}), list_items=frozenset(restored))


def _insert(c: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    c.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))


def _restore_rows(c: sqlite3.Connection, item_rows: Iterable[dict[str, Any]]) -> list[str]:
    out = []
    for row in item_rows:
        c.execute("DELETE FROM list_items WHERE list_id = ? AND climb_id = ?", (row["list_id"], row["climb_id"]))
        _insert(c, "list_items", row)
        c.execute("DELETE FROM tombstones WHERE entity_type = 'list_item' AND entity_id = ?", (row["id"],))
        out.append(row["id"])
    return out


# -- items ------------------------------------------------------------------------------------------

def add_items(store: Store, list_id: str, climb_ids: Sequence[str], *, position: int | None = None,
              item_ids: Sequence[str] | None = None, statuses: Sequence[str] | None = None,
              notes: Sequence[str | None] | None = None, stokt_ids: Sequence[str | None] | None = None) -> Changes:
    """Append climbs to a list (or insert them at 1-based `position`). Refused, writing nothing, when
    one is already in the list or given twice."""
    lst = get_list(store, list_id)
    c = store.conn
    seen: set[str] = set()
    for cid in climb_ids:
        r = c.execute("SELECT name FROM climbs WHERE id = ?", (cid,)).fetchone()
        if r is None:
            raise NotFoundEditError(f"no climb {cid!r} in this store")
        if cid in seen or c.execute("SELECT 1 FROM list_items WHERE list_id = ? AND climb_id = ?",
                                    (list_id, cid)).fetchone():
            raise EditError(f"{r[0]} is already in the list {lst.name}; nothing was added")
        seen.add(cid)
    if not climb_ids:
        return Changes()
    for s in statuses or ():
        _rule(rules.check_status, s)
    for n in notes or ():
        _rule(rules.check_text, n, "note")
    order = [it.id for it in items(store, list_id)]
    at = len(order) if position is None else _rule(rules.check_position, position, len(order) + 1) - 1
    now = rows.now_ts()
    new_ids = list(item_ids) if item_ids else [new_id() for _ in climb_ids]
    with store.transaction() as w:
        for k, (iid, cid) in enumerate(zip(new_ids, climb_ids, strict=True)):
            w.execute("INSERT INTO list_items (id, list_id, climb_id, position, added_at, status, notes, stokt_id) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      (iid, list_id, cid, at + k, now, statuses[k] if statuses else "todo",
                       _rule(rules.check_text, notes[k], "note") if notes else None, stokt_ids[k] if stokt_ids else None))
            w.execute("DELETE FROM tombstones WHERE entity_type = 'list_item' AND entity_id = ?", (iid,))
        order[at:at] = new_ids
        moved = _renumber(w, order)
        _write_list(w, list_id, {})
    return Changes(lists=frozenset({list_id}), list_items=frozenset(new_ids) | moved)


def _renumber(c: sqlite3.Connection, order: Sequence[str]) -> frozenset[str]:
    """Give the items of `order` the positions 0 … n-1; returns those whose position changed."""
    if not order:
        return frozenset()
    current = dict(c.execute("SELECT i.id, i.position FROM list_items i WHERE i.list_id = "
                             "(SELECT list_id FROM list_items WHERE id = ?)", (order[0],)).fetchall())
    moves = [(pos, iid) for pos, iid in enumerate(order) if current.get(iid) != pos]
    c.executemany("UPDATE list_items SET position = ? WHERE id = ?", moves)
    return frozenset(iid for _pos, iid in moves)


def snapshot_items(store: Store, list_id: str, climb_ids: Sequence[str]) -> tuple[dict[str, Any], ...]:
    q = f"SELECT {', '.join(ITEM_COLUMNS)} FROM list_items WHERE list_id = ? AND climb_id = ?"
    return tuple(dict(r) for cid in climb_ids for r in store.conn.execute(q, (list_id, cid)))


def remove_items(store: Store, list_id: str, climb_ids: Sequence[str]) -> Changes:
    """Take climbs out of a list (take `snapshot_items` first to be able to undo)."""
    get_list(store, list_id)
    gone = [_item(store, list_id, cid).id for cid in climb_ids]
    now = rows.now_ts()
    with store.transaction() as c:
        c.executemany("DELETE FROM list_items WHERE id = ?", [(i,) for i in gone])
        c.executemany("INSERT OR REPLACE INTO tombstones (entity_type, entity_id, deleted_at, reason) "
                      "VALUES ('list_item', ?, ?, 'removed here')", [(i, now) for i in gone])
        moved = _renumber(c, [r[0] for r in c.execute(
            "SELECT id FROM list_items WHERE list_id = ? ORDER BY position, id", (list_id,))])
        _write_list(c, list_id, {})
    return Changes(lists=frozenset({list_id}), list_items=frozenset(gone) | moved)


def restore_items(store: Store, item_rows: Sequence[dict[str, Any]]) -> Changes:
    """Put removed items back with their ids, statuses, notes and positions (undo of `remove_items`)."""
    if not item_rows:
        return Changes()
    list_id = item_rows[0]["list_id"]
    with store.transaction() as c:
        restored = _restore_rows(c, sorted(item_rows, key=lambda r: r["position"]))
        back = set(restored)
        order = [r[0] for r in c.execute("SELECT id FROM list_items WHERE list_id = ? ORDER BY position, id",
                                         (list_id,)) if r[0] not in back]
        for row in sorted(item_rows, key=lambda r: r["position"]):
            if row["id"] in restored:
                order.insert(min(int(row["position"]), len(order)), row["id"])
        moved = _renumber(c, order)
        _write_list(c, list_id, {})
    return Changes(lists=frozenset({list_id}), list_items=frozenset(restored) | moved)


def item_order(store: Store, list_id: str) -> list[str]:
    """The list's item ids in order (what `set_order` takes back)."""
    return [it.id for it in items(store, list_id)]


def move_item(store: Store, list_id: str, climb_id: str, position: int) -> Changes:
    """Move a climb to 1-based `position` of its list (the others shift)."""
    its = items(store, list_id)
    it = _item(store, list_id, climb_id)
    _rule(rules.check_position, position, len(its))
    order = [i.id for i in its if i.id != it.id]
    order.insert(position - 1, it.id)
    return set_order(store, list_id, order)


def set_order(store: Store, list_id: str, order: Sequence[str]) -> Changes:
    """Give the list exactly this order of its item ids (a drag and drop, the undo of a move)."""
    current = item_order(store, list_id)
    if sorted(current) != sorted(order):
        raise EditError("the new order does not name exactly the list's items")
    with store.transaction() as c:
        moved = _renumber(c, order)
        if moved:
            _write_list(c, list_id, {})
    return Changes(lists=frozenset({list_id}) if moved else frozenset(), list_items=moved)


def set_status(store: Store, list_id: str, climb_id: str, status: str) -> Changes:
    status = _rule(rules.check_status, status)
    it = _item(store, list_id, climb_id)
    with store.transaction() as c:
        c.execute("UPDATE list_items SET status = ? WHERE id = ?", (status, it.id))
        _write_list(c, list_id, {})
    return Changes(lists=frozenset({list_id}), list_items=frozenset({it.id}))


def set_notes(store: Store, list_id: str, climb_id: str, notes: str | None) -> Changes:
    notes = _rule(rules.check_text, notes, "note")
    it = _item(store, list_id, climb_id)
    with store.transaction() as c:
        c.execute("UPDATE list_items SET notes = ? WHERE id = ?", (notes, it.id))
        _write_list(c, list_id, {})
    return Changes(lists=frozenset({list_id}), list_items=frozenset({it.id}))
