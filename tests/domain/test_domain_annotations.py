"""The annotation value sets and the consensus rule (railway/API.md §6.5), on constructed sets."""

from __future__ import annotations

import pytest

from mastoc.domain import annotations as ann
from mastoc.domain.models import CONDITIONS, DIFFICULTIES, GRIP_TYPES


def test_value_sets_are_exactly_those_of_the_api_with_labels():
    assert tuple(c.value for c in ann.CHOICES["grip_type"]) == GRIP_TYPES
    assert tuple(c.value for c in ann.CHOICES["condition"]) == CONDITIONS == (
        "ok", "a_brosser", "sale", "tournee", "usee", "cassee")
    assert tuple(c.value for c in ann.CHOICES["difficulty"]) == DIFFICULTIES == ("facile", "normale", "dure")
    assert all(c.label and c.description for cs in ann.CHOICES.values() for c in cs)
    assert ann.label("grip_type", "pince") == "Pinch" and ann.label("condition", None) == ""


def test_validate_refuses_unknown_values_listing_the_allowed_ones():
    assert ann.validate("condition", "cassee") == "cassee"
    assert ann.validate("condition", "") is None
    with pytest.raises(ValueError, match="allowed: ok, a_brosser, sale, tournee, usee, cassee"):
        ann.validate("condition", "Broken")


def test_mode_votes_confidence_and_annotators():
    rows = [
        {"grip_type": "bac", "condition": "sale"},
        {"grip_type": "pince", "condition": None},
        {"grip_type": "bac", "difficulty": "dure"},
        {"notes": "only a note"},
    ]
    c = ann.consensus(rows)
    assert c.grip_type == ann.Vote("bac", 2, 0.67)
    assert c.condition == ann.Vote("sale", 1, 1.0)
    assert c.difficulty == ann.Vote("dure", 1, 1.0)
    assert c.total_annotators == 4


def test_empty_consensus():
    c = ann.consensus([])
    assert c.as_dict() == {"grip_type": None, "grip_type_votes": 0, "grip_type_confidence": 0.0,
                           "condition": None, "condition_votes": 0, "condition_confidence": 0.0,
                           "difficulty": None, "difficulty_votes": 0, "difficulty_confidence": 0.0,
                           "total_annotators": 0}


@pytest.mark.parametrize("order", [0, 1])
def test_tie_rule_is_deterministic_and_independent_of_order(order):
    rows = [{"grip_type": "pince", "condition": "ok", "difficulty": "dure"},
            {"grip_type": "bac", "condition": "cassee", "difficulty": "facile"},
            {"grip_type": "reglette", "condition": "sale", "difficulty": "normale"}]
    if order:
        rows.reverse()
    c = ann.consensus(rows)
    # grip and difficulty: first in the §6.5 list; condition: the most severe
    assert c.grip_type == ann.Vote("reglette", 1, 0.33)
    assert c.difficulty == ann.Vote("facile", 1, 0.33)
    assert c.condition == ann.Vote("cassee", 1, 0.33)


def test_round_trip_through_the_server_shape():
    c = ann.consensus([{"grip_type": "bac"}, {"grip_type": "bac", "condition": "usee"}])
    assert ann.Consensus.from_dict(c.as_dict()) == c
