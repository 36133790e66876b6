"""Fixtures for the annotation tests: a store loaded from the real Stokt backup (copied per test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mastoc.store.db import Store


@pytest.fixture()
def store_dir(loaded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "store"
    shutil.copytree(loaded_template, d)
    monkeypatch.setenv("MASTOC_DATA_DIR", str(d))
    return d


@pytest.fixture()
def store(store_dir: Path):
    s = Store.open(store_dir)
    yield s
    s.close()


@pytest.fixture()
def hold_keys(store: Store) -> list[int]:
    """Stokt ids of a few holds of the real face (the most used ones first)."""
    return [int(r[0]) for r in store.conn.execute(
        "SELECT h.stokt_id FROM holds h JOIN climb_holds ch ON ch.hold_num = h.num GROUP BY h.id "
        "ORDER BY count(*) DESC, h.stokt_id LIMIT 12")]
