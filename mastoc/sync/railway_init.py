"""`init-from-stokt`: import everything from Stokt, then upload it (photos included) to an EMPTY
mastoc server through the Railway sync, and report what the server then holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from mastoc.backends import credentials
from mastoc.backends.errors import AuthError, BackendError
from mastoc.store.db import Store, StoreError
from mastoc.sync import railway
from mastoc.sync.railway_session import client_for

Say = Callable[[str, int, int | None], None]


class ServerNotEmptyError(StoreError):
    """The server already holds faces or climbs: use `mastoc railway sync` instead."""


def server_stats(client: Any) -> dict[str, int]:
    return {k: int(v) for k, v in client._json("GET", "/api/sync/stats").items()}  # noqa: SLF001


def init_from_stokt(directory: Path, *, gym: str | None = None, progress: Say | None = None,
                    cancelled: Callable[[], bool] | None = None, stokt_config: Any = None,
                    railway_config: Any = None) -> dict[str, Any]:
    """Returns {"import": ImportPlan counts, "sync": SyncReport, "server": stats}."""
    from mastoc.backends.stokt.client import StoktClient
    from mastoc.sync.operations import backend_url
    from mastoc.sync.stokt_import import run_import

    say = progress or (lambda _s, _d, _t: None)
    creds = credentials.load("stokt", directory)
    if creds is None:
        raise AuthError("not logged in to Stokt: run `mastoc stokt login --username EMAIL`")
    with Store.open(directory) as store, client_for(directory, config=railway_config, cancelled=cancelled) as rc:
        before = server_stats(rc)
        if before.get("climbs") or before.get("faces"):
            raise ServerNotEmptyError(
                f"the server already holds {before.get('faces', 0)} face(s) and {before.get('climbs', 0)} climb(s); "
                "init-from-stokt needs an empty server (use `mastoc railway sync`)")
        with StoktClient(backend_url("stokt", directory), creds.token, config=stokt_config,
                         cancelled=cancelled) as sc:
            say("Importing from Stokt", 0, None)
            plan = run_import(store, sc, gym=gym, full=True,
                              progress=lambda d, t, _m: say(f"Importing from Stokt (page {d} of {t or '?'})", d, t),
                              cancelled=cancelled)
            if plan.status != "ok":
                raise BackendError(plan.message or "the Stokt import did not finish")
        sync_plan = railway.plan_sync(store, rc, progress=say, cancelled=cancelled)
        report = railway.apply_sync(store, rc, sync_plan, progress=say, cancelled=cancelled)
        after = server_stats(rc)
        photos = rc._json("GET", "/api/faces")  # noqa: SLF001
    return {"import": plan.counts(), "sync": report, "server": after,
            "photos": {f["id"]: f.get("picture_sha256") for f in photos}}
