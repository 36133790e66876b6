"""Stokt's `holdsList` grammar: parse and format climbs' hold lists.

    holdsList := token (" " token)*      token := role holdId      role := S | F | O | T

Parsing accepts any token order (and is lenient about repeated whitespace and commas, which other
clients emit); formatting always writes the canonical form: all S, then F, then O, then T, ids
ascending inside each group, single spaces. A hold may appear twice with different roles (start and
top of a loop). Malformed input raises `HoldsListError`, naming the offending token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mastoc.domain.models import ROLE_ORDER, Role

_TOKEN = re.compile(r"([SFOT])(\d{1,10})")
_SPLIT = re.compile(r"[\s,]+")
_ROLE_RANK = {role: i for i, role in enumerate(ROLE_ORDER)}


class HoldsListError(ValueError):
    """A holds list that does not follow the grammar. `token` is the offending token."""

    def __init__(self, message: str, token: str, position: int) -> None:
        super().__init__(f"{message}: {token!r} (token {position + 1})")
        self.token = token
        self.position = position


@dataclass(frozen=True, slots=True, order=True)
class HoldRef:
    """One token of a holds list: a hold (by public integer id) in a role."""

    role: Role
    hold: int

    def token(self) -> str:
        return f"{self.role.value}{self.hold}"


def parse(text: str) -> tuple[HoldRef, ...]:
    """Parse a holds-list string into its tokens, in the order written.

    The empty string gives an empty tuple. A token repeated with the same role is an error.
    """
    stripped = _SPLIT.sub(" ", text).strip() if text else ""  # lenient: stray separators at the ends
    if not stripped:
        return ()
    refs: list[HoldRef] = []
    seen: set[tuple[Role, int]] = set()
    for position, token in enumerate(_SPLIT.split(stripped)):
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise HoldsListError("malformed holds-list token", token, position)
        ref = HoldRef(Role(match.group(1)), int(match.group(2)))
        key = (ref.role, ref.hold)
        if key in seen:
            raise HoldsListError("hold repeated with the same role", token, position)
        seen.add(key)
        refs.append(ref)
    return tuple(refs)


# canonical number spelling only (no leading zero), so equal tokens are exactly equal (role, hold) pairs
_STRICT = re.compile(r"[SFOT](?:0|[1-9][0-9]{0,9})(?: [SFOT](?:0|[1-9][0-9]{0,9}))*")


def check(text: str) -> None:
    """Raise `HoldsListError` exactly when `parse(text)` would, without building the tokens: the
    common form (single spaces, no stray separators) is checked with one regular expression and a
    set; anything else goes through `parse` (an import checks every climb's lists with this)."""
    if text and _STRICT.fullmatch(text) is not None:
        tokens = text.split(" ")
        if len(set(tokens)) == len(tokens):
            return
    parse(text)


def canonical(refs: Iterable[HoldRef]) -> tuple[HoldRef, ...]:
    """Sort tokens into the canonical order (S, F, O, T; ids ascending) and drop exact repeats."""
    return tuple(sorted(set(refs), key=lambda r: (_ROLE_RANK[r.role], r.hold)))


def format(refs: Iterable[HoldRef]) -> str:  # noqa: A001 - mirrors parse()
    """The canonical holds-list string of `refs`."""
    return " ".join(ref.token() for ref in canonical(refs))


def normalize(text: str) -> str:
    """Parse and re-format: the canonical form of any valid holds-list string."""
    return format(parse(text))


def by_role(refs: Iterable[HoldRef]) -> dict[Role, list[int]]:
    """Hold ids grouped by role (every role present as a key), ids ascending."""
    groups: dict[Role, list[int]] = {role: [] for role in ROLE_ORDER}
    for ref in canonical(refs):
        groups[ref.role].append(ref.hold)
    return groups


def hold_ids(refs: Iterable[HoldRef]) -> set[int]:
    """Every hold referenced, whatever its role."""
    return {ref.hold for ref in refs}


def validate_for_setting(refs: Iterable[HoldRef], known_holds: set[int] | None = None) -> list[str]:
    """Problems a setter must fix before a climb can be saved (empty list when it is fine).

    At least one and at most two start holds, at least one and at most two top holds, and (when
    `known_holds` is given) only holds of the face.
    """
    groups = by_role(refs)
    problems: list[str] = []
    starts, tops = len(groups[Role.START]), len(groups[Role.TOP])
    if starts == 0:
        problems.append("a climb needs at least one start hold (S)")
    if starts > 2:
        problems.append(f"a climb has at most two start holds, got {starts}")
    if tops == 0:
        problems.append("a climb needs at least one top hold (T)")
    if tops > 2:
        problems.append(f"a climb has at most two top holds, got {tops}")
    if known_holds is not None:
        unknown = sorted({ref.hold for ref in refs} - known_holds)
        if unknown:
            problems.append("unknown hold(s) on this face: " + ", ".join(str(h) for h in unknown))
    return problems
