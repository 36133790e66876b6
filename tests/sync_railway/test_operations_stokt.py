"""The sync facade over the Stokt operations: login, preview (writes nothing), run, push with a
selection, backend choice and history."""

from __future__ import annotations

from pathlib import Path

import pytest

from mastoc.backends.errors import AuthError
from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Source
from mastoc.store.db import Store
from mastoc.sync import operations as ops
from tests.stokt.standin import FACE_ID, StoktStandin


@pytest.fixture()
def standin(fixtures_dir: Path):
    with StoktStandin(fixtures_dir) as s:
        yield s


def test_backend_choice_is_persisted(data_dir: Path):
    assert ops.active_backend(data_dir) == "railway"
    ops.set_active_backend("stokt", data_dir)
    assert ops.active_backend(data_dir) == "stokt"
    assert ops.status(data_dir=data_dir).backend == "stokt"
    with pytest.raises(ValueError):
        ops.set_active_backend("ftp", data_dir)


def test_import_preview_then_run_then_push_selected(data_dir: Path, standin: StoktStandin, monkeypatch):
    monkeypatch.setenv("MASTOC_STOKT_URL", standin.url)
    with pytest.raises(AuthError):
        ops.login("stokt", standin.username, "wrong", data_dir=data_dir)
    assert ops.login("stokt", standin.username, standin.password, data_dir=data_dir) == standin.username
    st = ops.status("stokt", data_dir)
    assert st.logged_in and st.account == standin.username and st.last_success is None

    seen = []
    pv = ops.preview(ops.Op.STOKT_IMPORT, data_dir, progress=seen.append)
    with Store.open(data_dir) as s:
        assert s.counts()["climbs"] == 0  # a preview writes nothing
    assert pv.counts["climb"]["new"] == 1017
    assert len([i for i in pv.items if i.entity == "climb" and i.category == "new"]) == 1017
    assert any("page" in p.step for p in seen)
    assert pv.as_dict()["counts"]["climb"]["new"] == 1017

    rep = ops.run(pv, data_dir)
    assert rep.ok and rep.counts["climb"]["new"] == 1017
    with Store.open(data_dir) as s:
        assert s.counts()["climbs"] == 1017
        face = s.face(FACE_ID)
        climbs = []
        for n in range(3):
            c = Climb(id=new_id(), face_id=face.id, name=f"Mon bloc {n}", holds_list="S829284 O829309 T829220",
                      grade_font="6A", grade_ircra=15.5, source=Source.MASTOC)
            s.save_climb(c)
            climbs.append(c)
    assert ops.status("stokt", data_dir).pending_local_changes == 3
    pp = ops.preview(ops.Op.STOKT_PUSH, data_dir)
    assert {i.key for i in pp.items if i.category == "to_push"} == {c.id for c in climbs}
    assert all(i.selectable for i in pp.items)
    chosen = {climbs[0].id, climbs[2].id}
    rep = ops.run(pp, data_dir, selected=chosen)
    assert rep.ok and rep.counts["climb"]["pushed"] == 2
    assert [p["name"] for p in standin.posted] == ["Mon bloc 0", "Mon bloc 2"]
    with Store.open(data_dir) as s:
        assert s.climb(climbs[1].id).stokt_id is None and s.climb(climbs[0].id).stokt_id
    hist = ops.history(data_dir)
    assert [h["direction"] for h in hist[:2]] == ["push", "import-full"]
    assert ops.status("stokt", data_dir).last_success is not None
    ops.logout("stokt", data_dir)
    assert not ops.status("stokt", data_dir).logged_in


def test_import_conflict_resolution_per_climb(data_dir: Path, standin: StoktStandin, monkeypatch):
    monkeypatch.setenv("MASTOC_STOKT_URL", standin.url)
    ops.login("stokt", standin.username, standin.password, data_dir=data_dir)
    ops.run(ops.preview(ops.Op.STOKT_IMPORT, data_dir), data_dir)
    a, b = list(standin.climbs)[:2]
    with Store.open(data_dir) as s:
        for sid in (a, b):
            s.conn.execute("UPDATE climbs SET name = 'local name' WHERE stokt_id = ?", (sid,))
    standin.edit_climb(a, name="remote A")
    standin.edit_climb(b, name="remote B")
    pv = ops.preview(ops.Op.STOKT_IMPORT, data_dir, full=True)
    conflicts = [i for i in pv.items if i.category == "conflict"]
    assert len(conflicts) == 2 and all(i.choices == ("mine", "theirs") for i in conflicts)
    with Store.open(data_dir) as s:
        ida = s.climb(a).id
    rep = ops.run(pv, data_dir, resolutions={ida: "theirs"})
    assert rep.counts["climb"]["resolved"] == 1 and "1 conflict(s) left" in rep.message
    with Store.open(data_dir) as s:
        assert s.climb(a).name == "remote A" and s.climb(b).name == "local name"
