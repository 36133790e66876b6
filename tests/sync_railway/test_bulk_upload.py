"""The upload side of the first Railway sync goes through the server's bulk import in batches: every
Stokt setter, hold and climb arrives with all its fields, whatever the batch size, and each sent row
gets its sync base (nothing is left to send afterwards)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mastoc.store.db import Store
from mastoc.sync import operations as ops
from mastoc.sync import railway
from tests.stokt.standin import StoktStandin
from tests.sync_railway.conftest import LiveServer, device, sync


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
