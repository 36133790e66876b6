"""holdsList grammar against the 1,019 real climbs, plus properties on generated lists."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mastoc.domain import holdslist
from mastoc.domain.holdslist import HoldRef, HoldsListError
from mastoc.domain.models import ROLE_ORDER, Role


def test_real_holds_lists_round_trip(real_climbs: list[dict[str, Any]], sent_climbs: list[dict[str, Any]]) -> None:
    climbs = real_climbs + sent_climbs
    assert len(real_climbs) == 1017 and len(sent_climbs) == 2
    for climb in climbs:
        text = climb["holdsList"]
        assert holdslist.format(holdslist.parse(text)) == text, climb["id"]
        assert holdslist.normalize(text) == text


def test_real_holds_lists_counts(real_climbs: list[dict[str, Any]]) -> None:
    parsed = [holdslist.parse(c["holdsList"]) for c in real_climbs]
    groups = [holdslist.by_role(refs) for refs in parsed]
    assert sum(len(refs) for refs in parsed) == 8785
    assert sum(1 for g in groups if len(g[Role.START]) == 1) == 298
    assert sum(1 for g in groups if len(g[Role.START]) == 2) == 719
    assert sum(1 for g in groups if len(g[Role.TOP]) == 2) == 6
    assert sum(1 for g in groups if len(g[Role.TOP]) == 1) == 1011
    assert sum(1 for g in groups if set(g[Role.START]) & set(g[Role.TOP])) == 4
    assert sum(len(g[Role.FEET]) for g in groups) == 441
    assert sum(1 for g in groups if g[Role.FEET]) == 190
    assert min(len(r) for r in parsed) == 2 and max(len(r) for r in parsed) == 33
    # Every real climb is valid for the setting screen (1-2 starts, 1-2 tops).
    assert all(holdslist.validate_for_setting(refs) == [] for refs in parsed)


def test_real_holds_lists_reference_known_holds(
    real_climbs: list[dict[str, Any]], setup_holds: list[dict[str, Any]]
) -> None:
    known = {h["id"] for h in setup_holds}
    unknown = [
        c["id"] for c in real_climbs if holdslist.validate_for_setting(holdslist.parse(c["holdsList"]), known)
    ]
    assert unknown == []


refs_strategy = st.lists(
    st.builds(HoldRef, st.sampled_from(ROLE_ORDER), st.integers(min_value=0, max_value=9_999_999_999)),
    max_size=40,
    unique_by=lambda r: (r.role, r.hold),
)


@given(refs_strategy)
def test_parse_format_identity_on_canonical_strings(refs: list[HoldRef]) -> None:
    text = holdslist.format(refs)
    assert holdslist.format(holdslist.parse(text)) == text
    assert set(holdslist.parse(text)) == set(refs)


@given(refs_strategy, st.randoms(use_true_random=False), st.sampled_from([" ", "  ", ",", ", ", "\t"]))
def test_any_permutation_formats_to_canonical(refs: list[HoldRef], rnd: Any, sep: str) -> None:
    canonical = holdslist.format(refs)
    shuffled = list(refs)
    rnd.shuffle(shuffled)
    text = sep.join(ref.token() for ref in shuffled)
    assert holdslist.format(holdslist.parse(text)) == canonical
    assert holdslist.normalize(text) == canonical


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("S1 X2 T3", "X2"),
        ("S1 s2", "s2"),
        ("S1 O T3", "O"),
        ("S1 O-4", "O-4"),
        ("S1 O4.5", "O4.5"),
        ("S829296 T829296 S829296", "S829296"),
        ("S1 O12345678901", "O12345678901"),
        ("1S", "1S"),
    ],
)
def test_malformed_holds_lists_name_the_token(text: str, token: str) -> None:
    with pytest.raises(HoldsListError) as info:
        holdslist.parse(text)
    assert info.value.token == token
    assert token in str(info.value)


@given(st.text(alphabet="SFOTX0123456789 ,-.sz", max_size=30))
def test_arbitrary_text_parses_or_raises_holds_list_error(text: str) -> None:
    try:
        refs = holdslist.parse(text)
    except HoldsListError as exc:
        assert exc.token and exc.token in text
    else:
        assert holdslist.parse(holdslist.format(refs)) == holdslist.canonical(refs)


@given(st.one_of(st.text(alphabet="SFOTX0123456789 ,-.sz", max_size=30),
                 st.lists(st.tuples(st.sampled_from("SFOT"), st.sampled_from(["0", "1", "01", "7", "007", "12"])),
                          max_size=6).map(lambda ts: " ".join(r + n for r, n in ts))))
def test_check_raises_exactly_when_parse_does(text: str) -> None:
    try:
        holdslist.parse(text)
    except HoldsListError:
        with pytest.raises(HoldsListError):
            holdslist.check(text)
    else:
        holdslist.check(text)
