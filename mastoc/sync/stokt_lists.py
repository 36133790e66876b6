"""The account's own Stokt data brought in by the Stokt import: personal lists and sends.

- Lists (`users/lists/{me}/personal`, items `lists/{id}/items`, API.md §12, shapes partly
  inferred): each becomes a local list with its `stokt_id` (found again by it; a new one's mastoc
  id is derived from it, so every device of the account makes the same list) and its items, in Stokt's `order`, each with the item's `stokt_id`. A re-import
  renames the list to Stokt's name and adds the items it does not have yet; local statuses, notes,
  order and type are kept, items are never removed (nothing a climber kept is lost). Stokt's
  `listType` words that say circuit / project become that type, anything else `personal`.
- Sends (`gyms/{gym}/my-sent-climbs`): one logbook entry per sent climb (`stokt_key`
  `sent:<climb stokt id>`), with the last effort's date, the attempts and the flash flag when Stokt
  gives them.

Tolerant: what cannot be read (a list without id, an item without a climb, a climb this store does
not have, an endpoint that fails) is reported as a warning of the import, never fatal. mastoc lists
are not pushed to Stokt.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mastoc.backends.errors import AuthError, BackendError
from mastoc.backends.stokt.client import StoktClient
from mastoc.domain.ids import id_for_stokt
from mastoc.edits import lists as ops
from mastoc.edits import logbook
from mastoc.edits.changes import EditError
from mastoc.store.db import Store


def _list_type(value: Any) -> str:
    text = str(value or "").lower()
    if "circuit" in text:
        return "circuit"
    if "project" in text:
        return "project"
    return "personal"


def _climb_stokt_id(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    climb = item.get("climb")
    if isinstance(climb, dict) and climb.get("id"):
        return str(climb["id"])
    for key in ("climbId", "climb_id"):
        if item.get(key):
            return str(item[key])
    return str(climb) if isinstance(climb, str) else None


def _order(item: dict[str, Any], n: int) -> float:
    for key in ("order", "position"):
        try:
            return float(item[key])
        except (KeyError, TypeError, ValueError):
            continue
    return float(n)


def import_lists(store: Store, client: StoktClient, me: dict[str, Any]) -> tuple[dict[str, int], list[str]]:
    """Bring the account's personal lists in. Returns ({"new", "updated", "items"}, warnings)."""
    counts = {"new": 0, "updated": 0, "items": 0, "seen": 0}
    warnings: list[str] = []
    user = str(me.get("id") or "")
    try:
        remote_lists = client.personal_lists(user)
    except (ValueError, BackendError) as exc:
        if isinstance(exc, AuthError) and exc.status == 401:
            raise
        return counts, [f"Stokt lists could not be read ({exc}); none imported"]
    for n, rl in enumerate(remote_lists, 1):
        if not isinstance(rl, dict) or not rl.get("id"):
            warnings.append(f"Stokt list {n}: no id; skipped")
            continue
        sid, name = str(rl["id"]), str(rl.get("name") or "").strip() or f"Stokt list {n}"
        try:
            raw_items = client.list_items(sid)
        except (ValueError, BackendError) as exc:
            if isinstance(exc, AuthError) and exc.status == 401:
                raise
            warnings.append(f"Stokt list {name}: its items could not be read ({exc}); skipped")
            continue
        try:
            added = _write_list(store, sid, name, rl, raw_items, warnings, counts)
        except EditError as exc:
            warnings.append(f"Stokt list {name}: {exc}; skipped")
            continue
        counts["items"] += added
        counts["seen"] += 1
    return counts, warnings


def _write_list(store: Store, sid: str, name: str, rl: dict[str, Any], raw_items: Iterable[Any],
                warnings: list[str], counts: dict[str, int]) -> int:
    c = store.conn
    known = c.execute("SELECT id FROM climb_lists WHERE stokt_id = ?", (sid,)).fetchone()
    lid = str(known[0]) if known else id_for_stokt("list", sid)
    wanted: list[tuple[float, str, str | None]] = []
    for n, item in enumerate(raw_items):
        climb_sid = _climb_stokt_id(item)
        if climb_sid is None:
            warnings.append(f"Stokt list {name}: item {n + 1} has no climb; skipped")
            continue
        r = c.execute("SELECT id FROM climbs WHERE stokt_id = ?", (climb_sid,)).fetchone()
        if r is None:
            cname = (item.get("climb") or {}).get("name") if isinstance(item.get("climb"), dict) else None
            warnings.append(f"Stokt list {name}: climb {cname or climb_sid} is not in this store; skipped")
            continue
        wanted.append((_order(item, n), str(r[0]), str(item["id"]) if item.get("id") else None))
    wanted.sort(key=lambda w: w[0])
    if c.execute("SELECT 1 FROM tombstones WHERE entity_type = 'list' AND entity_id = ?", (lid,)).fetchone():
        warnings.append(f"Stokt list {name}: deleted on this device; not imported again")
        return 0
    with store.transaction():
        exists = c.execute("SELECT name FROM climb_lists WHERE id = ?", (lid,)).fetchone()
        if exists is None:
            ops.create_list(store, name, list_type=_list_type(rl.get("listType")), list_id=lid, stokt_id=sid,
                            source="stokt")
            counts["new"] += 1
        elif exists[0] != name:
            ops.rename_list(store, lid, name)
            counts["updated"] += 1
        have = {r[0] for r in c.execute("SELECT climb_id FROM list_items WHERE list_id = ?", (lid,))}
        seen: set[str] = set()
        new = []
        for _o, cid, item_sid in wanted:
            if cid in have or cid in seen:
                continue
            seen.add(cid)
            taken = item_sid and c.execute("SELECT 1 FROM list_items WHERE stokt_id = ?", (item_sid,)).fetchone()
            new.append((cid, None if taken else item_sid))
        if new:
            ops.add_items(store, lid, [x[0] for x in new], stokt_ids=[x[1] for x in new])
    return len(new)


def import_sends(store: Store, client: StoktClient, gym: str) -> tuple[dict[str, int], list[str]]:
    """The account's sends (`my-sent-climbs`) into the logbook. Returns ({"new", "updated"}, warnings)."""
    try:
        sent = client.my_sent_climbs(gym)
    except (ValueError, BackendError) as exc:
        if isinstance(exc, AuthError) and exc.status == 401:
            raise
        return {"new": 0, "updated": 0, "unchanged": 0}, [f"Stokt sends could not be read ({exc}); none imported"]
    entries: list[dict[str, Any]] = []
    warnings: list[str] = []
    for n, climb in enumerate(sent, 1):
        if not isinstance(climb, dict) or not climb.get("id"):
            warnings.append(f"sent climb {n}: no id; skipped")
            continue
        r = store.conn.execute("SELECT id FROM climbs WHERE stokt_id = ?", (str(climb["id"]),)).fetchone()
        if r is None:
            warnings.append(f"sent climb {climb.get('name') or climb['id']}: not in this store; skipped")
            continue
        day = climb.get("lastEffortDate") or climb.get("lastAttemptDate")
        attempts = climb.get("attemptsToSendOriginal")
        entries.append({"climb_id": str(r[0]), "stokt_key": f"sent:{climb['id']}", "name": climb.get("name"),
                        "date": str(day)[:10] if day else None,
                        "attempts": attempts if isinstance(attempts, int) and attempts >= 0 else None,
                        "flashed": bool(climb.get("lastEffortIsFlashed"))})
    added, problems = logbook.import_sent(store, entries)
    return {"new": added, "updated": 0, "unchanged": len(entries) - added}, warnings + problems


def import_personal(store: Store, client: StoktClient, gym: str) -> tuple[dict[str, dict[str, int]], list[str]]:
    """Lists and sends, for the import's report (`structure` counts, warnings)."""
    try:
        me = client.me()
    except (ValueError, BackendError) as exc:
        if isinstance(exc, AuthError) and exc.status == 401:
            raise
        return {}, [f"the Stokt account could not be read ({exc}); lists and sends not imported"]
    list_counts, w1 = import_lists(store, client, me if isinstance(me, dict) else {})
    send_counts, w2 = import_sends(store, client, gym)
    lists = {"new": list_counts["new"], "updated": list_counts["updated"],
             "unchanged": list_counts["seen"] - list_counts["new"] - list_counts["updated"]}
    return {"lists": lists, "list_items": {"new": list_counts["items"], "updated": 0, "unchanged": 0},
            "sends": send_counts}, w1 + w2
