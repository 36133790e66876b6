"""The Railway sync's annotation extras: the server's consensus per hold, and records kept for later.

- The changes feed carries `hold_consensus` records (everyone's annotations of a hold, counted by
  the server with `mastoc.domain.annotations.consensus`); `plan` maps them to local holds and
  `write` stores them in `hold_consensus` in the pull transaction. After my annotations are pushed,
  `refresh` asks the server for the new consensus of those holds, so both devices show the same.
- A pulled record that names a hold this device does not have (an annotation or a consensus) is
  not dropped: it goes to `sync_deferred` with the reason, the plan warns about it in one line, and
  the next plan reads it back before the feed (a newer feed record of the same key wins) and applies
  it once the hold is here.
"""

from __future__ import annotations

import json
from typing import Any

from mastoc.store import rows

ENTITY = "hold_consensus"
DEFERRABLE = ("hold_annotation", ENTITY)


def load_deferred(conn: Any, backend: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The records kept by earlier syncs, as changes-feed records."""
    out = {}
    for e, rid, data in conn.execute("SELECT entity_type, remote_id, data FROM sync_deferred WHERE backend = ? "
                                     "ORDER BY received_at, entity_type, remote_id", (backend,)):
        out[(e, rid)] = {"entity": e, "id": rid, "op": "upsert", "data": json.loads(data) if data else None,
                         "_deferred": True}
    return out


def defer(deferred: list[tuple[str, str, str | None, str]], warnings: list[str], entity: str, rid: str,
          ch: dict[str, Any]) -> None:
    data = ch.get("data") or {}
    num = data.get("hold_id")
    reason = f"hold {num} is not on this device"
    deferred.append((entity, rid, json.dumps(data, ensure_ascii=False) if data else None, reason))
    what = "annotation" if entity == "hold_annotation" else "consensus of the annotations"
    warnings.append(f"{what} on hold {num}: that hold is not on this device; kept and applied by a later sync "
                    "once the hold is here")


def plan(latest: dict[tuple[str, str], dict[str, Any]], hold_by_num: dict[int, str],
         deferred: list[tuple[str, str, str | None, str]], warnings: list[str]) -> dict[str, dict[str, Any] | None]:
    """Local hold id -> the server's consensus (None: the hold has none any more)."""
    out: dict[str, dict[str, Any] | None] = {}
    for (e, rid), ch in latest.items():
        if e != ENTITY:
            continue
        try:
            hold = hold_by_num.get(int(rid))
        except ValueError:
            continue
        if hold is None:
            if ch["op"] == "upsert":
                defer(deferred, warnings, ENTITY, rid, ch)
            continue
        data = ch.get("data") if ch["op"] == "upsert" else None
        out[hold] = {k: v for k, v in data.items() if k != "hold_id"} if data else None
    return out


def write(c: Any, backend: str, consensus: dict[str, dict[str, Any] | None],
          deferred: list[tuple[str, str, str | None, str]]) -> None:
    """In the pull transaction: the consensus, and the deferred records (replacing the earlier set)."""
    now = rows.now_ts()
    for hold, data in consensus.items():
        if data is None or not data.get("total_annotators"):
            c.execute("DELETE FROM hold_consensus WHERE hold_id = ?", (hold,))
        elif c.execute("SELECT 1 FROM holds WHERE id = ?", (hold,)).fetchone() is not None:
            c.execute("INSERT INTO hold_consensus (hold_id, data, updated_at) VALUES (?, ?, ?) ON CONFLICT(hold_id) "
                      "DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
                      (hold, json.dumps(data, sort_keys=True), now))
    c.execute("DELETE FROM sync_deferred WHERE backend = ?", (backend,))
    c.executemany("INSERT OR REPLACE INTO sync_deferred (backend, entity_type, remote_id, data, reason, received_at) "
                  "VALUES (?, ?, ?, ?, ?, ?)", [(backend, e, rid, d, why, now) for e, rid, d, why in deferred])


def refresh(store: Any, client: Any, hold_ids: set[str]) -> None:
    """Ask the server for the consensus of these holds (after pushing my annotations of them)."""
    if not hold_ids:
        return
    nums = {int(r[0]): r[1] for r in store.conn.execute(
        "SELECT num, id FROM holds WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(hold_ids)),))}
    found = client.annotations_batch(sorted(nums))
    with store.transaction() as c:
        write_consensus = {nums[n]: v.get("consensus") for n, v in found.items() if n in nums}
        now = rows.now_ts()
        for hold, data in write_consensus.items():
            if not data or not data.get("total_annotators"):
                c.execute("DELETE FROM hold_consensus WHERE hold_id = ?", (hold,))
            else:
                c.execute("INSERT INTO hold_consensus (hold_id, data, updated_at) VALUES (?, ?, ?) "
                          "ON CONFLICT(hold_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
                          (hold, json.dumps(data, sort_keys=True), now))
