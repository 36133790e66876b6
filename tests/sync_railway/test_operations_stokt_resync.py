"""The sync facade's Stokt push with updates and deletions: categories `to_push` / `update` /
`delete_remote`, deletions selectable and sent only when previewed with `delete_remote=True`."""

from __future__ import annotations

from pathlib import Path

import pytest

from mastoc.edits import climbs as ec
from mastoc.store.db import Store
from mastoc.sync import operations as ops
from tests.stokt.standin import FACE_ID, StoktStandin


@pytest.fixture()
def standin(fixtures_dir: Path):
    with StoktStandin(fixtures_dir) as s:
        yield s


def test_push_preview_lists_updates_and_deletions_and_sends_deletions_only_when_asked(
        data_dir: Path, standin: StoktStandin, monkeypatch):
    monkeypatch.setenv("MASTOC_STOKT_URL", standin.url)
    ops.login("stokt", standin.username, standin.password, data_dir=data_dir)
    assert ops.run(ops.preview(ops.Op.STOKT_IMPORT, data_dir), data_dir).ok
    with Store.open(data_dir) as s:
        ids = [ec.set_climb(s, ec.ClimbInput(s.face(FACE_ID).id, f"Mon bloc {n}", "S829284 O829309 T829220",
                                             grade="6A")).climbs for n in range(2)]
        a, b = (next(iter(x)) for x in ids)
    assert ops.run(ops.preview(ops.Op.STOKT_PUSH, data_dir), data_dir).ok
    with Store.open(data_dir) as s:
        ec.edit_climb(s, a, name="Mon bloc A")
        ec.delete_climb(s, b)
        b_stokt = ec.trashed_snapshot(s, b).row["stokt_id"]

    pv = ops.preview(ops.Op.STOKT_PUSH, data_dir)
    rows = {(i.category, i.key): i for i in pv.items}
    assert pv.counts["climb"] == {"to_push": 0, "update": 1, "delete_remote": 1, "skipped": 0}
    assert rows[("update", a)].selectable and "name changed since pushed" in rows[("update", a)].detail
    assert not rows[("delete_remote", b)].selectable and "allowed" in rows[("delete_remote", b)].detail
    rep = ops.run(pv, data_dir, selected={a, b})
    assert rep.ok and rep.counts["climb"]["updated"] == 1 and "updated 1" in rep.message
    assert [c for c, _ in standin.patched] == [ec_stokt(data_dir, a)] and standin.deleted == []

    pv = ops.preview(ops.Op.STOKT_PUSH, data_dir, delete_remote=True)
    assert [(i.category, i.key, i.selectable) for i in pv.items] == [("delete_remote", b, True)]
    assert ops.status("stokt", data_dir).pending_local_changes == 1
    rep = ops.run(pv, data_dir)
    assert rep.ok and rep.counts["climb"]["deleted"] == 1 and standin.deleted == [b_stokt]
    assert ops.status("stokt", data_dir).pending_local_changes == 0


def ec_stokt(data_dir: Path, climb_id: str) -> str:
    with Store.open(data_dir) as s:
        return s.climb(climb_id).stokt_id
