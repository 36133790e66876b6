"""Politeness towards Stokt as shipped: the sustained request rate and the requests in flight stay
within the documented bounds over a long import, and the import's bigger-page request works whether
the server ignores `page_size`, clamps it or honours it (pages are sized by what it returns)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mastoc.backends.http import TransportConfig
from mastoc.backends.stokt.client import IMPORT_PAGE_SIZE, USER_AGENT, StoktClient
from mastoc.store.db import Store
from mastoc.sync.stokt_import import run_import
from tests.stokt.conftest import FAST
from tests.stokt.standin import GYM_ID, StoktStandin

SHIPPED = TransportConfig(user_agent=USER_AGENT)


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    s = Store.open(data_dir)
    yield s
    s.close()


def _client(standin: StoktStandin, config: TransportConfig) -> StoktClient:
    c = StoktClient(standin.url, config=config)
    c.login(standin.username, standin.password)
    return c


def _api_times(standin: StoktStandin) -> list[float]:
    return sorted(e["time"] for e in standin.log if e["path"].startswith(("/api/", "/media/")))


def test_shipped_defaults_are_the_documented_ones():
    assert (SHIPPED.rate_per_second, SHIPPED.burst, SHIPPED.max_in_flight) == (20.0, 60, 4)
    assert IMPORT_PAGE_SIZE == 1000


def test_sustained_rate_never_exceeds_the_documented_one_over_a_long_import(store: Store, standin: StoktStandin):
    standin.page_size = 6  # 170 pages: far more requests than the burst covers
    client = _client(standin, SHIPPED)
    plan = run_import(store, client)
    assert plan.status == "ok" and plan.counts()["new"] == 1017 and plan.pages == 170
    times = _api_times(standin)
    rate, burst = SHIPPED.rate_per_second, SHIPPED.burst
    assert len(times) > burst + 2 * rate  # the limiter had to work for seconds
    # token bucket contract: over any interval of T seconds at most burst + rate * T requests; the
    # server logs a request when it reads it, so requests sent on time by the client may reach a busy
    # server bunched together: up to the requests in flight of slack
    excess = max(j - i + 1 - (burst + rate * (times[j] - times[i]))
                 for i in range(len(times)) for j in range(i, len(times)))
    assert excess <= SHIPPED.max_in_flight, excess
    # beyond the burst, the import as a whole went at no more than the sustained rate
    assert (len(times) - burst - 1) / (times[-1] - times[0]) <= rate


def _count_in_flight(standin: StoktStandin, seconds: float) -> dict[str, int]:
    """Every API/media request is held `seconds` by the server; returns {"max": most at once}."""
    state = {"now": 0, "max": 0}
    lock = threading.Lock()

    def slow(_s: StoktStandin) -> None:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(seconds)
        with lock:
            state["now"] -= 1

    standin.hooks.append((r"^GET /(api|media)/", slow))
    return state


def test_at_most_four_requests_in_flight_from_many_threads(standin: StoktStandin):
    client = _client(standin, SHIPPED)
    state = _count_in_flight(standin, 0.2)
    with ThreadPoolExecutor(12) as pool:
        assert list(pool.map(lambda _: client.me()["id"], range(24))) == [client.me()["id"]] * 24
    assert state["max"] == SHIPPED.max_in_flight


def test_an_import_keeps_requests_in_flight_within_the_bound(store: Store, standin: StoktStandin):
    standin.page_size = 37
    state = _count_in_flight(standin, 0.03)
    plan = run_import(store, _client(standin, SHIPPED))
    assert plan.counts()["new"] == 1017
    assert 2 <= state["max"] <= SHIPPED.max_in_flight  # parallel, and never more


def test_bigger_pages_asked_for_but_the_server_page_size_followed(store: Store, standin: StoktStandin):
    standin.page_size = 37  # the server ignores page_size (DRF's default)
    plan = run_import(store, _client(standin, FAST))
    pages = standin.requests_to("/climbs")
    assert plan.status == "ok" and plan.counts()["new"] == 1017 and plan.pages == 28
    assert len(pages) == 28 and all(p["query"].get("page_size") == str(IMPORT_PAGE_SIZE) for p in pages)
    assert store.conn.execute("SELECT count(*) FROM climbs").fetchone()[0] == 1017


@pytest.mark.parametrize(("max_page_size", "pages"), [(250, 5), (1000, 2)])
def test_bigger_pages_when_the_server_honours_page_size(store: Store, standin: StoktStandin,
                                                        max_page_size: int, pages: int):
    standin.page_size = 37
    standin.max_page_size = max_page_size  # clamped to 250, or honoured whole
    plan = run_import(store, _client(standin, FAST))
    assert plan.status == "ok" and plan.counts()["new"] == 1017 and plan.pages == pages
    assert len(standin.requests_to("/climbs")) == pages
    again = run_import(store, _client(standin, FAST), full=True)
    assert again.changed == 0 and again.counts()["deleted_upstream"] == 0


def test_standin_honours_page_size_only_when_asked_to(standin: StoktStandin):
    client = _client(standin, FAST)
    url = client.climbs_url(GYM_ID, page_size=500)
    assert len(client.climb_page(url).results) == 100
    standin.max_page_size = 300
    page = client.climb_page(url)
    assert len(page.results) == 300 and page.next is not None and "page_size=500" in page.next
