"""Fixtures for the lists tests: a store loaded from the real Stokt backup (once per session, copied)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from mastoc.store.db import Store


@pytest.fixture()
def store_dir(loaded_template: Path, tmp_path: Path) -> Path:
    d = tmp_path / "store"
    shutil.copytree(loaded_template, d)
    return d


@pytest.fixture()
def store(store_dir: Path) -> Iterator[Store]:
    s = Store.open(store_dir)
    yield s
    s.close()


def climb_ids(store: Store, n: int) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT id FROM climbs ORDER BY name, id LIMIT ?", (n,))]
