"""Fixtures of the Stokt tests: a fresh loopback stand-in per test and a client with fast retries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mastoc.backends.http import TransportConfig
from mastoc.backends.stokt.client import StoktClient
from tests.stokt.standin import StoktStandin

FAST = TransportConfig(connect_timeout=2.0, read_timeout=5.0, max_retries=5, backoff_base=0.01,
                       backoff_max=0.05, rate_per_second=0)


@pytest.fixture()
def standin(fixtures_dir: Path) -> Iterator[StoktStandin]:
    with StoktStandin(fixtures_dir) as s:
        yield s


@pytest.fixture()
def client(standin: StoktStandin) -> Iterator[StoktClient]:
    c = StoktClient(standin.url, config=FAST)
    c.login(standin.username, standin.password)
    yield c
    c.close()
