"""Deterministic ids of Stokt entities: the fast computation is exactly uuid5 in the fixed namespace."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from mastoc.domain import ids


@given(st.sampled_from(["gym", "wall", "face", "hold", "climb", "user", "list"]),
       st.one_of(st.text(max_size=40), st.integers(), st.uuids().map(str)))
def test_id_for_stokt_is_uuid5_of_the_namespace(kind: str, stokt_id: object) -> None:
    assert ids.id_for_stokt(kind, stokt_id) == str(uuid.uuid5(ids._STOKT_NS, f"stokt:{kind}:{stokt_id}"))


def test_a_known_id_is_stable() -> None:
    expected = str(uuid.uuid5(uuid.UUID("6d1c3f0e-5b7a-4c2e-9a51-3f1f0b8e2c47"), "stokt:climb:abc"))
    assert ids.id_for_stokt("climb", "abc") == expected
