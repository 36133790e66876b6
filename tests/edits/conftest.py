"""Fixtures of the edit-operation tests: a store loaded from the real Stokt backup (copied per test)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from mastoc.store.db import Store


@pytest.fixture()
def store(loaded_template: Path, tmp_path: Path) -> Iterator[Store]:
    d = tmp_path / "store"
    shutil.copytree(loaded_template, d)
    s = Store.open(d)
    yield s
    s.close()
