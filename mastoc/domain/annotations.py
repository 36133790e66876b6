"""Hold annotations: the value sets of `railway/API.md` §6.5 with readable labels, and the consensus.

Value sets (the stored strings are exactly these; all three dimensions are optional):

- grip type: `GRIP_TYPES`, condition: `CONDITIONS`, relative difficulty: `DIFFICULTIES`
  (`mastoc.domain.models` defines the tuples; `CHOICES` gives each value its label and a one-line
  description for the UI, the CLI and the printable sheet).

Consensus (`consensus()`, used by the desktop app AND by the server, so both agree), per dimension
over the annotations of one hold that have a value in that dimension:

- the value is the most frequent one; `votes` is its count; `confidence` = votes ÷ number of
  annotations with a value in that dimension, rounded to 2 decimals;
- **tie rule** (deterministic): among equally frequent values, `condition` takes the most severe one
  (the one listed LAST in §6.5: `cassee` > `usee` > `tournee` > `sale` > `a_brosser` > `ok`, so a
  report of damage is never hidden by a tie), `grip_type` and `difficulty` take the one listed
  FIRST in §6.5 (`plat` … `autre`, `facile` … `dure`). Values outside the sets (old data) rank
  after all known ones, alphabetically;
- `total_annotators` counts every annotation row of the hold, including rows whose three
  dimensions are empty (notes only). No annotation: values None, votes 0, confidence 0.0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mastoc.domain.models import CONDITIONS, DIFFICULTIES, GRIP_TYPES

DIMENSIONS = ("grip_type", "condition", "difficulty")
VALUES: dict[str, tuple[str, ...]] = {"grip_type": GRIP_TYPES, "condition": CONDITIONS, "difficulty": DIFFICULTIES}
DIMENSION_LABELS = {"grip_type": "Grip type", "condition": "Condition", "difficulty": "Difficulty"}
# notes longer than this are refused (the server accepts at most 5000 characters)
NOTES_MAX = 5000


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    description: str


def _choices(*items: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(*i) for i in items)


CHOICES: dict[str, tuple[Choice, ...]] = {
    "grip_type": _choices(
        ("plat", "Sloper", "flat or rounded surface held by friction"),
        ("reglette", "Crimp", "a thin edge for the finger tips"),
        ("bi_doigt", "Two-finger pocket", "a hole for two fingers"),
        ("tri_doigt", "Three-finger pocket", "a hole for three fingers"),
        ("mono_doigt", "Mono", "a hole for one finger"),
        ("pince", "Pinch", "squeezed between thumb and fingers"),
        ("colonnette", "Tufa / column", "a column or rib to wrap the hand around"),
        ("inverse", "Undercling", "pulled upwards from below"),
        ("bac", "Jug", "a big positive hold"),
        ("prise_volume", "Volume", "a volume or a hold on one"),
        ("micro", "Micro", "a tiny foot chip or edge"),
        ("autre", "Other", "none of the above"),
    ),
    "condition": _choices(
        ("ok", "OK", "nothing to do"),
        ("a_brosser", "Needs brushing", "chalked up or slippery: brush it"),
        ("sale", "Dirty", "rubber or dirt on it: clean it"),
        ("tournee", "Spun / loose", "turns or moves: tighten the bolt"),
        ("usee", "Worn", "polished by use: replace or texture it"),
        ("cassee", "Broken", "cracked or broken: remove or replace it"),
    ),
    "difficulty": _choices(
        ("facile", "Easy", "easier than usual for where it sits"),
        ("normale", "Normal", "as expected for where it sits"),
        ("dure", "Hard", "harder than usual for where it sits"),
    ),
}


def label(dimension: str, value: str | None) -> str:
    """The readable label of a value (the value itself when unknown, "" for None)."""
    if not value:
        return ""
    return next((c.label for c in CHOICES[dimension] if c.value == value), value)


def grips_outside(allowed: Iterable[str]) -> tuple[str, ...]:
    """The grip types NOT in `allowed`: "hands only on these grips" is "no hand hold of any other".

    Nothing allowed means no restriction (an empty tuple), not "no grip at all".
    """
    keep = set(allowed)
    if not keep:
        return ()
    for v in keep:
        validate("grip_type", v)
    return tuple(v for v in GRIP_TYPES if v not in keep)


def validate(dimension: str, value: str | None) -> str | None:
    """`value` when it belongs to the dimension's set (None and "" mean "no value": None).

    Raises ValueError naming the allowed values otherwise.
    """
    if dimension not in VALUES:
        raise ValueError(f"unknown annotation field {dimension!r}; choose one of {', '.join(DIMENSIONS)}")
    if value is None or value == "":
        return None
    if value not in VALUES[dimension]:
        raise ValueError(f"unknown {dimension.replace('_', ' ')} {value!r}; allowed: {', '.join(VALUES[dimension])}")
    return value


@dataclass(frozen=True, slots=True)
class Vote:
    value: str | None
    votes: int
    confidence: float


@dataclass(frozen=True, slots=True)
class Consensus:
    grip_type: Vote
    condition: Vote
    difficulty: Vote
    total_annotators: int

    def vote(self, dimension: str) -> Vote:
        return getattr(self, dimension)  # type: ignore[no-any-return]

    def as_dict(self) -> dict[str, Any]:
        """The server's `Consensus` shape (`grip_type`, `grip_type_votes`, `grip_type_confidence`, …)."""
        out: dict[str, Any] = {}
        for dim in DIMENSIONS:
            v = self.vote(dim)
            out.update({dim: v.value, f"{dim}_votes": v.votes, f"{dim}_confidence": v.confidence})
        out["total_annotators"] = self.total_annotators
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Consensus:
        votes = {dim: Vote(d.get(dim) or None, int(d.get(f"{dim}_votes") or 0),
                           float(d.get(f"{dim}_confidence") or 0.0)) for dim in DIMENSIONS}
        return cls(**votes, total_annotators=int(d.get("total_annotators") or 0))


def _rank(dimension: str, value: str) -> tuple[int, str]:
    known = VALUES[dimension]
    if value not in known:
        return (len(known), value)
    i = known.index(value)
    return (len(known) - 1 - i if dimension == "condition" else i, value)


def consensus(annotations: Iterable[Mapping[str, Any] | Any]) -> Consensus:
    """The consensus of one hold's annotations (mappings or objects with the three fields)."""
    rows = list(annotations)

    def get(r: Any, dim: str) -> Any:
        return r.get(dim) if isinstance(r, Mapping) else getattr(r, dim, None)

    votes: dict[str, Vote] = {}
    for dim in DIMENSIONS:
        values = [v for v in (get(r, dim) for r in rows) if v]
        if not values:
            votes[dim] = Vote(None, 0, 0.0)
            continue
        counts = Counter(values)
        best, n = min(counts.items(), key=lambda kv: (-kv[1], _rank(dim, kv[0])))
        votes[dim] = Vote(best, n, round(n / len(values), 2))
    return Consensus(**votes, total_annotators=len(rows))
