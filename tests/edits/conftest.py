"""Fixtures of the edit-operation tests: a store loaded from the real Stokt backup (copied per test)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from mastoc.store.db import Store
from mastoc.sync.backup import load_backup


@pytest.fixture(scope="session")
def edits_template(tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path) -> Path:
    d = tmp_path_factory.mktemp("edits-loaded")
    with Store.open(d) as store:
        report = load_backup(store, [fixtures_dir])
        assert not report.problems, report.problems
    return d


@pytest.fixture()
def store(edits_template: Path, tmp_path: Path) -> Iterator[Store]:
    d = tmp_path / "store"
    shutil.copytree(edits_template, d)
    s = Store.open(d)
    yield s
    s.close()
