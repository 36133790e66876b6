"""Identifiers: mastoc UUIDs, and deterministic UUIDs for entities that come from Stokt."""

from __future__ import annotations

import uuid

# Fixed namespace: the same Stokt entity gets the same mastoc id on every device and every re-load.
_STOKT_NS = uuid.UUID("6d1c3f0e-5b7a-4c2e-9a51-3f1f0b8e2c47")

# Holds drawn in mastoc (personal walls) get public integer ids from this range, which cannot collide
# with Stokt's (six-digit today) and stays below 2**31 (the Android app keeps hold ids in an int32).
MASTOC_HOLD_ID_MIN = 1_000_000_000
MASTOC_HOLD_ID_MAX = 2**31 - 1


def new_id() -> str:
    """A fresh random mastoc id (lowercase hyphenated UUID string)."""
    return str(uuid.uuid4())


def id_for_stokt(kind: str, stokt_id: object) -> str:
    """The stable mastoc id of a Stokt entity of `kind` ("gym", "wall", "face", "hold", "climb", "user", "list")."""
    return str(uuid.uuid5(_STOKT_NS, f"stokt:{kind}:{stokt_id}"))


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(str(text))
    except (ValueError, AttributeError, TypeError):
        return False
    return True
