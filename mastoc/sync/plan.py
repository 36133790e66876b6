"""The pure sync planner for climbs: remote versions + local snapshot -> actions (a plain value).

No I/O here. A remote climb is the row mastoc would write for it (import columns); a local climb is
what the store holds plus the sync base (content hashes at the last sync). The 3-way rule:

- no local row -> `new`;
- remote unchanged since the base -> `unchanged` (or `restored` if it had been flagged deleted);
- remote changed, local editable fields unchanged -> `updated` (every imported column);
- remote changed only in non-editable fields (counters...), local edited -> `updated` limited to
  those fields: local edits are kept;
- both sides changed editable fields differently -> `conflict` (nothing written unless a
  resolution is given: "theirs" writes the remote version, "mine" keeps the local one; the losing
  version is kept in `sync_conflicts` by the applier);
- a known climb missing from a complete remote pass -> `deleted_upstream` (flagged, never dropped).

Every action that saw the remote version carries its editable fields (`base_values`), which the
applier keeps as the new base's content; a conflict carries its field-by-field comparison
(`compare`: base, mine, theirs) for the preview.

Applying the actions (`mastoc.sync.apply`) and re-planning gives only `unchanged`: idempotent.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Columns an import writes (local-only ones: personal notes, rating, project flag, timestamps kept).
IMPORT_COLUMNS: tuple[str, ...] = (
    "id", "stokt_id", "face_id", "setter_id", "name", "holds_list", "mirror_holds_list", "grade_font",
    "grade_ircra", "feet_rule", "description", "tags", "circuit", "is_private", "is_benchmark",
    "climbed_by", "total_likes", "total_comments", "source", "created_at",
)
# Fields a user can change on either side; the base of the 3-way conflict check.
EDIT_FIELDS: tuple[str, ...] = (
    "name", "holds_list", "grade_font", "grade_ircra", "feet_rule", "description", "tags", "is_private",
)
_HASHED = tuple(c for c in IMPORT_COLUMNS if c != "id")
NON_EDIT_FIELDS: tuple[str, ...] = tuple(c for c in _HASHED if c not in EDIT_FIELDS)

KINDS = ("new", "updated", "unchanged", "conflict", "restored", "deleted_upstream")


def _digest(values: Iterable[Any]) -> str:
    # repr() of a tuple of str/int/float/None is deterministic across runs and machines (unlike hash())
    return hashlib.sha1(repr(tuple(values)).encode("utf-8")).hexdigest()


_HASHED_OF = operator.itemgetter(*_HASHED)
_EDIT_OF = operator.itemgetter(*EDIT_FIELDS)


def _values(row: Mapping[str, Any], getter: Any, columns: Sequence[str]) -> Iterable[Any]:
    try:
        return getter(row)  # a row with every column (the common case), in one C call
    except KeyError:
        return [row.get(c) for c in columns]


def content_hash(row: Mapping[str, Any]) -> str:
    """Hash of every imported field (not the local id)."""
    return _digest(_values(row, _HASHED_OF, _HASHED))


def edit_hash(row: Mapping[str, Any]) -> str:
    """Hash of the user-editable fields."""
    return _digest(_values(row, _EDIT_OF, EDIT_FIELDS))


@dataclass(frozen=True, slots=True)
class LocalClimb:
    """The local side: current values of the import columns, and the sync base (None = never synced)."""

    id: str
    stokt_id: str
    row: Mapping[str, Any]
    base_hash: str | None = None
    base_edit_hash: str | None = None
    deleted_upstream: bool = False
    base_values: Mapping[str, Any] | None = None  # the editable fields of the base version, when recorded


@dataclass(frozen=True, slots=True)
class RemoteClimb:
    stokt_id: str
    row: Mapping[str, Any]  # import columns; `id` is the id a new local row would get


@dataclass(slots=True)
class ClimbAction:
    kind: str
    local_id: str
    stokt_id: str
    name: str
    fields: list[str] = field(default_factory=list)  # columns that change
    values: dict[str, Any] = field(default_factory=dict)  # what to write (column -> value)
    base_hash: str | None = None  # base to record after applying
    base_edit_hash: str | None = None
    losing: dict[str, Any] | None = None  # the version a conflict resolution discards
    resolution: str | None = None  # "mine" / "theirs" when a conflict was resolved
    base_values: dict[str, Any] | None = None  # the remote version's editable fields: the new base's content
    compare: list[tuple[str, Any, Any, Any]] = field(default_factory=list)  # conflicts: (field, base, mine, theirs)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.local_id, "stokt_id": self.stokt_id, "name": self.name}
        if self.fields:
            out["fields"] = list(self.fields)
        return out


def _diff(a: Mapping[str, Any], b: Mapping[str, Any], columns: Sequence[str]) -> list[str]:
    return [c for c in columns if a.get(c) != b.get(c)]


def plan_climb(remote: RemoteClimb, local: LocalClimb | None, resolve: str | None = None) -> ClimbAction:
    """The action for one remote climb (see the module docstring). `resolve`: None, "mine", "theirs"."""
    r = remote.row
    r_hash, r_edit = content_hash(r), edit_hash(r)
    r_base = {c: r.get(c) for c in EDIT_FIELDS}
    if local is None:
        values = dict(r)
        return ClimbAction("new", str(r["id"]), remote.stokt_id, str(r.get("name") or ""),
                           fields=list(_HASHED), values=values, base_hash=r_hash, base_edit_hash=r_edit,
                           base_values=r_base)
    lrow = local.row
    base_hash = local.base_hash if local.base_hash is not None else content_hash(lrow)
    base_edit = local.base_edit_hash if local.base_edit_hash is not None else edit_hash(lrow)
    name = str(r.get("name") or lrow.get("name") or "")

    def act(kind: str, columns: Sequence[str], *, losing: dict[str, Any] | None = None,
            resolution: str | None = None) -> ClimbAction:
        changed = _diff(lrow, r, columns)
        return ClimbAction(kind, local.id, remote.stokt_id, name, fields=changed,
                           values={c: r.get(c) for c in changed}, base_hash=r_hash,
                           base_edit_hash=r_edit, losing=losing, resolution=resolution, base_values=r_base)

    if r_hash == base_hash:
        if local.deleted_upstream:
            return act("restored", ())
        return ClimbAction("unchanged", local.id, remote.stokt_id, name, base_hash=base_hash,
                           base_edit_hash=base_edit, base_values=r_base)
    local_edit = edit_hash(lrow)
    local_changed = local_edit != base_edit
    remote_edit_changed = r_edit != base_edit
    kind = "restored" if local.deleted_upstream else "updated"
    if local_changed and remote_edit_changed and local_edit != r_edit:
        if resolve == "theirs":
            return act(kind, _HASHED, losing={c: lrow.get(c) for c in EDIT_FIELDS}, resolution="theirs")
        if resolve == "mine":
            return act(kind, NON_EDIT_FIELDS, losing={c: r.get(c) for c in EDIT_FIELDS}, resolution="mine")
        base = local.base_values
        compare = [(c, None if base is None else base.get(c), lrow.get(c), r.get(c)) for c in EDIT_FIELDS
                   if not (lrow.get(c) == r.get(c) and (base is None or base.get(c) == r.get(c)))]
        return ClimbAction("conflict", local.id, remote.stokt_id, name,
                           fields=_diff(lrow, r, EDIT_FIELDS), base_hash=local.base_hash,
                           base_edit_hash=local.base_edit_hash, compare=compare)
    if local_changed and not remote_edit_changed:
        return act(kind, NON_EDIT_FIELDS)  # keep the local edits; take counters and the like
    return act(kind, _HASHED)


def plan_climbs(remotes: Iterable[RemoteClimb], locals_by_stokt: Mapping[str, LocalClimb],
                resolve: str | None = None) -> list[ClimbAction]:
    """Actions for a batch of remote climbs (a page). Duplicates in the batch are planned once."""
    seen: set[str] = set()
    out = []
    for remote in remotes:
        if remote.stokt_id in seen:
            continue
        seen.add(remote.stokt_id)
        out.append(plan_climb(remote, locals_by_stokt.get(remote.stokt_id), resolve))
    return out


@dataclass(frozen=True, slots=True)
class KnownClimb:
    """A climb the sync state knows on this backend, for deletion detection."""

    id: str
    stokt_id: str
    name: str
    deleted_upstream: bool = False


def plan_deletions(known: Iterable[KnownClimb], seen_stokt_ids: set[str], *, remote_total: int
                   ) -> tuple[list[ClimbAction], list[str]]:
    """`deleted_upstream` actions for known climbs a COMPLETE remote pass did not return.

    Guard: when the remote returned nothing at all while climbs are known, nothing is flagged and a
    warning is returned instead (a backend that suddenly returns nothing never wipes local data).
    """
    missing = [k for k in known if k.stokt_id not in seen_stokt_ids and not k.deleted_upstream]
    if missing and remote_total == 0:
        return [], [f"Stokt returned no climbs at all; {len(missing)} known climbs were NOT flagged as deleted"]
    return [ClimbAction("deleted_upstream", k.id, k.stokt_id, k.name) for k in missing], []


def counts(actions: Iterable[ClimbAction]) -> dict[str, int]:
    out = dict.fromkeys(KINDS, 0)
    for a in actions:
        out[a.kind] = out.get(a.kind, 0) + 1
    return out
