"""Identifiers: mastoc UUIDs, and deterministic UUIDs for entities that come from Stokt."""

from __future__ import annotations

import hashlib
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


_NS_SHA1 = hashlib.sha1(_STOKT_NS.bytes, usedforsecurity=False)


def id_for_stokt(kind: str, stokt_id: object) -> str:
    """The stable mastoc id of a Stokt entity of `kind` ("gym", "wall", "face", "hold", "climb", "user", "list").

    `str(uuid.uuid5(_STOKT_NS, f"stokt:{kind}:{stokt_id}"))`, computed without building `UUID`
    objects (an import computes two per climb)."""
    h = _NS_SHA1.copy()
    h.update(f"stokt:{kind}:{stokt_id}".encode())
    d = bytearray(h.digest()[:16])
    d[6] = (d[6] & 0x0F) | 0x50  # version 5
    d[8] = (d[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = d.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(str(text))
    except (ValueError, AttributeError, TypeError):
        return False
    return True
