"""Re-sync to Stokt: send local edits of climbs already on Stokt (update) and local deletions (delete).

Part of the push plan (`mastoc.sync.stokt_push`), beside the creations:

- **update**: a climb with a Stokt id changed locally since its last push or import
  (`mastoc.edits.climbs.changed_since_push`). Sent as `PATCH api/faces/{faceId}/climbs/{climbId}`
  with only the changed keys, in the creation body's shape (API.md §11): `name`, `holdsList` (the
  whole object of Stokt hold ids), `grade` (`{"gradingSystem": "font", "value": …}`), `feetRule`,
  `description`, `isPrivate`. On success, in one transaction: the push base is dropped and the
  3-way base of the Stokt import (`sync_state`) becomes Stokt's answer, so the next import shows
  no conflict.
- **delete**: a climb with a Stokt id deleted locally (`climb_trash`, `stokt_deleted_at` NULL).
  Sent as `DELETE api/climbs/{climbId}` only when the plan says `delete_remote` (the CLI's
  `--delete-remote`, the Sync panel's check box); then `stokt_deleted_at` is set and the climb's
  Stokt sync state dropped. 404 counts as done (already gone).

Stokt's 403 (the climb is not yours) is recorded on that item as status `refused`, worded in plain
words; the climb stays marked (changed / deleted) and nothing is retried. 401 and network failures
stop the run (raised after recording).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mastoc.backends.errors import AuthError, BackendError, BadRequestError, NotFoundError
from mastoc.backends.stokt import mapping
from mastoc.backends.stokt.client import StoktClient
from mastoc.domain import holdslist
from mastoc.domain.models import Climb, Role
from mastoc.edits.climbs import changed_climb_ids, changed_since_push, clear_push_base
from mastoc.store import rows
from mastoc.store.db import Store
from mastoc.sync.plan import IMPORT_COLUMNS, content_hash, edit_hash

BACKEND = "stokt"
NOT_YOURS = "Stokt refused: this climb was set by someone else, so only they can change it on Stokt"
NOT_YOURS_DELETE = "Stokt refused: this climb was set by someone else, so only they can delete it on Stokt"


class ResyncInputError(Exception):
    """A climb that cannot be sent (holds without a Stokt id, a face not on Stokt)."""


@dataclass(slots=True)
class UpdateItem:
    climb_id: str
    name: str
    face_id: str
    face_stokt_id: str
    stokt_id: str
    fields: list[str]  # local field names that changed
    body: dict[str, Any]  # the PATCH body (changed keys only)
    status: str = "to_update"  # to_update | updated | refused | failed
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.climb_id, "name": self.name, "stokt_id": self.stokt_id, "face": self.face_stokt_id,
                "fields": self.fields, "body": self.body, "status": self.status, "message": self.message}


@dataclass(slots=True)
class DeleteItem:
    climb_id: str
    name: str
    stokt_id: str
    status: str = "to_delete"  # to_delete | not_sent (no --delete-remote) | deleted | refused | failed
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.climb_id, "name": self.name, "stokt_id": self.stokt_id, "status": self.status,
                "message": self.message}


_FIELD_WORDS = {"name": "name", "holds_list": "holds", "grade_font": "grade", "grade_ircra": "grade",
                "feet_rule": "feet rule", "description": "description", "is_private": "privacy"}


def field_words(fields: list[str]) -> str:
    """"name, holds" for the changed local fields (grade once)."""
    return ", ".join(dict.fromkeys(_FIELD_WORDS.get(f, f) for f in fields))


# -- planning --------------------------------------------------------------------------------------
def _face_stokt(store: Store, face_id: str) -> str | None:
    r = store.conn.execute("SELECT stokt_id FROM faces WHERE id = ?", (face_id,)).fetchone()
    return r[0] if r and r[0] else None


def holds_body(store: Store, face_id: str, holds_list: str) -> dict[str, list[str]]:
    """The creation body's `holdsList` object (Stokt hold ids as strings) of a local holds list."""
    refs = holdslist.parse(holds_list)
    nums = sorted({r.hold for r in refs})
    marks = ", ".join("?" * len(nums)) or "NULL"
    to_stokt = {r[0]: r[1] for r in store.conn.execute(
        f"SELECT num, stokt_id FROM holds WHERE face_id = ? AND num IN ({marks})", (face_id, *nums))}
    missing = [n for n in nums if to_stokt.get(n) is None]
    if missing:
        raise ResyncInputError(f"hold(s) {', '.join(map(str, missing))} have no Stokt id")
    groups = holdslist.by_role(refs)
    return {"start": [str(to_stokt[h]) for h in groups[Role.START]],
            "others": [str(to_stokt[h]) for h in groups[Role.OTHER]],
            "top": [str(to_stokt[h]) for h in groups[Role.TOP]],
            "feetOnly": [str(to_stokt[h]) for h in groups[Role.FEET]]}


def patch_body(store: Store, climb: Climb, fields: list[str]) -> dict[str, Any]:
    """The PATCH body for the changed local `fields` of `climb` (creation-body keys only)."""
    body: dict[str, Any] = {}
    for f in fields:
        if f == "name":
            body["name"] = climb.name
        elif f == "holds_list":
            body["holdsList"] = holds_body(store, climb.face_id, climb.holds_list)
        elif f in ("grade_font", "grade_ircra"):
            body["grade"] = {"gradingSystem": "font", "value": climb.grade_font or "?"}
        elif f == "feet_rule":
            body["feetRule"] = climb.feet_rule
        elif f == "description":
            body["description"] = climb.description or ""
        elif f == "is_private":
            body["isPrivate"] = bool(climb.is_private)
    return body


def plan_update(store: Store, climb: Climb) -> UpdateItem | None:
    """The update item of a climb on Stokt changed locally, or None when unchanged."""
    changed = changed_since_push(store, climb.id)
    if not changed or not climb.stokt_id:
        return None
    face_stokt = _face_stokt(store, climb.face_id)
    if not face_stokt:
        raise ResyncInputError(f"climb {climb.id} ({climb.name!r}) is on a face that is not on Stokt")
    fields = list(changed)
    try:
        body = patch_body(store, climb, fields)
    except (ResyncInputError, holdslist.HoldsListError) as exc:
        raise ResyncInputError(f"climb {climb.id} ({climb.name!r}): {exc}") from exc
    return UpdateItem(climb.id, climb.name, climb.face_id, face_stokt, climb.stokt_id, fields, body)


def changed_climbs(store: Store) -> list[Climb]:
    return [c for c in (store.climb(i) for i in changed_climb_ids(store)) if c is not None]


def deleted_item(store: Store, key: str) -> DeleteItem | None:
    """The delete item of a locally deleted climb (by mastoc or Stokt id) still on Stokt, or None."""
    r = store.conn.execute("SELECT climb_id, name, stokt_id FROM climb_trash WHERE (climb_id = ? OR stokt_id = ?) "
                           "AND stokt_id IS NOT NULL AND stokt_deleted_at IS NULL", (key, key)).fetchone()
    return DeleteItem(r[0], r[1], r[2]) if r else None


def deleted_items(store: Store) -> list[DeleteItem]:
    cur = store.conn.execute("SELECT climb_id, name, stokt_id FROM climb_trash WHERE stokt_id IS NOT NULL "
                             "AND stokt_deleted_at IS NULL ORDER BY deleted_at, climb_id")
    return [DeleteItem(r[0], r[1], r[2]) for r in cur]


# -- applying --------------------------------------------------------------------------------------
def _remote_values(store: Store, answer: dict[str, Any], climb_id: str, face_id: str) -> dict[str, Any] | None:
    """Stokt's answer as the import would write it (import columns), or None when it is not a climb."""
    if not answer.get("id"):
        return None
    try:
        climb, setter = mapping.map_climb(answer, {str(answer.get("faceId")): face_id})
    except mapping.MappingError:
        return None
    row = rows.climb_to_row(climb)
    idx = {col: i for i, col in enumerate(rows.CLIMB_COLUMNS)}
    values = {col: row[idx[col]] for col in IMPORT_COLUMNS}
    values["id"] = climb_id
    if setter is not None:
        existing = store.conn.execute("SELECT id FROM users WHERE stokt_id = ?", (setter.stokt_id,)).fetchone()
        if existing is not None:
            values["setter_id"] = existing[0]
    return values


def _local_values(store: Store, climb_id: str) -> dict[str, Any]:
    r = store.conn.execute(f"SELECT {', '.join(IMPORT_COLUMNS)} FROM climbs WHERE id = ?", (climb_id,)).fetchone()
    return dict(zip(IMPORT_COLUMNS, tuple(r), strict=True)) if r else {}


def _record_updated(store: Store, item: UpdateItem, answer: dict[str, Any]) -> None:
    answer.setdefault("faceId", item.face_stokt_id)
    values = _remote_values(store, answer, item.climb_id, item.face_id) or _local_values(store, item.climb_id)
    now = rows.now_ts()
    with store.transaction() as c:
        clear_push_base(c, item.climb_id)
        c.execute("UPDATE climbs SET synced_at = ? WHERE id = ?", (now, item.climb_id))
        c.execute("INSERT INTO sync_state (backend, entity_type, local_id, remote_id, base_hash, base_edit_hash, "
                  "last_seen_at) VALUES (?, 'climb', ?, ?, ?, ?, ?) ON CONFLICT(backend, entity_type, remote_id) "
                  "DO UPDATE SET local_id = excluded.local_id, base_hash = excluded.base_hash, "
                  "base_edit_hash = excluded.base_edit_hash, last_seen_at = excluded.last_seen_at",
                  (BACKEND, item.climb_id, item.stokt_id, content_hash(values), edit_hash(values), now))


def _record_deleted(store: Store, item: DeleteItem) -> None:
    now = rows.now_ts()
    with store.transaction() as c:
        c.execute("UPDATE climb_trash SET stokt_deleted_at = ? WHERE climb_id = ?", (now, item.climb_id))
        c.execute("DELETE FROM sync_state WHERE backend = ? AND entity_type = 'climb' AND remote_id = ?",
                  (BACKEND, item.stokt_id))


def apply_updates(store: Store, client: StoktClient, items: list[UpdateItem],
                  progress: Callable[[int, int, str], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> None:
    for n, item in enumerate(items, 1):
        if item.status != "to_update":
            continue
        if cancelled is not None and cancelled():
            break
        if progress:
            progress(n, len(items), item.name)
        try:
            answer = client.update_climb(item.face_stokt_id, item.stokt_id, item.body)
        except AuthError as exc:
            if exc.status == 403:
                item.status, item.message = "refused", NOT_YOURS
                continue
            item.status, item.message = "failed", str(exc)
            raise
        except (BadRequestError, NotFoundError) as exc:
            item.status, item.message = "failed", str(exc)
            continue
        except BackendError as exc:
            item.status, item.message = "failed", f"{exc}; the climb stays marked as changed"
            raise
        _record_updated(store, item, answer)
        item.status = "updated"


def apply_deletes(store: Store, client: StoktClient, items: list[DeleteItem],
                  progress: Callable[[int, int, str], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> None:
    for n, item in enumerate(items, 1):
        if item.status != "to_delete":
            continue
        if cancelled is not None and cancelled():
            break
        if progress:
            progress(n, len(items), item.name)
        try:
            client.delete_climb(item.stokt_id)
        except AuthError as exc:
            if exc.status == 403:
                item.status, item.message = "refused", NOT_YOURS_DELETE
                continue
            item.status, item.message = "failed", str(exc)
            raise
        except NotFoundError:
            item.message = "already gone on Stokt"
        except BadRequestError as exc:
            item.status, item.message = "failed", str(exc)
            continue
        except BackendError as exc:
            item.status, item.message = "failed", f"{exc}; the deletion will be sent again next time"
            raise
        _record_deleted(store, item)
        item.status = "deleted"
