"""The upload side of the first Railway sync goes through the server's bulk import in batches: every
Stokt setter, hold and climb arrives with all its fields, whatever the batch size, and each sent row
gets its sync base (nothing is left to send afterwards)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mastoc.server.app import create_app
from mastoc.server.config import Settings
from mastoc.store.db import Store
from mastoc.sync import operations as ops
from mastoc.sync import railway
from tests.server.conftest import fresh_pg_database
from tests.stokt.standin import StoktStandin
from tests.sync_railway.conftest import EMAIL, PASSWORD, SECRET, LiveServer, device, free_port, register, sync


@pytest.fixture()
def standin(fixtures_dir: Path):
    with StoktStandin(fixtures_dir) as s:
        yield s


def test_a_first_push_in_several_batches_sends_every_row(tmp_path: Path, server: LiveServer, standin: StoktStandin,
                                                         monkeypatch):
    monkeypatch.setenv("MASTOC_STOKT_URL", standin.url)
    monkeypatch.setattr(railway, "_CHUNK", 300)  # 1,017 climbs: three full batches and a partial one
    a = device(tmp_path, "a", server)
    ops.login("stokt", standin.username, standin.password, url=standin.url, data_dir=a)
    ops.run(ops.preview(ops.Op.STOKT_IMPORT, a), a)
    _pv, rep = sync(a)
    assert rep.ok, rep.errors[:3]
    assert server.count("climbs") == 1017 and server.count("holds") == 776
    with Store.open(a) as st:
        local = {r[0]: (r[1], r[2], bool(r[3]), r[4] or 0, r[5] or None, r[6] or 0) for r in st.conn.execute(
            "SELECT id, name, holds_list, is_benchmark, total_comments, mirror_holds_list, climbed_by FROM climbs")}
        setters = {r[0]: r[1] for r in st.conn.execute(
            "SELECT c.id, u.stokt_id FROM climbs c LEFT JOIN users u ON u.id = c.setter_id")}
        holds = {int(r[0]): r[1] for r in st.conn.execute("SELECT stokt_id, polygon_str FROM holds")}
        assert railway.pending_changes(st) == 0
        bases = dict(st.conn.execute("SELECT entity_type, count(*) FROM sync_state WHERE backend = 'railway' "
                                     "GROUP BY entity_type").fetchall())
    assert bases["climb"] == 1017 and bases["hold"] == 776
    remote = {r[0]: (r[1], r[2], bool(r[3]), r[4], r[5], r[6]) for r in server.sql(
        "SELECT id, name, holds_list, is_benchmark, total_comments, mirror_holds_list, climbed_by FROM climbs")}
    assert remote == local
    remote_setters = {r[0]: r[1] for r in server.sql(
        "SELECT c.id, u.stokt_id FROM climbs c LEFT JOIN users u ON u.id = c.setter_id")}
    assert remote_setters == setters and sum(v is not None for v in setters.values()) > 900
    assert {int(r[0]): r[1] for r in server.sql("SELECT id, polygon_str FROM holds")} == holds
    # the server's feed has them all: nothing new for this device, and a no-op sync after the echo
    _pv, rep = sync(a)
    assert rep.ok
    assert not [i for i in ops.preview(ops.Op.RAILWAY_SYNC, a).items]


def test_bulk_requests_fit_the_servers_body_limit(tmp_path: Path, pg_server, pg_template, standin: StoktStandin,
                                                  monkeypatch):
    """Requests stay under a byte budget, and a server with a smaller body limit (413) gets halves."""
    app = create_app(Settings(database_url=fresh_pg_database(pg_server, pg_template), secret_key=SECRET,
                              data_dir=tmp_path / "srv", max_body_bytes=64 * 1024), run_migrations=False)
    live = LiveServer(app, free_port()).start()
    try:
        register(live.url, EMAIL, "climber", PASSWORD, "Climber")
        live.sql("UPDATE users SET role = 'admin' WHERE email = :e", e=EMAIL)
        monkeypatch.setenv("MASTOC_STOKT_URL", standin.url)
        monkeypatch.setattr(railway, "_BATCH_BYTES", 200 * 1024)  # above this server's limit: 413, then halves
        sent: list[int] = []
        real_call = railway._call

        def spy(client, method, path, **kwargs):  # type: ignore[no-untyped-def]
            if "/import/" in path and path.endswith("/batch"):
                sent.append(len(json.dumps(kwargs["body"])))
            return real_call(client, method, path, **kwargs)

        monkeypatch.setattr(railway, "_call", spy)
        a = device(tmp_path, "a", live)
        ops.login("stokt", standin.username, standin.password, url=standin.url, data_dir=a)
        ops.run(ops.preview(ops.Op.STOKT_IMPORT, a), a)
        _pv, rep = sync(a)
        assert rep.ok, rep.errors[:3]
        assert live.count("climbs") == 1017 and live.count("holds") == 776 and live.count("users") == 80
        assert max(sent) > 64 * 1024 and len(sent) > 20  # refused ones, then halves that went through
        with Store.open(a) as st:
            assert railway.pending_changes(st) == 0
    finally:
        live.stop()
        app.state.engine.dispose()
