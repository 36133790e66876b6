"""Bidirectional sync between the local store and a mastoc server (the "Railway" backend)."""

from __future__ import annotations

from mastoc.store.db import Store
from mastoc.sync.railway_session import client_for, save_tokens

__all__ = ["client_for", "pending_changes", "save_tokens"]


def pending_changes(store: Store) -> int:
    return 0
