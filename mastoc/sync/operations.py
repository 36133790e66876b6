"""The sync facade: one API for the CLI and the Sync panel over every sync operation.

Owns the contract of `/work/facade_spec.md`: which backend is active (persisted in the store's
`settings` table, Railway by default), each backend's connection status, logging in and out
(tokens in `mastoc.backends.credentials`, never printed), preview -> run for the three operations
(Railway sync, Stokt import, Stokt push) and the history of runs (`sync_runs`).

Every call opens its own `Store` (one connection per thread), so all of it may run in a worker
thread. `preview()` writes nothing; `run()` applies exactly the previewed plan. Expected failures
escape as the typed errors of `mastoc.backends.errors` or the store's `StoreError`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from mastoc.backends import credentials
from mastoc.backends.errors import AuthError, BackendError, CancelledError
from mastoc.store import rows
from mastoc.store.db import Store, StoreError

BACKENDS = ("railway", "stokt")
DEFAULT_BACKEND = "railway"
_ACTIVE_KEY = "active_backend"


class Op(StrEnum):
    RAILWAY_SYNC = "railway-sync"
    STOKT_IMPORT = "stokt-import"
    STOKT_PUSH = "stokt-push"


@dataclass
class BackendStatus:
    active: str
    backend: str
    url: str
    account: str | None
    logged_in: bool
    last_success: datetime | None
    pending_local_changes: int


@dataclass
class PreviewItem:
    entity: str
    category: str
    key: str
    title: str
    detail: str
    direction: str
    selectable: bool = False
    choices: tuple[str, ...] = ()
    # a conflict, field by field: (field, base, mine, theirs); base None = not known on this device
    compare: list[tuple[str, Any, Any, Any]] = field(default_factory=list)


@dataclass
class Preview:
    op: Op
    items: list[PreviewItem]
    counts: dict[str, dict[str, int]]
    plan: object = field(repr=False)
    warnings: list[str] = field(default_factory=list)  # one line each, e.g. a record kept for a later sync

    def as_dict(self) -> dict[str, Any]:
        return {"op": self.op.value, "counts": self.counts,
                "items": [{**asdict(i), "choices": list(i.choices)} for i in self.items], "warnings": self.warnings}


@dataclass
class Progress:
    step: str
    done: int
    total: int | None
    wait_seconds: float | None = None


@dataclass
class RunReport:
    op: Op
    ok: bool
    cancelled: bool
    counts: dict[str, dict[str, int]]
    message: str
    errors: list[str]
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"op": self.op.value, "ok": self.ok, "cancelled": self.cancelled, "counts": self.counts,
                "message": self.message, "errors": self.errors, "warnings": self.warnings}


ProgressFn = Callable[[Progress], None]
CancelFn = Callable[[], bool]


# -- active backend, status, history ---------------------------------------------------------------
def _open(data_dir: Path | str | None) -> Store:
    return Store.open(data_dir)


def _check_backend(name: str) -> str:
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    return name


def active_backend(data_dir: Path | str | None = None) -> str:
    with _open(data_dir) as store:
        r = store.conn.execute("SELECT value FROM settings WHERE key = ?", (_ACTIVE_KEY,)).fetchone()
    return r[0] if r and r[0] in BACKENDS else DEFAULT_BACKEND


def set_active_backend(name: str, data_dir: Path | str | None = None) -> None:
    _check_backend(name)
    with _open(data_dir) as store, store.transaction() as c:
        c.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                  (_ACTIVE_KEY, name))


def backend_url(backend: str, data_dir: Path | str | None = None) -> str:
    """The URL a backend is reached at: the stored login's, else the environment's, else the default."""
    if backend == "railway":
        from mastoc.sync.railway_session import base_url

        return base_url(_dir(data_dir))
    creds = credentials.load(backend, _dir(data_dir))
    from mastoc.backends.stokt.client import ENV_BASE_URL, base_url_from_env

    return base_url_from_env(os.environ.get(ENV_BASE_URL) or (creds.base_url if creds else None))


def _dir(data_dir: Path | str | None) -> Path:
    from mastoc.store.paths import data_dir as resolve

    return resolve(data_dir)


def status(backend: str | None = None, data_dir: Path | str | None = None) -> BackendStatus:
    active = active_backend(data_dir)
    name = _check_backend(backend or active)
    creds = credentials.load(name, _dir(data_dir))
    with _open(data_dir) as store:
        r = store.conn.execute("SELECT max(finished_at) FROM sync_runs WHERE backend = ? AND status = 'ok'",
                               (name,)).fetchone()
        last = rows.parse_ts(r[0]) if r and r[0] else None
        if name == "stokt":
            from mastoc.edits.climbs import changed_climb_ids, trashed_stokt_ids

            pending = int(store.conn.execute("SELECT count(*) FROM climbs WHERE stokt_id IS NULL").fetchone()[0])
            pending += len(changed_climb_ids(store)) + len(trashed_stokt_ids(store.conn))  # updates, deletions
        else:
            from mastoc.sync import railway

            pending = railway.pending_changes(store)
    return BackendStatus(active=active, backend=name, url=backend_url(name, data_dir),
                         account=creds.username if creds else None, logged_in=creds is not None,
                         last_success=last, pending_local_changes=pending)


def history(data_dir: Path | str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    with _open(data_dir) as store:
        cur = store.conn.execute(
            "SELECT id, backend, direction, started_at, finished_at, status, counts, message FROM sync_runs "
            "ORDER BY id DESC LIMIT ?", (int(limit),))
        out = []
        for r in cur:
            try:
                counts = json.loads(r["counts"] or "{}")
            except ValueError:
                counts = {}
            out.append({"id": r["id"], "backend": r["backend"], "direction": r["direction"],
                        "started_at": r["started_at"], "finished_at": r["finished_at"], "status": r["status"],
                        "counts": counts, "message": r["message"]})
        return out


# -- login / logout ------------------------------------------------------------------------------------
def login(backend: str, username: str, password: str, url: str | None = None,
          data_dir: Path | str | None = None) -> str:
    """Log in and store the session (user-only file). Returns the account name. `AuthError` on a
    wrong password, `TransientError` when the server is unreachable."""
    _check_backend(backend)
    directory = _dir(data_dir)
    if backend == "stokt":
        from mastoc.backends.stokt.client import StoktClient, base_url_from_env

        base = base_url_from_env(url or backend_url("stokt", data_dir))
        with StoktClient(base) as client:
            token = client.login(username, password)
            home = account = None
            try:
                me = client.me()
                home = (me.get("homeGym") or {}).get("id") if isinstance(me, dict) else None
                account = me.get("id") if isinstance(me, dict) else None
            except BackendError:
                home = None
        credentials.save(credentials.Credentials("stokt", token=token, base_url=base, username=username,
                                                 extra={"home_gym": home} if home else {}), directory)
        if isinstance(account, str):  # its climbs on Stokt are "set by me" (mastoc.edits.climbs)
            from mastoc.edits.climbs import remember_stokt_account

            with _open(data_dir) as store:
                remember_stokt_account(store, account)
        return username
    from mastoc.sync.railway_session import login_client

    base = (url or backend_url("railway", data_dir)).rstrip("/")
    with login_client(base) as client:
        tokens = client.login(username, password)
    from mastoc.sync import railway

    previous = credentials.load("railway", directory)
    if previous is not None and previous.base_url and previous.base_url.rstrip("/") != base:
        _forget_server(data_dir)  # another server: its records and cursor are not this one's
    railway.save_tokens(directory, base, tokens, username)
    return username


def _forget_server(data_dir: Path | str | None) -> None:
    """Drop what this device knows about the Railway server it synced with (bases, cursor, mappings):
    the next sync then compares everything with the new server and sends what it lacks."""
    with _open(data_dir) as store, store.transaction() as c:
        for table in ("sync_state", "sync_cursors"):
            c.execute(f"DELETE FROM {table} WHERE backend = 'railway'")


def logout(backend: str, data_dir: Path | str | None = None) -> None:
    _check_backend(backend)
    credentials.delete(backend, _dir(data_dir))


# -- preview / run ---------------------------------------------------------------------------------
def _progress_fn(progress: ProgressFn | None) -> ProgressFn:
    return progress or (lambda _p: None)


def _stokt_client(data_dir: Path | str | None, progress: ProgressFn, cancel: CancelFn | None) -> Any:
    from mastoc.backends.stokt.client import StoktClient

    creds = credentials.load("stokt", _dir(data_dir))
    if creds is None:
        raise AuthError("not logged in to Stokt")

    def on_wait(seconds: float, reason: str) -> None:
        progress(Progress(step=reason, done=0, total=None, wait_seconds=seconds))

    return StoktClient(backend_url("stokt", data_dir), creds.token, on_wait=on_wait, cancelled=cancel)


def preview(op: Op, data_dir: Path | str | None = None, *, full: bool = False, climb_ids: list[str] | None = None,
            progress: ProgressFn | None = None, cancel: CancelFn | None = None,
            delete_remote: bool = False) -> Preview:
    """What `op` would do. Reads the backend, writes nothing.

    Stokt push: items of category `to_push` (create), `update` (on Stokt, changed here since the
    last push/import) and `delete_remote` (on Stokt, deleted here). Deletions are selectable, and
    sent by `run`, only when previewed with `delete_remote=True` (the panel's "also delete on
    Stokt" check box re-previews with it); otherwise they are listed, not selectable, not sent."""
    op = Op(op)
    say = _progress_fn(progress)
    if op is Op.STOKT_PUSH:
        return _preview_push(data_dir, climb_ids, say, delete_remote)
    if op is Op.STOKT_IMPORT:
        return _preview_import(data_dir, full, say, cancel)
    from mastoc.sync import railway
    from mastoc.sync.gc_pause import bulk_phase

    with bulk_phase():  # the plan and its items (100k for a first sync) without collector pauses
        with _open(data_dir) as store, railway.client_for(_dir(data_dir), on_wait=_waiter(say),
                                                          cancelled=cancel) as client:
            plan = railway.plan_sync(store, client, progress=lambda s, d, t: say(Progress(s, d, t)), cancelled=cancel)
        items = [PreviewItem(**i) for i in plan.preview_items()]
    return Preview(op, items, plan.counts(), plan, warnings=list(plan.warnings))


def _waiter(say: ProgressFn) -> Callable[[float, str], None]:
    return lambda seconds, reason: say(Progress(step=reason, done=0, total=None, wait_seconds=seconds))


def run(preview: Preview, data_dir: Path | str | None = None, *, selected: set[str] | None = None,
        resolutions: dict[str, str] | None = None, default_resolution: str | None = None,
        progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> RunReport:
    """Apply exactly the previewed plan (see the module docstring)."""
    say = _progress_fn(progress)
    op = preview.op
    if op is Op.STOKT_PUSH:
        return _run_push(preview, data_dir, selected, say, cancel)
    if op is Op.STOKT_IMPORT:
        return _run_import(preview, data_dir, resolutions or {}, default_resolution, say, cancel)
    from mastoc.sync import railway

    with _open(data_dir) as store, railway.client_for(_dir(data_dir), on_wait=_waiter(say), cancelled=cancel) as client:
        rep = railway.apply_sync(store, client, cast(railway.SyncPlan, preview.plan), resolutions=resolutions or {},
                                 default_resolution=default_resolution,
                                 progress=lambda s, d, t: say(Progress(s, d, t)), cancelled=cancel)
    return RunReport(op, rep.ok, rep.cancelled, rep.counts, rep.message, rep.errors, rep.warnings)


# -- Stokt import ----------------------------------------------------------------------------------
_KIND_WORDS = {"new": "new on Stokt", "updated": "changed on Stokt", "conflict": "changed on both sides",
               "deleted_upstream": "deleted on Stokt", "restored": "back on Stokt"}


def _climb_detail(values: dict[str, Any], fields: list[str], kind: str) -> str:
    parts = []
    if values.get("grade_font"):
        parts.append(str(values["grade_font"]))
    if fields and kind != "new":
        parts.append(", ".join(fields) + " changed")
    else:
        parts.append(_KIND_WORDS.get(kind, kind))
    return " · ".join(parts)


def _preview_import(data_dir: Path | str | None, full: bool, say: ProgressFn, cancel: CancelFn | None) -> Preview:
    from mastoc.sync.stokt_import import run_import

    with _open(data_dir) as store, _stokt_client(data_dir, say, cancel) as client:
        plan = run_import(store, client, full=True if full else None, preview=True,
                          progress=lambda d, t, m: say(Progress(f"Downloading climbs (page {d} of {t or '?'})", d, t)),
                          cancelled=cancel)
        if plan.status == "cancelled":
            raise CancelledError("cancelled")
        names = {r[0]: r[1] for r in store.conn.execute("SELECT id, grade_font FROM climbs")}
    items = []
    for a in plan.actions:
        if a.kind == "unchanged":
            continue
        values = dict(a.values)
        values.setdefault("grade_font", names.get(a.local_id))
        items.append(PreviewItem(
            entity="climb", category=a.kind, key=a.local_id, title=a.name or a.stokt_id,
            detail=_climb_detail(values, a.fields, a.kind), direction="pull",
            choices=("mine", "theirs") if a.kind == "conflict" else (), compare=list(a.compare)))
    for p in plan.photos:
        if p.get("status") == "to download":
            items.append(PreviewItem("image", "new", f"face:{p['face']}", f"Wall photo of face {p['face']}",
                                     "to download", "pull"))
    counts: dict[str, dict[str, int]] = {k: dict(v) for k, v in plan.structure.items()}
    c = plan.counts()
    counts["climb"] = {k: c[k] for k in ("new", "updated", "unchanged", "conflict", "deleted_upstream", "restored")}
    counts["climb"]["to_push"] = c["to_push"]
    return Preview(Op.STOKT_IMPORT, items, counts, plan)


def _run_import(preview: Preview, data_dir: Path | str | None, resolutions: dict[str, str],
                default_resolution: str | None, say: ProgressFn, cancel: CancelFn | None) -> RunReport:
    from mastoc.sync import apply as applier
    from mastoc.sync.plan import plan_climb
    from mastoc.sync.stokt_import import StalePlanError, apply_plan
    from mastoc.sync.structure import upsert_setters

    plan: Any = preview.plan
    if cancel is not None and cancel():
        return RunReport(Op.STOKT_IMPORT, False, True, {}, "cancelled before anything was written", [])
    say(Progress("Writing the import", 0, 2))
    with _open(data_dir) as store, _stokt_client(data_dir, say, cancel) as client:
        try:
            done = apply_plan(store, client, plan)
        except StalePlanError as exc:
            raise StoreError(str(exc)) from None
        say(Progress("Resolving conflicts", 1, 2))
        resolved = 0
        conflicts = [a for a in plan.actions if a.kind == "conflict"]
        wanted = {a.local_id: resolutions.get(a.local_id, default_resolution) for a in conflicts}
        wanted = {k: v for k, v in wanted.items() if v in ("mine", "theirs")}
        if wanted and plan.snapshot is not None:
            now = rows.now_ts()
            with store.transaction() as c:
                for remotes, setters, _extra in plan.snapshot.pages:
                    _u, user_map = upsert_setters(c, setters, now=now)
                    locals_ = applier.load_locals(c, [r.stokt_id for r in remotes])
                    for remote in remotes:
                        local = locals_.get(remote.stokt_id)
                        if local is None or local.id not in wanted:
                            continue
                        row = dict(remote.row)
                        if row.get("setter_id") in user_map:
                            row["setter_id"] = user_map[row["setter_id"]]
                        action = plan_climb(type(remote)(remote.stokt_id, row), local, wanted[local.id])
                        applier.apply_climb_actions(c, [action], now=now)
                        resolved += 1
    say(Progress("Done", 2, 2))
    dc = done.counts()
    counts: dict[str, dict[str, int]] = {k: dict(v) for k, v in done.structure.items()}
    counts["climb"] = {k: dc[k] for k in ("new", "updated", "unchanged", "conflict", "deleted_upstream", "restored")}
    counts["climb"]["resolved"] = resolved
    left = dc["conflict"] - resolved
    msg = (f"Imported {done.gym_name or done.gym_stokt_id}: {dc['new']} new, {dc['updated']} updated, "
           f"{dc['deleted_upstream']} deleted on Stokt, {resolved} conflict(s) resolved")
    if left:
        msg += f", {left} conflict(s) left for a decision"
    return RunReport(Op.STOKT_IMPORT, done.status == "ok", False, counts, msg + ".", list(done.problems))


# -- Stokt push ------------------------------------------------------------------------------------
def _preview_push(data_dir: Path | str | None, climb_ids: list[str] | None, say: ProgressFn,
                  delete_remote: bool = False) -> Preview:
    from mastoc.sync.stokt_push import PushInputError, plan_push

    say(Progress("Finding climbs to push", 0, None))
    with _open(data_dir) as store:
        try:
            plan = plan_push(store, climb_ids or None, delete_remote=delete_remote)
        except PushInputError as exc:
            from mastoc.backends.errors import NotFoundError

            if exc.kind == "not_found":
                raise NotFoundError(str(exc)) from None
            raise StoreError(str(exc)) from None
        grades = {r[0]: (r[1], r[2]) for r in store.conn.execute(
            "SELECT c.id, c.grade_font, u.full_name FROM climbs c LEFT JOIN users u ON u.id = c.setter_id "
            "WHERE c.stokt_id IS NULL OR c.id IN (SELECT climb_id FROM stokt_push_base)")}
        face_names = {r[0]: r[1] for r in store.conn.execute("SELECT id, name FROM faces")}
    items = []
    for i in plan.items:
        grade, setter = grades.get(i.climb_id, (None, None))
        where = f"on {face_names.get(i.face_id) or 'face ' + i.face_stokt_id}"
        detail = " · ".join(x for x in (grade, setter, where) if x)
        items.append(PreviewItem("climb", "to_push", i.climb_id, i.name, detail, "push", selectable=True))
    from mastoc.sync.stokt_resync import field_words

    for u in plan.updates:
        grade, setter = grades.get(u.climb_id, (None, None))
        detail = " · ".join(x for x in (grade, setter, field_words(u.fields) + " changed since pushed") if x)
        items.append(PreviewItem("climb", "update", u.climb_id, u.name, detail, "push", selectable=True))
    for d in plan.deletes:
        detail = "deleted here" if delete_remote else "deleted here; sent only when deletions on Stokt are allowed"
        items.append(PreviewItem("climb", "delete_remote", d.climb_id, d.name, detail, "push",
                                 selectable=delete_remote))
    for s in plan.skipped:
        items.append(PreviewItem("climb", "skipped", s["id"], s["name"], s["reason"], "push"))
    counts = {"climb": {"to_push": len(plan.items), "update": len(plan.updates), "delete_remote": len(plan.deletes),
                        "skipped": len(plan.skipped)}}
    return Preview(Op.STOKT_PUSH, items, counts, plan)


def _run_push(preview: Preview, data_dir: Path | str | None, selected: set[str] | None, say: ProgressFn,
              cancel: CancelFn | None) -> RunReport:
    from mastoc.sync.stokt_push import PushPlan, apply_push

    plan: Any = preview.plan
    items = [i for i in plan.items if selected is None or i.climb_id in selected]
    updates = [u for u in plan.updates if selected is None or u.climb_id in selected]
    deletes = [d for d in plan.deletes if plan.delete_remote and (selected is None or d.climb_id in selected)]
    todo = PushPlan(items=items, skipped=list(plan.skipped), updates=updates, deletes=deletes,
                    delete_remote=plan.delete_remote)
    cancelled = False

    def is_cancelled() -> bool:
        nonlocal cancelled
        cancelled = bool(cancel is not None and cancel())
        return cancelled

    with _open(data_dir) as store, _stokt_client(data_dir, say, cancel) as client:
        try:
            apply_push(store, client, todo,
                       progress=lambda n, t, name: say(Progress(f"Pushing {name!r} ({n} of {t})", n - 1, t)),
                       cancelled=is_cancelled)
        except CancelledError:  # between requests; an unanswered post is settled by the next push
            cancelled = True
    total = len(items) + len(updates) + len(deletes)
    say(Progress("Done", total, total))
    c = todo.counts()
    outcomes: list[Any] = [*todo.items, *todo.updates, *todo.deletes]
    failed = [f"{i.name}: {i.message}" for i in outcomes if i.status in ("failed", "refused")]
    msg = f"Pushed {c['pushed']} climb(s) to Stokt"
    if c.get("updated"):
        msg += f", updated {c['updated']}"
    if c.get("deleted"):
        msg += f", deleted {c['deleted']} there"
    if c["reconciled"]:
        msg += f", {c['reconciled']} already there (recorded)"
    if failed:
        msg += f", {len(failed)} refused"
    if cancelled:
        msg += "; cancelled before the rest"
    return RunReport(Op.STOKT_PUSH, not failed and not cancelled, cancelled, {"climb": c}, msg + ".", failed)
