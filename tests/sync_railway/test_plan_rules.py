"""The 3-way rule of the Railway planner (pure): whatever the three versions, nothing either side
changed is ever overwritten without a conflict, and equal sides are never a conflict."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mastoc.sync import railway_map as rm
from mastoc.sync.railway import _plan_one

NAMES = st.sampled_from(["A", "B", "C"])
GRADES = st.sampled_from(["6A", "6B"])
COUNTS = st.integers(0, 2)


def _climb(name: str, grade: str, likes: int) -> dict:
    return {"id": "c1", "stokt_id": None, "face_id": "f", "setter_id": None, "name": name, "holds_list": "S1 T2",
            "grade_font": grade, "grade_ircra": None, "feet_rule": None, "description": None, "is_private": 0,
            "climbed_by": 0, "total_likes": likes, "source": "mastoc"}


@settings(max_examples=300, deadline=None)
@given(NAMES, GRADES, COUNTS, NAMES, GRADES, COUNTS, NAMES, GRADES, COUNTS)
def test_no_silent_loss(bn, bg, bl, ln, lg, ll, rn, rg, rl):
    base, local, remote = _climb(bn, bg, bl), _climb(ln, lg, ll), _climb(rn, rg, rl)
    state = ("c1", rm.content_hash("climb", base), rm.edit_hash("climb", base))
    act = _plan_one("climb", "c1", "c1", remote, local, state, False)
    local_edited = rm.edit_hash("climb", local) != state[2]
    remote_edited = rm.edit_hash("climb", remote) != state[2]
    same_edits = rm.edit_hash("climb", local) == rm.edit_hash("climb", remote)
    kind = None if act is None else act.kind
    if local_edited and remote_edited and not same_edits:
        assert kind == "conflict"
    else:
        assert kind != "conflict"
    if kind == "updated":  # taking the server's version never drops a local edit it does not contain
        assert not local_edited or same_edits
    if rm.content_hash("climb", remote) == state[1] and rm.content_hash("climb", local) != state[1]:
        assert act is None  # only the local side changed: it is pushed, nothing pulled


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["bac", "pince", None]), st.sampled_from(["bac", "pince", None]),
       st.sampled_from(["bac", "pince", None]))
def test_annotations_changed_on_both_sides_conflict(b, lo, re):
    def ann(g):
        return {"id": "a1", "hold_id": "h1", "grip_type": g, "condition": None, "difficulty": None, "notes": None}

    state = ("1:a1", rm.content_hash("hold_annotation", ann(b)), rm.edit_hash("hold_annotation", ann(b)))
    act = _plan_one("hold_annotation", "a1", "1:a1", ann(re), ann(lo), state, False)
    kind = None if act is None else act.kind
    if lo != b and re != b and lo != re:
        assert kind == "conflict"
    elif lo == re:
        assert kind in (None, "matched")
    elif lo == b:
        assert kind == "updated"
    else:
        assert kind is None  # local edit only: a push
