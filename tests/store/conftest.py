"""Fixtures for the store tests: a store loaded from the real Stokt backup (once per session, copied)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mastoc.store.db import Store


@pytest.fixture()
def loaded_store(loaded_template: Path, tmp_path: Path):
    """A store with the real fixture loaded (a fresh copy per test)."""
    d = tmp_path / "store"
    shutil.copytree(loaded_template, d)
    store = Store.open(d)
    yield store
    store.close()
