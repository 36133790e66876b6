"""Set-based Stokt imports of holds, users and climbs: a request is a few statements, whatever its size.

`upsert_holds`, `upsert_users` and `upsert_climbs` take the validated request items and, in the
caller's transaction:

1. resolve the Stokt ids the items refer to (faces, setters) with one query per 1,000 ids
   (`= ANY(array)` on PostgreSQL, `IN (...)` on SQLite); an item whose face is unknown is refused
   (`None` in the answer) and writes nothing;
2. read the rows that already exist, one query per 1,000 keys, locked in key order (`FOR UPDATE` on
   PostgreSQL; SQLite's `BEGIN IMMEDIATE` already holds the write lock), so the full rows written
   back below cannot overwrite a concurrent change;
3. decide each item's status in request order, in memory, with the rules of the per-item import:
   `created`; `updated` when a sent field differs (fields left out of the item keep their stored
   value, an explicit null clears, `updated_at` is set); `exists` otherwise. An item repeated in
   one request sees the earlier one, as it did when every item was its own statement;
4. write: the new rows, in key order, in one COPY (PostgreSQL) or driver `executemany` (SQLite), see `rowcopy`;
   one `executemany` UPDATE (by primary key) of the changed ones; for climbs one UPDATE of
   `synced_at` for the unchanged ones. Every created or updated row gets a changes-feed record
   (`changes.record`, written at commit by `rowcopy` too).

Two imports of the same new rows: the second to insert waits for the first and fails on the unique
key; the route runs it again (`txretry`), when those rows are visible and locked like any other.

Keys: holds by id (= their Stokt id), users and climbs by `stokt_id`; new rows take the ids of
`mastoc.domain.ids.id_for_stokt`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from mastoc.domain.ids import id_for_stokt
from mastoc.server import changes, rowcopy, views
from mastoc.server.models import Climb, Face, Hold, User
from mastoc.server.routes.climbs import _public
from mastoc.server.schemas import ImportClimb, ImportHold, ImportUser
from mastoc.server.timeutil import as_utc, parse_iso, utcnow

CHUNK = 1000  # keys per IN (...) list: well under SQLite's and PostgreSQL's parameter limits
GEOMETRY = ("polygon_str", "centroid_x", "centroid_y", "area", "path_str", "touch_polygon_str", "top_polygon_str",
            "center_tape_str", "right_tape_str", "left_tape_str")
CLIMB_OPTIONAL = ("grade_font", "grade_ircra", "feet_rule", "description", "is_private", "climbed_by", "total_likes",
                  "total_comments", "is_benchmark", "mirror_holds_list", "tags", "circuit")

Result = tuple[dict[str, Any], str] | None  # (the row after the item, status), or None: refused


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    seq = list(dict.fromkeys(values))
    for start in range(0, len(seq), CHUNK):
        yield seq[start:start + CHUNK]


def _among(session: Session, col: Any, chunk: list[Any]) -> Any:
    """`col IN (...)`; on PostgreSQL `col = ANY(array)`, one parameter instead of one per key."""
    if session.get_bind().dialect.name == "postgresql":
        return col == any_(bindparam("keys", value=chunk, type_=ARRAY(col.type)))
    return col.in_(chunk)


def _lookup(session: Session, key: Any, value: Any, keys: Iterable[Any]) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for chunk in _chunks(keys):
        out.update({r[0]: r[1] for r in session.execute(select(key, value).where(_among(session, key, chunk)))})
    return out


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, datetime) and isinstance(new, datetime):
        return as_utc(current) == as_utc(new)
    return bool(current == new)


def _defaults(model: Any) -> tuple[dict[str, Any], list[str]]:
    """A new row's column defaults (from the model), and the columns whose default is "now"."""
    static: dict[str, Any] = {}
    now_cols: list[str] = []
    for col in model.__table__.columns:
        info = model.model_fields.get(col.name)
        if info is not None and info.default_factory is not None:
            now_cols.append(col.name)  # every default_factory of these models is utcnow
        elif info is not None and info.default is not PydanticUndefined:
            static[col.name] = info.default
        else:
            static[col.name] = None
    return static, now_cols


class _Upsert:
    """The rows of one model that a request touches, keyed by `key`, and what it does to them."""

    def __init__(self, session: Session, model: Any, key: str, keys: Iterable[Any]) -> None:
        self.session, self.model, self.key = session, model, key
        self.table = model.__table__
        self.now = utcnow()
        self.rows: dict[Any, dict[str, Any]] = {}
        col = self.table.c[key]
        for chunk in _chunks(sorted(set(keys))):  # locked in key order: overlapping imports wait, never deadlock
            stmt = select(self.table).where(_among(session, col, chunk)).order_by(col).with_for_update()
            self.rows.update({r._mapping[key]: dict(r._mapping) for r in session.execute(stmt)})
        self.created: dict[Any, dict[str, Any]] = {}
        self.changed: dict[Any, dict[str, Any]] = {}
        self.static, self.now_cols = _defaults(model)

    def apply(self, k: Any, values: dict[str, Any], new: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], str]:
        row = self.rows.get(k)
        if row is None:
            row = {**self.static, **{c: self.now for c in self.now_cols}, **new(), **values}
            self.rows[k] = self.created[k] = row
            return row, "created"
        diff = {f: v for f, v in values.items() if not _same(row[f], v)}
        if not diff:
            return row, "exists"
        row.update(diff)
        if "updated_at" in row:
            row["updated_at"] = self.now
        if k not in self.created:
            self.changed[k] = row
        return row, "updated"

    def write(self) -> None:
        if self.created:  # in key order, as existing rows are locked: overlapping imports wait, never deadlock
            rows = [self.created[k] for k in sorted(self.created)]
            rowcopy.insert_rows(self.session.connection(), self.table, rows)
        if self.changed:
            pk = next(iter(self.table.primary_key.columns)).name
            cols = [c.name for c in self.table.columns if c.name != pk]
            stmt = (update(self.table).where(self.table.c[pk] == bindparam("k_"))
                    .values({c: bindparam(f"v_{c}") for c in cols}))
            self.session.connection().execute(stmt, [{"k_": r[pk], **{f"v_{c}": r[c] for c in cols}}
                                                     for r in self.changed.values()])


def _faces(session: Session, face_stokt_ids: Iterable[str]) -> dict[str, str]:
    return _lookup(session, Face.stokt_id, Face.id, face_stokt_ids)


def upsert_holds(session: Session, items: list[ImportHold]) -> list[Result]:
    faces = _faces(session, (str(b.face_stokt_id) for b in items))
    up = _Upsert(session, Hold, "id", (b.stokt_id for b in items if str(b.face_stokt_id) in faces))
    out: list[Result] = []
    for b in items:
        face_id = faces.get(str(b.face_stokt_id))
        if face_id is None:
            out.append(None)
            continue
        values: dict[str, Any] = {"stokt_id": b.stokt_id, "face_id": face_id, "source": "stokt"}
        for f in GEOMETRY:  # omitted geometry keeps its value (the outline itself is always sent)
            if f == "polygon_str" or f in b.model_fields_set:
                values[f] = getattr(b, f)
        row, status = up.apply(b.stokt_id, values,
                               lambda b=b: {"id": b.stokt_id, "uid": id_for_stokt("hold", b.stokt_id)})
        if status != "exists":
            changes.record(session, "hold", row["id"], "upsert", views.hold(SimpleNamespace(**row)))  # type: ignore[arg-type]
        out.append((row, status))
    up.write()
    return out


def upsert_users(session: Session, items: list[ImportUser]) -> list[Result]:
    up = _Upsert(session, User, "stokt_id", (str(b.stokt_id) for b in items))
    out: list[Result] = []
    for b in items:
        sid = str(b.stokt_id)
        values: dict[str, Any] = {"stokt_id": sid, "full_name": b.full_name}
        if "avatar_path" in b.model_fields_set:
            values["avatar_path"] = b.avatar_path
        row, status = up.apply(sid, values,
                               lambda sid=sid: {"id": id_for_stokt("user", sid), "source": "stokt", "role": "user"})
        if status != "exists":
            changes.record(session, "user", row["id"], "upsert",
                           {**views.user_public(SimpleNamespace(**row)), "stokt_id": sid})  # type: ignore[arg-type]
        out.append((row, status))
    up.write()
    return out


def _created_at(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_iso(text)
    except ValueError:
        return None


def upsert_climbs(session: Session, items: list[ImportClimb]) -> list[Result]:
    faces = _faces(session, (str(b.face_stokt_id) for b in items))
    setters = _lookup(session, User.stokt_id, User.id, (str(b.setter_stokt_id) for b in items if b.setter_stokt_id))
    up = _Upsert(session, Climb, "stokt_id", (str(b.stokt_id) for b in items if str(b.face_stokt_id) in faces))
    names = _lookup(session, User.id, User.full_name,
                    {*setters.values(), *(r["setter_id"] for r in up.rows.values() if r["setter_id"])})
    out: list[Result] = []
    for b in items:
        face_id = faces.get(str(b.face_stokt_id))
        if face_id is None:
            out.append(None)
            continue
        sid = str(b.stokt_id)
        sent = b.model_fields_set
        values: dict[str, Any] = {"stokt_id": sid, "face_id": face_id, "name": b.name, "holds_list": b.holds_list,
                                  "source": "stokt"}
        if "setter_stokt_id" in sent:  # an unknown setter: none, silently
            values["setter_id"] = setters.get(str(b.setter_stokt_id)) if b.setter_stokt_id else None
        for f in CLIMB_OPTIONAL:  # omitted fields keep their value; an explicit null clears
            if f in sent:
                values[f] = getattr(b, f)
                if f in ("tags", "circuit") and values[f] is None:
                    values[f] = ""
        created_at = _created_at(b.date_created)
        if created_at is not None:
            values["created_at"] = created_at
        row, status = up.apply(sid, values, lambda sid=sid: {"id": id_for_stokt("climb", sid)})
        row["synced_at"] = up.now
        if status != "exists":
            changes.record(session, "climb", row["id"], "upsert",
                           _public(views.climb(SimpleNamespace(**row), names.get(row["setter_id"]))))  # type: ignore[arg-type]
        out.append((row, status))
    up.write()
    touched = {r[0]["id"] for r in out if r is not None}
    unchanged = [cid for k, r in up.rows.items() if (cid := r["id"]) in touched
                 and k not in up.created and k not in up.changed]
    for chunk in _chunks(unchanged):  # an unchanged climb is still marked as just synced
        session.execute(update(Climb.__table__).where(_among(session, Climb.__table__.c.id, chunk))  # type: ignore[attr-defined]
                        .values(synced_at=up.now))
    return out


def counts(results: list[Result]) -> dict[str, int]:
    """The batch endpoints' answer."""
    n = {"created": 0, "updated": 0, "exists": 0}
    for r in results:
        if r is not None:
            n[r[1]] += 1
    return {"created": n["created"], "updated": n["updated"], "errors": sum(r is None for r in results),
            "total": len(results), "unchanged": n["exists"]}

