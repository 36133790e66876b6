"""Re-sync to Stokt against the stand-in: set -> push (create) -> edit -> push (one PATCH with the
changed keys) -> import (no conflict) -> delete -> push --delete-remote (one DELETE); 403 on a climb
set by someone else is reported and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mastoc.backends.stokt.client import StoktClient
from mastoc.edits import climbs as ec
from mastoc.store.db import Store
from mastoc.sync.stokt_import import run_import
from mastoc.sync.stokt_push import apply_push, plan_push
from tests.stokt.standin import FACE_ID, StoktStandin


@pytest.fixture()
def store(data_dir: Path, client: StoktClient) -> Iterator[Store]:
    s = Store.open(data_dir)
    run_import(s, client)
    yield s
    s.close()


def _snapshot(store: Store) -> dict[str, Any]:
    return {t: [tuple(r) for r in store.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2")]
            for t in ("climbs", "stokt_push_base", "climb_trash", "sync_state")}


def test_set_push_edit_push_import_delete_push(store: Store, client: StoktClient, standin: StoktStandin):
    face = store.face(FACE_ID)
    (cid,) = ec.set_climb(store, ec.ClimbInput(face.id, "Mon bloc", "S829284 F829104 O829309 T829220",
                                               grade="6A", description="pour tester")).climbs
    plan = plan_push(store)
    assert plan.categories() == {"create": 1, "update": 0, "delete": 0}
    apply_push(store, client, plan)
    stokt_id = store.climb(cid).stokt_id
    assert stokt_id and len(standin.posted) == 1
    assert ec.push_state(store, store.climb(cid)) == ec.PUSHED
    assert ec.set_by_me(store, store.climb(cid))  # pushed from here: its holds stay editable

    ec.edit_climb(store, cid, name="Mon bloc v2", holds="S829284 O829309 O829341 T829220")
    assert ec.push_state(store, store.climb(cid)) == ec.CHANGED
    plan = plan_push(store)
    assert plan.categories() == {"create": 0, "update": 1, "delete": 0}
    assert plan.updates[0].fields == ["name", "holds_list"]
    apply_push(store, client, plan)
    assert plan.updates[0].status == "updated"
    assert standin.patched == [(stokt_id, {
        "name": "Mon bloc v2",
        "holdsList": {"start": ["829284"], "others": ["829309", "829341"], "top": ["829220"], "feetOnly": []},
    })]
    assert [e["line"].split("?")[0] for e in standin.requests_to(r"^PATCH ")] == [
        f"PATCH /api/faces/{FACE_ID}/climbs/{stokt_id}"]
    assert standin.climbs[stokt_id]["name"] == "Mon bloc v2"
    assert ec.push_state(store, store.climb(cid)) == ec.PUSHED and ec.changed_climb_ids(store) == []
    assert plan_push(store).categories() == {"create": 0, "update": 0, "delete": 0}

    report = run_import(store, client)
    assert report.conflicts == [] and report.counts()["conflict"] == 0
    assert store.climb(cid).name == "Mon bloc v2" and store.climb(cid).holds_list == "S829284 O829309 O829341 T829220"

    ec.delete_climb(store, cid)
    plan = plan_push(store)  # without --delete-remote: listed, not sent
    assert plan.categories() == {"create": 0, "update": 0, "delete": 1} and plan.deletes[0].status == "not_sent"
    apply_push(store, client, plan)
    assert standin.deleted == [] and stokt_id in standin.climbs
    again = run_import(store, client)  # deleted here: the import does not bring it back
    assert store.climb(cid) is None and store.climb(stokt_id) is None and again.counts()["new"] == 0

    plan = plan_push(store, delete_remote=True)
    apply_push(store, client, plan)
    assert plan.deletes[0].status == "deleted"
    assert standin.deleted == [stokt_id] and stokt_id not in standin.climbs
    assert len(standin.requests_to(r"^DELETE ")) == 1
    assert plan_push(store, delete_remote=True).categories() == {"create": 0, "update": 0, "delete": 0}


def test_403_on_a_climb_set_by_someone_else_is_reported_and_changes_nothing(store: Store, client: StoktClient,
                                                                            standin: StoktStandin):
    row = store.conn.execute("SELECT id, stokt_id, name FROM climbs ORDER BY stokt_id LIMIT 1").fetchone()
    ec.edit_climb(store, row["id"], name="Better name", grade="7A")
    plan = plan_push(store)
    assert [(u.climb_id, u.fields) for u in plan.updates] == [(row["id"], ["name", "grade_font", "grade_ircra"])]
    assert plan.updates[0].body == {"name": "Better name", "grade": {"gradingSystem": "font", "value": "7A"}}
    before = _snapshot(store)
    apply_push(store, client, plan)
    item = plan.updates[0]
    assert item.status == "refused" and "set by someone else" in item.message
    assert standin.patched == [] and standin.climbs[row["stokt_id"]]["name"] == row["name"]
    assert len(standin.requests_to(r"^PATCH ")) == 1  # no blind retry
    after = _snapshot(store)
    assert after == before  # still marked as changed, nothing recorded
    assert ec.changed_since_push(store, row["id"])["name"] == (row["name"], "Better name")
    assert store.conn.execute("SELECT status FROM sync_runs ORDER BY id DESC").fetchone()[0] == "partial"

    ec.delete_climb(store, row["id"])
    plan = plan_push(store, delete_remote=True)
    apply_push(store, client, plan)
    assert plan.deletes[0].status == "refused" and "only they can delete it" in plan.deletes[0].message
    assert standin.deleted == [] and row["stokt_id"] in standin.climbs
    assert plan_push(store, delete_remote=True).categories()["delete"] == 1  # stays marked


def test_standin_refuses_patch_and_delete_of_climbs_not_posted_through_it(standin: StoktStandin,
                                                                          client: StoktClient):
    from mastoc.backends.errors import AuthError, NotFoundError

    some = next(iter(standin.climbs))
    with pytest.raises(AuthError) as err:
        client.update_climb(FACE_ID, some, {"name": "Mine now"})
    assert err.value.status == 403
    with pytest.raises(AuthError):
        client.delete_climb(some)
    with pytest.raises(NotFoundError):
        client.delete_climb("00000000-0000-4000-8000-000000000000")
    assert standin.patched == [] and standin.deleted == [] and some in standin.climbs


@pytest.mark.parametrize("resolve", ["mine", "theirs"])
def test_a_conflict_resolution_moves_the_push_base(store: Store, client: StoktClient, standin: StoktStandin,
                                                   resolve: str):
    face = store.face(FACE_ID)
    (cid,) = ec.set_climb(store, ec.ClimbInput(face.id, "Mon bloc", "S829284 O829309 T829220", grade="6A")).climbs
    apply_push(store, client, plan_push(store))
    stokt_id = store.climb(cid).stokt_id
    ec.edit_climb(store, cid, name="Local name")
    standin.edit_climb(stokt_id, name="Stokt name")
    assert run_import(store, client, full=True).counts()["conflict"] == 1
    run_import(store, client, full=True, resolve=resolve)
    if resolve == "theirs":
        assert store.climb(cid).name == "Stokt name" and ec.changed_since_push(store, cid) == {}
        assert plan_push(store).updates == []
    else:  # mine: the push sends the local name over Stokt's
        assert store.climb(cid).name == "Local name"
        assert ec.changed_since_push(store, cid) == {"name": ("Stokt name", "Local name")}
        plan = plan_push(store)
        apply_push(store, client, plan)
        assert standin.patched == [(stokt_id, {"name": "Local name"})]
        assert run_import(store, client, full=True).counts()["conflict"] == 0
