"""Issue 9 §6: the Railway sync says what is wrong, once.

- A climber (not an admin) on a fresh server syncs a store imported from Stokt: the server does not
  have the gym's wall, so every climb would be refused. The preview predicts it, and the run says it
  in one note naming what to do (`mastoc railway init-from-stokt`, or a sync by an admin) instead of
  one refusal per climb.
- Against the first server version (no changes feed: GET /api/changes is a 404) the sync says that
  the server is an older mastoc server and how to upgrade it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mastoc.cli import main
from mastoc.sync import operations as ops
from tests.server.conftest import fresh_pg_database
from tests.stokt.standin import StoktStandin
from tests.sync_railway.conftest import LiveServer, register, start_server_on, sync

CLIMBER, CLIMBER_PASSWORD = "new.climber@example.org", "password-456"


@pytest.fixture()
def standin(fixtures_dir: Path):
    with StoktStandin(fixtures_dir) as s:
        yield s


def _climber_device(tmp_path: Path, server: LiveServer, standin: StoktStandin) -> Path:
    register(server.url, CLIMBER, "newclimber", CLIMBER_PASSWORD, "New")
    d = tmp_path / "climber"
    d.mkdir()
    ops.login("railway", CLIMBER, CLIMBER_PASSWORD, url=server.url, data_dir=d)
    ops.login("stokt", standin.username, standin.password, url=standin.url, data_dir=d)
    assert ops.run(ops.preview(ops.Op.STOKT_IMPORT, d), d).ok
    return d


def test_a_climber_on_a_fresh_server_is_told_once_that_an_admin_must_send_the_wall(
        tmp_path: Path, server: LiveServer, standin: StoktStandin, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("MASTOC_STOKT_URL", standin.url)
    d = _climber_device(tmp_path, server, standin)
    pv = ops.preview(ops.Op.RAILWAY_SYNC, d)
    assert not [i for i in pv.items if i.entity in ("climb", "hold") and i.category == "create"]
    wall = [w for w in pv.warnings if "does not have the wall" in w]
    assert len(wall) == 1, pv.warnings
    assert "1017 climb(s)" in wall[0] and "mastoc railway init-from-stokt" in wall[0] and "admin" in wall[0]
    rep = ops.run(pv, d)
    assert rep.errors == [] and rep.ok
    assert rep.message.count("does not have the wall") == 1
    assert server.count("climbs") == 0
    capsys.readouterr()
    assert main(["--data-dir", str(d), "railway", "sync"]) == 0
    out = capsys.readouterr()
    text = out.out + out.err
    assert text.count("does not have the wall") == 1 and "refused" not in text
    assert len(text.splitlines()) < 30
    # once an admin has sent the wall, the climber's climbs go (the admin is the test account)
    from tests.sync_railway.conftest import device

    admin = device(tmp_path, "admin", server)
    ops.login("stokt", standin.username, standin.password, url=standin.url, data_dir=admin)
    assert ops.run(ops.preview(ops.Op.STOKT_IMPORT, admin), admin).ok
    assert sync(admin)[1].ok
    pv = ops.preview(ops.Op.RAILWAY_SYNC, d)
    assert not [w for w in pv.warnings if "does not have the wall" in w]


def _without_changes_feed(app: Any) -> None:
    """The first production server had no changes feed: GET /api/changes is a 404, and not in its schema."""
    from fastapi.responses import JSONResponse

    @app.middleware("http")
    async def _no_feed(request: Any, call_next: Any) -> Any:
        if request.url.path == "/api/changes":
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        return await call_next(request)

    full = app.openapi

    def openapi() -> dict[str, Any]:
        spec = full()
        spec["paths"].pop("/api/changes", None)
        return spec

    app.openapi = openapi


@pytest.fixture()
def old_server(pg_server: Any, pg_template: str, tmp_path: Path):  # noqa: F811
    live = start_server_on(fresh_pg_database(pg_server, pg_template), tmp_path / "old-data", _without_changes_feed)
    yield live
    live.stop()
    live.app.state.engine.dispose()


def test_an_older_server_is_named_with_how_to_upgrade_it(tmp_path: Path, old_server: LiveServer, capsys) -> None:
    from tests.sync_railway.conftest import device

    d = device(tmp_path, "a", old_server)
    capsys.readouterr()
    assert main(["--data-dir", str(d), "railway", "sync"]) == 6
    err = capsys.readouterr().err
    assert "older mastoc server" in err and "mastoc server migrate-from-old" in err
    assert len(err.strip().splitlines()) == 1
    assert main(["--data-dir", str(d), "railway", "sync", "--json"]) == 6


def test_a_climber_is_told_once_that_stokt_climbs_changed_here_need_an_admin(
        tmp_path: Path, server: LiveServer, standin: StoktStandin, monkeypatch: pytest.MonkeyPatch) -> None:
    """Climbs imported from Stokt may only be changed on the server by an admin: a climber's local
    changes to them (here: tags that the server did not have before) are one note, not one refusal each."""
    from mastoc.store.db import Store
    from tests.sync_railway.conftest import device

    monkeypatch.setenv("MASTOC_STOKT_URL", standin.url)
    admin = device(tmp_path, "admin", server)
    ops.login("stokt", standin.username, standin.password, url=standin.url, data_dir=admin)
    assert ops.run(ops.preview(ops.Op.STOKT_IMPORT, admin), admin).ok
    assert sync(admin)[1].ok
    d = _climber_device(tmp_path, server, standin)
    assert ops.run(ops.preview(ops.Op.RAILWAY_SYNC, d), d).ok
    with Store.open(d) as s, s.transaction() as c:
        c.execute("UPDATE climbs SET tags = 'mine' WHERE id IN (SELECT id FROM climbs WHERE stokt_id IS NOT NULL "
                  "ORDER BY id LIMIT 5)")
    pv = ops.preview(ops.Op.RAILWAY_SYNC, d)
    assert [w for w in pv.warnings if "5 climb(s) imported from Stokt" in w]
    rep = ops.run(pv, d)
    assert rep.ok and rep.errors == []
