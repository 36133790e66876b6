"""Reading hold annotations: mine, the consensus, the effective value per hold, the maintenance list.

Who is "me": the rows of `hold_annotations` with `user_id` NULL are the annotations of the person
using this data directory. When this device is logged in to a mastoc server they are that account's
(the Railway sync sends them with the account's token and pulls the account's own annotations back
into such rows); when it is not, they belong to the local person of this device and travel once an
account logs in. Rows with a `user_id` are someone else's (none are written today).

The consensus shown for a hold is the server's (`hold_consensus`, stored by the sync: it counts
every account's annotation, mine included as the server last saw it); a hold the server has not
reported gets the consensus of the rows known locally (`mastoc.domain.annotations.consensus`).

The effective value of a hold in a dimension (what search filters, climb warnings and the
maintenance list use) is mine when I gave one — I looked at the hold, e.g. I just fixed it — else
the server's consensus value. The search reads the same rule from SQL (`climbs.hold_flags`,
maintained by triggers: `mastoc.store.annotation_schema`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from mastoc.domain import annotations as dom
from mastoc.domain.models import HoldAnnotation
from mastoc.store import rows

MINE = "a.user_id IS NULL"


@dataclass(frozen=True, slots=True)
class HoldRef:
    id: str
    num: int
    stokt_id: int | None
    face_id: str

    @property
    def public_id(self) -> int:
        """The id people see: the Stokt id on Stokt faces, else the hold's number."""
        return self.stokt_id if self.stokt_id is not None else self.num


def resolve_hold(conn: sqlite3.Connection, key: str | int) -> HoldRef | None:
    """A hold by mastoc id, or by Stokt id (Stokt faces), or by its public number."""
    text = str(key).strip()
    r = conn.execute("SELECT id, num, stokt_id, face_id FROM holds WHERE id = ?", (text,)).fetchone()
    if r is None and text.lstrip("-").isdigit():
        n = int(text)
        r = (conn.execute("SELECT id, num, stokt_id, face_id FROM holds WHERE stokt_id = ?", (n,)).fetchone()
             or conn.execute("SELECT id, num, stokt_id, face_id FROM holds WHERE num = ?", (n,)).fetchone())
    return None if r is None else HoldRef(r[0], int(r[1]), None if r[2] is None else int(r[2]), r[3])


def holds_by_id(conn: sqlite3.Connection, face_id: str | None = None) -> dict[str, HoldRef]:
    sql = "SELECT id, num, stokt_id, face_id FROM holds" + (" WHERE face_id = ?" if face_id else "")
    return {r[0]: HoldRef(r[0], int(r[1]), None if r[2] is None else int(r[2]), r[3])
            for r in conn.execute(sql, (face_id,) if face_id else ())}


def mine(conn: sqlite3.Connection, hold_ids: list[str] | None = None) -> dict[str, HoldAnnotation]:
    """My annotation per hold (only holds that have one)."""
    cols = ", ".join(f"a.{c}" for c in rows.ANNOTATION_COLUMNS)
    if hold_ids is not None and len(hold_ids) <= 20:
        cur = conn.execute(f"SELECT {cols} FROM hold_annotations a WHERE {MINE} AND a.hold_id IN "
                           f"({', '.join('?' * len(hold_ids))})", list(hold_ids))
    else:  # at most one row per hold: reading them all beats a long IN list
        cur = conn.execute(f"SELECT {cols} FROM hold_annotations a WHERE {MINE}")
    wanted = None if hold_ids is None else set(hold_ids)
    out = {}
    for r in cur:
        if wanted is not None and r[1] not in wanted:
            continue
        a = HoldAnnotation(*r[:7])
        a.created_at, a.updated_at = rows.parse_ts(r[7]), rows.parse_ts(r[8])
        out[a.hold_id] = a
    return out


def server_consensus(conn: sqlite3.Connection) -> dict[str, tuple[dom.Consensus, str | None]]:
    """The server's consensus per hold as the last sync stored it, with when it was stored."""
    return {r[0]: (dom.Consensus.from_dict(json.loads(r[1])), r[2])
            for r in conn.execute("SELECT hold_id, data, updated_at FROM hold_consensus")}


def consensus(conn: sqlite3.Connection, hold_ids: list[str] | None = None) -> dict[str, dom.Consensus]:
    """The consensus per hold (see the module docstring); holds without any annotation are absent."""
    out = {h: c for h, (c, _at) in server_consensus(conn).items() if c.total_annotators}
    wanted = None if hold_ids is None else set(hold_ids)
    local: dict[str, list[dict[str, str | None]]] = {}
    for r in conn.execute("SELECT hold_id, grip_type, condition, difficulty FROM hold_annotations"):
        if r[0] not in out and (wanted is None or r[0] in wanted):
            local.setdefault(r[0], []).append({"grip_type": r[1], "condition": r[2], "difficulty": r[3]})
    for h, anns in local.items():
        out[h] = dom.consensus(anns)
    if wanted is not None:
        out = {h: c for h, c in out.items() if h in wanted}
    return out


def effective(conn: sqlite3.Connection, dimension: str) -> dict[str, str]:
    """Per hold, the value that counts in `dimension`: mine when given, else the consensus's."""
    if dimension not in dom.DIMENSIONS:
        raise ValueError(dimension)
    out = {h: v for h, (c, _at) in server_consensus(conn).items() if (v := c.vote(dimension).value)}
    for h, a in mine(conn).items():
        if getattr(a, dimension):
            out[h] = getattr(a, dimension)
    return out


def affected_nums(conn: sqlite3.Connection, dimension: str, values: tuple[str, ...] | list[str]) -> list[int]:
    """The public numbers (`holds.num`, what `climb_holds` indexes) of holds whose effective value
    in `dimension` is one of `values`."""
    wanted = set(values)
    ids = [h for h, v in effective(conn, dimension).items() if v in wanted]
    if not ids:
        return []
    return sorted(int(r[0]) for r in conn.execute(
        "SELECT num FROM holds WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)))


@dataclass(frozen=True, slots=True)
class Warning:
    """Why a climb is flagged: one of its holds and the value that flags it."""

    hold_num: int
    public_id: int
    dimension: str
    value: str


def climb_warnings(conn: sqlite3.Connection, climb_ids: list[str], *, avoid_conditions: tuple[str, ...] = (),
                   no_grips: tuple[str, ...] = ()) -> dict[str, list[Warning]]:
    """Per climb (of `climb_ids`), its holds in an avoided condition or (in a hand role) of an
    excluded grip type. Without explicit values, conditions other than `ok` are flagged."""
    conditions = avoid_conditions or tuple(v for v in dom.VALUES["condition"] if v != "ok")
    flagged: dict[int, list[tuple[str, str]]] = {}
    for dim, values in (("condition", conditions), ("grip_type", no_grips)):
        if not values:
            continue
        eff = effective(conn, dim)
        ids = [h for h, v in eff.items() if v in values]
        for hid, num in conn.execute("SELECT id, num FROM holds WHERE id IN (SELECT value FROM json_each(?))",
                                     (json.dumps(ids),)):
            flagged.setdefault(int(num), []).append((dim, eff[hid]))
    if not flagged or not climb_ids:
        return {}
    public = {int(r[0]): int(r[1]) for r in conn.execute(
        "SELECT num, ifnull(stokt_id, num) FROM holds WHERE num IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(flagged)),))}
    out: dict[str, list[Warning]] = {}
    cur = conn.execute(
        "SELECT DISTINCT climb_id, hold_num, role FROM climb_holds WHERE climb_id IN (SELECT value FROM json_each(?)) "
        "AND hold_num IN (SELECT value FROM json_each(?)) ORDER BY climb_id, hold_num",
        (json.dumps(climb_ids), json.dumps(sorted(flagged))))
    for cid, num, role in cur:
        for dim, value in flagged[int(num)]:
            if dim == "grip_type" and role == "F":
                continue
            w = Warning(int(num), public.get(int(num), int(num)), dim, value)
            if w not in out.get(cid, []):
                out.setdefault(cid, []).append(w)
    return out


@dataclass(frozen=True, slots=True)
class MaintenanceItem:
    hold: HoldRef
    condition: str
    notes: str
    reported_by: str  # "me" or "consensus (2 of 3)"
    reported_at: str | None


def maintenance(conn: sqlite3.Connection, face_id: str | None = None) -> list[MaintenanceItem]:
    """The holds needing attention (effective condition not `ok`), most severe condition first,
    then by public id."""
    holds = holds_by_id(conn, face_id)
    my = mine(conn)
    server = server_consensus(conn)
    cons = consensus(conn)
    items = []
    for hid, value in effective(conn, "condition").items():
        if value == "ok" or hid not in holds:
            continue
        a = my.get(hid)
        if a is not None and a.condition:
            by, at = "me", rows.ts(a.updated_at or a.created_at)
        else:
            v = cons[hid].condition
            by = f"consensus ({v.votes} of {cons[hid].total_annotators})"
            at = server[hid][1] if hid in server else None
        items.append(MaintenanceItem(holds[hid], value, (a.notes or "") if a else "", by, at))
    order = {v: i for i, v in enumerate(reversed(dom.VALUES["condition"]))}
    items.sort(key=lambda it: (order.get(it.condition, 99), it.hold.public_id))
    return items


def overlay_values(conn: sqlite3.Connection, face_id: str, overlay: str, source: str) -> dict[int, str | None]:
    """Per hold number of the face, the value an overlay shows: `overlay` is a dimension or "notes"
    (holds with a note: "yes"); `source` "mine" or "consensus" (notes are only mine)."""
    holds = holds_by_id(conn, face_id)
    out: dict[int, str | None] = {}
    if overlay == "notes" or source == "mine":
        for hid, a in mine(conn, list(holds)).items():
            value = ("yes" if a.notes else None) if overlay == "notes" else getattr(a, overlay)
            if value:
                out[holds[hid].num] = value
        return out
    for hid, c in consensus(conn, list(holds)).items():
        if (v := c.vote(overlay).value) is not None:
            out[holds[hid].num] = v
    return out


def flagged_climbs(conn: sqlite3.Connection, face_id: str) -> dict[str, list[Warning]]:
    """The climbs of the face using a hold whose effective condition is not `ok`, with the holds."""
    bad = sum(1 << i for i, v in enumerate(dom.VALUES["condition"]) if v != "ok")
    # candidates: the climbs using a hold with a bad condition (`hold_flags`, a few rows), through the
    # climb<->hold index — not a test of every climb of the face (100 ms at 400k climbs)
    nums = [r[0] for r in conn.execute("SELECT num FROM hold_flags WHERE (bits & ?) != 0", (bad,))]
    if not nums:
        return {}
    ids = [r[0] for r in conn.execute(  # CROSS JOIN: climb_holds drives (SQLite keeps that order)
        "SELECT DISTINCT c.id FROM climb_holds ch CROSS JOIN climbs c ON c.id = ch.climb_id "
        "WHERE ch.hold_num IN (SELECT value FROM json_each(?)) AND c.face_id = ? AND (c.hold_flags & ?) != 0",
        (json.dumps(nums), face_id, bad))]
    return climb_warnings(conn, ids)


def warning_text(warnings: list[Warning]) -> str:
    """"hold 829098 is broken; hold 829604 needs brushing"."""
    return "; ".join(f"hold {w.public_id}: {dom.label(w.dimension, w.value).lower()}" for w in warnings)
