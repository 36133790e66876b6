"""The duplicate check before Save: climbs of a face with the same, the mirrored or nearly the same
hold set (roles ignored), named for the setter. Re-exported by `mastoc.edits.climbs`.

`find_duplicates(store, face_id, holds, *, mirror=None, exclude=None)` returns `Duplicate`s, best
first: kind "same" (the same hold set), "mirror" (the mirrored set, on a symmetric face), "near" /
"near_mirror" (Jaccard on hold sets >= 0.8). It reads only the `climb_holds` index, by prefix
filtering (see `_matches`): a few ms at 100k climbs (`benchmarks/bench_duplicates.py`).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from mastoc.domain import holdslist, mirror
from mastoc.domain.geometry import GeometryError, centroid
from mastoc.domain.holdslist import HoldRef
from mastoc.domain.models import Face
from mastoc.edits.changes import EditError
from mastoc.store.db import Store

NEAR_JACCARD = 0.8


@dataclass(frozen=True, slots=True)
class Duplicate:
    climb_id: str
    stokt_id: str | None
    name: str
    grade_font: str | None
    kind: str  # "same" | "mirror" | "near" | "near_mirror"
    shared: int  # holds in common
    jaccard: float


_MIRROR_CACHE: dict[tuple[str, int, int], dict[int, int]] = {}


def mirror_pairs(store: Store, face: Face) -> dict[int, int]:
    """hold num -> its mirror's num on a symmetric face ({} elsewhere). Cached per face state."""
    if not face.has_symmetry or not face.picture_width:
        return {}
    n, top = store.conn.execute("SELECT count(*), ifnull(max(num), 0) FROM holds WHERE face_id = ?",
                                (face.id,)).fetchone()
    key = (face.id, int(n), int(top))
    if key not in _MIRROR_CACHE:
        cents = {}
        for h in store.holds(face.id):
            try:
                cents[h.num] = centroid(h)
            except (GeometryError, ValueError):
                continue
        _MIRROR_CACHE[key] = mirror.mirror_map(cents, float(face.picture_width))
    return _MIRROR_CACHE[key]


def _hold_set(holds: str | Iterable[HoldRef] | Iterable[int]) -> set[int]:
    if isinstance(holds, str):
        try:
            return holdslist.hold_ids(holdslist.parse(holds))
        except holdslist.HoldsListError as exc:
            raise EditError(f"bad holds list: {exc}") from None
    out = set()
    for h in holds:
        out.add(h.hold if isinstance(h, HoldRef) else int(h))
    return out


def find_duplicates(store: Store, face_id: str, holds: str | Iterable[HoldRef] | Iterable[int], *, mirror: bool | None = None,
                    exclude: str | None = None, threshold: float = NEAR_JACCARD, limit: int = 20) -> list[Duplicate]:
    """Climbs of `face_id` whose hold set equals, mirrors or nearly matches `holds` (best first).

    `mirror`: also look for the mirrored set (None: when the face is symmetric). `exclude`: a climb
    id to leave out (the climb being edited). Roles are ignored; Jaccard = shared / union.
    """
    wanted = _hold_set(holds)
    if not wanted:
        return []
    found: dict[str, Duplicate] = {}
    for kind, hold_set in _variants(store, face_id, wanted, mirror):
        for d in _matches(store.conn, face_id, hold_set, kind, exclude, threshold):
            if d.climb_id not in found or _rank(d) < _rank(found[d.climb_id]):
                found[d.climb_id] = d
    return sorted(found.values(), key=_rank)[:limit]


_KIND_ORDER = {"same": 0, "mirror": 1, "near": 2, "near_mirror": 3}


def _rank(d: Duplicate) -> tuple[int, float, str]:
    return (_KIND_ORDER[d.kind], -d.jaccard, d.name.lower())


def _variants(store: Store, face_id: str, wanted: set[int], mirror_wanted: bool | None) -> list[tuple[str, set[int]]]:
    out = [("", wanted)]
    if mirror_wanted is False:
        return out
    face = store.face(face_id)
    if face is None or not face.has_symmetry:
        return out
    pairs = mirror_pairs(store, face)
    m = mirror.mirror_holds(wanted, pairs)
    if m is not None and m != wanted:
        out.append(("mirror", m))
    return out


def _matches(conn: sqlite3.Connection, face_id: str, hold_set: set[int], variant: str, exclude: str | None,
             threshold: float) -> list[Duplicate]:
    """Climbs of the face with Jaccard(hold sets) >= threshold, by prefix filtering on `climb_holds`.

    A climb reaching the threshold shares at least `need = ceil(threshold * n)` of the n holds, so it
    contains at least one of ANY `n - need + 1` of them: the rarest ones give the candidates, then each
    further hold (rarest first) is checked only for the candidates still able to reach `need` —
    a primary-key probe per candidate, or one scan of the hold's rows when that is shorter.
    """
    n = len(hold_set)
    need = max(1, math.ceil(threshold * n - 1e-9))  # Jaccard <= shared / n
    freq = _frequencies(conn, hold_set)
    order = sorted(hold_set, key=lambda h: (freq[h], h))
    first = n - need + 1
    counts: dict[str, int] = {}
    for h in order[:first]:
        for cid in _climbs_with(conn, h):
            counts[cid] = counts.get(cid, 0) + 1
    rest = order[first:]
    for i, h in enumerate(rest):
        if not counts:
            break
        left = len(rest) - i - 1
        have = _climbs_with(conn, h, None if len(counts) * 4 > freq[h] else list(counts))
        counts = {cid: c + (cid in have) for cid, c in counts.items() if c + (cid in have) + left >= need}
    counts.pop(exclude or "", None)
    if not counts:
        return []
    sizes: dict[str, set[int]] = {}
    ids = list(counts)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for cid, num in conn.execute(f"SELECT climb_id, hold_num FROM climb_holds WHERE climb_id IN "
                                     f"({', '.join('?' * len(chunk))})", chunk):
            sizes.setdefault(cid, set()).add(num)
    keep = {cid: counts[cid] / (n + len(sizes[cid]) - counts[cid]) for cid in ids if cid in sizes}
    keep = {cid: j for cid, j in keep.items() if j + 1e-9 >= threshold}
    if not keep:
        return []
    marks = ", ".join("?" * len(keep))
    out = []
    for cid, sid, name, font in conn.execute(
            f"SELECT id, stokt_id, name, grade_font FROM climbs WHERE face_id = ? AND id IN ({marks})",
            (face_id, *keep)):
        same = counts[cid] == n == len(sizes[cid])
        kind = ("mirror" if variant else "same") if same else ("near_mirror" if variant else "near")
        out.append(Duplicate(cid, sid, name, font, kind, counts[cid], round(keep[cid], 4)))
    return out


# How many climbs use each hold, per store file: only the ORDER of the holds depends on it (any order
# is correct, the rarest first is fast), so it is cached and refreshed when the climbs table has grown
# or shrunk by a tenth (its largest rowid), not at every edit. The Set mode asks at every click.
_FREQ: dict[str, tuple[int, dict[int, int]]] = {}


def _frequencies(conn: sqlite3.Connection, holds: Iterable[int]) -> dict[int, int]:
    key = str(conn.execute("PRAGMA database_list").fetchone()[2]) or str(id(conn))
    marker = int(conn.execute("SELECT ifnull(max(rowid), 0) FROM climbs").fetchone()[0])
    cached = _FREQ.get(key)
    if cached is None or abs(marker - cached[0]) > max(1000, cached[0] // 10):
        cached = (marker, {})
        _FREQ[key] = cached
    counts = cached[1]
    for h in holds:
        if h not in counts:
            counts[h] = int(conn.execute("SELECT count(*) FROM climb_holds WHERE hold_num = ?", (h,)).fetchone()[0])
    return {h: counts[h] for h in holds}


def _climbs_with(conn: sqlite3.Connection, hold: int, among: list[str] | None = None) -> set[str]:
    """Ids of the climbs using `hold` (restricted to `among` when given). Plain reads: DISTINCT would
    sort through a temporary B-tree, several times slower."""
    if among is None:
        return {r[0] for r in conn.execute("SELECT climb_id FROM climb_holds WHERE hold_num = ?", (hold,))}
    out: set[str] = set()
    for start in range(0, len(among), 500):
        chunk = among[start:start + 500]
        out.update(r[0] for r in conn.execute(
            f"SELECT climb_id FROM climb_holds WHERE hold_num = ? AND climb_id IN ({', '.join('?' * len(chunk))})",
            (hold, *chunk)))
    return out


def describe(d: Duplicate) -> str:
    """One line naming a duplicate for the user."""
    what = {"same": "same holds as", "mirror": "mirror of", "near": "nearly the same holds as",
            "near_mirror": "nearly the mirror of"}[d.kind]
    pct = "" if d.kind in ("same", "mirror") else f" ({round(d.jaccard * 100)} % shared)"
    return f"{what} {d.name!r} ({d.grade_font or '?'}){pct}"
