"""A small in-memory fake of the sync facade (`mastoc.sync.operations`), following its contract.

Used where the real engine cannot easily stage a situation (a Railway conflict, a wrong password, a
rate limit) or is not the point of the test. It records every call; `fail_next` queues exceptions
that the next preview/run/login raises; `step_delay` slows each run step so Cancel can land mid-run.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from mastoc.backends.errors import AuthError
from mastoc.sync.operations import BackendStatus, Op, Preview, PreviewItem, Progress, RunReport

RAILWAY_ITEMS = [
    PreviewItem("climb", "new", "c-new", "Crimp City", "6B+ · Alice · new on the server", "pull"),
    PreviewItem("climb", "updated", "c-upd", "Slab Happy", "5+ · Bob · grade, description changed", "pull"),
    PreviewItem("climb", "conflict", "c-conf", "Pinch Me", "7A · Carol · grade changed on both sides", "pull",
                choices=("mine", "theirs", "both"),
                compare=[("name", "Pinch", "Pinch Me", "Pinch"), ("grade_font", "6C", "6C", "7A"),
                         ("is_private", 0, 1, 0)]),
    PreviewItem("climb", "to_push", "c-push", "My Project", "6C · Me · set here", "push"),
    PreviewItem("hold_annotation", "new", "a-1", "Annotation on hold 829284", "crimp, good for feet", "pull"),
    PreviewItem("list", "deleted_upstream", "l-1", "Warm-ups", "deleted on the server", "pull"),
]


@dataclass
class FakeOps:
    Op = Op
    active: str = "railway"
    accounts: dict[str, str] = field(default_factory=dict)
    password: str = "secret-pw"
    runs: list[dict] = field(default_factory=list)
    calls: list[tuple] = field(default_factory=list)
    fail_next: list[Exception] = field(default_factory=list)
    step_delay: float = 0.0
    steps: int = 5
    started: threading.Event = field(default_factory=threading.Event)
    completed_steps: int = 0

    def _maybe_fail(self) -> None:
        if self.fail_next:
            raise self.fail_next.pop(0)

    def active_backend(self, data_dir: Path | None = None) -> str:
        return self.active

    def set_active_backend(self, name: str, data_dir: Path | None = None) -> None:
        assert name in ("railway", "stokt")
        self.calls.append(("set_active_backend", name))
        self.active = name

    def status(self, backend: str | None = None, data_dir: Path | None = None) -> BackendStatus:
        b = backend or self.active
        last = max((r["finished_at"] for r in self.runs if r["backend"] == b and r["status"] == "ok"), default=None)
        return BackendStatus(self.active, b, f"http://127.0.0.1:9/{b}", self.accounts.get(b), b in self.accounts,
                             datetime.fromisoformat(last) if last else None, 3 if b == "railway" else 1)

    def login(self, backend: str, username: str, password: str, url: str | None = None,
              data_dir: Path | None = None) -> str:
        self.calls.append(("login", backend, username, url))
        self._maybe_fail()
        if password != self.password:
            raise AuthError("wrong password")
        self.accounts[backend] = username
        return username

    def logout(self, backend: str, data_dir: Path | None = None) -> None:
        self.accounts.pop(backend, None)

    def preview(self, op: Op, data_dir: Path | None = None, *, full: bool = False,
                climb_ids: list[str] | None = None, progress=None, cancel=None) -> Preview:
        op = Op(op)
        self.calls.append(("preview", op))
        if progress:
            progress(Progress("Asking the server what changed", 0, None))
        self._maybe_fail()
        if op is Op.STOKT_PUSH:
            items = [PreviewItem("climb", "to_push", f"p{i}", f"Pushable {i}", "6A · Me", "push", selectable=True)
                     for i in range(3)]
            counts = {"climb": {"to_push": 3}}
        else:
            items = list(RAILWAY_ITEMS)
            counts = {"climb": {"new": 1, "updated": 1, "conflict": 1, "to_push": 1, "unchanged": 1012},
                      "hold_annotation": {"new": 1, "unchanged": 4}, "list": {"deleted_upstream": 1}}
        return Preview(op, items, counts, plan={"op": op.value})

    def run(self, preview: Preview, data_dir: Path | None = None, *, selected=None, resolutions=None,
            default_resolution=None, progress=None, cancel=None) -> RunReport:
        self.calls.append(("run", preview.op, None if selected is None else set(selected), dict(resolutions or {})))
        self.started.set()
        started = datetime.now(UTC)
        self._maybe_fail()
        cancelled = False
        for i in range(self.completed_steps, self.steps):
            if cancel is not None and cancel():
                cancelled = True
                break
            if progress:
                progress(Progress(f"Applying batch {i + 1} of {self.steps}", i, self.steps))
            time.sleep(self.step_delay)
            self.completed_steps = i + 1
        if not cancelled:
            self.completed_steps = 0
        counts = {"climb": {"new": 1, "updated": 1}}
        status = "cancelled" if cancelled else "ok"
        backend = "railway" if preview.op is Op.RAILWAY_SYNC else "stokt"
        self.runs.insert(0, {"id": len(self.runs) + 1, "backend": backend,
                             "direction": "push" if preview.op is Op.STOKT_PUSH else "both",
                             "started_at": started.isoformat(), "finished_at": datetime.now(UTC).isoformat(),
                             "status": status, "counts": counts, "message": "" if not cancelled else "cancelled"})
        return RunReport(preview.op, not cancelled, cancelled, counts,
                         "1 new, 1 updated." if not cancelled else "cancelled", [])

    def history(self, data_dir: Path | None = None, limit: int = 50) -> list[dict]:
        return list(self.runs[:limit])
