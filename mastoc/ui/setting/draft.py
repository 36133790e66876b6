"""The climb being set: hold roles and details, the click cycle, the live rules, its JSON form (no Qt).

Roles per hold are a frozenset (a hold can be start and top at once, as on real Stokt climbs). A click
cycles hand → start → top → feet only → off (`CYCLE`); a start-and-top hold goes on to feet only.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from mastoc.domain import holdslist
from mastoc.domain.holdslist import HoldRef
from mastoc.domain.models import Role

Roles = frozenset[Role]
OFF: Roles = frozenset()
HAND: Roles = frozenset({Role.OTHER})
START: Roles = frozenset({Role.START})
TOP: Roles = frozenset({Role.TOP})
FEET: Roles = frozenset({Role.FEET})
START_TOP: Roles = frozenset({Role.START, Role.TOP})
CYCLE: tuple[Roles, ...] = (OFF, HAND, START, TOP, FEET)
#: the roles a drag can paint (the legend's brushes), with their labels
BRUSHES: tuple[tuple[str, Roles], ...] = (("hand", HAND), ("start", START), ("top", TOP),
                                          ("start + top", START_TOP), ("feet only", FEET), ("off", OFF))
DRAFT_VERSION = 1


def next_roles(roles: Roles) -> Roles:
    """The roles a click gives a hold that has `roles`."""
    if roles == START_TOP:
        return FEET
    i = CYCLE.index(roles) if roles in CYCLE else 0
    return CYCLE[(i + 1) % len(CYCLE)]


def roles_label(roles: Roles) -> str:
    return next((label for label, r in BRUSHES if r == roles), "+".join(sorted(r.value for r in roles)))


@dataclass(frozen=True)
class Details:
    name: str = ""
    grade: str = "?"  # a label in `grade_system`
    grade_system: str = "font"
    feet_rule: str | None = None
    description: str = ""
    is_private: bool = False


@dataclass(frozen=True)
class Draft:
    """A climb being set on `face_id`; `climb_id` is the climb being edited (None: a new climb)."""

    face_id: str
    roles: dict[int, Roles] = field(default_factory=dict)
    details: Details = field(default_factory=Details)
    climb_id: str | None = None
    mirror_holds: str = ""

    def refs(self) -> tuple[HoldRef, ...]:
        return holdslist.canonical(HoldRef(role, num) for num, rs in self.roles.items() for role in rs)

    def holds_list(self) -> str:
        return holdslist.format(self.refs())

    def with_roles(self, changes: dict[int, Roles]) -> Draft:
        roles = dict(self.roles)
        for num, rs in changes.items():
            if rs:
                roles[num] = rs
            else:
                roles.pop(num, None)
        return replace(self, roles=roles)

    def to_json(self) -> str:
        return json.dumps({"version": DRAFT_VERSION, "face_id": self.face_id, "climb_id": self.climb_id,
                           "holds": self.holds_list(), "mirror_holds": self.mirror_holds,
                           "details": asdict(self.details)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Draft:
        """The draft in `text`; ValueError (with a readable reason) when it is not a draft."""
        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON ({exc.msg} at line {exc.lineno})") from None
        if not isinstance(data, dict) or not isinstance(data.get("face_id"), str):
            raise ValueError("not a mastoc draft (no face)")
        try:
            refs = holdslist.parse(str(data.get("holds") or ""))
            d = data.get("details") or {}
            details = Details(name=str(d.get("name") or ""), grade=str(d.get("grade") or "?"),
                              grade_system=str(d.get("grade_system") or "font"),
                              feet_rule=d.get("feet_rule") or None, description=str(d.get("description") or ""),
                              is_private=bool(d.get("is_private")))
        except (holdslist.HoldsListError, AttributeError, TypeError) as exc:
            raise ValueError(str(exc)) from None
        return cls(face_id=data["face_id"], roles=roles_of(refs), details=details,
                   climb_id=data.get("climb_id") or None, mirror_holds=str(data.get("mirror_holds") or ""))


def roles_of(refs: tuple[HoldRef, ...] | list[HoldRef]) -> dict[int, Roles]:
    out: dict[int, set[Role]] = {}
    for r in refs:
        out.setdefault(r.hold, set()).add(r.role)
    return {n: frozenset(rs) for n, rs in out.items()}


def rule_messages(draft: Draft) -> list[str]:
    """The live setting rules that the holds break (empty: the holds can be saved)."""
    return holdslist.validate_for_setting(draft.refs())
