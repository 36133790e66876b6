"""Allocating public ids for holds drawn in mastoc (`MASTOC_HOLD_ID_MIN` up to 2**31 - 1).

A counter row (`counters.hold_id`, locked by its `UPDATE ... RETURNING` until commit) hands out the
next number; when that number is taken (a client chose it, or a migrated hold has it) the counter
jumps to the first free id after it, found in one query. Allocation never looks at the largest id
anybody sent, so a client that takes 2147483647 only takes that one number.
"""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import text
from sqlmodel import Session

from mastoc.domain.ids import MASTOC_HOLD_ID_MAX, MASTOC_HOLD_ID_MIN


def allocate(session: Session) -> int:
    value = session.execute(text("UPDATE counters SET value = value + 1 WHERE name = 'hold_id' RETURNING value")).scalar_one()
    hid = max(int(value), MASTOC_HOLD_ID_MIN)
    if session.execute(text("SELECT 1 FROM holds WHERE id = :i"), {"i": hid}).first() is not None:
        hid = session.execute(text(
            "SELECT MIN(h.id + 1) FROM holds h WHERE h.id >= :i AND h.id < :top "  # (no int32 overflow)
            "AND NOT EXISTS (SELECT 1 FROM holds g WHERE g.id = h.id + 1)"), {"i": hid, "top": MASTOC_HOLD_ID_MAX}).scalar()
    if hid is None or hid > MASTOC_HOLD_ID_MAX:
        raise HTTPException(507, "no hold ids left")
    session.execute(text("UPDATE counters SET value = :v WHERE name = 'hold_id'"), {"v": hid})
    return int(hid)
