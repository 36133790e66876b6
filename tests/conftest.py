"""Suite-wide fixtures: the real Stokt fixtures (read from ../shared, never copied) and data dirs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = (ROOT / ".." / "shared" / "stokt" / "fixtures").resolve()

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The directory of real (anonymized) Stokt responses."""
    if not FIXTURES.is_dir():
        pytest.fail(f"real Stokt fixtures not found at {FIXTURES}")
    return FIXTURES


@pytest.fixture(scope="session")
def loaded_template(tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path) -> Path:
    """A store loaded from the real Stokt backup, once per session; tests copy it, never write it."""
    from mastoc.store.db import Store
    from mastoc.sync.backup import load_backup

    d = tmp_path_factory.mktemp("loaded")
    with Store.open(d) as store:
        report = load_backup(store, [fixtures_dir])
        assert not report.problems, report.problems
    return d


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty mastoc data directory, also set as $MASTOC_DATA_DIR."""
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("MASTOC_DATA_DIR", str(d))
    return d
