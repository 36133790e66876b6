"""Seeding a mastoc server's database directly (tests and benchmarks of the download side): copies of
the climbs already on the server, with fresh ids and Stokt ids and their change-log records, in one
transaction, so a device's next sync downloads them all (the upload path is not involved)."""

from __future__ import annotations

import json
import uuid
from typing import Any


def seed_climbs(engine: Any, n: int) -> int:
    """`n` synthetic climbs copied from the server's climbs (round robin; fresh ids and names
    `Synthetic i`), each with its change-log record; returns the number of climbs now on the server."""
    from sqlalchemy import insert, select, text

    from mastoc.server.models import ChangeLog, Climb
    from mastoc.server.timeutil import utcnow

    with engine.begin() as c:
        real = [dict(r._mapping) for r in c.execute(select(Climb.__table__).order_by(Climb.id))]
        logged = {r.entity_id: json.loads(r.data) for r in c.execute(
            select(ChangeLog.entity_id, ChangeLog.data).where(ChangeLog.entity == "climb", ChangeLog.op == "upsert")
            .order_by(ChangeLog.seq))}
        real = [r for r in real if r["id"] in logged]
        if not real:
            raise ValueError("the server has no climb to copy")
        last = c.execute(text("SELECT value FROM change_counter WHERE id = 1")).scalar_one()
        climbs, records = [], []
        now = utcnow()
        for i in range(n):
            src = real[i % len(real)]
            cid = str(uuid.uuid4())
            sid = str(uuid.UUID(int=10**12 + i)) if src["stokt_id"] else None
            climbs.append({**src, "id": cid, "stokt_id": sid, "name": f"Synthetic {i}"})
            data = {**logged[src["id"]], "id": cid, "stokt_id": sid, "name": f"Synthetic {i}"}
            records.append({"seq": last + 1 + i, "entity": "climb", "entity_id": cid, "op": "upsert",
                            "owner_id": None, "at": now, "data": json.dumps(data, ensure_ascii=False)})
        for k in range(0, n, 5000):
            c.execute(insert(Climb.__table__), climbs[k:k + 5000])
            c.execute(insert(ChangeLog.__table__), records[k:k + 5000])
        c.execute(text("UPDATE change_counter SET value = :v WHERE id = 1"), {"v": last + n})
        return int(c.execute(text("SELECT count(*) FROM climbs")).scalar_one())
