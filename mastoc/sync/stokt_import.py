"""Import a gym from Stokt: snapshot -> plan -> (preview | apply in batches), resumable.

One run: the gym's structure (summary, walls, face setups, wall photos) is fetched in parallel with
the climb pages (followed through `next`, newest first, prefetched by a background thread); every
page is mapped, planned against the store (`mastoc.sync.plan`) and, unless previewing, applied in
its own transaction together with the resume cursor. So a cancelled, failed (401, network) or killed
run keeps its finished pages and the next run resumes at the first unfinished page.

Incremental runs do not use the local clock: they walk the newest-first pages until a whole page
brings nothing new or changed. A full reconciliation (`full=True`, the first run, or automatically
when the last one is older than `full_every`) walks every page and then flags known climbs that
Stokt no longer returns as deleted upstream (tombstones; local data attached to them is kept).

`run_import(..., preview=True)` writes nothing and returns the plan (`as_dict()` is its JSON);
`apply_plan(store, client, plan)` then writes exactly that plan (refusing with `StalePlanError` if
the store changed in a way that changes it; applying it twice is a no-op) - the GUI's
preview-then-apply. The CLI's import plans and applies page by page instead (resumable).
"""

from __future__ import annotations

import contextlib
import json
import operator
import queue
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mastoc.backends.errors import (
    AuthError,
    BackendError,
    BadRequestError,
    NotFoundError,
    ProtocolError,
    TransientError,
)
from mastoc.backends.stokt import mapping
from mastoc.backends.stokt.client import IMPORT_PAGE_SIZE, ClimbPage, StoktClient, check_id
from mastoc.edits.climbs import trashed_stokt_ids
from mastoc.store import bulk, images, locks, paths, rows
from mastoc.store.db import Store, StoreLockedError
from mastoc.sync import apply as applier
from mastoc.sync.plan import IMPORT_COLUMNS, ClimbAction, RemoteClimb, counts, plan_climbs, plan_deletions
from mastoc.sync.structure import Structure, apply_structure, build_structure, upsert_setters

BACKEND = "stokt"
DEFAULT_FULL_EVERY = timedelta(days=7)
IMPORT_CACHE_KIB = bulk.BULK_CACHE_KIB
PARALLEL_PAGES = 4  # pages in flight during a full pass (the transport bounds requests in flight and rate)
# A full import of at least this many climbs into a store without climbs is a bulk load: the index
# of `climb_holds` by climb (random UUID keys: half the cost of each index row) is built once at the
# end of the walk instead of through every insert (`store.bulk.defer_indexes`).
BULK_MIN_CLIMBS = 5_000
BULK_DEFERRED = ("climb_holds_climb",)
ProgressCallback = Callable[[int, int | None, str], None]
"""(pages done, pages expected or None, message)."""

_IMPORT_OF_ROW = operator.itemgetter(*(rows.CLIMB_COLUMNS.index(c) for c in IMPORT_COLUMNS))  # climb row -> import columns
_HOLD_NUM = re.compile(r"\d+")  # the hold numbers of a holds list already validated by the mapping


class ImportCancelled(Exception):
    pass


@dataclass(slots=True)
class ImportPlan:
    """What an import found and did (or, previewing, would do). JSON-printable with `as_dict()`."""

    gym_stokt_id: str
    gym_name: str = ""
    mode: str = "full"  # "full" | "incremental"
    preview: bool = False
    status: str = "ok"  # "ok" | "cancelled" | "failed"
    resumed: bool = False
    structure: dict[str, dict[str, int]] = field(default_factory=dict)
    actions: list[ClimbAction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    photos: list[dict[str, str]] = field(default_factory=list)
    pages: int = 0
    pages_total: int | None = None
    remote_count: int | None = None
    to_push: int = 0
    message: str | None = None
    write_seconds: float = 0.0  # time spent writing (inside transactions), for benchmarks
    # What a preview saw, so that `apply_plan` can write exactly that (not part of the JSON).
    snapshot: _Snapshot | None = field(default=None, repr=False)

    def counts(self) -> dict[str, int]:
        out = counts(self.actions)
        out["malformed"] = len([p for p in self.problems if p.startswith("climb")])
        out["to_push"] = self.to_push
        return out

    @property
    def conflicts(self) -> list[ClimbAction]:
        return [a for a in self.actions if a.kind == "conflict"]

    @property
    def changed(self) -> int:
        c = self.counts()
        return c["new"] + c["updated"] + c["restored"] + c["deleted_upstream"] + sum(
            v["new"] + v["updated"] for v in self.structure.values())

    def as_dict(self) -> dict[str, Any]:
        lists = {k: [a.as_dict() for a in self.actions if a.kind == k]
                 for k in ("new", "updated", "conflict", "restored", "deleted_upstream")}
        return {
            "backend": BACKEND, "gym": self.gym_stokt_id, "gym_name": self.gym_name, "mode": self.mode,
            "preview": self.preview, "status": self.status, "resumed": self.resumed,
            "counts": self.counts(), "structure": self.structure, "climbs": lists, "photos": self.photos,
            "pages": self.pages, "pages_total": self.pages_total, "remote_count": self.remote_count,
            "problems": self.problems, "warnings": self.warnings, "message": self.message,
        }


@dataclass(slots=True)
class _Snapshot:
    structure: Structure
    pages: list[tuple[list[RemoteClimb], list[Any], list[str]]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    complete: bool = False
    resolve: str | None = None


class StalePlanError(Exception):
    """The store changed since the preview in a way that changes the plan: preview again."""


# -- cursors ---------------------------------------------------------------------------------------
def read_cursors(store: Store, backend: str = BACKEND) -> dict[str, str]:
    cur = store.conn.execute("SELECT key, value FROM sync_cursors WHERE backend = ?", (backend,))
    return {r[0]: r[1] for r in cur}


def _set_cursors(conn: Any, values: dict[str, str | None], backend: str = BACKEND) -> None:
    conn.executemany(
        "INSERT INTO sync_cursors (backend, key, value) VALUES (?, ?, ?) "
        "ON CONFLICT(backend, key) DO UPDATE SET value = excluded.value",
        [(backend, k, v) for k, v in values.items()],
    )


_RESUME_KEYS = ("resume_url", "resume_number", "resume_pass", "resume_mode", "resume_gym", "resume_count",
                "resume_stable")
MAX_REWALKS = 2  # walks of a full pass again when the listing shifted under it


# -- page prefetching ------------------------------------------------------------------------------
def _page_link(next_url: str | None, number: int) -> Callable[[int], str] | None:
    """If Stokt's `next` link is page-numbered (`...&page=<number>`), a function giving the link of
    any page with every other part of the server's own link kept; otherwise None."""
    if not next_url:
        return None
    parts = urlsplit(next_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if [v for k, v in query if k == "page"] != [str(number)]:
        return None

    def link(n: int) -> str:
        q = [(k, str(n) if k == "page" else v) for k, v in query]
        return urlunsplit(parts._replace(query=urlencode(q)))

    return link


def _same_link(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return a == b
    pa, pb = urlsplit(a), urlsplit(b)
    return pa.path == pb.path and sorted(parse_qsl(pa.query)) == sorted(parse_qsl(pb.query))


FETCH_ROUNDS = 3  # rounds of the transport's own retries an import gives each read before failing


def rounds(fetch: Callable[..., Any], *args: Any) -> Any:
    """`fetch(*args)` (an idempotent read), tried again when it failed after the transport's retries
    on a network, 5xx or protocol problem (a truncated answer): an import of a few dozen requests on a
    bad connection then completes by itself instead of failing on one unlucky request."""
    for attempt in range(FETCH_ROUNDS):
        try:
            return fetch(*args)
        except (TransientError, ProtocolError):
            if attempt == FETCH_ROUNDS - 1:
                raise
    raise AssertionError("unreachable")


class _Prefetcher:
    """Fetches climb pages in a background thread, a few pages ahead of the consumer, in order.

    Sequential by default (following `next`). With `parallel > 1` and page-numbered links, the
    pages announced by the first page's `count` are fetched a few at a time, each link built from
    the server's own `next` link; every page's `next` is checked against the expected link, and on
    any surprise (pages shifted, count changed, another link scheme) it falls back to following
    `next` from the last page delivered. The transport's rate limit applies to all threads.
    """

    _END = object()

    def __init__(self, client: StoktClient, first_url: str, first_number: int, depth: int,
                 parallel: int = 1) -> None:
        self._client = client
        self._parallel = max(1, parallel)
        self._q: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(first_url, first_number), daemon=True)
        self._thread.start()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._q.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, url: str | None, number: int) -> None:
        try:
            if url and self._parallel > 1 and not self._stop.is_set():
                page = self._fetch(url, number)
                if not self._put(page):
                    return
                url, number = page.next, number + 1
                link = _page_link(page.next, number)
                if link is not None and page.count and page.results:
                    last = self._parallel_pages(link, number, -(-page.count // len(page.results)), page)
                    if last is None:
                        return
                    url, number = last.next, last.number + 1
            while url and not self._stop.is_set():
                page = self._fetch(url, number)
                if not self._put(page):
                    return
                url, number = page.next, number + 1
            self._put(self._END)
        except BaseException as exc:  # handed to the consumer, re-raised there
            self._put(exc)

    def _parallel_pages(self, link: Callable[[int], str], first: int, total: int,
                        previous: ClimbPage) -> ClimbPage | None:
        """Pages first..total, a few in flight; returns the last page delivered (None if stopped).

        A page whose `count` differs from the first one's is not delivered: the list changed while
        pages were in flight, so pages fetched out of order could have skipped climbs; the caller
        then re-fetches from there by following `next` (as sequential paging would)."""
        inflight: deque[tuple[int, Future[ClimbPage]]] = deque()
        n = first
        last: ClimbPage = previous
        with ThreadPoolExecutor(max_workers=self._parallel, thread_name_prefix="stokt-pages") as ex:
            try:
                while True:
                    while len(inflight) < self._parallel and n <= total and not self._stop.is_set():
                        inflight.append((n, ex.submit(self._fetch, link(n), n)))
                        n += 1
                    if not inflight:
                        break
                    num, fut = inflight.popleft()
                    page = fut.result()
                    if page.count != previous.count:
                        break
                    if not self._put(page):
                        return None
                    last = page
                    if page.next is None or not _same_link(page.next, link(num + 1)):
                        break  # the end, or a surprise: follow `next` from here
            finally:
                for _num, fut in inflight:
                    fut.cancel()
        return last

    def _fetch(self, url: str, number: int) -> ClimbPage:
        return rounds(self._client.climb_page, url, number)

    def __iter__(self) -> Iterator[ClimbPage]:
        while True:
            item = self._q.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1)  # a request in flight is abandoned (daemon thread)


# -- the import ------------------------------------------------------------------------------------
def run_import(
    store: Store,
    client: StoktClient,
    *,
    gym: str | None = None,
    full: bool | None = None,
    preview: bool = False,
    resolve: str | None = None,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    full_every: timedelta = DEFAULT_FULL_EVERY,
    workers: int = 4,
    page_size_hint: int | None = IMPORT_PAGE_SIZE,
) -> ImportPlan:
    """Import (or preview) a gym. See the module docstring. Raises `BackendError`s for failures
    that stop the run (auth, network, unknown gym); finished pages stay committed."""
    say = progress or (lambda _d, _t, _m: None)
    is_cancelled = cancelled or (lambda: False)
    cursors = read_cursors(store)
    if gym is None:
        gym = cursors.get("gym") or _home_gym(client)
    gym = check_id("gym", gym)
    resume = None if preview or cursors.get("resume_gym") != gym else cursors.get("resume_url")
    if resume:
        mode = cursors.get("resume_mode") or "full"
        pass_id = cursors.get("resume_pass") or uuid.uuid4().hex
        start_number = int(cursors.get("resume_number") or 1)
    else:
        last_full = rows.parse_ts(cursors.get("full_done_at")) if cursors.get("full_gym") == gym else None
        auto_full = last_full is None or datetime.now(UTC) - last_full > full_every
        mode = "full" if (full or (full is None and auto_full)) else "incremental"
        pass_id = uuid.uuid4().hex
        start_number = 1
    plan = ImportPlan(gym_stokt_id=gym, mode=mode, preview=preview, resumed=bool(resume))
    lock = None if preview else _import_lock(store)
    try:
        run_id = None if preview else _start_run(store, mode)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    pool = ThreadPoolExecutor(max_workers=max(2, workers), thread_name_prefix="stokt-import")
    prefetch = _Prefetcher(client, resume or client.climbs_url(gym, page_size=page_size_hint), start_number,
                           depth=4 if mode == "full" else 2, parallel=PARALLEL_PAGES if mode == "full" else 1)
    settings = bulk.bulk_settings(store.conn, IMPORT_CACHE_KIB)  # page cache, in-memory statement journals
    settings.__enter__()
    try:
        if lock is not None:
            _restore_indexes(store, plan)  # left by a bulk load that was killed: build them first
        _import(store, client, plan, gym, pass_id, resume, start_number, pool, prefetch, resolve, say,
                is_cancelled, cursors, page_size_hint)
    except BaseException as exc:
        plan.status = "failed" if not isinstance(exc, ImportCancelled) else "cancelled"
        plan.message = str(exc) if isinstance(exc, BackendError | ImportCancelled) else type(exc).__name__
        if run_id is not None and isinstance(exc, NotFoundError) and not plan.structure:
            _drop_run(store, run_id)  # e.g. an unknown gym: leave no trace
        elif run_id is not None:
            _finish_run(store, run_id, plan)
        if isinstance(exc, ImportCancelled):
            return plan
        raise
    else:
        if not preview:
            _import_personal(store, client, plan, gym)
        if run_id is not None:
            _finish_run(store, run_id, plan)
    finally:
        prefetch.close()
        pool.shutdown(wait=True, cancel_futures=True)
        if lock is not None:
            with contextlib.suppress(Exception):  # failing here, the next Store.open builds them
                _restore_indexes(store, plan)
        settings.__exit__(None, None, None)
        if lock is not None:
            lock.release()
    return plan


def _restore_indexes(store: Store, plan: ImportPlan) -> None:
    if bulk.has_deferred_indexes(store.conn):
        t0 = time.perf_counter()
        with store.transaction() as c:
            bulk.restore_indexes(c)
        plan.write_seconds += time.perf_counter() - t0


def _start_bulk_load(conn: Any, plan: ImportPlan, page: ClimbPage) -> bool:
    """At the first page written: is this a bulk load (see BULK_MIN_CLIMBS)? If so, defer the index."""
    if plan.mode != "full" or (page.count or 0) < BULK_MIN_CLIMBS:
        return False
    if conn.execute("SELECT 1 FROM climbs LIMIT 1").fetchone() is not None:
        return False
    bulk.defer_indexes(conn, BULK_DEFERRED)
    return True


def _import_lock(store: Store) -> locks.RunLock:
    """One import per store at a time; holding the lock also proves older "running" runs are dead."""
    try:
        return locks.RunLock(store.directory, bulk.BULK_LOCK).acquire()
    except locks.LockBusyError as exc:
        who = f" (process {exc.holder})" if exc.holder else ""
        raise StoreLockedError(f"another Stokt import is running on this store{who}; "
                               "try again when it has finished") from None


def _import_personal(store: Store, client: StoktClient, plan: ImportPlan, gym: str) -> None:
    """The account's lists and sends (`mastoc.sync.stokt_lists`), once the climbs are in."""
    if plan.status != "ok":
        return
    from mastoc.sync import stokt_lists

    counts, warnings = stokt_lists.import_personal(store, client, gym)
    plan.structure.update(counts)
    plan.warnings.extend(warnings)


def _home_gym(client: StoktClient) -> str:
    me = rounds(client.me)
    home = me.get("homeGym") if isinstance(me, dict) else None
    if not isinstance(home, dict) or not home.get("id"):
        raise NotFoundError("this Stokt account has no home gym; give --gym GYM_ID")
    return str(home["id"])


def _import(store: Store, client: StoktClient, plan: ImportPlan, gym: str, pass_id: str, resume: str | None,
            start_number: int, pool: ThreadPoolExecutor, prefetch: _Prefetcher, resolve: str | None,
            say: ProgressCallback, is_cancelled: Callable[[], bool], cursors: dict[str, str],
            page_size_hint: int | None) -> None:
    conn = store.conn
    now = rows.now_ts()
    # 1. structure, in parallel with the pages the prefetcher is already fetching
    f_summary = pool.submit(rounds, client.gym_summary, gym)
    f_walls = pool.submit(rounds, client.walls, gym)
    summary = f_summary.result()
    walls_json = f_walls.result()
    _, refs = mapping.map_walls(walls_json, "")
    setup_futures = {r.stokt_id: pool.submit(rounds, client.face_setup, r.stokt_id) for r in refs}
    setups: dict[str, Any] = {}
    wall_of = {r.stokt_id: r.wall_name for r in refs}
    for face_stokt, fut in setup_futures.items():
        try:
            setups[face_stokt] = fut.result()
        except AuthError:
            raise
        except BackendError as exc:
            # Without its setup a face's climbs cannot be mapped: the run fails (nothing of this pass
            # is recorded as complete) rather than reporting every climb as a problem.
            kind = BackendError if isinstance(exc, NotFoundError | BadRequestError) else type(exc)
            raise kind(f"could not read the setup of face {face_stokt} ({wall_of.get(face_stokt, '?')}): "
                            f"{exc}; nothing was imported, run the import again") from exc
    st = build_structure(summary, walls_json, setups)
    plan.gym_name = st.gym.display_name
    plan.problems.extend(st.problems)
    plan.warnings.extend(st.warnings)
    photo_jobs = _start_photos(store, client, st, pool, plan)
    if plan.preview:
        sres = apply_structure(conn, st, now=now, dry_run=True)
    else:
        t0 = time.perf_counter()
        with store.transaction() as c:
            sres = apply_structure(c, st, now=now)
        plan.write_seconds += time.perf_counter() - t0
    plan.structure = sres.counts
    if plan.preview:
        plan.snapshot = _Snapshot(structure=st, resolve=resolve)
    face_ids = sres.face_ids
    face_holds: dict[str, set[int]] = {}
    for h in st.holds:
        face_holds.setdefault(h.face_id, set()).add(h.num)
    local_face_of = {f.id: face_ids.get(f.stokt_id or "", f.id) for f in st.faces}
    holds_by_local_face = {local_face_of[k]: v for k, v in face_holds.items() if k in local_face_of}
    user_counts = {"new": 0, "updated": 0, "unchanged": 0}
    counted_users: set[str] = set()
    trashed = trashed_stokt_ids(conn)
    # decided at the first page written; "on": the store had no climbs, so no new climb's id is stored
    bulk_load = {"decided": False, "on": False}

    # 2. climb pages: each page is planned and applied whole; pages share a write transaction that is
    # committed every few hundred climbs (with the resume cursor), on stopping, and before an error
    # that happened between pages is raised (a page is never committed in part).
    def walk(pages: Iterator[ClimbPage], walk_pass: str, first_number: int, expected_count: int | None,
             rewalk: bool) -> tuple[set[str], bool, bool]:
        """Plan and apply `pages`; returns (ids seen, reached the last page, listing stable). The listing
        is not stable when it shifted under the walk (offset pages): the count changed, an id came
        twice, or fewer ids than the count came; climbs may then have been skipped."""
        seen: set[str] = set()
        complete = stable = False
        stable = True
        batch = _Batch(store)
        in_page = False
        try:
            for page in pages:
                plan.pages += 1
                plan.remote_count = page.count
                if expected_count is None:
                    expected_count = page.count
                elif page.count != expected_count:
                    stable = False
                if plan.pages_total is None and page.count is not None and page.results:
                    per_page = len(page.results)
                    plan.pages_total = max(1, -(-page.count // per_page)) if page.next else page.number
                say(page.number, plan.pages_total, f"page {page.number}")
                remotes, setters, extra_seen = _map_page(page, face_ids, holds_by_local_face, plan)
                ids = [r.stokt_id for r in remotes] + extra_seen
                if len(set(ids)) != len(ids) or not seen.isdisjoint(ids):
                    stable = False
                seen.update(ids)
                remotes = [r for r in remotes if r.stokt_id not in trashed]  # deleted here: not brought back
                if plan.preview:
                    assert plan.snapshot is not None
                    plan.snapshot.pages.append((remotes, setters, extra_seen))
                    ucounts, user_map = upsert_setters(conn, setters, now=now, dry_run=True)
                    locals_ = applier.load_locals(conn, [r.stokt_id for r in remotes])
                    actions = plan_climbs(_remap_setters(remotes, user_map), locals_, resolve)
                    _count_preview_users(conn, setters, counted_users, user_counts)
                else:
                    in_page = True
                    c = batch.conn()
                    t0 = time.perf_counter()
                    if not bulk_load["decided"]:
                        bulk_load["decided"] = True
                        bulk_load["on"] = _start_bulk_load(c, plan, page)
                    ucounts, user_map = upsert_setters(c, setters, now=now)
                    t1 = time.perf_counter()
                    locals_ = applier.load_locals(c, [r.stokt_id for r in remotes])
                    actions = plan_climbs(_remap_setters(remotes, user_map), locals_, resolve)
                    t0 += time.perf_counter() - t1  # planning is not writing
                    applier.apply_climb_actions(c, actions, now=now, pass_id=walk_pass, fresh_ids=bulk_load["on"])
                    applier.mark_seen(c, extra_seen, walk_pass, now)
                    _set_cursors(c, {"resume_url": page.next, "resume_number": str(page.number + 1),
                                     "resume_pass": walk_pass, "resume_mode": plan.mode, "resume_gym": gym,
                                     "resume_count": str(expected_count) if expected_count is not None else None,
                                     "resume_stable": "1" if stable else "0",
                                     "gym": gym} if page.next else {"resume_url": None})
                    plan.write_seconds += time.perf_counter() - t0
                    in_page = False
                    for a in actions:  # written: the report needs ids, names and fields, not the values
                        a.values = {}
                    batch.added(len(remotes))
                    user_counts["new"] += ucounts["new"]
                    user_counts["updated"] += ucounts["updated"]
                    counted_users.update(u.stokt_id for u in setters if u.stokt_id)
                plan.actions.extend(a for a in actions if not (rewalk and a.kind == "unchanged"))
                if page.next is None:
                    complete = True
                    break
                if plan.mode == "incremental" and not any(a.kind in ("new", "updated", "restored") for a in actions):
                    break  # a whole page brought nothing new: the rest is older
                if is_cancelled():
                    raise ImportCancelled("cancelled between pages; the next import resumes here")
        except BaseException:
            if in_page:
                batch.rollback()
            else:
                plan.write_seconds += batch.commit()
            raise
        plan.write_seconds += batch.commit()
        if complete and first_number == 1 and expected_count is not None and len(seen) < expected_count:
            stable = False
        return seen, complete, stable

    resumed_count = cursors.get("resume_count") if resume else None
    seen, complete, stable = walk(iter(prefetch), pass_id, start_number,
                                  int(resumed_count) if resumed_count else None, rewalk=False)
    if bulk_load["on"]:
        _restore_indexes(store, plan)  # the bulk load is over: build the deferred index once
        bulk_load["on"] = False
    if resume and cursors.get("resume_stable") == "0":
        stable = False
    # A full pass whose listing shifted may have skipped live climbs: walk it again (in order, under a
    # new pass id, importing what was missed) until a walk sees a stable listing; only a stable walk
    # may flag deletions.
    rewalks = 0
    while plan.mode == "full" and complete and not stable and not plan.preview and rewalks < MAX_REWALKS:
        rewalks += 1
        pass_id = uuid.uuid4().hex
        plan.warnings.append("the list of climbs changed on Stokt during the import; walking it again "
                             "before flagging deletions")
        again = _Prefetcher(client, client.climbs_url(gym, page_size=page_size_hint), 1, depth=4, parallel=1)
        try:
            seen, complete, stable = walk(iter(again), pass_id, 1, None, rewalk=True)
        finally:
            again.close()
    if plan.mode == "full" and complete and not stable:
        complete = False
        plan.warnings.append("the list of climbs kept changing on Stokt during the import: no climb was flagged "
                             "as deleted, and the next import walks every page again")
    if not plan.preview:
        user_counts["unchanged"] = max(0, len(counted_users) - user_counts["new"] - user_counts["updated"])
    users = plan.structure.setdefault("users", {"new": 0, "updated": 0, "unchanged": 0})
    for k in users:
        users[k] += user_counts[k]

    if plan.snapshot is not None:
        plan.snapshot.seen = set(seen)
        plan.snapshot.complete = complete
    # 3. deletions after a complete, stable full pass
    if plan.mode == "full" and complete:
        known = applier.known_unseen(conn, face_ids.values(), pass_id if not plan.preview else "")
        seen |= _still_mine(conn, client, gym, known, seen)
        deletions, warns = plan_deletions(known, seen, remote_total=plan.remote_count or 0)
        plan.warnings.extend(warns)
        plan.actions.extend(deletions)
    else:
        deletions = []
    if not plan.preview:
        t0 = time.perf_counter()
        with store.transaction() as c:
            applier.apply_climb_actions(c, deletions, now=now, pass_id=pass_id)
            done: dict[str, str | None] = dict.fromkeys(_RESUME_KEYS)
            done["gym"] = gym
            if plan.mode == "full" and complete:
                done["full_done_at"] = now
                done["full_gym"] = gym
            _set_cursors(c, done)
        plan.write_seconds += time.perf_counter() - t0
    # 4. photos (downloaded in parallel, verified, stored atomically)
    _finish_photos(store, photo_jobs, plan, face_ids)
    plan.to_push = _count_to_push(store, face_ids.values())


class _Batch:
    """A write transaction spanning several pages, committed once it has been open `max_seconds`
    (on a slow network a crash then loses little work) and at least `COMMIT_SPACING` times as long
    as the last commit took, or at `max_rows` climbs.

    A commit writes every page the transaction dirtied to the WAL and checkpoints it; with random
    UUID keys that is most of the indexes' pages once the store is big (~250 ms a commit at 100k
    climbs), so committing every page made commits the larger part of a big import's write time.
    Spacing commits by their own cost keeps them below ~1/COMMIT_SPACING of it, while a small import
    (commits of a few ms) still commits every `max_seconds`."""

    COMMIT_SPACING = 10

    def __init__(self, store: Store, max_rows: int = 50_000, max_seconds: float = 0.2) -> None:
        self._store = store
        self._max_rows = max_rows
        self._max_seconds = max_seconds
        self._last_commit = 0.0
        self._opened = 0.0
        self._cm: Any = None
        self._conn: Any = None
        self._rows = 0

    def conn(self) -> Any:
        if self._cm is None:
            self._cm = self._store.transaction()
            self._conn = self._cm.__enter__()
            self._rows = 0
            self._opened = time.monotonic()
        return self._conn

    def added(self, n: int) -> None:
        self._rows += n
        open_for = time.monotonic() - self._opened
        if self._rows >= self._max_rows or open_for >= max(self._max_seconds, self.COMMIT_SPACING * self._last_commit):
            self.commit()

    def commit(self) -> float:
        """Commit the open transaction, if any; returns the seconds it took."""
        if self._cm is None:
            return 0.0
        t = time.perf_counter()
        cm, self._cm = self._cm, None
        cm.__exit__(None, None, None)
        self._last_commit = time.perf_counter() - t
        return self._last_commit

    def rollback(self) -> None:
        if self._cm is not None:
            cm, self._cm = self._cm, None
            cm.__exit__(RuntimeError, RuntimeError("rollback"), None)


def _still_mine(conn: Any, client: StoktClient, gym: str, known: list[Any], seen: set[str]) -> set[str]:
    """Climbs we pushed that the gym's list did not return (it may hide private climbs) but that
    Stokt still lists in `my-set-climbs`: they are not deleted."""
    candidates = {k.stokt_id for k in known if k.stokt_id not in seen and not k.deleted_upstream}
    if not candidates:
        return set()
    marks = ", ".join("?" * len(candidates))
    pushed = {r[0] for r in conn.execute(
        "SELECT stokt_id FROM id_mappings WHERE entity_type = 'climb' "
        f"AND sync_direction = 'mastoc_to_stokt' AND stokt_id IN ({marks})", sorted(candidates))}
    if not pushed:
        return set()
    mine = {str(c.get("id")) for c in rounds(client.my_set_climbs, gym) if isinstance(c, dict)}
    return pushed & mine


def _count_preview_users(conn: Any, setters: list[Any], counted: set[str], totals: dict[str, int]) -> None:
    """Preview: count each setter once across pages (new when the store does not know it)."""
    for u in {u.stokt_id: u for u in setters if u.stokt_id}.values():
        if u.stokt_id in counted:
            continue
        counted.add(u.stokt_id)
        row = conn.execute("SELECT full_name, avatar_path FROM users WHERE stokt_id = ?", (u.stokt_id,)).fetchone()
        if row is None:
            totals["new"] += 1
        elif (row[0], row[1]) != (u.full_name, u.avatar_path):
            totals["updated"] += 1
        else:
            totals["unchanged"] += 1


def _map_page(page: ClimbPage, face_ids: dict[str, str], holds_by_face: dict[str, set[int]],
              plan: ImportPlan) -> tuple[list[RemoteClimb], list[Any], list[str]]:
    remotes: list[RemoteClimb] = []
    setters: list[Any] = []
    extra_seen: list[str] = []
    for item in page.results:
        try:
            climb, setter = mapping.map_climb(item, face_ids)
        except mapping.MappingError as exc:
            plan.problems.append(f"{exc} (page {page.number}); climb skipped")
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                extra_seen.append(item["id"])
            continue
        known = holds_by_face.get(climb.face_id)
        if known is not None:
            missing = {int(n) for n in _HOLD_NUM.findall(climb.holds_list)} - known
            if missing:
                plan.problems.append(f"climb {climb.stokt_id}: hold(s) {', '.join(map(str, sorted(missing)))} "
                                     f"not on its face (page {page.number}); climb skipped")
                extra_seen.append(str(climb.stokt_id))
                continue
        remotes.append(RemoteClimb(str(climb.stokt_id), dict(zip(IMPORT_COLUMNS, _IMPORT_OF_ROW(rows.climb_to_row(climb)),
                                                                 strict=True))))
        if setter:
            setters.append(setter)
    return remotes, setters, extra_seen


def _remap_setters(remotes: list[RemoteClimb], user_map: dict[str, str]) -> list[RemoteClimb]:
    if not user_map:
        return remotes
    out = []
    for r in remotes:
        sid = r.row.get("setter_id")
        if sid in user_map:
            row = dict(r.row)
            row["setter_id"] = user_map[sid]
            r = RemoteClimb(r.stokt_id, row)
        out.append(r)
    return out


# -- applying a previewed plan exactly ------------------------------------------------------------
_SAME = ("kind", "local_id", "stokt_id", "fields", "values")


def apply_plan(store: Store, client: StoktClient, plan: ImportPlan) -> ImportPlan:
    """Write exactly what the preview `plan` showed, in one transaction, and return the report.

    Every action is re-planned against the store as it is now: it must be the same action, or
    `unchanged` (already applied: applying a plan twice is a no-op). Anything else (a local edit
    or another import since the preview) raises `StalePlanError` and writes nothing."""
    snap = plan.snapshot
    if snap is None or not plan.preview:
        raise ValueError("apply_plan needs the plan of a preview (run_import(..., preview=True))")
    now = rows.now_ts()
    pass_id = uuid.uuid4().hex
    done = ImportPlan(gym_stokt_id=plan.gym_stokt_id, gym_name=plan.gym_name, mode=plan.mode, preview=False,
                      problems=list(plan.problems), warnings=list(plan.warnings), pages=plan.pages,
                      pages_total=plan.pages_total, remote_count=plan.remote_count)
    previewed = {(a.stokt_id, a.kind): a for a in plan.actions}
    lock = _import_lock(store)
    try:
        return _apply_plan(store, client, plan, snap, now, pass_id, done, previewed)
    finally:
        lock.release()


def _apply_plan(store: Store, client: StoktClient, plan: ImportPlan, snap: _Snapshot, now: str, pass_id: str,
                done: ImportPlan, previewed: dict[tuple[str, str], ClimbAction]) -> ImportPlan:
    run_id = _start_run(store, plan.mode)
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="stokt-apply")
    try:
        jobs = _start_photos(store, client, snap.structure, pool, done)
        t0 = time.perf_counter()
        with store.transaction() as c:
            sres = apply_structure(c, snap.structure, now=now)
            done.structure = sres.counts
            for remotes, setters, extra_seen in snap.pages:
                _ucounts, user_map = upsert_setters(c, setters, now=now)
                actions = plan_climbs(_remap_setters(remotes, user_map), applier.load_locals(
                    c, [r.stokt_id for r in remotes]), snap.resolve)
                _check_same(actions, previewed)
                applier.apply_climb_actions(c, actions, now=now, pass_id=pass_id)
                applier.mark_seen(c, extra_seen, pass_id, now)
                done.actions.extend(actions)
            deletions: list[ClimbAction] = []
            if plan.mode == "full" and snap.complete:
                known = applier.known_unseen(c, sres.face_ids.values(), pass_id)
                deletions, _warns = plan_deletions(known, snap.seen, remote_total=plan.remote_count or 0)
                _check_same(deletions, previewed)
                applier.apply_climb_actions(c, deletions, now=now, pass_id=pass_id)
                done.actions.extend(deletions)
            cursors: dict[str, str | None] = dict.fromkeys(_RESUME_KEYS)
            cursors["gym"] = plan.gym_stokt_id
            if plan.mode == "full" and snap.complete:
                cursors["full_done_at"] = now
                cursors["full_gym"] = plan.gym_stokt_id
            _set_cursors(c, cursors)
        done.write_seconds = time.perf_counter() - t0
        _finish_photos(store, jobs, done, sres.face_ids)
        done.to_push = _count_to_push(store, sres.face_ids.values())
        _import_personal(store, client, done, plan.gym_stokt_id)
    except BaseException as exc:
        done.status = "failed"
        done.message = str(exc) if isinstance(exc, BackendError | StalePlanError) else type(exc).__name__
        _finish_run(store, run_id, done)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    _finish_run(store, run_id, done)
    return done


def _check_same(actions: list[ClimbAction], previewed: dict[tuple[str, str], ClimbAction]) -> None:
    for a in actions:
        if a.kind == "unchanged":
            continue
        p = previewed.get((a.stokt_id, a.kind))
        if p is None or any(getattr(p, k) != getattr(a, k) for k in _SAME):
            raise StalePlanError(f"climb {a.stokt_id} ({a.name!r}) would now be {a.kind.replace('_', ' ')}, "
                                 "which the preview did not show; preview again")


# -- photos ----------------------------------------------------------------------------------------
def _start_photos(store: Store, client: StoktClient, st: Structure, pool: ThreadPoolExecutor,
                  plan: ImportPlan) -> dict[str, tuple[str, Future[images.ImageInfo]]]:
    jobs: dict[str, tuple[str, Future[images.ImageInfo]]] = {}
    for face in st.faces:
        name = face.picture_path
        if not name or not face.stokt_id:
            continue
        row = store.conn.execute(
            "SELECT i.source_name, f.picture_sha256 FROM faces f JOIN images i ON i.sha256 = f.picture_sha256 "
            "WHERE f.stokt_id = ?", (face.stokt_id,)).fetchone()
        if row and row[0] == name and store.image_path(row[1]):  # the stored photo is of this very name
            plan.photos.append({"face": face.stokt_id, "status": "unchanged", "sha256": row[1]})
            continue
        try:
            client.media_url(name)
        except ValueError as exc:
            plan.problems.append(f"face {face.stokt_id}: photo not downloaded ({exc})")
            continue
        if plan.preview:
            plan.photos.append({"face": face.stokt_id, "status": "to download"})
            continue
        jobs[face.stokt_id] = (name, pool.submit(_download_and_store, client, name, store.directory))
    return jobs


def _download_and_store(client: StoktClient, name: str, directory: Any) -> images.ImageInfo:
    """In a worker thread: download, verify (length, SHA-256, decodes completely) and store atomically.
    A body that does not decode (cut short behind an honest Content-Length) is downloaded again twice."""
    for attempt in range(FETCH_ROUNDS):
        try:
            return images.write_image(paths.images_dir(directory), client.download_media(name))
        except (images.ImageError, TransientError, ProtocolError):
            if attempt == FETCH_ROUNDS - 1:
                raise
    raise AssertionError("unreachable")


def _finish_photos(store: Store, jobs: dict[str, tuple[str, Future[images.ImageInfo]]], plan: ImportPlan,
                   face_ids: dict[str, str]) -> None:
    stored: list[tuple[str, images.ImageInfo, str]] = []
    for face_stokt, (name, fut) in jobs.items():
        try:
            info = fut.result()
        except (BackendError, images.ImageError) as exc:
            plan.problems.append(f"face {face_stokt}: photo not stored ({exc}); the previous one is kept")
            plan.photos.append({"face": face_stokt, "status": "failed"})
            continue
        stored.append((face_stokt, info, name))
        plan.photos.append({"face": face_stokt, "status": "stored", "sha256": info.sha256})
    for face_stokt, info, _name in stored:
        old = store.conn.execute(
            "SELECT i.width, i.height FROM faces f JOIN images i ON i.sha256 = f.picture_sha256 "
            "WHERE f.id = ? AND f.picture_sha256 != ?", (face_ids[face_stokt], info.sha256)).fetchone()
        warning = images.replacement_warning(tuple(old) if old else None, (info.width, info.height),
                                             f"face {face_stokt}")
        if warning:
            plan.warnings.append(warning)
    if stored:
        with store.transaction() as c:
            for face_stokt, info, name in stored:
                images.record(c, info, name)
                c.execute("UPDATE faces SET picture_sha256 = ? WHERE id = ?", (info.sha256, face_ids[face_stokt]))


def _count_to_push(store: Store, face_ids: Any) -> int:
    faces = list(face_ids)
    if not faces:
        return 0
    marks = ", ".join("?" * len(faces))
    return int(store.conn.execute(
        f"SELECT count(*) FROM climbs WHERE stokt_id IS NULL AND face_id IN ({marks})", faces).fetchone()[0])


# -- run log ---------------------------------------------------------------------------------------
def mark_interrupted(conn: Any, backend: str, direction_like: str) -> int:
    """Runs left "running" by a process that died (kill -9, crash, power cut) become "interrupted".
    Call only while holding the lock of that kind of run (no live run can then be "running")."""
    cur = conn.execute("UPDATE sync_runs SET status = 'interrupted', finished_at = ?, message = "
                       "coalesce(message, 'the process was killed or crashed before it finished') "
                       "WHERE backend = ? AND direction LIKE ? AND status = 'running'",
                       (rows.now_ts(), backend, direction_like))
    return int(cur.rowcount or 0)


def _start_run(store: Store, mode: str) -> int:
    with store.transaction() as c:
        mark_interrupted(c, BACKEND, "import-%")
        cur = c.execute("INSERT INTO sync_runs (backend, direction, started_at, status, counts) "
                        "VALUES (?, ?, ?, 'running', '{}')", (BACKEND, f"import-{mode}", rows.now_ts()))
        return int(cur.lastrowid or 0)


def _drop_run(store: Store, run_id: int) -> None:
    with store.transaction() as c:
        c.execute("DELETE FROM sync_runs WHERE id = ?", (run_id,))


def _finish_run(store: Store, run_id: int, plan: ImportPlan) -> None:
    status = plan.status
    if status == "ok" and plan.conflicts:
        status = "conflicts"
    with contextlib.suppress(Exception), store.transaction() as c:
        c.execute("UPDATE sync_runs SET finished_at = ?, status = ?, counts = ?, message = ? WHERE id = ?",
                  (rows.now_ts(), status, json.dumps(plan.counts()), plan.message, run_id))
