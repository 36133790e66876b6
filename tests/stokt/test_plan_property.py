"""Property test of the planner + applier on random edits of both sides (a real store, rolled back
after each example): applying the plan reaches the expected state, never loses a local change, and
applying again is a no-op."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mastoc.store.db import Store
from mastoc.sync import apply as applier
from mastoc.sync.plan import EDIT_FIELDS, IMPORT_COLUMNS, RemoteClimb, plan_climbs, plan_deletions

LOCAL_EDITS = ("none", "name", "grade", "feet")
REMOTE_EDITS = ("none", "name", "counters", "name+counters", "same-name", "delete")


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = Store.open(Path(tmp_path_factory.mktemp("prop")))
    with s.transaction() as c:
        c.execute("INSERT INTO gyms (id, display_name) VALUES ('g', 'Gym')")
        c.execute("INSERT INTO faces (id, gym_id, picture_path) VALUES ('f', 'g', 'p.jpg')")
    yield s
    s.close()


def base_row(i: int) -> dict:
    return {"id": f"local-{i}", "stokt_id": f"remote-{i}", "face_id": "f", "setter_id": None, "name": f"Climb {i}",
            "holds_list": f"S{100 + i} T{200 + i}", "mirror_holds_list": "", "grade_font": "6A", "grade_ircra": 15.5,
            "feet_rule": "Tous pieds", "description": None, "tags": "", "circuit": "", "is_private": 0,
            "is_benchmark": 0, "climbed_by": i, "total_likes": 0, "total_comments": 0, "source": "stokt",
            "created_at": f"2025-01-{i + 1:02d}T00:00:00+00:00"}


def _row(store: Store, local_id: str) -> dict:
    r = store.conn.execute(f"SELECT {', '.join(IMPORT_COLUMNS)}, remote_deleted_at FROM climbs WHERE id = ?",
                           (local_id,)).fetchone()
    return dict(zip((*IMPORT_COLUMNS, "remote_deleted_at"), tuple(r), strict=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.sampled_from(LOCAL_EDITS), st.sampled_from(REMOTE_EDITS)), min_size=1, max_size=8),
       new_remote=st.integers(0, 3), resolve=st.sampled_from([None, "mine", "theirs"]))
def test_plan_apply_reaches_expected_state(store: Store, ops, new_remote, resolve):
    try:
        with store.transaction() as c:
            n = len(ops)
            bases = [base_row(i) for i in range(n)]
            first = plan_climbs([RemoteClimb(b["stokt_id"], b) for b in bases], applier.load_locals(c, []))
            assert [a.kind for a in first] == ["new"] * n
            applier.apply_climb_actions(c, first, now="t0", pass_id="p0")
            # local edits
            local_after = {}
            for i, (ledit, _redit) in enumerate(ops):
                sets = {"name": {"name": f"Local name {i}"}, "grade": {"grade_font": "7A", "grade_ircra": 20.5},
                        "feet": {"feet_rule": "No foot"}, "none": {}}[ledit]
                if sets:
                    c.execute(f"UPDATE climbs SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
                              (*sets.values(), f"local-{i}"))
                local_after[i] = {**bases[i], **sets}
            # remote edits
            remotes, expected_deleted = [], set()
            for i, (ledit, redit) in enumerate(ops):
                r = dict(bases[i])
                if redit == "delete":
                    expected_deleted.add(f"remote-{i}")
                    continue
                if "name" in redit:
                    r["name"] = f"Remote name {i}"
                if redit == "same-name":
                    r["name"] = local_after[i]["name"] if ledit == "name" else f"Remote name {i}"
                if "counters" in redit:
                    r["climbed_by"] = 1000 + i
                    r["total_likes"] = 7
                remotes.append(RemoteClimb(r["stokt_id"], r))
            for k in range(new_remote):
                r = base_row(100 + k)
                remotes.append(RemoteClimb(r["stokt_id"], r))
            locals_ = applier.load_locals(c, [r.stokt_id for r in remotes])
            actions = plan_climbs(remotes, locals_, resolve)
            known = applier.known_unseen(c, ["f"], "p1")
            deletions, _ = plan_deletions(known, {r.stokt_id for r in remotes}, remote_total=len(remotes))
            if not remotes:  # the guard: an empty remote never flags everything
                expected_deleted = set()
            assert {a.stokt_id for a in deletions} == expected_deleted
            applier.apply_climb_actions(c, [*actions, *deletions], now="t1", pass_id="p1")
            by_stokt = {a.stokt_id: a for a in actions}
            remote_by_id = {r.stokt_id: r.row for r in remotes}
            for i, (ledit, redit) in enumerate(ops):
                got = _row(store, f"local-{i}")
                mine = local_after[i]
                if redit == "delete":
                    assert got["remote_deleted_at"] == ("t1" if expected_deleted else None)
                    assert all(got[f] == mine[f] for f in EDIT_FIELDS)  # nothing local lost
                    continue
                theirs = remote_by_id[f"remote-{i}"]
                local_changed = ledit != "none"
                remote_edit_changed = any(theirs[f] != bases[i][f] for f in EDIT_FIELDS)
                differ = any(theirs[f] != mine[f] for f in EDIT_FIELDS)
                kind = by_stokt[f"remote-{i}"].kind
                if local_changed and remote_edit_changed and differ:
                    if resolve is None:
                        assert kind == "conflict"
                        assert all(got[f] == mine[f] for f in EDIT_FIELDS)
                    elif resolve == "mine":
                        assert all(got[f] == mine[f] for f in EDIT_FIELDS)
                    else:
                        assert all(got[f] == theirs[f] for f in EDIT_FIELDS)
                elif local_changed:
                    assert all(got[f] == mine[f] for f in EDIT_FIELDS)  # local edit kept
                    assert got["climbed_by"] == theirs["climbed_by"]
                else:
                    assert {k: got[k] for k in IMPORT_COLUMNS} == {**theirs, "id": f"local-{i}"}
            for k in range(new_remote):
                assert _row(store, f"local-{100 + k}")["name"] == f"Climb {100 + k}"
            # applying again changes nothing
            again = plan_climbs(remotes, applier.load_locals(c, [r.stokt_id for r in remotes]), resolve)
            assert {a.kind for a in again} <= {"unchanged", "conflict"}
            if resolve is not None:
                assert {a.kind for a in again} <= {"unchanged"}
            assert c.execute("SELECT count(*) - count(DISTINCT stokt_id) FROM climbs").fetchone()[0] == 0
            raise _Rollback
    except _Rollback:
        pass
