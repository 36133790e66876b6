"""A database of the first server (API.md §5), for testing and benchmarking the upgrade.

`create_schema(engine, missing=...)` writes the first version's tables as it created them (no
migrations; `missing` drops columns an old deployment may not have), `sample(...)` builds rows
(gym, face, Stokt holds with centroids, a mastoc hold without Stokt id, setters, users with bcrypt
password hashes, Stokt and mastoc-only climbs with personal fields, annotations, id mappings), and
`write(engine, rows)` inserts them. Also used by `benchmarks/bench_migrate_old.py`.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import bcrypt
from sqlalchemy import Engine, text

# table -> [(column, type)]; "{uuid}" etc. are replaced per dialect
TABLES: dict[str, list[tuple[str, str]]] = {
    "gyms": [("id", "{uuid} PRIMARY KEY"), ("stokt_id", "{uuid} UNIQUE"), ("display_name", "VARCHAR(255) NOT NULL"),
             ("location_string", "VARCHAR(255)"), ("source", "VARCHAR(10)"), ("created_at", "{ts}")],
    "users": [("id", "{uuid} PRIMARY KEY"), ("stokt_id", "{uuid} UNIQUE"), ("full_name", "VARCHAR(255) NOT NULL"),
              ("avatar_path", "VARCHAR(500)"), ("email", "VARCHAR(255) UNIQUE"), ("username", "VARCHAR(100) UNIQUE"),
              ("password_hash", "VARCHAR(255)"), ("is_active", "BOOLEAN"), ("role", "VARCHAR(10)"),
              ("source", "VARCHAR(10)"), ("created_at", "{ts}"), ("updated_at", "{ts}"), ("last_login_at", "{ts}"),
              ("reset_token", "VARCHAR(255)"), ("reset_token_expires", "{ts}")],
    "faces": [("id", "{uuid} PRIMARY KEY"), ("stokt_id", "{uuid} UNIQUE"), ("gym_id", "{uuid} NOT NULL REFERENCES gyms(id)"),
              ("picture_path", "VARCHAR(500) NOT NULL"), ("picture_width", "INTEGER"), ("picture_height", "INTEGER"),
              ("feet_rules_options", "JSON"), ("has_symmetry", "BOOLEAN"), ("source", "VARCHAR(10)"),
              ("synced_at", "{ts}"), ("created_at", "{ts}")],
    "holds": [("id", "{serial}"), ("stokt_id", "INTEGER UNIQUE"), ("face_id", "{uuid} REFERENCES faces(id)"),
              ("polygon_str", "VARCHAR(2000) NOT NULL"), ("centroid_x", "{float}"), ("centroid_y", "{float}"),
              ("area", "{float}"), ("path_str", "VARCHAR(5000)"), ("center_tape_str", "VARCHAR(200)"),
              ("right_tape_str", "VARCHAR(200)"), ("left_tape_str", "VARCHAR(200)")],
    "climbs": [("id", "{uuid} PRIMARY KEY"), ("stokt_id", "{uuid} UNIQUE"), ("face_id", "{uuid} REFERENCES faces(id)"),
               ("setter_id", "{uuid} REFERENCES users(id)"), ("name", "VARCHAR(255)"), ("holds_list", "TEXT"),
               ("mirror_holds_list", "TEXT"), ("grade_font", "VARCHAR(10)"), ("grade_ircra", "{float}"),
               ("feet_rule", "VARCHAR(100)"), ("description", "TEXT"), ("is_private", "BOOLEAN"),
               ("is_benchmark", "BOOLEAN"), ("climbed_by", "INTEGER"), ("total_likes", "INTEGER"),
               ("total_comments", "INTEGER"), ("source", "VARCHAR(10)"), ("created_at", "{ts}"), ("synced_at", "{ts}"),
               ("personal_notes", "TEXT"), ("personal_rating", "INTEGER"), ("is_project", "BOOLEAN"),
               ("created_by_id", "{uuid} REFERENCES users(id)"), ("updated_by_id", "{uuid} REFERENCES users(id)"),
               ("updated_at", "{ts}")],
    "hold_annotations": [("id", "{uuid} PRIMARY KEY"), ("hold_id", "INTEGER REFERENCES holds(id)"),
                         ("user_id", "{uuid} REFERENCES users(id)"), ("grip_type", "VARCHAR(50)"),
                         ("condition", "VARCHAR(50)"), ("difficulty", "VARCHAR(50)"), ("notes", "TEXT"),
                         ("created_at", "{ts}"), ("updated_at", "{ts}")],
    "id_mappings": [("id", "{serial}"), ("entity_type", "VARCHAR(50)"), ("mastoc_id", "{uuid}"), ("stokt_id", "{uuid}"),
                    ("sync_direction", "VARCHAR(20)"), ("synced_at", "{ts}")],
}
UNIQUES = {"hold_annotations": "UNIQUE (hold_id, user_id)"}


def create_schema(engine: Engine, missing: dict[str, list[str]] | None = None) -> None:
    pg = engine.dialect.name == "postgresql"
    types = {"{uuid}": "UUID", "{ts}": "TIMESTAMP WITHOUT TIME ZONE" if pg else "DATETIME",
             "{float}": "DOUBLE PRECISION" if pg else "FLOAT",
             "{serial}": "SERIAL PRIMARY KEY" if pg else "INTEGER PRIMARY KEY AUTOINCREMENT"}
    missing = missing or {}
    with engine.begin() as c:
        for table, cols in TABLES.items():
            parts = []
            for name, kind in cols:
                if name in missing.get(table, []):
                    continue
                for k, v in types.items():
                    kind = kind.replace(k, v)
                parts.append(f"{name} {kind}")
            if table in UNIQUES:
                parts.append(UNIQUES[table])
            c.execute(text(f"CREATE TABLE {table} ({', '.join(parts)})"))


def bcrypt_hash(password: str, rounds: int = 4) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)).decode()


def sample(*, n_climbs: int = 3, n_annotations: int = 4, n_holds: int = 5, extras: bool = True,
           password: str = "old-password-1") -> dict[str, list[dict[str, Any]]]:
    """Rows of a first-version database. With `extras=False` it mirrors `conftest.Api.seed`
    (1 gym, 1 face, holds 829001.., 1 setter, `n_climbs` Stokt climbs) plus one login user."""
    t0 = datetime(2025, 11, 1, 12, 0, 0)
    gym, face = str(uuid.uuid4()), str(uuid.uuid4())
    setter, olduser = str(uuid.uuid4()), str(uuid.uuid4())
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in TABLES}
    rows["gyms"].append({"id": gym, "stokt_id": str(uuid.uuid4()), "display_name": "Old Gym", "location_string": "Lyon",
                         "source": "stokt", "created_at": t0})
    rows["faces"].append({"id": face, "stokt_id": str(uuid.uuid4()), "gym_id": gym,
                          "picture_path": "CACHE/images/walls/w/faces/f/pic.jpg", "picture_width": 2263,
                          "picture_height": 3000, "feet_rules_options": json.dumps(["Pieds libres"]),
                          "has_symmetry": False, "source": "stokt", "synced_at": t0, "created_at": t0})
    for i in range(n_holds):
        rows["holds"].append({"id": i + 1, "stokt_id": 829001 + i, "face_id": face,
                              "polygon_str": f"{i},0 {i + 1},0 {i + 1},1", "centroid_x": i + 0.5, "centroid_y": 0.5,
                              "area": 1.0, "path_str": None, "center_tape_str": None, "right_tape_str": None,
                              "left_tape_str": None})
    rows["users"].append({"id": setter, "stokt_id": str(uuid.uuid4()), "full_name": "Setter 01", "avatar_path": None,
                          "email": None, "username": None, "password_hash": None, "is_active": True, "role": "user",
                          "source": "stokt", "created_at": t0, "updated_at": None, "last_login_at": None,
                          "reset_token": None, "reset_token_expires": None})
    rows["users"].append({"id": olduser, "stokt_id": None, "full_name": "Old User", "avatar_path": None,
                          "email": "old@example.org", "username": "olduser", "password_hash": bcrypt_hash(password),
                          "is_active": True, "role": "admin", "source": "mastoc", "created_at": t0,
                          "updated_at": None, "last_login_at": t0, "reset_token": None, "reset_token_expires": None})
    grades = [("6A", 15.5), ("6B+", 18.0), ("7A", 20.5), ("5+", 14.0), ("6C", 18.5)]
    for i in range(n_climbs):
        g = grades[i % len(grades)]
        rows["climbs"].append({
            "id": str(uuid.uuid4()), "stokt_id": str(uuid.uuid4()), "face_id": face, "setter_id": setter,
            "name": f"Climb {i:03d}", "holds_list": f"S829001 O82900{2 + i % 3} T829005", "mirror_holds_list": None,
            "grade_font": g[0], "grade_ircra": g[1], "feet_rule": None, "description": None, "is_private": False,
            "is_benchmark": False, "climbed_by": i, "total_likes": 0, "total_comments": 0, "source": "stokt",
            "created_at": datetime(2025, 12, 1 + i % 28, 15, 0, 0) + timedelta(microseconds=i),
            "synced_at": t0, "personal_notes": None, "personal_rating": None, "is_project": False,
            "created_by_id": None, "updated_by_id": None, "updated_at": None})
    if extras:
        rows["holds"].append({"id": n_holds + 1, "stokt_id": None, "face_id": face, "polygon_str": "9,9 10,9 10,10",
                              "centroid_x": 9.5, "centroid_y": 9.25, "area": 0.5, "path_str": "M 9 9",
                              "center_tape_str": "1 2", "right_tape_str": None, "left_tape_str": None})
        rows["climbs"].append({
            "id": str(uuid.uuid4()), "stokt_id": None, "face_id": face, "setter_id": olduser, "name": "Mastoc only",
            "holds_list": f"S829001 T{n_holds + 1}", "mirror_holds_list": None, "grade_font": "6A+", "grade_ircra": 16.0,
            "feet_rule": "Pieds libres", "description": "set in mastoc", "is_private": True, "is_benchmark": False,
            "climbed_by": 0, "total_likes": 0, "total_comments": 0, "source": "mastoc",
            "created_at": datetime(2026, 1, 5, 9, 30, 0), "synced_at": None, "personal_notes": "my notes",
            "personal_rating": 4, "is_project": True, "created_by_id": olduser, "updated_by_id": olduser,
            "updated_at": datetime(2026, 1, 6, 9, 30, 0)})
        rows["id_mappings"].append({"id": 1, "entity_type": "climb", "mastoc_id": rows["climbs"][0]["id"],
                                    "stokt_id": rows["climbs"][0]["stokt_id"], "sync_direction": "stokt_to_mastoc",
                                    "synced_at": t0})
    grips, conds = ["reglette", "bac", "pince", "plat"], ["ok", "sale", "a_brosser"]
    annotators = [olduser, setter]
    n_users = max(1, (n_annotations + len(rows["holds"]) - 1) // len(rows["holds"]))
    for k in range(2, n_users):
        uid = str(uuid.uuid4())
        annotators.append(uid)
        rows["users"].append({**rows["users"][1], "id": uid, "email": f"u{k}@example.org", "username": f"user{k}",
                              "full_name": f"User {k}", "role": "user", "last_login_at": None})
    for a in range(n_annotations):
        hold = rows["holds"][a % len(rows["holds"])]
        rows["hold_annotations"].append({
            "id": str(uuid.uuid4()), "hold_id": hold["id"], "user_id": annotators[a // len(rows["holds"])],
            "grip_type": grips[a % 4], "condition": conds[a % 3], "difficulty": None, "notes": f"note {a}",
            "created_at": t0 + timedelta(minutes=a), "updated_at": None})
    return rows


def write(engine: Engine, rows: dict[str, list[dict[str, Any]]], missing: dict[str, list[str]] | None = None) -> None:
    missing = missing or {}
    with engine.begin() as c:
        for table in TABLES:
            data = rows.get(table) or []
            if not data:
                continue
            cols = [k for k in data[0] if k not in missing.get(table, [])]
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + k for k in cols)})"
            c.execute(text(sql), [{k: r[k] for k in cols} for r in data])
        if engine.dialect.name == "postgresql":
            for table in ("holds", "id_mappings"):
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"))
