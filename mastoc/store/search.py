"""Climb search: the one query the UI and the CLI share.

A `ClimbQuery` holds every filter (grade range as IRCRA bounds, setter, text, feet rule, benchmark
flag, holds that must be present — optionally in a role — and holds that must be absent, hold
conditions to avoid and grip types not wanted for the hands, from the hold annotations, one list's
climbs only, sent climbs hidden), a sort and a page. Hold filters run on the indexed `climb_holds` table: the required holds' climb sets are
intersected first (a few hundred rows each), and the climbs table is only probed for that
intersection, so "grade range + these 3 holds" stays in milliseconds on 100k climbs.

A broad filter (more than `DRIVE_LIMIT` climbs match its most selective indexed term) is answered
the other way round: the sort index is walked and each entry tested on the filter columns it carries
(`scale_schema`), which stops after one page — sorting 100k matches to keep 200 would take half a
second at 400k climbs. Pages after the first are keyset pages (`after` = `sort_key` of the last row
the caller holds): a seek in the sort index, as fast at the end of 400k climbs as at the top.
A name filter has no SQLite index (a substring of a folded name): the in-memory `name_index` finds
its climbs; up to `TEXT_DRIVE_LIMIT` of them drive the page, more (a common text) walk a bounded part
of the sort order (`_capped_walk`), and the count of a name-only filter is the number of matches. Counts of one hold, and heatmaps of a grade range,
are read from the maintained hold usage statistics (`usage_schema`).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from dataclasses import dataclass, field

from mastoc.domain.models import Role
from mastoc.domain.textfold import fold
from mastoc.store import annotation_schema, name_index

SORTS = ("newest", "grade", "name", "popularity")

# Each order matches an index (`scale_schema`: a page of 200 is an index walk, not a sort of 100k
# rows); the reverse order is the exact mirror, so the same index is walked backwards. Ungraded
# climbs (NULL) sort after the hardest ones; climbs without a date after the others (newest first).
_ORDER = {
    "newest": ("ifnull(c.created_at, '') DESC, c.id ASC", "ifnull(c.created_at, '') ASC, c.id DESC"),
    "grade": ("ifnull(c.grade_ircra, 1e9) ASC, c.name COLLATE NOCASE ASC, c.id ASC",
              "ifnull(c.grade_ircra, 1e9) DESC, c.name COLLATE NOCASE DESC, c.id DESC"),
    "name": ("c.name COLLATE NOCASE ASC, c.id ASC", "c.name COLLATE NOCASE DESC, c.id DESC"),
    "popularity": ("c.climbed_by DESC, c.total_likes DESC, c.id ASC",
                   "c.climbed_by ASC, c.total_likes ASC, c.id DESC"),
}


# Keyset paging: the sort columns before the id (a "tie group"), and their direction in the forward order.
_GROUP = {
    "newest": (("ifnull(c.created_at, '')",), "DESC"),
    "grade": (("ifnull(c.grade_ircra, 1e9)", "c.name COLLATE NOCASE"), "ASC"),
    "name": (("c.name COLLATE NOCASE",), "ASC"),
    "popularity": (("c.climbed_by", "c.total_likes"), "DESC"),
}

# Below this many climbs matching its most selective indexed term, a filter drives the query (its
# matches are sorted); above it the sort index is walked (see the module docstring).
DRIVE_LIMIT = 3000
# Holds are tested by a probe per walked climb (slower than a column test): they drive up to more.
HOLDS_DRIVE_LIMIT = 4000
# A name filter walks this many climbs of the sort order before it scans the table instead.
TEXT_WALK_CAP = 20_000
# A name filter matching up to this many climbs (the in-memory `name_index`) drives the page: its
# matches are sorted. More: the sort order is walked (a common text fills a page at once).
TEXT_DRIVE_LIMIT = 5000
# The name index gives up past this many matches (a 1–2 letter text): the SQL scan counts them.
TEXT_INDEX_CAP = 50_000


@dataclass(frozen=True, slots=True)
class HoldFilter:
    """A hold that must be in the climb; with `role`, it must be there in that role."""

    hold: int
    role: Role | None = None


@dataclass(frozen=True, slots=True)
class ClimbQuery:
    face_id: str | None = None
    grade_min: float | None = None  # IRCRA, inclusive
    grade_max: float | None = None  # IRCRA, exclusive (the upper edge of the top band)
    setter: str | None = None  # a user id, or a part of the setter's name (accents and case ignored)
    text: str | None = None  # a part of the climb's name (accents and case ignored: `textfold`)
    feet_rule: str | None = None
    benchmark_only: bool = False
    holds_all: tuple[HoldFilter, ...] = ()
    holds_none: tuple[int, ...] = ()
    avoid_conditions: tuple[str, ...] = ()  # no hold whose effective condition is one of these
    no_grips: tuple[str, ...] = ()  # no hand hold (start, other, top) whose effective grip type is one of these
    sort: str = "newest"
    reverse: bool = False
    limit: int | None = 200
    offset: int = 0
    after: tuple | None = None  # keyset: the page starts after the row with this `sort_key` (offset ignored)
    include_ungraded: bool = field(default=True)  # only used when no grade bound is set
    changed_holds_only: bool = False  # climbs flagged "uses a changed hold" (a wall reset)
    list_id: str | None = None  # only the climbs of this list
    hide_sent: bool = False  # without the climbs the logbook has a send of

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}; choose one of {', '.join(SORTS)}")


@dataclass(frozen=True, slots=True)
class ClimbRow:
    """The light row a climb list shows (no ORM object, no geometry)."""

    id: str
    stokt_id: str | None
    face_id: str
    name: str
    grade_font: str | None
    grade_ircra: float | None
    setter_id: str | None
    setter_name: str | None
    feet_rule: str | None
    is_benchmark: bool
    is_private: bool
    climbed_by: int
    total_likes: int
    created_at: str | None
    holds_list: str
    source: str
    uses_changed_hold: bool = False  # a hold of it was moved, reshaped or removed since (walls_schema)


@dataclass(frozen=True, slots=True)
class HoldStat:
    count: int
    min_ircra: float | None
    max_ircra: float | None


def sort_key(row: ClimbRow, sort: str) -> tuple:
    """The position of `row` in `sort` (either direction): pass it as `ClimbQuery.after` for the next page."""
    if sort == "newest":
        return (row.created_at or "", row.id)
    if sort == "grade":
        return (1e9 if row.grade_ircra is None else row.grade_ircra, row.name, row.id)
    if sort == "name":
        return (row.name, row.id)
    if sort == "popularity":
        return (row.climbed_by, row.total_likes, row.id)
    raise ValueError(f"unknown sort {sort!r}")


_ROW_SQL = (
    "c.id, c.stokt_id, c.face_id, c.name, c.grade_font, c.grade_ircra, c.setter_id, u.full_name, "
    "c.feet_rule, c.is_benchmark, c.is_private, c.climbed_by, c.total_likes, c.created_at, c.holds_list, c.source, "
    "EXISTS (SELECT 1 FROM climb_hold_flags fl WHERE fl.climb_id = c.id)"
)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _from_and_where(conn: sqlite3.Connection, q: ClimbQuery, with_setter: bool = False, driver: str | None = None,
                    extra: tuple[tuple[str, list[object]], ...] = (),
                    text_ids: list[int] | None = None) -> tuple[str, list[object]]:
    """The FROM … WHERE … part (without ORDER/LIMIT) and its parameters.

    `driver` (`_driver`): "walk" keeps every filter term off its own index (unary `+`, hold filters as
    probes), so the query walks the sort index; "grade"/"setter" name the index that drives. `extra`:
    more (condition, parameters) terms (keyset). `text_ids`: the rowids matching `q.text` (`name_index`),
    tested instead of the name; with driver "text" they drive (every other term kept off its index).
    """
    params: list[object] = []
    source = "climbs c"
    named = _DRIVING_INDEX.get(driver or "") or (_SORT_INDEX[q.sort] if driver == "walk" and q.face_id else None)
    if named is not None and named in _indexes(conn):  # (an index dropped for a bulk load: the planner chooses)
        source = f"climbs c INDEXED BY {named}"  # for a walk: not the id index for a keyset's `c.id > ?`
    where: list[str] = []
    plus = "+" if driver in ("walk", "scan", "text") else ""
    if driver == "scan":
        source = "climbs c NOT INDEXED"  # in table order: sequential pages (`_capped_walk`)
    if (q.holds_all or q.holds_none) and driver in (None, "holds"):
        # Hold filters are resolved inside the index table first: the first required hold (callers
        # put the rarest first) drives through the primary-key prefix hold_num; every other
        # required or excluded hold is a primary-key probe (hold_num, climb_id). Only the few
        # surviving climb ids are then looked up in `climbs`.
        inner: list[str] = []
        if q.holds_all:
            first, *others = q.holds_all
            inner.append("d.hold_num = ?")
            params.append(first.hold)
            if first.role is not None:
                inner.append("d.role = ?")
                params.append(Role(first.role).value)
            hold_source = "climb_holds d"
        else:
            others, hold_source = [], ""
        for f in others:
            role_sql = " AND x.role = ?" if f.role is not None else ""
            inner.append(f"EXISTS (SELECT 1 FROM climb_holds x WHERE x.hold_num = ? AND x.climb_id = d.climb_id{role_sql})")
            params.append(f.hold)
            if f.role is not None:
                params.append(Role(f.role).value)
        if q.holds_all:
            for hold in q.holds_none:
                inner.append("NOT EXISTS (SELECT 1 FROM climb_holds x WHERE x.hold_num = ? AND x.climb_id = d.climb_id)")
                params.append(hold)
            source = (f"(SELECT DISTINCT d.climb_id FROM {hold_source} WHERE {' AND '.join(inner)}) AS hs "
                      "JOIN climbs c ON c.id = hs.climb_id")
        else:
            for hold in q.holds_none:
                where.append("NOT EXISTS (SELECT 1 FROM climb_holds x WHERE x.hold_num = ? AND x.climb_id = c.id)")
                params.append(hold)
    else:
        # each walked (or otherwise driven) climb is looked up in the rarest hold's climbs (made once
        # into a temporary index: steadier than a probe of climb_holds per climb) and probed for the others
        for i, f in enumerate(q.holds_all):
            role_sql = " AND x.role = ?" if f.role is not None else ""
            if i == 0:
                where.append(f"c.id IN (SELECT x.climb_id FROM climb_holds x WHERE x.hold_num = ?{role_sql})")
            else:
                where.append(f"EXISTS (SELECT 1 FROM climb_holds x WHERE x.hold_num = ? AND x.climb_id = c.id{role_sql})")
            params.append(f.hold)
            if f.role is not None:
                params.append(Role(f.role).value)
        for hold in q.holds_none:
            where.append("NOT EXISTS (SELECT 1 FROM climb_holds x WHERE x.hold_num = ? AND x.climb_id = c.id)")
            params.append(hold)
    mask = _flag_mask(q)
    if mask:
        # climbs.hold_flags: the effective conditions / hand grip types of the climb's holds, kept
        # current by triggers (store/annotation_schema.py): one integer test per climb
        where.append("(c.hold_flags & ?) = 0")
        params.append(mask)
    if q.face_id is not None:
        where.append(("+" if driver == "text" else "") + "c.face_id = ?")  # (the name index has this face only)
        params.append(q.face_id)
    if q.grade_min is not None:
        where.append(f"{plus}c.grade_ircra >= ?")
        params.append(q.grade_min)
    if q.grade_max is not None:
        where.append(f"{plus}c.grade_ircra < ?")
        params.append(q.grade_max)
    if q.sort == "grade" and (q.grade_min is not None or q.grade_max is not None):
        # the same bounds on the grade order's own key: a range of its index (graded rows only, as above)
        if q.grade_min is not None:
            where.append("ifnull(c.grade_ircra, 1e9) >= ?")
            params.append(q.grade_min)
        if q.grade_max is not None:
            where.append("ifnull(c.grade_ircra, 1e9) < ?")
            params.append(q.grade_max)
    if q.grade_min is None and q.grade_max is None and not q.include_ungraded:
        where.append("c.grade_ircra IS NOT NULL")
    if q.setter:
        sql, p = _setter_term(q.setter)
        where.append(plus + sql)
        params.extend(p)
    if q.text and text_ids is not None:
        # the same test, answered by the in-memory name index (a list of rowids: primary-key lookups)
        where.append("c.rowid IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(text_ids))
    elif q.text:
        # accents and case do not matter: the folded name is kept in `name_search` on every write
        where.append("c.name_search LIKE ? ESCAPE '\\'")
        params.append(f"%{_escape_like(fold(q.text))}%")
    if q.feet_rule:
        where.append("c.feet_rule = ?")
        params.append(q.feet_rule)
    if q.benchmark_only:
        where.append("c.is_benchmark = 1")
    if q.changed_holds_only:
        where.append("c.id IN (SELECT climb_id FROM climb_hold_flags)")
    if q.list_id:
        where.append("c.id IN (SELECT li.climb_id FROM list_items li WHERE li.list_id = ?)")
        params.append(q.list_id)
    if q.hide_sent:
        where.append("NOT EXISTS (SELECT 1 FROM climb_log g WHERE g.climb_id = c.id AND g.sent = 1)")
    for sql, p in extra:
        where.append(sql)
        params.extend(p)
    sql = f"FROM {source}"
    if with_setter:
        sql += " LEFT JOIN users u ON u.id = c.setter_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql, params


_SETTER_IDS = "SELECT ? UNION ALL SELECT id FROM users WHERE mastoc_fold(full_name) LIKE ? ESCAPE '\\'"


def _setter_term(setter: str) -> tuple[str, list[object]]:
    """A user id, or a part of the setter's name: one IN list (an index range of `climbs_setter_face`)."""
    return f"c.setter_id IN ({_SETTER_IDS})", [setter, f"%{_escape_like(fold(setter))}%"]


def _driver(conn: sqlite3.Connection, q: ClimbQuery) -> str | None:
    """How `q`'s page is found: "walk" (the sort index is walked, every filter tested on its entries),
    "holds", "grade" or "setter" (that filter's index drives, its matches are sorted), or None (the
    planner chooses: a list's items, the climbs on changed holds — few). A term drives when fewer
    than `DRIVE_LIMIT` climbs match it (counted up to that bound, or read from the hold usage)."""
    if q.list_id or q.changed_holds_only:
        return None
    if len(q.holds_all) > 1 or (q.holds_all and _hold_use(conn, q.holds_all[0].hold) < HOLDS_DRIVE_LIMIT):
        # several holds: few climbs use them all, and the rarest drives with a probe for the others
        # (measured at 400k: walking for them is slower even when each hold is common)
        return "holds"
    terms: list[tuple[str, str, list[object]]] = []
    if (q.grade_min is not None or q.grade_max is not None) and q.face_id is not None:
        lo = -1e18 if q.grade_min is None else q.grade_min
        hi = 1e18 if q.grade_max is None else q.grade_max
        terms.append(("grade", "c.face_id = ? AND c.grade_ircra >= ? AND c.grade_ircra < ?", [q.face_id, lo, hi]))
    if q.setter:
        sql, p = _setter_term(q.setter)
        face = ([" AND c.face_id = ?"], [q.face_id]) if q.face_id is not None else ([""], [])
        terms.append(("setter", sql + face[0][0], p + face[1]))
    for name, sql, p in terms:
        n = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM climbs c WHERE {sql} LIMIT ?)",
                         [*p, DRIVE_LIMIT]).fetchone()[0]
        if n < DRIVE_LIMIT:
            return name
    return "walk"


_DRIVING_INDEX = {"grade": "climbs_face_grade", "setter": "climbs_setter_face"}
_SORT_INDEX = {"newest": "climbs_sort_newest", "grade": "climbs_sort_grade", "name": "climbs_sort_name",
               "popularity": "climbs_sort_popularity"}


_INDEXES: dict[int, tuple[int, frozenset[str]]] = {}


def _indexes(conn: sqlite3.Connection) -> frozenset[str]:
    """The names of the store's indexes (read again when the schema changes: `PRAGMA schema_version`)."""
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    hit = _INDEXES.get(id(conn))
    if hit is None or hit[0] != version:
        names = frozenset(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'"))
        hit = _INDEXES[id(conn)] = (version, names)
    return hit[1]


def _hold_use(conn: sqlite3.Connection, hold: int) -> int:
    """How many climbs use `hold` (the hold usage statistics: exact, a few rows)."""
    return int(conn.execute("SELECT ifnull(sum(n), 0) FROM hold_grade_usage WHERE hold_num = ?", (hold,)).fetchone()[0])


def _keyset(q: ClimbQuery) -> list[tuple[tuple[tuple[str, list[object]], ...], int]]:
    """The page after `q.after` as index seeks, in order: the rest of the last row's tie group (same sort
    columns, later id), then for each sort column from the last to the first, the rows equal on the
    columns before it and later on it. With each part, how many leading sort columns it fixes (left
    out of its ORDER BY: SQLite 3.40 would otherwise sort the part's rows in a temporary B-tree). (One row-value comparison over an expression and a collated
    column is not a range SQLite 3.40 seeks: it would scan from the top.)"""
    assert q.after is not None
    cols, direction = _GROUP[q.sort]
    *group, last_id = q.after
    if len(group) != len(cols):
        raise ValueError(f"a {q.sort!r} key has {len(cols) + 1} values, not {len(q.after)}")
    later = ">" if (direction == "ASC") != q.reverse else "<"
    parts: list[tuple[tuple[tuple[str, list[object]], ...], int]] = [
        (((" AND ".join(f"{c} = ?" for c in cols) + (" AND c.id < ?" if q.reverse else " AND c.id > ?"),
           [*group, last_id]),), len(cols))]
    for j in range(len(cols) - 1, -1, -1):
        sql = " AND ".join([*(f"{c} = ?" for c in cols[:j]), f"{cols[j]} {later} ?"])
        parts.append((((sql, list(group[:j + 1])),), j))
    return parts


def _flag_mask(q: ClimbQuery) -> int:
    return (sum(annotation_schema.bit("condition", v) for v in set(q.avoid_conditions))
            + sum(annotation_schema.bit("grip_type", v) for v in set(q.no_grips)))


def _rarest_first(conn: sqlite3.Connection, q: ClimbQuery) -> ClimbQuery:
    """`q` with its required holds ordered by how few climbs use them (the rarest drives the query)."""
    if len(q.holds_all) < 2:
        return q
    counts = {f: _hold_use(conn, f.hold) for f in q.holds_all}
    return dataclasses.replace(q, holds_all=tuple(sorted(q.holds_all, key=lambda f: (counts[f], f.hold))))


def search(conn: sqlite3.Connection, q: ClimbQuery) -> list[ClimbRow]:
    """One page of climbs matching `q`, in its sort order (after `q.after` when set, else at `q.offset`)."""
    q = _rarest_first(conn, q)
    order = _ORDER[q.sort][1 if q.reverse else 0]
    if q.limit is None:
        body, params = _from_and_where(conn, q, with_setter=True)
        sql = f"SELECT {_ROW_SQL} {body} ORDER BY {order}"
        return [_row(r) for r in conn.execute(sql, params)]
    driver = _driver(conn, q)
    text_ids = _text_ids(conn, q) if driver == "walk" and q.text else None
    if text_ids is not None and len(text_ids) <= TEXT_DRIVE_LIMIT:
        driver = "text"
    if driver != "walk":
        order = _unindexed(order)
    if q.after is None:
        return _page(conn, q, order, driver, (), q.limit, q.offset, text_ids=text_ids)
    out: list[ClimbRow] = []
    for extra, fixed in _keyset(q):
        inner = ", ".join(_terms(order)[fixed:])
        out.extend(_page(conn, q, order, driver, extra, q.limit - len(out), 0, inner, text_ids))
        if len(out) >= q.limit:
            break
    return out


def _page(conn: sqlite3.Connection, q: ClimbQuery, order: str, driver: str | None,
          extra: tuple[tuple[str, list[object]], ...], limit: int, offset: int,
          inner_order: str | None = None, text_ids: list[int] | None = None) -> list[ClimbRow]:
    """One page (`extra`: a keyset part; `inner_order`: its ORDER BY, without the columns it fixes;
    `text_ids`: the climbs matching the name filter, when the name index knows them)."""
    if driver == "walk" and q.text:
        ids = _capped_walk(conn, q, inner_order or order, extra, limit, offset, text_ids)
        if ids is not None:
            sql = (f"SELECT {_ROW_SQL} FROM climbs c LEFT JOIN users u ON u.id = c.setter_id "
                   f"WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY {order}")
            return [_row(r) for r in conn.execute(sql, (json.dumps(ids),))]
        driver = "text" if text_ids is not None else "scan"
        order, inner_order = _unindexed(order), inner_order and _unindexed(inner_order)
    # Deferred join: the page's ids come from the sort index alone (skipping OFFSET rows costs an
    # index step each, not a table row and a setter lookup each), then only those rows are read.
    body, params = _from_and_where(conn, q, driver=driver, extra=extra, text_ids=text_ids)
    sql = (
        f"SELECT {_ROW_SQL} FROM (SELECT c.id AS pid {body} ORDER BY {inner_order or order} LIMIT ? OFFSET ?) AS page "
        f"JOIN climbs c ON c.id = page.pid LEFT JOIN users u ON u.id = c.setter_id ORDER BY {order}"
    )
    return [_row(r) for r in conn.execute(sql, [*params, limit, offset])]


def _capped_walk(conn: sqlite3.Connection, q: ClimbQuery, order: str, extra: tuple[tuple[str, list[object]], ...],
                 limit: int, offset: int, text_ids: list[int] | None = None) -> list[str] | None:
    """A name filter has no index: walk the first `TEXT_WALK_CAP` entries of the sort order testing each
    name, which finds a page of a common text at once. The page's ids in order, or None when the cap
    was reached first (a rare text: a sequential scan of the table, then a sort, is faster than
    walking on through the table in index order). With `text_ids` (the name index's matches), each entry
    is tested on its rowid, which the sort index carries: the walk reads no table row."""
    body, params = _from_and_where(conn, dataclasses.replace(q, text=None), driver="walk", extra=extra)
    if text_ids is not None:
        # all in SQL (no Python row per walked entry); the capped walk is a subquery with a LIMIT, which
        # SQLite runs as a co-routine: its rows reach the outer query in its order. Fewer than `limit`
        # found: None (the caller's drive by `text_ids` is exact, the walk may have stopped at the cap).
        sql = (f"SELECT pid FROM (SELECT c.id AS pid, c.rowid IN (SELECT value FROM json_each(?)) AS hit {body} "
               f"ORDER BY {order} LIMIT ?) WHERE hit LIMIT ? OFFSET ?")
        found = [r[0] for r in conn.execute(sql, [json.dumps(text_ids), *params, TEXT_WALK_CAP, limit, offset])]
        return found if len(found) == limit else None
    pattern = f"%{_escape_like(fold(q.text or ''))}%"
    cur = conn.execute(f"SELECT c.id, c.name_search LIKE ? ESCAPE '\\' {body} ORDER BY {order} LIMIT ?",
                       [pattern, *params, TEXT_WALK_CAP + 1])
    ids: list[str] = []
    seen = 0
    for cid, hit in cur:
        seen += 1
        if seen > TEXT_WALK_CAP:
            return None
        if hit:
            if offset:
                offset -= 1
                continue
            ids.append(cid)
            if len(ids) == limit:
                break
    return ids


def _unindexed(order: str) -> str:
    """`order` with its terms made expressions (unary `+`), so no index is walked for it: a selective
    filter then drives through its own index and its few matches are sorted (the planner, without
    statistics, would otherwise walk the sort index through every climb)."""
    return ", ".join(f"+{term}" for term in _terms(order))


def _terms(order: str) -> list[str]:
    """The terms of an ORDER BY list (commas inside parentheses belong to their term)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(order):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            out.append(order[start:i].strip())
            start = i + 1
    out.append(order[start:].strip())
    return out


def _row(r: sqlite3.Row | tuple) -> ClimbRow:
    return ClimbRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]), bool(r[10]), r[11], r[12],
                    r[13], r[14], r[15], bool(r[16]))


def search_ids(conn: sqlite3.Connection, q: ClimbQuery) -> list[str]:
    """The ids of every climb matching `q` (ignores paging), in sort order."""
    body, params = _from_and_where(conn, _rarest_first(conn, q))
    order = _ORDER[q.sort][1 if q.reverse else 0]
    return [r[0] for r in conn.execute(f"SELECT c.id {body} ORDER BY {order}", params)]


def contains(conn: sqlite3.Connection, q: ClimbQuery, climb_id: str) -> bool:
    """Whether the climb `climb_id` matches `q` (one primary-key probe, not all the matching ids)."""
    body, params = _from_and_where(conn, _rarest_first(conn, q), extra=(("c.id = ?", [climb_id]),))
    return conn.execute(f"SELECT 1 {body} LIMIT 1", params).fetchone() is not None


def _scan_driver(q: ClimbQuery) -> str | None:
    """For a count or a grouping (no order): a name filter with no indexed term beside it reads the
    table in its own order ("scan": sequential pages), not through an index in random order."""
    indexed = (q.holds_all or q.holds_none or q.grade_min is not None or q.grade_max is not None or q.setter
               or q.list_id or q.changed_holds_only)
    return "scan" if q.text and not indexed else None


def _text_ids(conn: sqlite3.Connection, q: ClimbQuery) -> list[int] | None:
    """The rowids of the climbs (of `q.face_id`) whose name contains `q.text`, from the in-memory name
    index (`name_index`, built now if missing or stale); None when it cannot say (too many matches)."""
    return name_index.for_face(conn, q.face_id).matches(fold(q.text or ""), TEXT_INDEX_CAP)


def _grouping_plan(conn: sqlite3.Connection, q: ClimbQuery) -> tuple[str | None, list[int] | None]:
    """The driver and the name filter's rowids for a count or a grouping of `q`: a name filter with no
    indexed term beside it is driven by the name index's matches (or, when it has none to give, a scan);
    beside an indexed term, by its matches only when they are few."""
    driver = _scan_driver(q)
    if not q.text:
        return driver, None
    ids = _text_ids(conn, q)
    if ids is not None and (driver == "scan" or len(ids) <= TEXT_DRIVE_LIMIT):
        return "text", ids
    return driver, None


def count(conn: sqlite3.Connection, q: ClimbQuery) -> int:
    """How many climbs match `q` (ignores paging)."""
    n = _usage_count(conn, q)
    if n is not None:
        return n
    if len(q.holds_none) == 1:
        # "this hold but not that one": the climbs using the first (hold usage statistics) less those using
        # both (driven by the rarer of the two), not a probe of the excluded hold per climb of the first
        base = dataclasses.replace(q, holds_none=())
        n = _usage_count(conn, base)
        if n is not None:
            return n - count(conn, dataclasses.replace(base, holds_all=(*base.holds_all, HoldFilter(q.holds_none[0]))))
    q = _rarest_first(conn, q)
    driver, text_ids = _grouping_plan(conn, q)
    if text_ids is not None and text_only(q):
        return len(text_ids)
    body, params = _from_and_where(conn, q, driver=driver, text_ids=text_ids)
    return int(conn.execute(f"SELECT count(*) {body}", params).fetchone()[0])


_ONLY_HOLD_AND_GRADE = {"face_id", "grade_min", "grade_max", "holds_all", "include_ungraded", "sort", "reverse",
                        "limit", "offset", "after"}


_DEFAULT = ClimbQuery()


def _usage_count(conn: sqlite3.Connection, q: ClimbQuery) -> int | None:
    """The count of "climbs using this hold" (in any role, optionally in a grade range) read from the hold
    usage statistics (`usage_schema`, exact): ~30 rows instead of the hold's climbs (40k at 400k).
    None when `q` filters on anything else."""
    if len(q.holds_all) != 1 or q.holds_all[0].role is not None:
        return None
    if any(getattr(q, f.name) != getattr(_DEFAULT, f.name) for f in dataclasses.fields(q)
           if f.name not in _ONLY_HOLD_AND_GRADE):
        return None
    hold = q.holds_all[0].hold
    if q.face_id is not None and conn.execute(
            "SELECT 1 FROM holds WHERE face_id = ? AND num = ?", (q.face_id, hold)).fetchone() is None:
        return None  # not a hold of that face: the general count says (none of its climbs use it)
    where: list[str] = ["hold_num = ?"]
    params: list[object] = [hold]
    if q.grade_min is not None or q.grade_max is not None or not q.include_ungraded:
        where.append("grade_key >= 0")  # ungraded climbs are counted under -1
    if q.grade_min is not None:
        where.append("grade_key >= ?")
        params.append(q.grade_min)
    if q.grade_max is not None:
        where.append("grade_key < ?")
        params.append(q.grade_max)
    return int(conn.execute(f"SELECT ifnull(sum(n), 0) FROM hold_grade_usage WHERE {' AND '.join(where)}",
                            params).fetchone()[0])


def hold_stats(conn: sqlite3.Connection, face_id: str, q: ClimbQuery | None = None) -> dict[int, HoldStat]:
    """Per hold of the face: how many climbs use it, and the lowest and highest IRCRA grade among them.

    With `q`, only climbs matching `q` count (for heatmaps restricted to the current filter).
    """
    if q is None or grade_only(q):
        # Whole face (or a grade range of it): the per-hold, per-grade counts kept up to date (schema
        # step `usage_schema`), restricted to the face's holds — a climb only references holds of its face.
        where = ["u.n > 0", "u.hold_num IN (SELECT num FROM holds WHERE face_id = ?)"]
        params: list[object] = [face_id]
        if q is not None and (q.grade_min is not None or q.grade_max is not None or not q.include_ungraded):
            where.append("u.grade_key >= 0")  # -1: ungraded
        if q is not None and q.grade_min is not None:
            where.append("u.grade_key >= ?")
            params.append(q.grade_min)
        if q is not None and q.grade_max is not None:
            where.append("u.grade_key < ?")
            params.append(q.grade_max)
        sql = (
            "SELECT u.hold_num, sum(u.n), min(CASE WHEN u.grade_key >= 0 THEN u.grade_key END), "
            f"max(CASE WHEN u.grade_key >= 0 THEN u.grade_key END) FROM hold_grade_usage u WHERE {' AND '.join(where)} "
            "GROUP BY u.hold_num"
        )
        return {r[0]: HoldStat(r[1], r[2], r[3]) for r in conn.execute(sql, params)}
    fq = dataclasses.replace(q, face_id=face_id, limit=None, offset=0)
    driver, text_ids = _grouping_plan(conn, fq)
    body, fparams = _from_and_where(conn, fq, driver=driver, text_ids=text_ids)
    sql = (
        "SELECT ch.hold_num, count(DISTINCT ch.climb_id), min(ch.grade_ircra), max(ch.grade_ircra) "
        f"FROM (SELECT c.id AS cid {body}) AS f JOIN climb_holds ch ON ch.climb_id = f.cid "
        "GROUP BY ch.hold_num"
    )
    return {r[0]: HoldStat(r[1], r[2], r[3]) for r in conn.execute(sql, fparams)}


_PAGING = ("sort", "reverse", "limit", "offset", "after")
_GRADE_ONLY = ("face_id", "grade_min", "grade_max", "include_ungraded", *_PAGING)


def grade_only(q: ClimbQuery) -> bool:
    """Whether `q` filters on nothing but the face and a grade range."""
    return all(getattr(q, f.name) == getattr(_DEFAULT, f.name) for f in dataclasses.fields(q)
               if f.name not in _GRADE_ONLY)


def text_only(q: ClimbQuery) -> bool:
    """Whether `q` filters on nothing but the face and a name text."""
    return bool(q.text) and all(getattr(q, f.name) == getattr(_DEFAULT, f.name) for f in dataclasses.fields(q)
                                if f.name not in ("face_id", "text", *_PAGING))


def setter_only(q: ClimbQuery) -> bool:
    """Whether `q` filters on nothing but the face and a setter."""
    return bool(q.setter) and all(getattr(q, f.name) == getattr(_DEFAULT, f.name) for f in dataclasses.fields(q)
                                  if f.name not in ("face_id", "setter", *_PAGING))


def setter_counts(conn: sqlite3.Connection, face_id: str) -> dict[str | None, int]:
    """How many climbs of the face each setter (user id; None: no setter) has."""
    return dict(conn.execute("SELECT setter_id, count(*) FROM climbs WHERE face_id = ? GROUP BY setter_id",
                             (face_id,)).fetchall())


def setter_ids(conn: sqlite3.Connection, setter: str) -> set[str]:
    """The user ids a `ClimbQuery.setter` stands for (the id itself, or the users whose name contains it)."""
    return {r[0] for r in conn.execute(_SETTER_IDS, [setter, f"%{_escape_like(fold(setter))}%"])}


def in_grade_range(face_counts: dict[float | None, int], q: ClimbQuery) -> dict[float | None, int]:
    """The part of a face's `grade_counts` that a grade-only `q` keeps (same bounds as the search)."""
    def keep(g: float | None) -> bool:
        if q.grade_min is None and q.grade_max is None:
            return q.include_ungraded or g is not None
        return g is not None and (q.grade_min is None or g >= q.grade_min) and (q.grade_max is None or g < q.grade_max)
    return {g: n for g, n in face_counts.items() if keep(g)}


def grade_counts(conn: sqlite3.Connection, q: ClimbQuery) -> dict[float | None, int]:
    """How many climbs matching `q` (ignoring paging) have each IRCRA value (None: ungraded)."""
    gq = _rarest_first(conn, dataclasses.replace(q, limit=None, offset=0))
    driver, text_ids = _grouping_plan(conn, gq)
    body, params = _from_and_where(conn, gq, driver=driver, text_ids=text_ids)
    return dict(conn.execute(f"SELECT c.grade_ircra, count(*) {body} GROUP BY c.grade_ircra", params).fetchall())
