"""The shared HTTP transport: timeouts, retries, Retry-After, rate limit, typed errors, no secrets."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from mastoc.backends.errors import (
    AuthError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    TransientError,
    scrub,
)
from mastoc.backends.http import TokenBucket, Transport, parse_retry_after
from tests.stokt.conftest import FAST
from tests.stokt.standin import GYM_ID, StoktStandin


def _transport(s: StoktStandin, **kw) -> Transport:
    cfg = dataclasses.replace(FAST, **kw)
    t = Transport(s.url, config=cfg)
    t.set_authorization(f"Token {s.token}")
    return t


def test_retry_after_parses_seconds_and_http_dates():
    now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("12", now) == 12.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_429_waits_retry_after_then_completes(standin: StoktStandin):
    standin.inject("status", "summary", times=2, status=429, headers={"Retry-After": "1"})
    waits: list[tuple[float, str]] = []
    t = _transport(standin)
    t.on_wait = lambda s, why: waits.append((s, why))
    start = time.monotonic()
    assert t.get_json(f"api/gyms/{GYM_ID}/summary")["displayName"] == "Montoboard"
    assert time.monotonic() - start >= 2.0
    assert [w for w, _ in waits] == [1.0, 1.0]
    assert "rate limited" in waits[0][1] and "retrying in 1 s" in waits[0][1]


def test_429_http_date_and_too_long_wait_raises(standin: StoktStandin):
    later = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    standin.inject("status", "summary", times=1, status=429, headers={"Retry-After": later})
    with pytest.raises(RateLimitedError) as info:
        _transport(standin).get_json(f"api/gyms/{GYM_ID}/summary")
    assert info.value.retry_after is not None and info.value.retry_after > 3600


def test_429_bounded_retries(standin: StoktStandin):
    standin.inject("status", "summary", times=None, status=429, headers={"Retry-After": "0"})
    t = _transport(standin, max_retries=0, max_rate_limited_waits=3)
    with pytest.raises(RateLimitedError):
        t.get_json(f"api/gyms/{GYM_ID}/summary")
    assert len(standin.requests_to("summary")) == 4


@pytest.mark.parametrize("kind", ["reset", "500", "503", "short_body"])
def test_transient_faults_are_retried(standin: StoktStandin, kind: str):
    if kind.isdigit():
        standin.inject("status", "summary", times=3, status=int(kind))
    else:
        standin.inject(kind, "summary", times=3)
    assert _transport(standin).get_json(f"api/gyms/{GYM_ID}/summary")["id"] == GYM_ID
    assert len(standin.requests_to("summary")) == 4


def test_read_timeout_is_explicit_and_retried(standin: StoktStandin):
    standin.inject("slow", "summary", times=1, delay=4.0)
    t = _transport(standin, read_timeout=0.5)
    start = time.monotonic()
    assert t.get_json(f"api/gyms/{GYM_ID}/summary")["id"] == GYM_ID
    assert time.monotonic() - start < 3.0  # did not wait for the slow answer


def test_persistent_5xx_gives_transient_error(standin: StoktStandin):
    standin.inject("status", "summary", times=None, status=502)
    with pytest.raises(TransientError) as info:
        _transport(standin, max_retries=2).get_json(f"api/gyms/{GYM_ID}/summary")
    assert info.value.status == 502


def test_connection_refused_fails_fast():
    t = Transport("http://127.0.0.1:9", config=dataclasses.replace(FAST, backoff_base=0.5, backoff_max=8))
    start = time.monotonic()
    with pytest.raises(TransientError) as info:
        t.get_json("api/users/me")
    assert time.monotonic() - start < 1.5  # one quick retry, not the whole backoff ladder
    assert t.requests_sent == 2 and "connection refused" in str(info.value)


def test_post_is_not_retried_after_the_server_may_have_acted(standin: StoktStandin):
    standin.inject("status", "token-auth", times=1, status=500)
    t = _transport(standin)
    with pytest.raises(TransientError):
        t.post_json("api/token-auth", {"username": "x", "password": "y"})
    assert len(standin.requests_to("token-auth")) == 1


def test_typed_errors_and_no_token_in_messages(standin: StoktStandin):
    t = _transport(standin)
    with pytest.raises(NotFoundError):
        t.get_json("api/gyms/00000000-0000-0000-0000-000000000000/summary")
    t.set_authorization("Token " + "f" * 40)
    with pytest.raises(AuthError) as info:
        t.get_json("api/users/me")
    assert "f" * 40 not in str(info.value) and standin.token not in str(info.value)
    assert "Invalid token" in str(info.value)
    t.set_authorization(f"Token {standin.token}")
    standin.inject("invalid_json", "users/me", times=None)  # once would be fetched again
    with pytest.raises(ProtocolError) as perr:
        t.get_json("api/users/me")
    assert standin.token not in str(perr.value)


def test_scrub_removes_credentials():
    text = ("Authorization: Token 0123456789abcdef0123456789abcdef01234567 "
            "https://u:pw@h/x?token=abcdef&page=2 password=hunter2 Bearer eyJhbGciOi.x.y")
    clean = scrub(text)
    for secret in ("0123456789abcdef", "abcdef&", "hunter2", "eyJhbGciOi", "u:pw"):
        assert secret not in clean
    assert "page=2" in clean


def test_token_bucket_limits_rate():
    clock = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        clock[0] += s

    bucket = TokenBucket(rate=10.0, burst=2, clock=lambda: clock[0], sleep=sleep)
    for _ in range(12):
        bucket.acquire()
    assert clock[0] == pytest.approx(1.0, abs=1e-6)  # 2 free, then 10 at 10/s


def test_rate_limit_applies_to_real_requests(standin: StoktStandin):
    t = _transport(standin, rate_per_second=20.0, burst=1)
    start = time.monotonic()
    for _ in range(6):
        t.get_json("api/users/me")
    assert time.monotonic() - start >= 0.24


def test_download_rejects_wrong_length(standin: StoktStandin):
    name = next(iter(standin.media))
    t = _transport(standin, max_retries=1)
    with pytest.raises(TransientError):
        t.download("media/" + name, expected_length=10)
    data = t.download("media/" + name)
    assert data == standin.media[name]
    assert not standin.requests_to("/media/")[-1]["auth"]


def test_parallel_requests_from_several_threads(standin: StoktStandin):
    from concurrent.futures import ThreadPoolExecutor

    t = _transport(standin)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: t.get_json(f"api/gyms/{GYM_ID}/summary")["id"], range(40)))
    assert results == [GYM_ID] * 40
    assert t.requests_sent == 40
    t.close()
