"""A list as a file: export to JSON, import from JSON (another store, another device).

The file (`format: "mastoc-list"`, `version: 1`) carries the list (id, name, description, type,
public flag, Stokt id), its gym (mastoc and Stokt ids, name) and per item, in order, the climb's
name, grade, setter and both ids, its position, status and notes.

Import finds each climb by mastoc id, then Stokt id. A file of another gym (no gym of this store
matches, or a climb found belongs to another gym) is refused whole. Climbs this store does not have
are reported by name (`Changes.messages`) and the others imported. The list keeps the file's id, so
importing the same file again updates that list (statuses, notes, order) instead of duplicating it.
Everything is written in one transaction.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mastoc.domain import lists as rules
from mastoc.edits import lists as ops
from mastoc.edits.changes import Changes, EditError
from mastoc.store.db import Store

FORMAT = "mastoc-list"
VERSION = 1
MAX_FILE_BYTES = 20 * 1024 * 1024


def _gym_of_list(store: Store, list_id: str) -> dict[str, Any] | None:
    r = store.conn.execute(
        "SELECT g.id, g.stokt_id, g.display_name FROM list_items i JOIN climbs c ON c.id = i.climb_id "
        "JOIN faces f ON f.id = c.face_id JOIN gyms g ON g.id = f.gym_id WHERE i.list_id = ? LIMIT 1",
        (list_id,)).fetchone() or store.conn.execute(
        "SELECT id, stokt_id, display_name FROM gyms ORDER BY display_name LIMIT 1").fetchone()
    return {"id": r[0], "stokt_id": r[1], "name": r[2]} if r else None


def export_dict(store: Store, list_id: str) -> dict[str, Any]:
    lst = ops.get_list(store, list_id)
    return {
        "format": FORMAT, "version": VERSION,
        "list": {"id": lst.id, "name": lst.name, "description": lst.description, "list_type": lst.list_type,
                 "is_public": lst.is_public, "stokt_id": lst.stokt_id},
        "gym": _gym_of_list(store, list_id),
        "items": [{"position": it.position, "status": it.status, "notes": it.notes,
                   "climb": {"id": it.climb_id, "stokt_id": it.climb_stokt_id, "name": it.climb_name,
                             "grade": it.grade, "setter": it.setter}}
                  for it in ops.items(store, list_id)],
    }


def export_file(store: Store, list_id: str, path: str | Path) -> Path:
    """Write the list's JSON to `path` (through a temporary file: never a half-written file)."""
    path = Path(path)
    data = json.dumps(export_dict(store, list_id), ensure_ascii=False, indent=2)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        tmp.write_text(data + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EditError(f"cannot write {path}: {exc.strerror}") from exc
    return path


def read_file(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise EditError(f"{path} is too big for a list file")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EditError(f"no file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EditError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EditError(f"{path} is not a mastoc list file (not JSON: {exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("list"), dict) \
            or not isinstance(data.get("items"), list):
        raise EditError(f"{path} is not a mastoc list file (no \"format\": \"{FORMAT}\" with a list and items)")
    if not isinstance(data.get("version"), int) or data["version"] > VERSION:
        raise EditError(f"{path} was written by a newer mastoc (list file version {data.get('version')!r})")
    return data


def _find_gym(store: Store, gym: Any) -> str | None:
    if not isinstance(gym, dict):
        return None
    for key in (gym.get("id"), gym.get("stokt_id")):
        if key:
            r = store.conn.execute("SELECT id FROM gyms WHERE id = ? OR stokt_id = ?", (str(key), str(key))).fetchone()
            if r:
                return str(r[0])
    return None


def _find_climb(store: Store, climb: dict[str, Any]) -> tuple[str, str] | None:
    """(climb id, its gym id) by mastoc id then Stokt id."""
    for key in (climb.get("id"), climb.get("stokt_id")):
        if key:
            r = store.conn.execute("SELECT c.id, f.gym_id FROM climbs c JOIN faces f ON f.id = c.face_id "
                                   "WHERE c.id = ? OR c.stokt_id = ? LIMIT 1", (str(key), str(key))).fetchone()
            if r:
                return str(r[0]), str(r[1])
    return None


def import_file(store: Store, path: str | Path) -> Changes:
    """Import a list file (see the module docstring). Raises `EditError` having written nothing."""
    data = read_file(path)
    head = data["list"]
    name = _rule(rules.check_name, head.get("name") or "")
    list_type = _rule(rules.check_type, head.get("list_type") or "personal")
    description = _rule(rules.check_text, head.get("description"))
    gym = _find_gym(store, data.get("gym"))
    gym_name = (data.get("gym") or {}).get("name") if isinstance(data.get("gym"), dict) else None
    if data.get("gym") and gym is None:
        raise EditError(f"this list is of the gym {gym_name or '?'}, which is not in this store; nothing was imported")
    found: list[tuple[str, dict[str, Any]]] = []
    missing: list[str] = []
    for n, item in enumerate(data["items"], 1):
        climb = item.get("climb") if isinstance(item, dict) else None
        if not isinstance(climb, dict):
            raise EditError(f"{path}: item {n} has no climb; nothing was imported")
        _rule(rules.check_status, item.get("status") or "todo")
        _rule(rules.check_text, item.get("notes"), "note")
        hit = _find_climb(store, climb)
        if hit is None:
            missing.append(str(climb.get("name") or climb.get("stokt_id") or climb.get("id") or f"item {n}"))
            continue
        if gym is not None and hit[1] != gym:
            raise EditError(f"{climb.get('name') or hit[0]} is a climb of another gym; nothing was imported")
        if any(cid == hit[0] for cid, _ in found):
            continue
        found.append((hit[0], item))
    found.sort(key=lambda f: int(f[1].get("position") or 0))
    lid = str(head.get("id") or "") or None
    with store.transaction():
        existing = store.conn.execute("SELECT 1 FROM climb_lists WHERE id = ?", (lid,)).fetchone() if lid else None
        if existing:
            ch = ops.update_list(store, lid or "", name=name, description=description, list_type=list_type,
                                 is_public=bool(head.get("is_public")), clear_description=description is None)
        else:
            ch = ops.create_list(store, name, list_type=list_type, description=description,
                                 is_public=bool(head.get("is_public")), list_id=lid, stokt_id=head.get("stokt_id") or None,
                                 source="mastoc")
            lid = next(iter(ch.lists))
        assert lid is not None
        have = {it.climb_id for it in ops.items(store, lid)}
        new = [(cid, it) for cid, it in found if cid not in have]
        if new:
            ch |= ops.add_items(store, lid, [cid for cid, _ in new], statuses=[it.get("status") or "todo" for _, it in new],
                                notes=[it.get("notes") for _, it in new])
        for cid, it in found:
            if cid in have:
                ch |= ops.set_status(store, lid, cid, it.get("status") or "todo")
                ch |= ops.set_notes(store, lid, cid, it.get("notes"))
        by_climb = {i.climb_id: i.id for i in ops.items(store, lid)}
        order = [by_climb[cid] for cid, _ in found] + [i for c, i in by_climb.items() if c not in {f[0] for f in found}]
        ch |= ops.set_order(store, lid, order)
    messages = tuple(f"missing climb: {m} (not in this store)" for m in missing)
    return ch | Changes(lists=frozenset({lid}), messages=messages)


def _rule(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except rules.ListRuleError as exc:
        raise EditError(str(exc)) from None
