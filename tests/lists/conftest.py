"""Fixtures for the lists tests: a store loaded from the real Stokt backup (once per session, copied)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from mastoc.store.db import Store
from mastoc.sync.backup import load_backup


@pytest.fixture(scope="session")
def lists_template(tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path) -> Path:
    d = tmp_path_factory.mktemp("lists-loaded")
    with Store.open(d) as store:
        report = load_backup(store, [fixtures_dir])
        assert not report.problems, report.problems
    return d


@pytest.fixture()
def store_dir(lists_template: Path, tmp_path: Path) -> Path:
    d = tmp_path / "store"
    shutil.copytree(lists_template, d)
    return d


@pytest.fixture()
def store(store_dir: Path) -> Iterator[Store]:
    s = Store.open(store_dir)
    yield s
    s.close()


def climb_ids(store: Store, n: int) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT id FROM climbs ORDER BY name, id LIMIT ?", (n,))]
