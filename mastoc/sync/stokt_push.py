"""Push climbs set in mastoc to Stokt, at most once each.

`plan_push` selects climbs with `stokt_id IS NULL` on faces mapped to Stokt, translates their hold
numbers to Stokt hold ids and builds the §11 body (a plain, JSON-printable plan). `apply_push`:

0. takes the store's push lock (`mastoc.store.locks`): a second push at the same time is refused
   with one line, so a climb is never posted twice by two runs, and any intent still `pending`
   once the lock is held belongs to a run that died;
1. reconciles first: any intent left `pending` by an earlier run (crash or lost answer after the
   POST) is looked up in Stokt's `my-set-climbs`; a match is recorded as the pushed climb instead of
   posting again; intents without a match are closed as failed (the climb is then pushed normally);
2. for each climb: records the intent (its own transaction), posts, and records the returned Stokt
   id, the `id_mappings` row (direction mastoc_to_stokt), the sync base and the closed intent in ONE
   transaction.

The plan also carries `updates` (climbs on Stokt changed here since their last push or import) and
`deletes` (climbs on Stokt deleted here, sent only when `delete_remote` is set); both are planned
and sent by `mastoc.sync.stokt_resync`. `categories()` counts create / update / delete.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mastoc.backends.errors import AuthError, BackendError, BadRequestError, NotFoundError
from mastoc.backends.stokt import mapping
from mastoc.backends.stokt.client import ClimbBody, StoktClient
from mastoc.domain import holdslist
from mastoc.domain.models import Role
from mastoc.store import locks, rows
from mastoc.store.db import Store, StoreLockedError
from mastoc.sync import stokt_resync as resync
from mastoc.sync.plan import IMPORT_COLUMNS, NON_EDIT_FIELDS, content_hash, edit_hash

BACKEND = "stokt"


class PushInputError(Exception):
    """A climb given on the command line cannot be pushed (unknown, or on a face not on Stokt)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind  # "not_found" | "unmapped" | "invalid"


@dataclass(slots=True)
class PushItem:
    climb_id: str
    name: str
    face_id: str
    face_stokt_id: str
    gym_stokt_id: str | None
    body: dict[str, Any]
    status: str = "to_push"  # to_push | pushed | reconciled | failed | unknown | skipped
    stokt_id: str | None = None
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.climb_id, "name": self.name, "face": self.face_stokt_id, "status": self.status,
                "stokt_id": self.stokt_id, "message": self.message, "body": self.body}


@dataclass(slots=True)
class PushPlan:
    items: list[PushItem] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)  # climbs that cannot be pushed, and why
    reconciled: list[dict[str, str]] = field(default_factory=list)
    preview: bool = True
    updates: list[resync.UpdateItem] = field(default_factory=list)
    deletes: list[resync.DeleteItem] = field(default_factory=list)
    delete_remote: bool = False  # send the deletions (otherwise they are listed as `not_sent`)

    def counts(self) -> dict[str, int]:
        out = {"to_push": 0, "pushed": 0, "reconciled": len(self.reconciled), "failed": 0, "unknown": 0,
               "skipped": len(self.skipped)}
        for status in self.statuses():
            out[status] = out.get(status, 0) + 1
        return out

    def statuses(self) -> list[str]:
        return [i.status for i in self.items] + [u.status for u in self.updates] + [d.status for d in self.deletes]

    def categories(self) -> dict[str, int]:
        return {"create": len(self.items), "update": len(self.updates), "delete": len(self.deletes)}

    def as_dict(self) -> dict[str, Any]:
        return {"backend": BACKEND, "preview": self.preview, "counts": self.counts(),
                "categories": self.categories(), "delete_remote": self.delete_remote,
                "climbs": [i.as_dict() for i in self.items], "updates": [u.as_dict() for u in self.updates],
                "deletes": [d.as_dict() for d in self.deletes], "skipped": self.skipped,
                "reconciled": self.reconciled}


def _face_info(store: Store, face_id: str) -> tuple[str | None, str | None]:
    r = store.conn.execute("SELECT f.stokt_id, g.stokt_id FROM faces f JOIN gyms g ON g.id = f.gym_id "
                           "WHERE f.id = ?", (face_id,)).fetchone()
    return (r[0], r[1]) if r else (None, None)


def _body(store: Store, climb: Any) -> dict[str, Any]:
    """The §11 body of a local climb; `PushInputError` when its holds cannot be translated."""
    refs = holdslist.parse(climb.holds_list)
    nums = {r.hold for r in refs}
    marks = ", ".join("?" * len(nums)) or "NULL"
    to_stokt = {r[0]: r[1] for r in store.conn.execute(
        f"SELECT num, stokt_id FROM holds WHERE face_id = ? AND num IN ({marks})", (climb.face_id, *nums))}
    missing = sorted(n for n in nums if to_stokt.get(n) is None)
    if missing:
        raise PushInputError(f"climb {climb.id} ({climb.name!r}): hold(s) {', '.join(map(str, missing))} "
                             "have no Stokt id", "invalid")
    problems = holdslist.validate_for_setting(refs)
    if problems:
        raise PushInputError(f"climb {climb.id} ({climb.name!r}): {'; '.join(problems)}", "invalid")
    groups = holdslist.by_role(refs)
    body = ClimbBody(
        name=climb.name,
        start=[to_stokt[h] for h in groups[Role.START]],
        others=[to_stokt[h] for h in groups[Role.OTHER]],
        top=[to_stokt[h] for h in groups[Role.TOP]],
        feet_only=[to_stokt[h] for h in groups[Role.FEET]],
        grade_system="font",
        grade_value=climb.grade_font or "?",
        is_private=climb.is_private,
        description=climb.description,
        feet_rule=climb.feet_rule,
    )
    return body.to_json()


def plan_push(store: Store, climb_ids: Sequence[str] | None = None, *, delete_remote: bool = False) -> PushPlan:
    """What to push: the given climbs (mastoc or Stokt ids, also of climbs deleted here; every one
    must be pushable, otherwise `PushInputError`), or with `climb_ids=None` every local climb not on
    Stokt yet, every climb on Stokt changed since its last push/import and every climb on Stokt
    deleted here (unpushable ones are listed in `skipped`). Deletions are sent only with
    `delete_remote`."""
    plan = PushPlan(delete_remote=delete_remote)
    if climb_ids:
        climbs = []
        for key in dict.fromkeys(climb_ids):
            climb = store.climb(key)
            if climb is None:
                gone = resync.deleted_item(store, key)
                if gone is None:
                    raise PushInputError(f"no local climb {key!r}", "not_found")
                plan.deletes.append(gone)
                continue
            climbs.append(climb)
    else:
        ids = [r[0] for r in store.conn.execute(
            "SELECT id FROM climbs WHERE stokt_id IS NULL ORDER BY created_at, id")]
        climbs = [c for c in (store.climb(i) for i in ids) if c is not None]
        climbs += resync.changed_climbs(store)
        plan.deletes.extend(resync.deleted_items(store))
    for d in plan.deletes:
        if not delete_remote:
            d.status, d.message = "not_sent", "deleted here; sent to Stokt only with --delete-remote"
    for climb in climbs:
        if climb.stokt_id:
            try:
                update = resync.plan_update(store, climb)
            except resync.ResyncInputError as exc:
                if climb_ids:
                    raise PushInputError(str(exc), "invalid") from exc
                plan.skipped.append({"id": climb.id, "name": climb.name, "reason": str(exc)})
                continue
            if update is not None:
                plan.updates.append(update)
            else:
                plan.skipped.append({"id": climb.id, "name": climb.name,
                                     "reason": f"already on Stokt ({climb.stokt_id}), unchanged since"})
            continue
        face_stokt, gym_stokt = _face_info(store, climb.face_id)
        if not face_stokt:
            message = f"climb {climb.id} ({climb.name!r}) is on face {climb.face_id}, which is not on Stokt"
            if climb_ids:
                raise PushInputError(message, "unmapped")
            plan.skipped.append({"id": climb.id, "name": climb.name, "reason": "face not on Stokt"})
            continue
        try:
            body = _body(store, climb)
        except (PushInputError, holdslist.HoldsListError) as exc:
            if climb_ids:
                raise PushInputError(str(exc), "invalid") from exc
            plan.skipped.append({"id": climb.id, "name": climb.name, "reason": str(exc)})
            continue
        plan.items.append(PushItem(climb.id, climb.name, climb.face_id, face_stokt, gym_stokt, body))
    return plan


def _canonical_remote(remote: dict[str, Any]) -> tuple[str, str, str]:
    try:
        holds = holdslist.normalize(str(remote.get("holdsList") or ""))
    except holdslist.HoldsListError:
        holds = str(remote.get("holdsList"))
    return str(remote.get("faceId")), holds, str(remote.get("name") or "")


def _canonical_body(face_stokt: str, body: dict[str, Any]) -> tuple[str, str, str]:
    h = body["holdsList"]
    refs = [holdslist.HoldRef(role, int(x)) for key, role in
            (("start", Role.START), ("feetOnly", Role.FEET), ("others", Role.OTHER), ("top", Role.TOP))
            for x in h.get(key, [])]
    return face_stokt, holdslist.format(refs), str(body.get("name") or "")


def _record_pushed(store: Store, climb_id: str, face_id: str, remote: dict[str, Any], intent_id: int | None) -> str:
    """Record the Stokt climb `remote` as the pushed version of local `climb_id` (one transaction)."""
    now = rows.now_ts()
    stokt_id = str(remote["id"])
    try:
        climb, setter = mapping.map_climb(remote, {str(remote.get("faceId")): face_id})
    except mapping.MappingError:  # an answer we cannot map: still record the id (no duplicate later)
        climb, setter = None, None
    with store.transaction() as c:
        c.execute("UPDATE climbs SET stokt_id = ?, synced_at = ? WHERE id = ?", (stokt_id, now, climb_id))
        c.execute("INSERT INTO id_mappings (entity_type, mastoc_id, backend, remote_id, sync_direction, synced_at) "
                  "VALUES ('climb', ?, ?, ?, 'mastoc_to_stokt', ?) ON CONFLICT DO NOTHING",
                  (climb_id, BACKEND, stokt_id, now))
        if climb is not None:
            row = rows.climb_to_row(climb)
            idx = {col: i for i, col in enumerate(rows.CLIMB_COLUMNS)}
            values = {col: row[idx[col]] for col in IMPORT_COLUMNS}
            values["id"] = climb_id
            if setter is not None:
                existing = c.execute("SELECT id FROM users WHERE stokt_id = ?", (setter.stokt_id,)).fetchone()
                if existing is None:
                    c.execute(f"INSERT INTO users ({', '.join(rows.USER_COLUMNS)}) VALUES "
                              f"({', '.join('?' * len(rows.USER_COLUMNS))})", rows.user_to_row(setter))
                else:
                    values["setter_id"] = existing[0]
            sets = [f for f in NON_EDIT_FIELDS if f != "face_id"]
            c.execute(f"UPDATE climbs SET {', '.join(f'{f} = ?' for f in sets)} WHERE id = ?",
                      (*(values[f] for f in sets), climb_id))
            c.execute("INSERT INTO sync_state (backend, entity_type, local_id, remote_id, base_hash, base_edit_hash, "
                      "last_seen_at) VALUES (?, 'climb', ?, ?, ?, ?, ?) ON CONFLICT(backend, entity_type, remote_id) "
                      "DO UPDATE SET local_id = excluded.local_id, base_hash = excluded.base_hash, "
                      "base_edit_hash = excluded.base_edit_hash, last_seen_at = excluded.last_seen_at",
                      (BACKEND, climb_id, stokt_id, content_hash(values), edit_hash(values), now))
        if intent_id is not None:
            c.execute("UPDATE push_intents SET status = 'done', remote_id = ?, finished_at = ? WHERE id = ?",
                      (stokt_id, now, intent_id))
    return stokt_id


def _close_intent(store: Store, intent_id: int, message: str) -> None:
    with store.transaction() as c:
        c.execute("UPDATE push_intents SET status = 'failed', finished_at = ?, message = ? WHERE id = ?",
                  (rows.now_ts(), message, intent_id))


def reconcile_pending(store: Store, client: StoktClient, plan: PushPlan) -> None:
    """Settle intents left pending by an earlier run against Stokt's `my-set-climbs`."""
    pending = store.conn.execute(
        "SELECT p.id, p.climb_id, p.face_remote_id, p.body, c.face_id, c.stokt_id, c.name, g.stokt_id "
        "FROM push_intents p JOIN climbs c ON c.id = p.climb_id JOIN faces f ON f.id = c.face_id "
        "JOIN gyms g ON g.id = f.gym_id WHERE p.backend = ? AND p.status = 'pending' ORDER BY p.id",
        (BACKEND,)).fetchall()
    if not pending:
        return
    remote_by_key: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for gym in {r[7] for r in pending if r[7]}:
        for remote in client.my_set_climbs(gym):
            if isinstance(remote, dict) and remote.get("id"):
                remote_by_key.setdefault(_canonical_remote(remote), []).append(remote)
    taken = {r[0] for r in store.conn.execute("SELECT stokt_id FROM climbs WHERE stokt_id IS NOT NULL")}
    for intent_id, climb_id, face_remote, body, face_id, stokt_id, name, _gym in pending:
        if stokt_id:  # already recorded (should not happen: same transaction) -> just close it
            _close_intent(store, intent_id, "already recorded")
            continue
        key = _canonical_body(face_remote, json.loads(body))
        match = next((r for r in remote_by_key.get(key, []) if str(r["id"]) not in taken), None)
        if match is None:
            _close_intent(store, intent_id, "not found on Stokt after an interrupted push; pushed again")
            continue
        new_id = _record_pushed(store, climb_id, face_id, match, intent_id)
        taken.add(new_id)
        plan.reconciled.append({"id": climb_id, "name": name, "stokt_id": new_id})


def apply_push(store: Store, client: StoktClient, plan: PushPlan,
               progress: Callable[[int, int, str], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> PushPlan:
    """Push the plan's climbs (reconciling interrupted pushes first). Stops at the first network or
    auth failure (raised after recording); per-climb refusals (400/404) are recorded and skipped."""
    plan.preview = False
    try:
        lock = locks.RunLock(store.directory, "stokt-push").acquire()
    except locks.LockBusyError as exc:
        who = f" (process {exc.holder})" if exc.holder else ""
        raise StoreLockedError(f"another push to Stokt is running on this store{who}; nothing pushed, "
                               "try again when it has finished") from None
    try:
        return _apply_push(store, client, plan, progress, cancelled)
    finally:
        lock.release()


def _apply_push(store: Store, client: StoktClient, plan: PushPlan, progress: Callable[[int, int, str], None] | None,
                cancelled: Callable[[], bool] | None) -> PushPlan:
    with store.transaction() as c:
        # holding the lock: a push left "running" died; its pending intents are settled below
        c.execute("UPDATE sync_runs SET status = 'interrupted', finished_at = ?, message = coalesce(message, "
                  "'the process was killed or crashed before it finished') WHERE backend = ? AND direction = 'push' "
                  "AND status = 'running'", (rows.now_ts(), BACKEND))
        run_id = c.execute("INSERT INTO sync_runs (backend, direction, started_at, status, counts) "
                           "VALUES (?, 'push', ?, 'running', '{}')", (BACKEND, rows.now_ts())).lastrowid
    status, message = "failed", None
    try:
        _push_all(store, client, plan, progress, cancelled)
        resync.apply_updates(store, client, plan.updates, progress, cancelled)
        if plan.delete_remote:
            resync.apply_deletes(store, client, plan.deletes, progress, cancelled)
        bad = ("failed", "refused")
        status = "ok" if not any(st in bad for st in plan.statuses()) else "partial"
    except BackendError as exc:
        message = str(exc)
        raise
    finally:
        with store.transaction() as c:
            c.execute("UPDATE sync_runs SET finished_at = ?, status = ?, counts = ?, message = ? WHERE id = ?",
                      (rows.now_ts(), status, json.dumps(plan.counts()), message, run_id))
    return plan


def _push_all(store: Store, client: StoktClient, plan: PushPlan,
              progress: Callable[[int, int, str], None] | None, cancelled: Callable[[], bool] | None) -> None:
    reconcile_pending(store, client, plan)
    done_ids = {r["id"] for r in plan.reconciled}
    total = len(plan.items)
    for n, item in enumerate(plan.items, 1):
        if cancelled is not None and cancelled():
            break
        if item.climb_id in done_ids or _already_pushed(store, item.climb_id, item):
            item.status = "reconciled"
            continue
        if progress:
            progress(n, total, item.name)
        with store.transaction() as c:
            cur = c.execute("INSERT INTO push_intents (backend, climb_id, face_remote_id, body, status, created_at) "
                            "VALUES (?, ?, ?, ?, 'pending', ?)",
                            (BACKEND, item.climb_id, item.face_stokt_id, json.dumps(item.body), rows.now_ts()))
            intent_id = int(cur.lastrowid or 0)
        try:
            created = client.create_climb(item.face_stokt_id, item.body)
        except (BadRequestError, NotFoundError) as exc:
            _close_intent(store, intent_id, str(exc))
            item.status, item.message = "failed", str(exc)
            continue
        except AuthError as exc:
            _close_intent(store, intent_id, str(exc))  # refused before anything was created
            item.status, item.message = "failed", str(exc)
            raise
        except BackendError as exc:  # no (usable) answer: Stokt may or may not have created it
            item.status = "unknown"
            item.message = f"{exc}; the next push checks Stokt before posting again"
            raise
        created.setdefault("faceId", item.face_stokt_id)
        item.stokt_id = _record_pushed(store, item.climb_id, item.face_id, created, intent_id)
        item.status = "pushed"


def _already_pushed(store: Store, climb_id: str, item: PushItem) -> bool:
    r = store.conn.execute("SELECT stokt_id FROM climbs WHERE id = ?", (climb_id,)).fetchone()
    if r and r[0]:
        item.stokt_id = r[0]
        return True
    return False

