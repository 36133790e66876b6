"""Push: a climb set in mastoc reaches Stokt exactly once (N9), with Stokt hold ids, and comes back
from the next import as the same local climb."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mastoc.backends.errors import TransientError
from mastoc.backends.stokt.client import StoktClient
from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Source
from mastoc.store.db import Store
from mastoc.sync.stokt_import import run_import
from mastoc.sync.stokt_push import PushInputError, apply_push, plan_push
from tests.stokt.standin import FACE_ID, StoktStandin


@pytest.fixture()
def store(data_dir: Path, client: StoktClient) -> Iterator[Store]:
    s = Store.open(data_dir)
    run_import(s, client)
    yield s
    s.close()


def _set(store: Store, name: str = "Mon bloc", holds: str = "S829284 F829104 O829309 T829220") -> Climb:
    face = store.face(FACE_ID)
    climb = Climb(id=new_id(), face_id=face.id, name=name, holds_list=holds, grade_font="6A", grade_ircra=15.5,
                  feet_rule="Pieds des mains", description="pour tester", source=Source.MASTOC)
    store.save_climb(climb)
    return climb


def test_push_posts_the_documented_body_and_records_the_mapping(store: Store, client: StoktClient,
                                                                standin: StoktStandin):
    climb = _set(store)
    plan = plan_push(store)
    assert [i.climb_id for i in plan.items] == [climb.id]
    apply_push(store, client, plan)
    assert standin.posted == [{
        "name": "Mon bloc",
        "holdsList": {"start": ["829284"], "others": ["829309"], "top": ["829220"], "feetOnly": ["829104"]},
        "grade": {"gradingSystem": "font", "value": "6A"},
        "attemptsNumber": None, "isPrivate": False, "description": "pour tester", "feetRule": "Pieds des mains",
    }]
    stokt_id = plan.items[0].stokt_id
    assert stokt_id and stokt_id in standin.climbs
    local = store.climb(climb.id)
    assert local.stokt_id == stokt_id and local.name == "Mon bloc" and local.description == "pour tester"
    m = store.conn.execute("SELECT mastoc_id, sync_direction FROM id_mappings WHERE stokt_id = ?", (stokt_id,)).fetchall()
    assert [tuple(r) for r in m] == [(climb.id, "mastoc_to_stokt")]
    assert store.conn.execute("SELECT status FROM push_intents").fetchall()[0][0] == "done"
    assert store.conn.execute("SELECT direction, status FROM sync_runs ORDER BY id DESC").fetchone()[:] == ("push", "ok")
    # push again: nothing; import again: the same local climb, nothing changed
    assert plan_push(store).items == []
    again = run_import(store, client)
    assert again.changed == 0 and store.counts()["climbs"] == 1018
    assert store.climb(stokt_id).id == climb.id


def test_n9_lost_answer_is_reconciled_not_reposted(store: Store, client: StoktClient, standin: StoktStandin):
    climb = _set(store)
    standin.inject("reset_after", r"POST /api/faces/.*/climbs", times=1)
    with pytest.raises(TransientError):
        apply_push(store, client, plan_push(store))
    assert len(standin.posted) == 1  # Stokt created it; we never saw the answer
    assert store.climb(climb.id).stokt_id is None
    pending = store.conn.execute("SELECT status FROM push_intents").fetchall()
    assert [r[0] for r in pending] == ["pending"]
    plan = apply_push(store, client, plan_push(store))
    assert len(standin.posted) == 1  # not posted a second time
    assert plan.reconciled and plan.reconciled[0]["id"] == climb.id
    remote = [c for c in standin.climbs.values() if c["name"] == "Mon bloc"]
    assert len(remote) == 1 and store.climb(climb.id).stokt_id == remote[0]["id"]
    assert store.conn.execute("SELECT count(*) FROM id_mappings WHERE mastoc_id = ?", (climb.id,)).fetchone()[0] == 1
    assert apply_push(store, client, plan_push(store)).items == []
    assert len(standin.posted) == 1


def test_pending_intent_without_remote_match_is_pushed_again(store: Store, client: StoktClient,
                                                            standin: StoktStandin):
    climb = _set(store)
    standin.inject("reset", r"POST /api/faces/.*/climbs", times=1)  # never reached Stokt's logic
    with pytest.raises(TransientError):
        apply_push(store, client, plan_push(store))
    assert standin.posted == []
    plan = apply_push(store, client, plan_push(store))
    assert [i.status for i in plan.items] == ["pushed"] and len(standin.posted) == 1
    assert store.climb(climb.id).stokt_id == plan.items[0].stokt_id


def test_bad_input_is_refused_before_anything_changes(store: Store, client: StoktClient, standin: StoktStandin):
    with pytest.raises(PushInputError) as info:
        plan_push(store, ["not-a-local-climb"])
    assert info.value.kind == "not_found"
    with store.transaction() as c:
        c.execute("INSERT INTO faces (id, gym_id, picture_path, source) SELECT ?, id, 'x.jpg', 'mastoc' FROM gyms",
                  ("local-face",))
        c.execute("INSERT INTO holds (id, face_id, num, polygon_str) VALUES ('h1', 'local-face', 1000000001, '0,0 1,0 1,1'),"
                  " ('h2', 'local-face', 1000000002, '0,0 2,0 2,2')")
    local = Climb(id=new_id(), face_id="local-face", name="Home wall", holds_list="S1000000001 T1000000002",
                  source=Source.MASTOC)
    store.save_climb(local)
    with pytest.raises(PushInputError) as info:
        plan_push(store, [local.id])
    assert info.value.kind == "unmapped"
    plan = plan_push(store)
    assert [s["id"] for s in plan.skipped] == [local.id] and plan.items == []
    assert standin.posted == []


def test_pushed_climb_hidden_from_the_gym_list_is_not_flagged_deleted(store: Store, client: StoktClient,
                                                                     standin: StoktStandin):
    climb = _set(store)
    plan = apply_push(store, client, plan_push(store))
    stokt_id = plan.items[0].stokt_id
    # the gym list hides it (e.g. a private climb), my-set-climbs still has it
    hidden = standin.climbs.pop(stokt_id)
    standin.hooks.append((r"my-set-climbs", lambda s: s.climbs.__setitem__(stokt_id, hidden)))
    full = run_import(store, client, full=True)
    assert full.counts()["deleted_upstream"] == 0
    assert store.conn.execute("SELECT remote_deleted_at FROM climbs WHERE id = ?", (climb.id,)).fetchone()[0] is None
