"""Bidirectional sync between the local store and a mastoc server (the "Railway" backend).

plan -> preview -> apply, like the Stokt import:

- `plan_sync` reads the server's changes feed from the stored cursor (`sync_cursors`, backend
  `railway`, key `changes_cursor`; clocks are never used), maps every changed record to local
  columns (`railway_map`) and compares three versions per record: the local row, the server's and
  the base (content hashes in `sync_state` at the last sync). Result: pulls (`new`, `updated`,
  `deleted_upstream`), `conflict`s (both sides changed; never resolved silently: mine / theirs /
  both), and pushes (`create`, `update`, `delete_remote` for local deletions, `upload` for photos)
  for local rows whose hash differs from their base. Nothing is written.
- `apply_sync` writes exactly that plan: photos needed by pulled faces are downloaded (verified by
  SHA-256), the pulls and the chosen resolutions go in one transaction, then the pushes are sent in
  dependency order (gyms, walls, users, photos, faces, holds, climbs, annotations, lists, list items), each
  answer recorded as the new base right away. Creates carry the local id (the server keeps the
  client's UUIDs: the same mastoc id on every device), so a replayed push makes one record. The
  cursor is stored only when no conflict is left undecided (undecided ones come back next time).

Deleted climbs: a local deletion (`mastoc.edits.climbs.delete_climb`) is sent as `delete_remote`; a
pulled one goes through `climb_trash` like a local one. The server drops the list items of a deleted
climb; a device that has them keeps them (flagged "climb deleted") instead of applying that drop.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mastoc.backends.errors import (
    AuthError,
    BackendError,
    BadRequestError,
    CancelledError,
    NotFoundError,
    ServerTooOldError,
)
from mastoc.backends.railway.client import RailwayClient
from mastoc.domain.ids import id_for_stokt, new_id
from mastoc.edits.climbs import trash_climb
from mastoc.store import images, paths, rows
from mastoc.store.db import Store
from mastoc.sync import railway_annotations as ra
from mastoc.sync import railway_map as rm
from mastoc.sync.gc_pause import bulk_phase
from mastoc.sync.railway_pull import PullWriter, write_bases
from mastoc.sync.railway_session import BACKEND, client_for, save_tokens

__all__ = ["BACKEND", "SyncPlan", "SyncReport", "apply_sync", "client_for", "pending_changes", "plan_sync",
           "save_tokens"]

Say = Callable[[str, int, int | None], None]
_CHUNK = 1000  # items per bulk-import request (the server takes up to 5,000)...
_BATCH_BYTES = 512 * 1024  # ...and JSON bytes: half the server's default body limit (1 MiB; 413 halves it)
PULL_KINDS = ("new", "updated", "deleted_upstream")
CHANGES_PAGE = 1000  # changes per feed page (the server allows 5,000): ~1 MB, parsed in a few ms
PUSH_KINDS = ("create", "update", "delete_remote", "upload")


@dataclass(slots=True)
class Action:
    entity: str
    kind: str
    key: str  # local id (an image: its local sha256)
    remote_id: str
    title: str
    detail: str = ""
    remote: dict[str, Any] | None = None  # the server version as local columns (pulls, conflicts)
    local_hash: str | None = None  # the local row's hash when planned (None: no local row)
    fields: list[str] = field(default_factory=list)
    admin_only: bool = False  # Stokt structure: only an admin account may send it
    compare: list[tuple[str, Any, Any, Any]] = field(default_factory=list)  # conflicts: (field, base, mine, theirs)

    @property
    def direction(self) -> str:
        return "push" if self.kind in PUSH_KINDS else "pull"


@dataclass(slots=True)
class SyncPlan:
    actions: list[Action] = field(default_factory=list)
    unchanged: dict[str, int] = field(default_factory=dict)
    cursor_from: int = 0
    cursor_to: int = 0
    user_id: str | None = None
    is_admin: bool = False
    downloads: dict[str, str] = field(default_factory=dict)  # server sha256 -> face id needing it
    warnings: list[str] = field(default_factory=list)
    consensus: dict[str, dict[str, Any] | None] = field(default_factory=dict)  # hold id -> server consensus
    deferred: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # kept for a later sync

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for e, n in self.unchanged.items():
            out.setdefault(e, {})["unchanged"] = n
        for a in self.actions:
            if a.kind == "matched":
                continue
            c = out.setdefault(a.entity, {})
            c[a.kind] = c.get(a.kind, 0) + 1
        return out

    @property
    def conflicts(self) -> list[Action]:
        return [a for a in self.actions if a.kind == "conflict"]

    def preview_items(self) -> list[dict[str, Any]]:
        out = []
        for a in self.actions:
            if a.kind == "matched":
                continue
            choices: tuple[str, ...] = ()
            if a.kind == "conflict":
                both = a.entity == "climb" and a.remote is not None and a.local_hash is not None
                choices = ("mine", "theirs", "both") if both else ("mine", "theirs")
            out.append({"entity": a.entity, "category": a.kind, "key": a.key, "title": a.title, "detail": a.detail,
                        "direction": a.direction, "selectable": False, "choices": choices, "compare": list(a.compare)})
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"backend": BACKEND, "cursor": self.cursor_from, "counts": self.counts(),
                "items": self.preview_items(), "warnings": self.warnings}


@dataclass(slots=True)
class SyncReport:
    ok: bool = True
    cancelled: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    message: str = ""
    errors: list[str] = field(default_factory=list)
    conflicts_left: int = 0
    warnings: list[str] = field(default_factory=list)  # the plan's notes (said once), e.g. what waits for an admin

    def add(self, entity: str, kind: str, n: int = 1) -> None:
        c = self.counts.setdefault(entity, {})
        c[kind] = c.get(kind, 0) + n


# -- reading the local side ------------------------------------------------------------------------
def _cursor(conn: Any) -> int:
    r = conn.execute("SELECT value FROM sync_cursors WHERE backend = ? AND key = 'changes_cursor'", (BACKEND,)).fetchone()
    return int(r[0]) if r and r[0] else 0


def _state(conn: Any) -> dict[tuple[str, str], tuple[str, str | None, str | None]]:
    cur = conn.execute("SELECT entity_type, local_id, remote_id, base_hash, base_edit_hash FROM sync_state "
                       "WHERE backend = ?", (BACKEND,))
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in cur}


def _locals(conn: Any, entity: str) -> dict[str, dict[str, Any]]:
    cols = ("id", *rm.WRITTEN[entity])
    extra = {"climb": ", remote_deleted_at",
             "list_item": ", NOT EXISTS (SELECT 1 FROM climbs k WHERE k.id = list_items.climb_id)"}.get(entity, "")
    cur = conn.execute(f"SELECT {', '.join(cols)}{extra} FROM {rm.TABLES[entity]}")
    out = {}
    for r in cur:
        d = dict(zip(cols, tuple(r)[:len(cols)], strict=True))
        if entity == "climb":
            d["_deleted_upstream"] = r[len(cols)] is not None
        if entity == "list_item":
            d["_climb_gone"] = bool(r[len(cols)])
        out[d["id"]] = d
    return out


def _image_map(state: dict[tuple[str, str], tuple[str, str | None, str | None]]) -> dict[str, str]:
    """local sha256 -> server sha256 of the photos already on the server."""
    return {local: v[0] for (e, local), v in state.items() if e == "image"}


def _eligible(entity: str, row: dict[str, Any]) -> bool:
    """Whether a local row is something this device sends to the server."""
    if entity in ("gym", "wall", "user"):
        return bool(row.get("stokt_id"))  # mastoc gyms/users live on the server already (accounts, personal walls)
    if entity == "climb":
        return not row.get("_deleted_upstream")
    if entity == "climb_personal":
        return _has_personal(row)
    if entity == "list_item":
        return not row.get("_climb_gone")  # an item of a deleted climb stays on this device
    return True


def _has_personal(row: dict[str, Any]) -> bool:
    return bool(row.get("personal_notes") or row.get("personal_rating") is not None or row.get("is_project"))


def _title(entity: str, row: dict[str, Any] | None, key: str) -> str:
    row = row or {}
    if entity in ("climb", "climb_personal"):
        return str(row.get("name") or key)
    if entity == "hold_annotation":
        return f"Annotation on hold {row.get('_num') or row.get('hold_id') or key}"
    if entity == "list":
        return f"List {row.get('name') or key}"
    if entity == "list_item":
        return f"List item {key[:8]}"
    if entity == "hold":
        return f"Hold {row.get('num') or key}"
    if entity == "face":
        return f"Face {row.get('name') or row.get('stokt_id') or key}"
    if entity == "gym":
        return str(row.get("display_name") or key)
    if entity == "wall":
        return f"Wall {row.get('name') or key}"
    if entity == "user":
        return str(row.get("full_name") or key)
    return key


def _detail(entity: str, row: dict[str, Any] | None, fields: list[str], words: str) -> str:
    parts = []
    if entity == "climb" and row:
        parts.append(str(row.get("grade_font") or "?"))
    parts.append(", ".join(fields) + " changed" if fields else words)
    return " · ".join(parts)


def local_changes(conn: Any, state: dict[tuple[str, str], tuple[str, str | None, str | None]] | None = None,
                  skip: set[tuple[str, str]] | None = None,
                  locals_: dict[str, dict[str, dict[str, Any]]] | None = None) -> list[Action]:
    """Push actions for every local row whose content differs from its base (no network).
    `locals_`: the rows already read by the caller (`_locals` per entity)."""
    state = _state(conn) if state is None else state
    skip = skip or set()
    out: list[Action] = []
    nums = {r[0]: r[1] for r in conn.execute("SELECT id, num FROM holds")}
    image_map = _image_map(state)
    uploads: set[str] = set()
    for entity in rm.ORDER:
        local = locals_[entity] if locals_ is not None else _locals(conn, entity)
        for lid, row in local.items():
            st = state.get((entity, lid))
            if (entity, lid) in skip or (st is None and not _eligible(entity, row)):
                continue
            if entity == "face" and row.get("picture_sha256") and row["picture_sha256"] not in image_map:
                uploads.add(row["picture_sha256"])
            h = rm.content_hash(entity, row)
            if entity == "hold_annotation":
                row = {**row, "_num": nums.get(row["hold_id"])}
            admin_only = entity in ("gym", "wall", "user") or (entity in ("face", "hold") and bool(row.get("stokt_id")))
            if st is None:
                out.append(Action(entity, "create", lid, "", _title(entity, row, lid),
                                  _detail(entity, row, [], "new here"), local_hash=h, admin_only=admin_only))
            elif st[1] != h:
                out.append(Action(entity, "update", lid, st[0], _title(entity, row, lid),
                                  _detail(entity, row, [], "changed here"), local_hash=h, admin_only=admin_only))
        for (e, lid), (rid, _b, _be) in state.items():
            if e == entity and lid not in local and (e, lid) not in skip and e != "climb_personal":
                out.append(Action(entity, "delete_remote", lid, rid, _title(entity, None, lid), "deleted here"))
    for sha in sorted(uploads):
        out.insert(0, Action("image", "upload", sha, "", f"Photo {sha[:12]}", "to upload"))
    return out


def pending_changes(store: Store) -> int:
    """Local changes waiting to be sent to the server."""
    return len(local_changes(store.conn))


# -- planning --------------------------------------------------------------------------------------
def plan_sync(store: Store, client: RailwayClient, *, progress: Say | None = None,
              cancelled: Callable[[], bool] | None = None) -> SyncPlan:
    """What a sync would do (see the module docstring). Reads the server; writes nothing."""
    with bulk_phase():  # no collector pauses on the UI thread (P11) with 100k records in the plan
        return _plan_sync(store, client, progress, cancelled)


def _plan_sync(store: Store, client: RailwayClient, progress: Say | None,
               cancelled: Callable[[], bool] | None) -> SyncPlan:
    say = progress or (lambda _s, _d, _t: None)
    conn = store.conn
    plan = SyncPlan(cursor_from=_cursor(conn))
    me = client.me()
    plan.user_id, plan.is_admin = str(me.get("id")), me.get("role") == "admin"
    latest: dict[tuple[str, str], dict[str, Any]] = ra.load_deferred(conn, BACKEND)  # feed records win
    say("Reading the server's changes", 0, None)
    start = plan.cursor_from
    for pages, page in enumerate(_changes(client, plan.cursor_from), 1):
        if page.reset:
            latest.clear()
            start = 0
            plan.warnings.append("the server's change history was reset; everything was compared again")
        for ch in page.changes:
            key = (str(ch["entity"]), str(ch["id"]))
            latest.pop(key, None)  # keep feed order of the LAST change
            latest[key] = ch
        plan.cursor_to = page.cursor
        # determinate: how far the cursor is between where this sync started and the server's latest change
        say(f"Reading the server's changes (page {pages})", max(0, page.cursor - start), max(1, page.latest - start))
        if cancelled is not None and cancelled():
            raise CancelledError("cancelled")
    state = _state(conn)
    by_remote = {(e, v[0]): lid for (e, lid), v in state.items()}
    image_local = {v[0]: local for (e, local), v in state.items() if e == "image"}
    hold_by_num = {int(r[0]): r[1] for r in conn.execute("SELECT num, id FROM holds")}
    users = {r[0] for r in conn.execute("SELECT id FROM users")}
    for (e, rid), ch in latest.items():  # what this pull brings, for mapping later records
        if e == "hold" and ch["op"] == "upsert" and ch["data"] and ch["data"].get("uid"):
            hold_by_num[int(rid)] = ch["data"]["uid"]
        if e == "user" and ch["op"] == "upsert":
            users.add(rid)
    lk = rm.Lookup(hold_by_num, users, image_local)
    touched: set[tuple[str, str]] = set()
    tomb = {(r[0], r[1]) for r in conn.execute("SELECT entity_type, entity_id FROM tombstones")}
    locals_ = {e: _locals(conn, e) for e in rm.ORDER}
    ann_by_hold = {v["hold_id"]: k for k, v in locals_["hold_annotation"].items()}
    say("Comparing", 0, len(latest) or None)
    compared = 0
    for entity in rm.ORDER:
        unchanged = 0
        for (e, rid), ch in latest.items():
            if e != entity:
                continue
            compared += 1
            if compared % 1000 == 0:
                say("Comparing", compared, len(latest))
            remote = rm.remote_to_local(entity, ch["data"], lk) if ch["op"] == "upsert" and ch["data"] else None
            if entity == "hold_annotation" and ch["op"] == "upsert" and remote is None and ch["data"]:
                ra.defer(plan.deferred, plan.warnings, entity, rid, ch)  # its hold is not here: kept for later
                continue
            if ch["op"] == "upsert" and remote is None:
                plan.warnings.append(f"{entity} {rid}: not understood; skipped")
                continue
            if entity == "climb_personal" and remote is None:
                continue  # personal fields go with their climb
            lid = remote["id"] if remote else by_remote.get((entity, _remote_key(entity, rid, ch)), rid)
            if entity == "hold" and remote is None:
                lid = by_remote.get((entity, rid)) or hold_by_num.get(int(rid), rid)
            if entity == "hold_annotation" and remote and lid not in locals_[entity]:
                # one annotation per hold and person: one made on this device for the same hold is the same record
                lid = ann_by_hold.get(remote["hold_id"], lid)
            act = _plan_one(entity, lid, _remote_key(entity, rid, ch), remote, locals_[entity].get(lid),
                            state.get((entity, lid)), (entity, lid) in tomb)
            if act is None:
                unchanged += 1
                continue
            touched.add((entity, lid))  # decided here: not planned again as a push
            if act.kind == "matched":
                unchanged += 1
            plan.actions.append(act)
            if entity == "face" and remote and act.kind in ("new", "updated", "conflict", "matched"):
                sha = remote.get("_remote_sha")
                if sha and sha not in image_local and not store.image_path(sha):
                    plan.downloads[sha] = lid
        if unchanged:
            plan.unchanged[entity] = plan.unchanged.get(entity, 0) + unchanged
    plan.consensus = ra.plan(latest, lk.hold_by_num, plan.deferred, plan.warnings)
    plan.actions = [a for a in plan.actions if a.kind != "matched"] + [a for a in plan.actions if a.kind == "matched"]
    for sha, face in plan.downloads.items():
        plan.actions.append(Action("image", "download", sha, sha, f"Photo of face {face[:8]}", "to download"))
    _compare_conflicts(conn, plan, locals_)
    pushes = local_changes(conn, state, touched, locals_)
    plan.actions.extend(_hold_back(conn, plan, state, pushes))
    _name_annotated_holds(conn, plan.actions)
    _name_list_items(conn, plan.actions, locals_["list_item"])
    return plan


OLD_SERVER = ("{url} is an older mastoc server: it has no changes feed (GET /api/changes: HTTP 404), which this "
              "version of mastoc syncs with. Upgrade the server: deploy this version of mastoc there and move its data "
              "with `mastoc server migrate-from-old` (README, \"The server\"); then sync again")
NO_WALL = ("the server does not have the wall {faces} yet, so {what} stay on this device. An admin must send the wall "
           "first: `mastoc railway init-from-stokt` (on an empty server), or a sync by an admin account; then sync again")


# what a conflict shows, per entity: the fields a person recognises (ids of parents are left out)
_SHOWN_SKIP = {"stokt_id", "face_id", "gym_id", "hold_id", "list_id", "climb_id", "setter_id", "source"}


def _compare_conflicts(conn: Any, plan: SyncPlan, locals_: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Each conflict gets its field-by-field comparison: the base (the server's version at the last
    sync, `sync_state.base_values`; None when this device has no copy of it), mine and theirs."""
    conflicts = [a for a in plan.actions if a.kind == "conflict"]
    if not conflicts:
        return
    bases = {(r[0], r[1]): r[2] for r in conn.execute(
        "SELECT entity_type, local_id, base_values FROM sync_state WHERE backend = ? AND base_values IS NOT NULL",
        (BACKEND,))}
    for a in conflicts:
        base = json.loads(bases[(a.entity, a.key)]) if (a.entity, a.key) in bases else None
        mine = locals_.get(a.entity, {}).get(a.key)
        a.compare = compare_versions(a.entity, base, mine, a.remote)


def compare_versions(entity: str, base: dict[str, Any] | None, mine: dict[str, Any] | None,
                     theirs: dict[str, Any] | None) -> list[tuple[str, Any, Any, Any]]:
    """(field, base, mine, theirs) for every shown field where the versions are not all the same; a
    version that does not exist (deleted on that side, or no base known) gives None values."""
    fields = [f for f in (*rm.HASHED[entity], *rm.HASHED_EXTRA.get(entity, ())) if f not in _SHOWN_SKIP]
    rows: list[tuple[str, Any, Any, Any]] = []
    for f in fields:
        b, m, t = (None if v is None else rm.normalize_one(f, v.get(f)) for v in (base, mine, theirs))
        if mine is not None and theirs is not None and m == t and (base is None or b == m):
            continue
        rows.append((f, b, m, t))
    return rows


def _changes(client: RailwayClient, since: int) -> Any:
    """The changes feed's pages; an older server without one gets one clear message."""
    try:
        yield from client.iter_changes(since, limit=CHANGES_PAGE)
    except NotFoundError as exc:
        if "/api/changes" not in str(exc):
            raise
        url = getattr(getattr(client, "transport", None), "base_url", None) or "the server"
        raise ServerTooOldError(OLD_SERVER.format(url=str(url).rstrip("/")), status=404) from None


def _hold_back(conn: Any, plan: SyncPlan, state: dict[tuple[str, str], tuple[str, str | None, str | None]],
               pushes: list[Action]) -> list[Action]:
    """The pushes this account can send. Stokt structure, and changes to climbs imported from Stokt, need
    an admin; climbs, holds and annotations of a face the server does not have (and will not get in this
    sync) would each be refused: they are held, and the plan says so once."""
    if plan.is_admin:
        return pushes
    from_stokt = {r[0] for r in conn.execute("SELECT id, stokt_id FROM climbs WHERE stokt_id IS NOT NULL")
                  if r[0] == id_for_stokt("climb", str(r[1]))}
    stokt_edits = [a for a in pushes if a.entity == "climb" and a.kind == "update" and a.key in from_stokt]
    if stokt_edits:
        plan.warnings.append(f"{len(stokt_edits)} climb(s) imported from Stokt changed on this device; only an admin "
                             "account may change them on the server: they stay on this device")
        edited = {a.key for a in stokt_edits}
        pushes = [a for a in pushes if not (a.entity == "climb" and a.key in edited and a.kind == "update")]
    held = [a for a in pushes if a.admin_only]
    on_server = {lid for (e, lid) in state if e == "face"}
    on_server |= {a.key for a in plan.actions if a.entity == "face" and a.remote is not None}
    on_server |= {a.key for a in pushes if a.entity == "face" and not a.admin_only}
    face_of: dict[str, dict[str, str]] = {
        "climb": {r[0]: r[1] for r in conn.execute("SELECT id, face_id FROM climbs")},
        "hold": {r[0]: r[1] for r in conn.execute("SELECT id, face_id FROM holds")},
        "hold_annotation": {r[0]: r[1] for r in conn.execute(
            "SELECT a.id, h.face_id FROM hold_annotations a JOIN holds h ON h.id = a.hold_id")},
        # a list item points at a climb: it waits with the climb (the server would refuse it: "Climb not found")
        "list_item": {r[0]: r[1] for r in conn.execute(
            "SELECT i.id, c.face_id FROM list_items i JOIN climbs c ON c.id = i.climb_id")},
    }
    waiting: dict[str, int] = {}
    missing: set[str] = set()
    keep: list[Action] = []
    for a in pushes:
        face = face_of.get(a.entity, {}).get(a.key)
        if a.kind == "create" and face is not None and face not in on_server:
            waiting[a.entity] = waiting.get(a.entity, 0) + 1
            missing.add(face)
        elif not a.admin_only:
            keep.append(a)
    if missing:
        names = [r[0] or r[1] or fid for fid in sorted(missing) for r in
                 [conn.execute("SELECT name, stokt_id FROM faces WHERE id = ?", (fid,)).fetchone() or (None, None)]]
        words = {"climb": "climb(s)", "hold": "hold(s)", "hold_annotation": "hold annotation(s)",
                 "list_item": "list item(s)"}
        what = ", ".join(f"{n} {words[e]}" for e, n in sorted(waiting.items()))
        plan.warnings.append(NO_WALL.format(faces=", ".join(repr(n) for n in names), what=what))
    rest = [a for a in held if face_of.get(a.entity, {}).get(a.key) not in missing and a.key not in missing]
    if rest and not missing:  # (sending the wall sends these too)
        plan.warnings.append(f"{len(rest)} Stokt record(s) (gyms, walls, setters, faces, holds) can only be sent by "
                             "an admin account; they stay on this device")
    return keep


def _name_list_items(conn: Any, actions: list[Action], local_items: dict[str, dict[str, Any]]) -> None:
    """List item titles name the climb and the list; a position changed on both sides is a conflict on
    the list's order, worded so (with both positions, 1-based)."""
    items = [a for a in actions if a.entity == "list_item"]
    if not items:
        return
    climbs = {r[0]: r[1] for r in conn.execute("SELECT id, name FROM climbs")}
    lists = {r[0]: r[1] for r in conn.execute("SELECT id, name FROM climb_lists")}
    for a in items:
        row = local_items.get(a.key) or a.remote or {}
        climb, lst = climbs.get(row.get("climb_id")), lists.get(row.get("list_id"))
        if not climb or not lst:
            continue
        a.title = f"{climb} in list {lst}"
        if a.kind == "conflict" and "position" in a.fields and a.key in local_items and a.remote:
            here, there = int(local_items[a.key]["position"] or 0) + 1, int(a.remote.get("position") or 0) + 1
            a.title = f"Order of list {lst}: {climb}"
            a.detail = f"reordered on both sides (position {here} here, {there} on the server)"


def _name_annotated_holds(conn: Any, actions: list[Action]) -> None:
    """Annotation titles name the hold by its public number, not by its local id."""
    notes = [a for a in actions if a.entity == "hold_annotation"]
    if not notes:
        return
    nums = {r[0]: r[1] for r in conn.execute("SELECT id, num FROM holds")}
    for a in notes:
        for hold_id in ((a.remote or {}).get("hold_id"),):
            if hold_id in nums:
                a.title = a.title.replace(str(hold_id), str(nums[hold_id]))


def _remote_key(entity: str, rid: str, ch: dict[str, Any]) -> str:
    data = ch.get("data") or {}
    if entity == "list_item" and data.get("list_id"):
        return f"{data['list_id']}:{rid}"
    if entity == "hold_annotation" and data.get("hold_id"):
        return f"{data['hold_id']}:{rid}"
    return rid


def _plan_one(entity: str, lid: str, rkey: str, remote: dict[str, Any] | None, local: dict[str, Any] | None,
              st: tuple[str, str | None, str | None] | None, tombstoned: bool) -> Action | None:
    base = st[1] if st else None
    l_hash = rm.content_hash(entity, local) if local else None
    title = _title(entity, remote or local, lid)
    if remote is None:  # deleted on the server
        if local is None:
            return None
        if base is None or l_hash == base:
            return Action(entity, "deleted_upstream", lid, rkey, title,
                          _detail(entity, local, [], "deleted on the server"), local_hash=l_hash)
        return Action(entity, "conflict", lid, rkey, title, "changed here, deleted on the server", local_hash=l_hash)
    r_hash = rm.content_hash(entity, remote)
    if local is None:
        if st is not None or tombstoned:
            if base is not None and r_hash != base:
                return Action(entity, "conflict", lid, rkey, title, "deleted here, changed on the server", remote=remote)
            return None  # our deletion is pushed
        return Action(entity, "new", lid, rkey, title, _detail(entity, remote, [], "new on the server"), remote=remote)
    fields = rm.changed_fields(entity, local, remote)
    if l_hash == r_hash:
        if base == r_hash and st and st[0] == rkey:
            return None
        return Action(entity, "matched", lid, rkey, title, remote=remote, local_hash=l_hash)
    if base is not None and r_hash == base:
        return None  # only the local side changed: a push
    if base is None and (entity in ("hold_annotation", "list", "list_item") or
                         (entity == "climb_personal" and _has_personal(local))):
        return Action(entity, "conflict", lid, rkey, title, _detail(entity, remote, fields, "made on both sides"),
                      remote=remote, local_hash=l_hash, fields=fields)
    if base is not None and l_hash == base:
        return Action(entity, "updated", lid, rkey, title, _detail(entity, remote, fields, ""), remote=remote,
                      local_hash=l_hash, fields=fields)
    if entity in ("gym", "wall", "user") or (base is None and entity in ("face", "hold")) or rm.edit_hash(entity, local) == rm.edit_hash(entity, remote) or (
            entity == "climb" and st and st[2] == rm.edit_hash(entity, local)):
        # the local side did not edit what a person edits: follow the server
        return Action(entity, "updated", lid, rkey, title, _detail(entity, remote, fields, ""), remote=remote,
                      local_hash=l_hash, fields=fields)
    return Action(entity, "conflict", lid, rkey, title, _detail(entity, remote, fields, "changed on both sides"),
                  remote=remote, local_hash=l_hash, fields=fields)


# -- applying --------------------------------------------------------------------------------------
def _set_state(c: Any, entity: str, local_id: str, remote_id: str, values: dict[str, Any] | None) -> None:
    h = rm.content_hash(entity, values) if values is not None else None
    eh = rm.edit_hash(entity, values) if values is not None and entity in rm.EDIT else None
    c.execute("DELETE FROM sync_state WHERE backend = ? AND entity_type = ? AND (local_id = ? OR remote_id = ?)",
              (BACKEND, entity, local_id, remote_id))
    base = json.dumps(rm.normalize(entity, values), ensure_ascii=False, default=str) if values is not None else None
    c.execute("INSERT INTO sync_state (backend, entity_type, local_id, remote_id, base_hash, base_edit_hash, "
              "last_seen_at, base_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              (BACKEND, entity, local_id, remote_id, h, eh, rows.now_ts(), base))
    if entity == "list":
        c.execute("UPDATE climb_lists SET synced_at = ? WHERE id = ?", (rows.now_ts(), local_id))


def _drop_state(c: Any, entity: str, local_id: str) -> None:
    c.execute("DELETE FROM sync_state WHERE backend = ? AND entity_type = ? AND local_id = ?", (BACKEND, entity, local_id))


def _write_local(c: Any, entity: str, values: dict[str, Any], *, exists: bool) -> None:
    table = rm.TABLES[entity]
    exists = exists or entity == "climb_personal"  # columns of an existing climb
    cols = [col for col in rm.WRITTEN[entity] if not (exists and col in rm.KEEP_ON_UPDATE.get(entity, ()))]
    vals = rm.normalize(entity, values)
    if exists:  # a server that does not send a date (an older one) does not erase ours
        cols = [col for col in cols if not (col in ("created_at", "added_at", "date_modified") and vals.get(col) is None)]
    if entity == "face" and not exists and not vals.get("picture_path"):
        vals["picture_path"] = ""
    if entity == "face" and vals.get("wall_id") and c.execute("SELECT 1 FROM walls WHERE id = ?",
                                                              (vals["wall_id"],)).fetchone() is None:
        vals["wall_id"] = None  # a wall this device does not have (yet)
    if exists:
        c.execute(f"UPDATE {table} SET {', '.join(f'{col} = ?' for col in cols)} WHERE id = ?",
                  (*(vals[col] for col in cols), values["id"]))
    else:
        if entity == "climb" and vals.get("stokt_id"):  # a climb this device imported under another id
            c.execute("UPDATE climbs SET stokt_id = NULL WHERE stokt_id = ? AND id != ?", (vals["stokt_id"], values["id"]))
        c.execute(f"INSERT INTO {table} (id, {', '.join(cols)}) VALUES ({', '.join('?' * (len(cols) + 1))}) "
                  f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{col} = excluded.{col}' for col in cols)}",
                  (values["id"], *(vals[col] for col in cols)))
    if entity == "climb":
        c.execute("DELETE FROM climb_trash WHERE climb_id = ?", (values["id"],))  # back from the server
        c.execute("DELETE FROM climb_holds WHERE climb_id = ?", (values["id"],))
        rows.insert_climb_holds(c, rows.climb_hold_rows(values["id"], vals["holds_list"], vals["grade_ircra"]))
        if vals.get("stokt_id"):
            c.execute("DELETE FROM id_mappings WHERE entity_type = 'climb' AND ((mastoc_id = ? AND stokt_id != ?) "
                      "OR (stokt_id = ? AND mastoc_id != ?))", (values["id"], vals["stokt_id"], vals["stokt_id"], values["id"]))
            c.execute("INSERT INTO id_mappings (entity_type, mastoc_id, stokt_id, sync_direction, synced_at) "
                      "VALUES ('climb', ?, ?, 'stokt_to_mastoc', ?) ON CONFLICT DO NOTHING",
                      (values["id"], vals["stokt_id"], rows.now_ts()))


def _delete_local(c: Any, entity: str, local_id: str, reason: str) -> None:
    if entity == "climb":  # kept in the trash: list items stay (flagged), the Stokt import leaves it out
        trash_climb(c, local_id, reason)
    c.execute(f"DELETE FROM {rm.TABLES[entity]} WHERE id = ?", (local_id,))
    c.execute("INSERT OR REPLACE INTO tombstones (entity_type, entity_id, deleted_at, reason) VALUES (?, ?, ?, ?)",
              (entity, local_id, rows.now_ts(), reason))
    _drop_state(c, entity, local_id)


def _climb_deleted(c: Any, item_id: str) -> bool:
    """Whether a local list item points at a climb deleted here (kept in `climb_trash`)."""
    r = c.execute("SELECT li.climb_id FROM list_items li LEFT JOIN climbs cl ON cl.id = li.climb_id "
                  "WHERE li.id = ? AND cl.id IS NULL", (item_id,)).fetchone()
    return r is not None


def apply_sync(store: Store, client: RailwayClient, plan: SyncPlan, *, resolutions: dict[str, str] | None = None,
               default_resolution: str | None = None, progress: Say | None = None,
               cancelled: Callable[[], bool] | None = None) -> SyncReport:
    """Write exactly `plan` (see the module docstring) and log the run in `sync_runs`."""
    say = progress or (lambda _s, _d, _t: None)
    is_cancelled = cancelled or (lambda: False)
    rep = SyncReport(warnings=list(plan.warnings))
    resolutions = resolutions or {}
    with store.transaction() as c:
        run_id = c.execute("INSERT INTO sync_runs (backend, direction, started_at, status, counts) "
                           "VALUES (?, 'sync', ?, 'running', '{}')", (BACKEND, rows.now_ts())).lastrowid
    status = "failed"
    try:
        try:
            with bulk_phase():
                _apply(store, client, plan, rep, resolutions, default_resolution, say, is_cancelled)
        except CancelledError:  # raised by the transport between requests: what was sent is recorded
            rep.cancelled = True
        status = "cancelled" if rep.cancelled else ("conflicts" if rep.conflicts_left else
                                                    ("partial" if rep.errors else "ok"))
    except BackendError as exc:
        rep.ok = False
        rep.errors.append(str(exc))
        rep.message = f"Sync stopped: {exc}. What was done is kept; sync again to finish."
        raise
    finally:
        rep.ok = status == "ok"
        if not rep.message:
            rep.message = _summary(rep)
        with store.transaction() as c:
            c.execute("UPDATE sync_runs SET finished_at = ?, status = ?, counts = ?, message = ? WHERE id = ?",
                      (rows.now_ts(), status, json.dumps(rep.counts), rep.message, run_id))
    return rep


def _summary(rep: SyncReport) -> str:
    pulled = sum(v for c in rep.counts.values() for k, v in c.items() if k in PULL_KINDS)
    pushed = sum(v for c in rep.counts.values() for k, v in c.items() if k in ("created", "updated_remote",
                                                                                "deleted_remote", "uploaded"))
    msg = f"Synced with the server: {pulled} change(s) received, {pushed} sent"
    if rep.conflicts_left:
        msg += f", {rep.conflicts_left} conflict(s) waiting for a decision"
    if rep.errors:
        msg += f", {len(rep.errors)} problem(s)"
    if rep.cancelled:
        msg += "; cancelled (sync again to finish)"
    msg += "."
    for w in rep.warnings:
        msg += f" Note: {w}."
    return msg


def _apply(store: Store, client: RailwayClient, plan: SyncPlan, rep: SyncReport, resolutions: dict[str, str],
           default_resolution: str | None, say: Say, is_cancelled: Callable[[], bool]) -> None:
    conn = store.conn
    # 1. photos the pulled faces need (verified by their SHA-256 before they are stored)
    downloads = [a for a in plan.actions if a.kind == "download"]
    for n, a in enumerate(downloads):
        say(f"Downloading photo {n + 1} of {len(downloads)}", n, len(downloads))
        data = client.download_image(a.remote_id)
        info = images.write_image(paths.images_dir(store.directory), data, expected_sha256=a.remote_id)
        with store.transaction() as c:
            images.record(c, info, f"railway:{a.remote_id}")
            _set_state(c, "image", info.sha256, a.remote_id, None)
        rep.add("image", "downloaded")
    # 2. pulls and conflict decisions, in one transaction (the rows taken are written in batches)
    pulls = [a for a in plan.actions if a.direction == "pull" and a.entity != "image" and a.kind != "download"]
    say("Writing what the server sent", 0, len(pulls) or None)
    stale = 0
    both: list[str] = []
    mine: dict[tuple[str, str], str] = {}  # (entity, local id) -> remote id
    locals_ = {e: _locals(conn, e) for e in {a.entity for a in pulls}}  # (a no-op sync reads none)
    with store.transaction() as c:
        pw = PullWriter(c, BACKEND)
        for n, a in enumerate(pulls):
            if n % 500 == 0 and n:
                say("Writing what the server sent", n, len(pulls))
            cur = locals_[a.entity].get(a.key)
            now_hash = rm.content_hash(a.entity, cur) if cur else None
            if a.kind == "conflict":
                choice = resolutions.get(a.key, default_resolution)
                if choice not in ("mine", "theirs", "both") or (choice == "both" and (a.entity != "climb" or a.remote is None
                                                                           or cur is None)):
                    rep.conflicts_left += 1
                    rep.add(a.entity, "conflict")
                    continue
                pw.flush()
                c.execute("INSERT INTO sync_conflicts (backend, entity_type, local_id, remote_id, local_version, "
                          "remote_version, resolution, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          (BACKEND, a.entity, a.key, a.remote_id, json.dumps(cur, default=str) if cur else None,
                           json.dumps(a.remote, default=str) if a.remote else None, choice, rows.now_ts()))
                rep.add(a.entity, f"resolved_{choice}")
                _adopt_id(c, a)
                if choice == "mine":
                    mine[(a.entity, a.key)] = a.remote_id
                    if a.remote is None:
                        _drop_state(c, a.entity, a.key)  # deleted there, kept here: created again
                    continue
                if choice == "both" and cur is not None:
                    copy_id = _copy_climb(c, cur)
                    both.append(copy_id)
                if a.remote is None:
                    _delete_local(c, a.entity, a.key, "deleted on the server (conflict: theirs)")
                    pw.forget(a.entity, a.key)
                    continue
                _take_remote_batched(pw, a, cur is not None, rep)
                continue
            if now_hash != a.local_hash:
                if a.remote is not None and now_hash == rm.content_hash(a.entity, a.remote):
                    continue  # already applied (the same plan run twice)
                if a.remote is None and cur is None:
                    continue
                stale += 1
                rep.errors.append(f"{a.entity} {a.title!r} changed here since the preview; left for the next sync")
                continue
            if a.kind == "deleted_upstream":
                pw.flush()
                if a.entity == "list_item" and _climb_deleted(c, a.key):
                    continue  # the server drops the items of a deleted climb; this device keeps them, flagged
                _delete_local(c, a.entity, a.key, "deleted on the server")
                pw.forget(a.entity, a.key)
                rep.add(a.entity, "deleted_upstream")
            elif a.kind in ("new", "updated", "matched"):
                if a.kind != "matched":
                    why = pw.missing_parent(a.entity, a.remote or {})
                    if why:
                        rep.errors.append(why)
                        continue
                _take_remote_batched(pw, a, cur is not None, rep, count=a.kind != "matched")
        pw.flush()
        if pulls:
            say("Writing what the server sent", len(pulls), len(pulls))
        ra.write(c, BACKEND, plan.consensus, plan.deferred)
        if not rep.conflicts_left and not stale:
            c.execute("INSERT INTO sync_cursors (backend, key, value) VALUES (?, 'changes_cursor', ?) "
                      "ON CONFLICT(backend, key) DO UPDATE SET value = excluded.value", (BACKEND, str(plan.cursor_to)))
    # 3. pushes, parents first; every answer recorded at once (a crash or cancel loses nothing)
    pushes = [a for a in plan.actions if a.direction == "push"]
    conflicted = {(a.entity, a.key) for a in plan.actions if a.kind == "conflict"}
    pushes = [a for a in pushes if (a.entity, a.key) not in conflicted]
    # mine: send the local version; both: the copies are new climbs
    state = _state(conn) if mine else {}
    for (entity, key), remote_id in sorted(mine.items()):
        kind = "update" if (entity, key) in state else "create"
        row = _local_row(conn, entity, key)
        if row is None and entity == "climb_personal":
            continue
        pushes.append(Action(entity, kind if row else "delete_remote", key, remote_id, _title(entity, row, key)))
    pushes.extend(Action("climb", "create", cid, "", "copy") for cid in both)
    _push_all(store, client, plan, pushes, rep, say, is_cancelled)
    # 4. the consensus of the holds whose annotation was just sent (or deleted) there
    annotated = {a.key for a in pushes if a.entity == "hold_annotation"}
    if annotated:
        holds = {r[0] for r in conn.execute("SELECT hold_id FROM hold_annotations WHERE id IN "
                                            "(SELECT value FROM json_each(?))", (json.dumps(sorted(annotated)),))}
        holds |= {r[0] for r in conn.execute("SELECT hold_id FROM hold_consensus")} if any(
            a.kind == "delete_remote" for a in pushes if a.entity == "hold_annotation") else set()
        try:
            ra.refresh(store, client, holds)
        except BackendError as exc:  # everything was sent; only the consensus shown here is older
            rep.errors.append(f"could not read the new consensus of the annotated holds: {exc}")


def _copy_climb(c: Any, cur: dict[str, Any]) -> str:
    """"Keep both": the local version becomes a new climb (new id, not on Stokt)."""
    cid = new_id()
    cols = [col for col in rm.WRITTEN["climb"] if col not in ("stokt_id", "source", "created_at")]
    c.execute(f"INSERT INTO climbs (id, {', '.join(cols)}, source, created_at) VALUES "
              f"({', '.join('?' * (len(cols) + 3))})",
              (cid, *(rm.normalize("climb", cur)[col] for col in cols), "mastoc", rows.now_ts()))
    c.execute("UPDATE climbs SET name = ? WHERE id = ?", (f"{cur['name']} (my version)"[:255], cid))
    rows.insert_climb_holds(c, rows.climb_hold_rows(cid, cur["holds_list"], cur.get("grade_ircra")))
    return cid


def _adopt_id(c: Any, a: Action) -> None:
    """The local record is the server's under another id (an annotation of the same hold): take its id."""
    if a.remote is not None and a.remote["id"] != a.key and a.entity == "hold_annotation":
        c.execute("UPDATE hold_annotations SET id = ? WHERE id = ?", (a.remote["id"], a.key))
        _drop_state(c, a.entity, a.key)
        a.key = a.remote["id"]


def _take_remote_batched(pw: PullWriter, a: Action, exists: bool, rep: SyncReport, count: bool = True) -> None:
    """`_take_remote` through the pull transaction's batch writer."""
    assert a.remote is not None
    if a.entity == "hold_annotation" and a.remote["id"] != a.key:
        pw.flush()
        _adopt_id(pw.c, a)
    pw.take(a.entity, a.key, a.remote_id, a.remote, exists=exists)
    if count:
        rep.add(a.entity, a.kind if a.kind != "conflict" else "updated")


# -- pushing ---------------------------------------------------------------------------------------
def _call(client: RailwayClient, method: str, path: str, **kwargs: Any) -> Any:
    return client._json(method, path, idempotent=True, **kwargs)  # noqa: SLF001 - the client's own request path


def _push_all(store: Store, client: RailwayClient, plan: SyncPlan, pushes: list[Action], rep: SyncReport,
              say: Say, is_cancelled: Callable[[], bool]) -> None:
    order = {e: i for i, e in enumerate(("image", *rm.ORDER))}
    creates = sorted([a for a in pushes if a.kind != "delete_remote"], key=lambda a: order[a.entity])
    deletes = sorted([a for a in pushes if a.kind == "delete_remote"], key=lambda a: -order[a.entity])
    total = len(creates) + len(deletes)
    done = 0
    batchable = {"user", "hold", "climb"}
    i = 0
    todo = creates + deletes
    while i < len(todo):
        if is_cancelled():
            rep.cancelled = True
            return
        a = todo[i]
        say(f"Sending {a.entity.replace('_', ' ')}s to the server ({done} of {total})", done, total)
        if a.entity in batchable and a.kind != "delete_remote" and plan.is_admin:
            group = [a]
            while i + len(group) < len(todo) and len(group) < _CHUNK and todo[i + len(group)].entity == a.entity \
                    and todo[i + len(group)].kind != "delete_remote":
                group.append(todo[i + len(group)])
            n = _push_batch(store, client, a.entity, group, rep)
            if n:
                i += n
                done += n
                continue
        try:
            _push_one(store, client, plan, a, rep)
        except (BadRequestError, NotFoundError) as exc:
            rep.errors.append(f"{a.entity} {a.title!r}: the server refused it ({exc})")
        except AuthError as exc:
            if exc.status == 403:
                rep.errors.append(f"{a.entity} {a.title!r}: not allowed for this account ({exc})")
            else:
                raise
        except BackendError as exc:
            if exc.status not in (409, 422):
                raise
            rep.errors.append(f"{a.entity} {a.title!r}: the server refused it ({exc})")
        i += 1
        done += 1


def _stokt_rows(conn: Any, entity: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    cols = ("id", *rm.WRITTEN[entity])
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), 500):  # one query per 500 rows, not one per row
        chunk = keys[start:start + 500]
        for r in conn.execute(f"SELECT {', '.join(cols)} FROM {rm.TABLES[entity]} "
                              f"WHERE id IN ({', '.join('?' * len(chunk))})", chunk):
            out[r[0]] = dict(zip(cols, tuple(r), strict=True))
    return out


def _local_row(conn: Any, entity: str, key: str) -> dict[str, Any] | None:
    cols = ("id", *rm.WRITTEN[entity])
    r = conn.execute(f"SELECT {', '.join(cols)} FROM {rm.TABLES[entity]} WHERE id = ?", (key,)).fetchone()
    return dict(zip(cols, tuple(r), strict=True)) if r else None


def import_bodies(conn: Any, entity: str, rows_: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items of a server bulk import (`/api/sync/import/{users,holds,climbs}/batch`) for local
    Stokt rows of `entity` (as `_stokt_rows` reads them), in order."""
    face_stokt = {r[0]: r[1] for r in conn.execute("SELECT id, stokt_id FROM faces")}
    user_stokt = ({r[0]: r[1] for r in conn.execute("SELECT id, stokt_id FROM users")}
                  if entity == "climb" else {})
    extra: dict[str, Any] = {}
    if entity == "climb":  # only the rows sent (reading every climb per batch grew with the square)
        ids = [r["id"] for r in rows_]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            extra.update({r[0]: r for r in conn.execute(
                "SELECT id, is_benchmark, total_comments, created_at, mirror_holds_list FROM climbs "
                f"WHERE id IN ({', '.join('?' * len(chunk))})", chunk)})
    body: list[dict[str, Any]] = []
    for r in rows_:
        if entity == "user":
            body.append({"stokt_id": r["stokt_id"], "full_name": r["full_name"], "avatar_path": r.get("avatar_path")})
        elif entity == "hold":
            cx, cy = rm.centroid_xy(r.get("centroid_str"))
            body.append({"stokt_id": int(r["stokt_id"]), "face_stokt_id": face_stokt.get(r["face_id"]),
                         "polygon_str": r["polygon_str"], "centroid_x": cx, "centroid_y": cy,
                         "area": rm.area_value(r.get("area")), "path_str": r.get("path_str") or None,
                         "touch_polygon_str": r.get("touch_polygon_str") or None,
                         "top_polygon_str": r.get("top_polygon_str") or None,
                         **{k: r.get(k) or None for k in ("center_tape_str", "right_tape_str", "left_tape_str")}})
        else:
            x = extra.get(r["id"])
            body.append({"stokt_id": r["stokt_id"], "face_stokt_id": face_stokt.get(r["face_id"]),
                         "setter_stokt_id": user_stokt.get(r.get("setter_id")), "name": r["name"],
                         "holds_list": r["holds_list"], "grade_font": r.get("grade_font"),
                         "grade_ircra": r.get("grade_ircra"), "feet_rule": r.get("feet_rule"),
                         "description": r.get("description"), "is_private": bool(r.get("is_private")),
                         "is_benchmark": bool(x[1]) if x else False, "climbed_by": r.get("climbed_by") or 0,
                         "total_likes": r.get("total_likes") or 0, "total_comments": (x[2] or 0) if x else 0,
                         "date_created": x[3] if x else None, "mirror_holds_list": (x[4] or None) if x else None,
                         "tags": r.get("tags") or "", "circuit": r.get("circuit") or ""})
    return body


def fitting(body: list[dict[str, Any]], budget: int | None = None) -> int:
    """How many leading items of `body` one bulk-import request carries: at least one, at most
    the byte budget of JSON (`_BATCH_BYTES`)."""
    limit = _BATCH_BYTES if budget is None else budget
    n, size = 0, 0
    for item in body:
        size += len(json.dumps(item, ensure_ascii=False).encode()) + 1
        if n and size > limit:
            break
        n += 1
    return n


IMPORT_PATHS = {"user": ("/api/sync/import/users/batch", "users"), "hold": ("/api/sync/import/holds/batch", "holds"),
                "climb": ("/api/sync/import/climbs/batch", "climbs")}


def _push_batch(store: Store, client: RailwayClient, entity: str, group: list[Action], rep: SyncReport) -> int:
    """Stokt setters, holds and climbs go through the server's bulk import (admins). Returns how
    many leading actions of `group` were sent (0 = none qualify)."""
    conn = store.conn
    rows_ = _stokt_rows(conn, entity, [a.key for a in group])
    qualifying: list[Action] = []
    for a in group:
        r = rows_.get(a.key)
        if r is None or not r.get("stokt_id"):
            break
        if entity == "climb" and a.key != id_for_stokt("climb", str(r["stokt_id"])):
            break
        if entity == "hold" and a.key != id_for_stokt("hold", int(r["stokt_id"])):
            break
        qualifying.append(a)
    if not qualifying:
        return 0
    body = import_bodies(conn, entity, [rows_[a.key] for a in qualifying])
    n = fitting(body)
    path, key = IMPORT_PATHS[entity]
    while True:
        try:
            res = _call(client, "POST", path, body={key: body[:n]})
            break
        except BackendError as exc:  # a server with a smaller body limit: halve the request
            if exc.status != 413 or n == 1:
                raise
            n //= 2
    qualifying = qualifying[:n]
    if int(res.get("errors") or 0):
        rep.errors.append(f"{res['errors']} {entity}(s) refused by the server's import")
    with store.transaction() as c:
        write_bases(c, BACKEND, entity, [(a.key, str(rows_[a.key]["num"]) if entity == "hold" else a.key,
                                          rows_[a.key]) for a in qualifying])
    rep.add(entity, "created" if qualifying[0].kind == "create" else "updated_remote", len(qualifying))
    return len(qualifying)


def _answer_to_local(store: Store, entity: str, data: dict[str, Any]) -> dict[str, Any] | None:
    conn = store.conn
    hold_by_num = ({int(r[0]): r[1] for r in conn.execute("SELECT num, id FROM holds")}
                   if entity == "hold_annotation" else {})
    users = {r[0] for r in conn.execute("SELECT id FROM users WHERE id = ?", (data.get("setter_id"),))}
    image_local = {r[0]: r[1] for r in conn.execute(
        "SELECT remote_id, local_id FROM sync_state WHERE backend = ? AND entity_type = 'image'", (BACKEND,))}
    return rm.remote_to_local(entity, data, rm.Lookup(hold_by_num, users, image_local))


def _record_answer(store: Store, entity: str, key: str, remote_id: str, answer: dict[str, Any] | None,
                   row: dict[str, Any], *, write_back: bool = False) -> None:
    """The server's answer becomes the new base; for climbs its server-set fields are written back."""
    values = row
    if answer is not None:
        mapped = _answer_to_local(store, entity, answer)
        if mapped is not None:
            values = mapped
    with store.transaction() as c:
        if write_back and values is not row:
            _write_local(c, entity, values, exists=True)
        _set_state(c, entity, key, remote_id, values)


def _annotation_body(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], **{f: row.get(f) or "" for f in ("grip_type", "condition", "difficulty", "notes")}}


def _adopt_server_photo(store: Store, client: RailwayClient, local_sha: str, remote_sha: str) -> None:
    """A personal wall's photo, re-encoded by the server on upload, is replaced here by the server's
    bytes, so every device of the wall has the very same photo (Stokt photos are left as they are)."""
    uses = store.conn.execute("SELECT count(*) FROM faces WHERE picture_sha256 = ? AND source = 'mastoc' "
                              "AND stokt_id IS NULL", (local_sha,)).fetchone()[0]
    if not uses:
        return
    data = client.download_image(remote_sha)
    info = images.write_image(paths.images_dir(store.directory), data, expected_sha256=remote_sha)
    with store.transaction() as c:
        images.record(c, info, f"railway:{remote_sha}")
        c.execute("UPDATE faces SET picture_sha256 = ? WHERE picture_sha256 = ? AND source = 'mastoc' "
                  "AND stokt_id IS NULL", (remote_sha, local_sha))
        _drop_state(c, "image", local_sha)
        _set_state(c, "image", remote_sha, remote_sha, None)


def _push_one(store: Store, client: RailwayClient, plan: SyncPlan, a: Action, rep: SyncReport) -> None:
    conn = store.conn
    if a.entity == "image":
        path = store.image_path(a.key)
        if path is None:
            rep.errors.append(f"photo {a.key[:12]} is missing here; not uploaded")
            return
        info = client.upload_image(path.read_bytes())
        server_sha = str(info["sha256"])
        with store.transaction() as c:
            _set_state(c, "image", a.key, server_sha, None)
        rep.add("image", "uploaded")
        if server_sha != a.key:
            _adopt_server_photo(store, client, a.key, server_sha)
        return
    if a.kind == "delete_remote":
        _delete_remote(client, a)
        with store.transaction() as c:
            _drop_state(c, a.entity, a.key)
            c.execute("INSERT OR IGNORE INTO tombstones (entity_type, entity_id, deleted_at, reason) VALUES "
                      "(?, ?, ?, 'deleted here; sent to the server')", (a.entity, a.key, rows.now_ts()))
        rep.add(a.entity, "deleted_remote")
        return
    row = _local_row(conn, a.entity, a.key)
    if row is None:
        return
    create = a.kind == "create"
    e = a.entity
    if e == "gym":
        _call(client, "POST", "/api/sync/import/gym", body={"stokt_id": row["stokt_id"], "display_name":
              row["display_name"], "location_string": row.get("location_string")})
        _record_answer(store, e, a.key, a.key, None, row)
    elif e == "wall":
        gym = conn.execute("SELECT stokt_id FROM gyms WHERE id = ?", (row["gym_id"],)).fetchone()
        client.import_wall(row["stokt_id"], gym[0] if gym else "", row["name"], angle=row.get("angle"),
                           is_active=bool(row.get("is_active")), feet_rules=json.loads(row.get("feet_rules") or "[]"),
                           default_feet_rule=row.get("default_feet_rule"))
        _record_answer(store, e, a.key, a.key, None, row)
    elif e == "user":
        _call(client, "POST", "/api/sync/import/user", body={"stokt_id": row["stokt_id"], "full_name": row["full_name"],
              "avatar_path": row.get("avatar_path")})
        _record_answer(store, e, a.key, a.key, None, row)
    elif e == "face":
        sha = row.get("picture_sha256")
        remote_sha = None
        if sha:
            r = conn.execute("SELECT remote_id FROM sync_state WHERE backend = ? AND entity_type = 'image' AND "
                             "local_id = ?", (BACKEND, sha)).fetchone()
            remote_sha = r[0] if r else None
        opts = json.loads(row.get("feet_rules_options") or "[]")
        if row.get("stokt_id"):
            gym = conn.execute("SELECT stokt_id FROM gyms WHERE id = (SELECT gym_id FROM faces WHERE id = ?)",
                               (a.key,)).fetchone()
            wall = conn.execute("SELECT stokt_id FROM walls WHERE id = ?", (row.get("wall_id"),)).fetchone()
            _call(client, "POST", "/api/sync/import/face", body={
                "stokt_id": row["stokt_id"], "gym_stokt_id": gym[0] if gym else None,
                "wall_stokt_id": wall[0] if wall else None,
                "picture_path": row.get("picture_path") or "", "picture_width": row.get("picture_width"),
                "picture_height": row.get("picture_height"), "feet_rules_options": opts,
                "has_symmetry": bool(row.get("has_symmetry")), "name": row.get("name"),
                "small_picture_path": row.get("small_picture_path"), "date_modified": row.get("date_modified")})
            answer = client.update_face(a.key, picture_sha256=remote_sha) if remote_sha else None
        elif create:
            answer = client.create_face(row.get("name") or "Wall", face_id=a.key, picture_sha256=remote_sha,
                                        picture_width=row.get("picture_width"), picture_height=row.get("picture_height"),
                                        feet_rules_options=opts, has_symmetry=bool(row.get("has_symmetry")))
        else:
            answer = client.update_face(a.key, name=row.get("name") or "Wall", feet_rules_options=opts,
                                        has_symmetry=bool(row.get("has_symmetry")),
                                        **({"picture_sha256": remote_sha} if remote_sha else {}))
        _record_answer(store, e, a.key, a.key, answer, row)
    elif e == "hold":
        geometry = {"centroid_x": rm.centroid_xy(row.get("centroid_str"))[0],
                    "centroid_y": rm.centroid_xy(row.get("centroid_str"))[1], "area": rm.area_value(row.get("area")),
                    **{k: row.get(k) or None for k in ("path_str", "touch_polygon_str", "top_polygon_str",
                                                       "center_tape_str", "right_tape_str", "left_tape_str")}}
        if create:
            answer = client.create_hold(row["face_id"], row["polygon_str"], uid=a.key, id=int(row["num"]), **geometry)
            if int(answer["id"]) != int(row["num"]):
                rep.errors.append(f"hold {row['num']}: the server numbered it {answer['id']}")
        else:
            answer = _call(client, "PATCH", f"/api/holds/{int(row['num'])}", body={"polygon_str": row["polygon_str"],
                           **geometry})
        _record_answer(store, e, a.key, str(answer["id"]), answer, row)
    elif e == "climb":
        fields = {f: row.get(f) for f in ("name", "holds_list", "grade_font", "grade_ircra", "feet_rule", "description")}
        fields["is_private"] = bool(row.get("is_private"))
        fields.update(tags=row.get("tags") or "", circuit=row.get("circuit") or "",
                      mirror_holds_list=row.get("mirror_holds_list") or None)
        if create and row.get("setter_id") and row["setter_id"] != plan.user_id and conn.execute(
                "SELECT 1 FROM sync_state WHERE backend = ? AND entity_type = 'user' AND local_id = ?",
                (BACKEND, row["setter_id"])).fetchone():
            fields["setter_id"] = row["setter_id"]  # a setter the server knows (a "keep both" copy keeps it)
        if create:
            answer = client.create_climb(row["face_id"], row["name"], row["holds_list"], climb_id=a.key,
                                         **{k: v for k, v in fields.items() if k not in ("name", "holds_list")})
        else:
            answer = client.update_climb(a.key, **fields)
        if row.get("stokt_id") and answer.get("stokt_id") != row["stokt_id"]:
            _call(client, "PATCH", f"/api/climbs/{a.key}/stokt-id", params={"stokt_id": row["stokt_id"]})
            answer = {**answer, "stokt_id": row["stokt_id"]}
        _record_answer(store, e, a.key, a.key, answer, row, write_back=True)
    elif e == "climb_personal":
        answer = client.update_climb(a.key, personal_notes=row.get("personal_notes") or "",
                                     personal_rating=row.get("personal_rating"), is_project=bool(row.get("is_project")))
        _record_answer(store, e, a.key, f"{a.key}:{plan.user_id}", answer, row)
    elif e == "hold_annotation":
        num = conn.execute("SELECT num FROM holds WHERE id = ?", (row["hold_id"],)).fetchone()
        if num is None:
            return
        answer = _call(client, "PUT", f"/api/holds/{int(num[0])}/annotations", body=_annotation_body(row))
        if answer.get("id") and str(answer["id"]) != a.key:
            with store.transaction() as c:  # the server kept another id (an annotation made elsewhere)
                c.execute("UPDATE hold_annotations SET id = ? WHERE id = ?", (str(answer["id"]), a.key))
            a.key = row["id"] = str(answer["id"])
        created = rm.local_ts(answer.get("created_at"))
        if created and created != row.get("created_at"):  # the server's creation date, on every device
            with store.transaction() as c:
                c.execute("UPDATE hold_annotations SET created_at = ? WHERE id = ?", (created, a.key))
            row["created_at"] = created
        _record_answer(store, e, a.key, f"{int(num[0])}:{a.key}", None, row)
    elif e == "list":
        body = {"description": row.get("description"), "is_public": bool(row.get("is_public")),
                "list_type": row.get("list_type") or "personal"}
        if create and row.get("stokt_id"):
            body["stokt_id"] = row["stokt_id"]
        if create:
            try:
                answer = client.create_list(row["name"], list_id=a.key, **body)
            except BackendError as exc:
                if exc.status != 409:
                    raise
                # another account's list has this id (a Stokt list imported by two accounts): a new id here
                a.key = row["id"] = _rekey_list(store, a.key)
                answer = client.create_list(row["name"], list_id=a.key, **body)
        else:
            answer = client.update_list(a.key, name=row["name"], **body)
        _record_answer(store, e, a.key, a.key, answer, row, write_back=True)  # the server's creation date
    elif e == "list_item":
        fields = {"status": row.get("status") or "todo", "notes": row.get("notes")}
        if create:
            extra = {"stokt_id": row["stokt_id"]} if row.get("stokt_id") else {}
            answer = client.add_list_item(row["list_id"], row["climb_id"], item_id=a.key,
                                          position=int(row["position"] or 0), **fields, **extra)
        else:
            answer = _call(client, "PATCH", f"/api/lists/{row['list_id']}/items/{a.key}",
                           body={"position": int(row["position"] or 0), **fields})
        _record_answer(store, e, a.key, f"{row['list_id']}:{a.key}", answer, row, write_back=True)
    rep.add(e, "created" if create else "updated_remote")


def _rekey_list(store: Store, old: str) -> str:
    """Give a local list (never synced) a fresh id, its items following."""
    new = new_id()
    with store.transaction() as c:
        row = dict(c.execute("SELECT * FROM climb_lists WHERE id = ?", (old,)).fetchone())
        c.execute("UPDATE climb_lists SET stokt_id = NULL WHERE id = ?", (old,))
        row["id"] = new
        c.execute(f"INSERT INTO climb_lists ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
        c.execute("UPDATE list_items SET list_id = ? WHERE list_id = ?", (new, old))
        c.execute("DELETE FROM climb_lists WHERE id = ?", (old,))
    return new


def _delete_remote(client: RailwayClient, a: Action) -> None:
    try:
        if a.entity == "climb":
            client.delete_climb(a.remote_id)
        elif a.entity == "list":
            client.delete_list(a.remote_id)
        elif a.entity == "list_item":
            list_id, _, item = a.remote_id.partition(":")
            client.remove_list_item(list_id, item)
        elif a.entity == "hold_annotation":
            num = a.remote_id.partition(":")[0]
            client.delete_annotation(int(num))
        elif a.entity == "hold":
            client.delete_hold(int(a.remote_id))
        elif a.entity == "face":
            client._request("DELETE", f"/api/faces/{a.remote_id}")  # noqa: SLF001
        # gyms, walls and users are never deleted from a device
    except NotFoundError:
        pass  # already gone: a replay

