"""The set-based bulk import (`mastoc.server.bulk_import`) keeps the per-item import's rules, on
SQLite and PostgreSQL: omitted fields unchanged, upserts of existing rows, refused items written
nowhere, every created/updated row in the changes feed. Batches larger than the key chunk (1,000)
and than the COPY threshold exercise the multi-statement paths."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text


def _feed(api: Any, headers: dict[str, str], since: int = 0) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        page = api.get("/api/changes", params={"since": since, "limit": 5000}, headers=headers).json()
        out += page["changes"]
        since = page["cursor"]
        if not page["has_more"]:
            return out


def _cursor(api: Any, headers: dict[str, str]) -> int:
    return int(api.get("/api/changes", params={"limit": 1}, headers=headers).json()["latest"])


def _climbs(seed: dict[str, Any], n: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"stokt_id": str(uuid.uuid4()), "face_stokt_id": seed["face_stokt"], "setter_stokt_id": seed["setter_stokt"],
             "name": f"Bulk {i:05d}", "holds_list": "S829001 O829003 T829005", "grade_font": "6B", "grade_ircra": 17.5,
             "feet_rule": "Pieds libres", "description": f"d{i}", "climbed_by": i, "total_likes": i % 7,
             "tags": "crimps", "date_created": "2025-11-02T10:00:00Z", **extra} for i in range(n)]


def _count(api: Any, table: str) -> int:
    with api.app.state.engine.connect() as c:
        return int(c.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_a_large_batch_creates_every_row_and_publishes_each(api, seeded, admin):
    since = _cursor(api, admin)
    climbs = _climbs(seeded, 2500)
    r = api.post("/api/sync/import/climbs/batch", json={"climbs": climbs}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 2500, "updated": 0, "errors": 0, "total": 2500, "unchanged": 0}
    feed = _feed(api, admin, since)
    assert [c["entity"] for c in feed] == ["climb"] * 2500
    assert [c["seq"] for c in feed] == list(range(since + 1, since + 2501))  # consecutive, one per row, in order
    assert [c["data"]["stokt_id"] for c in feed] == [c["stokt_id"] for c in climbs]
    # what the feed publishes is the row as stored (what GET answers), personal fields aside
    one = feed[1234]["data"]
    got = api.get(f"/api/climbs/{one['id']}", headers=admin).json()
    for k in ("name", "holds_list", "grade_font", "grade_ircra", "setter_id", "setter_name", "climbed_by", "tags",
              "created_at", "synced_at", "face_id", "source"):
        assert one[k] == got[k], k
    assert got["setter_name"] == "Setter 01" and got["created_at"] == "2025-11-02T10:00:00"


def test_reimport_upserts_existing_rows_and_keeps_omitted_fields(api, seeded, admin):
    climbs = _climbs(seeded, 1500)
    assert api.post("/api/sync/import/climbs/batch", json={"climbs": climbs}, headers=admin).json()["created"] == 1500
    since = _cursor(api, admin)
    again = []
    for i, c in enumerate(climbs):
        c = {k: v for k, v in c.items() if k not in ("description", "climbed_by", "tags", "setter_stokt_id")}
        if i % 3 == 0:
            c["name"] += " (renamed)"
        again.append(c)
    new = _climbs(seeded, 600)
    r = api.post("/api/sync/import/climbs/batch", json={"climbs": again + new}, headers=admin)
    assert r.json() == {"created": 600, "updated": 500, "errors": 0, "total": 2100, "unchanged": 1000}
    feed = _feed(api, admin, since)
    assert len(feed) == 1100  # only created and updated rows are published
    assert {c["data"]["stokt_id"] for c in feed} == {c["stokt_id"] for c in again[::3] + new}
    renamed = api.get(f"/api/climbs/by-stokt-id/{climbs[3]['stokt_id']}", headers=admin).json()
    kept = api.get(f"/api/climbs/by-stokt-id/{climbs[4]['stokt_id']}", headers=admin).json()
    for got, i in ((renamed, 3), (kept, 4)):  # omitted fields keep their values
        assert (got["description"], got["climbed_by"], got["tags"], got["setter_name"]) == (f"d{i}", i, "crimps", "Setter 01")
    assert renamed["name"] == "Bulk 00003 (renamed)" and renamed["updated_at"]
    assert kept["name"] == "Bulk 00004" and kept["updated_at"] is None
    # explicit nulls clear
    r = api.post("/api/sync/import/climbs/batch", headers=admin, json={"climbs": [
        {**again[4], "description": None, "grade_ircra": None, "setter_stokt_id": None, "tags": None}]})
    assert r.json()["updated"] == 1
    got = api.get(f"/api/climbs/by-stokt-id/{climbs[4]['stokt_id']}", headers=admin).json()
    assert (got["description"], got["grade_ircra"], got["setter_id"], got["tags"]) == (None, None, None, "")


def test_unchanged_rows_are_marked_synced(api, seeded, admin):
    climbs = _climbs(seeded, 3)
    api.post("/api/sync/import/climbs/batch", json={"climbs": climbs}, headers=admin)
    before = api.get(f"/api/climbs/by-stokt-id/{climbs[0]['stokt_id']}", headers=admin).json()["synced_at"]
    r = api.post("/api/sync/import/climbs/batch", json={"climbs": climbs}, headers=admin)
    assert r.json()["unchanged"] == 3
    after = api.get(f"/api/climbs/by-stokt-id/{climbs[0]['stokt_id']}", headers=admin).json()
    assert after["synced_at"] > before and after["updated_at"] is None


def test_holds_and_users_upsert_and_keep_omitted_fields(api, seeded, admin):
    face = seeded["face_stokt"]
    holds = [{"stokt_id": 900000 + i, "face_stokt_id": face, "polygon_str": f"{i},0 {i + 1},0 {i + 1},1",
              "centroid_x": i + 0.5, "centroid_y": 0.5, "area": 1.0, "path_str": "M0 0", "center_tape_str": "1 2"}
             for i in range(1200)]
    since = _cursor(api, admin)
    assert api.post("/api/sync/import/holds/batch", json={"holds": holds}, headers=admin).json()["created"] == 1200
    moved = [{"stokt_id": h["stokt_id"], "face_stokt_id": face, "polygon_str": h["polygon_str"] + " 0,0"} for h in holds[:700]]
    r = api.post("/api/sync/import/holds/batch", json={"holds": moved + holds[700:]}, headers=admin)
    assert r.json() == {"created": 0, "updated": 700, "errors": 0, "total": 1200, "unchanged": 500}
    h = api.get("/api/holds/900001", headers=admin).json()
    assert h["polygon_str"].endswith(" 0,0") and (h["centroid_x"], h["area"], h["path_str"], h["center_tape_str"]) == (
        1.5, 1.0, "M0 0", "1 2")
    assert h["uid"]  # the deterministic uid of a Stokt hold
    hold_feed = [c for c in _feed(api, admin, since) if c["entity"] == "hold"]
    assert len(hold_feed) == 1900 and hold_feed[-1]["data"]["polygon_str"] == moved[-1]["polygon_str"]

    users = [{"stokt_id": str(uuid.uuid4()), "full_name": f"Setter {i}", "avatar_path": f"a/{i}.jpg"} for i in range(3)]
    assert api.post("/api/sync/import/users/batch", json={"users": users}, headers=admin).json()["created"] == 3
    r = api.post("/api/sync/import/users/batch", headers=admin, json={"users": [
        {"stokt_id": users[0]["stokt_id"], "full_name": "Renamed"}, users[1]]})
    assert r.json() == {"created": 0, "updated": 1, "errors": 0, "total": 2, "unchanged": 1}
    with api.app.state.engine.connect() as c:
        row = c.execute(text("SELECT full_name, avatar_path, source, role FROM users WHERE stokt_id = :s"),
                        {"s": users[0]["stokt_id"]}).one()
    assert tuple(row) == ("Renamed", "a/0.jpg", "stokt", "user")


def test_a_bad_item_is_refused_cleanly(api, seeded, admin):
    climbs, holds = _count(api, "climbs"), _count(api, "holds")
    feed = _cursor(api, admin)
    good = _climbs(seeded, 1200)
    # an invalid item refuses the whole request (422), nothing of it written
    for bad in ({**good[5], "name": "x" * 256}, {**good[5], "stokt_id": "not-a-uuid"}, {**good[5], "climbed_by": -1},
                {k: v for k, v in good[5].items() if k != "holds_list"}):
        r = api.post("/api/sync/import/climbs/batch", json={"climbs": good[:5] + [bad] + good[6:]}, headers=admin)
        assert r.status_code == 422 and r.json()["detail"], r.text
    r = api.post("/api/sync/import/holds/batch", headers=admin, json={"holds": [
        {"stokt_id": 990001, "face_stokt_id": seeded["face_stokt"], "polygon_str": "0,0 1,1"},
        {"stokt_id": 0, "face_stokt_id": seeded["face_stokt"], "polygon_str": "0,0 1,1"}]})
    assert r.status_code == 422
    assert (_count(api, "climbs"), _count(api, "holds"), _cursor(api, admin)) == (climbs, holds, feed)
    # an item whose face is unknown is counted as an error and writes nothing; the others go in
    stray = {**good[7], "face_stokt_id": str(uuid.uuid4())}
    r = api.post("/api/sync/import/climbs/batch", json={"climbs": good[:7] + [stray] + good[8:]}, headers=admin)
    assert r.json() == {"created": 1199, "updated": 0, "errors": 1, "total": 1200, "unchanged": 0}
    assert api.get(f"/api/climbs/by-stokt-id/{stray['stokt_id']}", headers=admin).status_code == 404
    assert len(_feed(api, admin, feed)) == 1199
    # a single import of it is a 404, nothing written
    r = api.post("/api/sync/import/climb", json=stray, headers=admin)
    assert r.status_code == 404 and r.json()["detail"] == "Face not found"
    r = api.post("/api/sync/import/hold", headers=admin,
                 json={"stokt_id": 990002, "face_stokt_id": str(uuid.uuid4()), "polygon_str": "0,0 1,1"})
    assert r.status_code == 404 and r.json()["detail"] == "Face not found"
    assert _count(api, "climbs") == climbs + 1199 and _count(api, "holds") == holds


def test_only_admins_import(api, seeded, admin):
    user = api.user("bob")
    n, feed = _count(api, "climbs"), _cursor(api, admin)
    for path, key, items in (("/api/sync/import/climbs/batch", "climbs", _climbs(seeded, 3)),
                             ("/api/sync/import/users/batch", "users", [{"stokt_id": str(uuid.uuid4()), "full_name": "X"}])):
        assert api.post(path, json={key: items}, headers=user).status_code == 403
        assert api.post(path, json={key: items}, headers=api.key).status_code in (401, 403)
    assert (_count(api, "climbs"), _cursor(api, admin)) == (n, feed)


def test_an_item_repeated_in_a_batch_sees_the_earlier_one(api, seeded, admin):
    since = _cursor(api, admin)
    c = _climbs(seeded, 1)[0]
    r = api.post("/api/sync/import/climbs/batch", headers=admin, json={"climbs": [c, {**c, "name": "Second"}, c]})
    assert r.json() == {"created": 1, "updated": 2, "errors": 0, "total": 3, "unchanged": 0}
    assert [x["data"]["name"] for x in _feed(api, admin, since)] == [c["name"], "Second", c["name"]]
    got = api.get(f"/api/climbs/by-stokt-id/{c['stokt_id']}", headers=admin).json()
    assert got["name"] == c["name"] and got["updated_at"]
    r = api.post("/api/sync/import/climbs/batch", headers=admin, json={"climbs": [c, c]})
    assert r.json()["unchanged"] == 2


def test_rowcopy_stores_what_a_core_insert_stores(app):
    """COPY (PostgreSQL) and the driver's executemany (SQLite) write the very values `insert()` does."""
    from datetime import UTC, datetime

    from sqlalchemy import delete, insert, select

    from mastoc.server import rowcopy
    from mastoc.server.models import ChangeLog

    table = ChangeLog.__table__
    rows = [{"seq": 10_000 + i, "entity": "climb", "entity_id": f"id-{i}", "op": "upsert",
             "owner_id": None if i % 2 else "owner", "at": datetime(2025, 1, 2, 3, 4, 5, i, tzinfo=UTC),
             "data": None if i % 3 else '{"name": "é\\t\\\\n"}'} for i in range(rowcopy.COPY_FROM + 5)]
    raw = "SELECT seq, entity, entity_id, op, owner_id, CAST(at AS TEXT), data FROM change_log ORDER BY seq"
    with app.state.engine.begin() as c:
        c.execute(insert(table), rows)
        expected = [tuple(r) for r in c.execute(select(table).order_by(table.c.seq))]
        expected_raw = [tuple(r) for r in c.exec_driver_sql(raw)]
        c.execute(delete(table))
        rowcopy.insert_rows(c, table, rows)
        assert [tuple(r) for r in c.execute(select(table).order_by(table.c.seq))] == expected
        assert [tuple(r) for r in c.exec_driver_sql(raw)] == expected_raw


def test_imported_climbs_are_stored_as_a_core_insert_stores_them(api, seeded, admin):
    from sqlalchemy import bindparam, delete, insert, select

    from mastoc.server.models import Climb

    climbs = _climbs(seeded, 120, is_private=True, is_benchmark=True)
    api.post("/api/sync/import/climbs/batch", json={"climbs": climbs}, headers=admin)
    table = Climb.__table__
    sids = [c["stokt_id"] for c in climbs]
    cols = ", ".join(f"CAST({c.name} AS TEXT)" for c in table.columns)
    raw = text(f"SELECT {cols} FROM climbs WHERE stokt_id IN :s ORDER BY id").bindparams(bindparam("s", expanding=True))
    with api.app.state.engine.begin() as c:
        stored = [tuple(r) for r in c.execute(raw, {"s": sids})]
        values = [dict(r._mapping) for r in c.execute(select(table).where(table.c.stokt_id.in_(sids)))]
        c.execute(delete(table).where(table.c.stokt_id.in_(sids)))
        c.execute(insert(table), values)
        assert [tuple(r) for r in c.execute(raw, {"s": sids})] == stored
    assert len(stored) == 120


def test_text_that_is_not_unicode_is_refused_and_out_of_range_dates_ignored(api, seeded, admin):
    """JSON can carry a lone UTF-16 surrogate (`"\\ud800"`), which no database can store: a 422, not a
    500. A date whose offset puts it outside years 1..9999 in UTC is ignored like any unreadable one."""
    import json

    def post(path: str, body: Any) -> Any:
        return api.post(path, content=json.dumps(body), headers={**admin, "Content-Type": "application/json"})

    n, feed = _count(api, "climbs"), _cursor(api, admin)
    c = _climbs(seeded, 1)[0]
    for bad in ({**c, "name": "x\ud800"}, {**c, "description": "a\udfffb"}):
        assert post("/api/sync/import/climbs/batch", {"climbs": [bad]}).status_code == 422
        assert post("/api/sync/import/climb", bad).status_code == 422
    for path, body in (("/api/sync/import/holds/batch", {"holds": [{"stokt_id": 970001, "face_stokt_id": seeded["face_stokt"],
                                                                     "polygon_str": "0,0 1,\ud800"}]}),
                       ("/api/sync/import/users/batch", {"users": [{"stokt_id": str(uuid.uuid4()), "full_name": "\udc80"}]}),
                       ("/api/sync/import/gym", {"stokt_id": str(uuid.uuid4()), "display_name": "G\ud800"})):
        assert post(path, body).status_code == 422, path
    assert (_count(api, "climbs"), _cursor(api, admin)) == (n, feed)
    for date in ("9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"):
        one = {**c, "stokt_id": str(uuid.uuid4()), "date_created": date}
        r = post("/api/sync/import/climbs/batch", {"climbs": [one]})
        assert r.status_code == 200 and r.json()["created"] == 1, r.text
        assert post("/api/sync/import/climb", {**one, "name": "again"}).json()["status"] == "updated"
        r = post("/api/sync/import/face", {"stokt_id": str(uuid.uuid4()), "gym_stokt_id": seeded["gym_stokt"],
                                           "picture_path": "p.jpg", "date_modified": date})
        assert r.status_code == 200, r.text
