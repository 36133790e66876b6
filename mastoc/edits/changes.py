"""The value every edit operation returns, and the error it raises on bad input."""

from __future__ import annotations

from dataclasses import dataclass, field

from mastoc.errors import UserFacingError


class EditError(UserFacingError):
    """Input an operation refuses (a domain rule, an unknown id); nothing was written.

    `exit_code` 2 matches the CLI's usage errors; operations raise a subclass with 3 for "not found".
    """

    exit_code = 2


class NotFoundEditError(EditError):
    exit_code = 3


@dataclass(frozen=True, slots=True)
class Changes:
    """What an operation changed, by local id. Views refresh only what is named here.

    `deleted_*` name rows that no longer exist (or are tombstoned); the other sets name rows that
    were created or modified. `faces` is set when a face's own row or its set of holds changed.
    """

    climbs: frozenset[str] = frozenset()
    deleted_climbs: frozenset[str] = frozenset()
    holds: frozenset[str] = frozenset()
    deleted_holds: frozenset[str] = frozenset()
    annotations: frozenset[str] = frozenset()
    lists: frozenset[str] = frozenset()
    list_items: frozenset[str] = frozenset()
    faces: frozenset[str] = frozenset()
    messages: tuple[str, ...] = field(default=())

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            climbs=self.climbs | other.climbs,
            deleted_climbs=self.deleted_climbs | other.deleted_climbs,
            holds=self.holds | other.holds,
            deleted_holds=self.deleted_holds | other.deleted_holds,
            annotations=self.annotations | other.annotations,
            lists=self.lists | other.lists,
            list_items=self.list_items | other.list_items,
            faces=self.faces | other.faces,
            messages=self.messages + other.messages,
        )

    def __bool__(self) -> bool:
        return any((self.climbs, self.deleted_climbs, self.holds, self.deleted_holds, self.annotations,
                    self.lists, self.list_items, self.faces))
