"""Shared HTTP transport of the backend clients (Stokt, Railway).

Owns: one `requests.Session` per thread (keep-alive, small connection pool), explicit
(connect, read) timeouts on every call, bounded retries with exponential backoff and full jitter on
timeouts, connection resets and 5xx, `Retry-After` honoured on 429 (seconds or HTTP date, reported
through `on_wait`; 429 waits have their own budget, bounded by total time, and do not consume the
retries), retries of idempotent calls whose 2xx body fails to decode (truncated JSON), politeness
(below), typed errors (`mastoc.backends.errors`) whose messages never contain a credential, and
length-checked downloads.

Politeness, not slowness: a token bucket shared by all threads keeps the sustained request rate at
`rate_per_second` (20/s by default) while its `burst` (60) lets a short job such as a whole gym's
import (~33 requests at 37 climbs per page) go at the speed of the network; over any interval of T
seconds at most `burst + rate_per_second * T` requests are sent. At most `max_in_flight` (4)
requests are on the wire at once, whatever the number of threads.

Non-idempotent requests (POST without `idempotent=True`) are retried only when the request cannot
have reached the server (connection refused / connect timeout) or on 429; anything else raises, and
the caller reconciles (e.g. push checks the remote list before posting again).
"""

from __future__ import annotations

import email.utils
import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from mastoc.backends.errors import (
    AuthError,
    BackendError,
    BadRequestError,
    CancelledError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    TransientError,
    scrub,
)

WaitCallback = Callable[[float, str], None]
"""Called before sleeping: (seconds, human reason such as "rate limited (429)")."""


@dataclass(slots=True)
class TransportConfig:
    connect_timeout: float = 5.0
    read_timeout: float = 60.0  # the Stokt app uses 60 s
    max_retries: int = 4  # retries after the first attempt
    backoff_base: float = 0.5  # first backoff ceiling, seconds; doubles per retry
    backoff_max: float = 20.0
    max_retry_after: float = 120.0  # a longer Retry-After raises RateLimitedError at once
    # 429 answers are waited out apart from `max_retries`, until this many seconds have passed since
    # the call started or this many waits were made (whichever comes first)
    max_rate_limited_seconds: float = 600.0
    max_rate_limited_waits: int = 50
    rate_per_second: float = 20.0  # polite sustained request rate (0 = unlimited)
    burst: int = 60  # requests that may go at once before the sustained rate applies
    max_in_flight: int = 4  # requests on the wire at once, all threads together (0 = unbounded)
    pool_size: int = 8
    max_download_bytes: int = 64 * 1024 * 1024
    user_agent: str = "mastoc/0.1"


class TokenBucket:
    """A thread-safe token bucket: `acquire()` blocks until a request may be sent."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.rate = rate
        self.capacity = max(1, burst)
        self._tokens = float(self.capacity)
        self._clock = clock
        self._sleep = sleep
        self._stamp = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping as needed; returns the time slept."""
        if self.rate <= 0:
            return 0.0
        slept = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1.0 - 1e-9:
                    self._tokens -= 1.0
                    return slept
                wait = (1.0 - self._tokens) / self.rate
            self._sleep(wait)
            slept += wait


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP date); None if absent/invalid."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def _is_idempotent(method: str) -> bool:
    return method.upper() in {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}


class Transport:
    """HTTP transport bound to one `base_url`. Safe to use from a few threads at once."""

    def __init__(
        self,
        base_url: str,
        *,
        config: TransportConfig | None = None,
        on_wait: WaitCallback | None = None,
        sleep: Callable[[float], None] = time.sleep,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        if not base_url.endswith("/"):
            base_url += "/"
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) base URL: {scrub(base_url)!r}")
        self.base_url = base_url
        self.config = config or TransportConfig()
        self.on_wait = on_wait
        self._sleep = sleep
        self._cancelled = cancelled
        self._bucket = TokenBucket(self.config.rate_per_second, self.config.burst, sleep=sleep)
        self._in_flight = (threading.BoundedSemaphore(self.config.max_in_flight)
                           if self.config.max_in_flight > 0 else None)
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()
        self._auth: str | None = None
        self.requests_sent = 0  # attempts, including retries (for tests and benchmarks)
        self._count_lock = threading.Lock()

    # -- configuration -----------------------------------------------------------------------
    def set_authorization(self, value: str | None) -> None:
        """The `Authorization` header sent on authenticated calls (e.g. "Token abc…"), or None."""
        self._auth = value

    @property
    def has_authorization(self) -> bool:
        return self._auth is not None

    def url(self, path_or_url: str) -> str:
        """Absolute URL: paths are joined to the base URL; absolute http(s) URLs are kept verbatim."""
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return urljoin(self.base_url, path_or_url.lstrip("/"))

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no proxies / netrc credentials picked up behind our back
            adapter = HTTPAdapter(pool_connections=2, pool_maxsize=self.config.pool_size, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = self.config.user_agent
            session.headers["Accept"] = "application/json"
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()
        self._local = threading.local()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests ----------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        form: Mapping[str, Any] | None = None,
        auth: bool = True,
        idempotent: bool | None = None,
        accept_json: bool = True,
        validate: Callable[[requests.Response], None] | None = None,
    ) -> requests.Response:
        """Send a request with timeouts, rate limit and retries; return a 2xx response or raise.

        `validate(response)` runs on a 2xx answer; a `ProtocolError` it raises (e.g. truncated JSON) is
        retried like a 5xx when the request is idempotent, and raised once the retries are spent."""
        method = method.upper()
        url = self.url(path_or_url)
        where = f"{method} {_display(url)}"
        retry_all = _is_idempotent(method) if idempotent is None else idempotent
        headers: dict[str, str] = {}
        if auth and self._auth:
            headers["Authorization"] = self._auth
        if not accept_json:
            headers["Accept"] = "*/*"
        cfg = self.config
        attempt = 0
        rate_waits = 0
        started = time.monotonic()
        while True:
            self._check_cancelled()
            self._bucket.acquire()
            with self._count_lock:
                self.requests_sent += 1
            reached_server = True
            unreachable = False
            try:
                response = self._send(method, url, params, json_body, form, headers)
            except (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError) as exc:
                failure = f"{where}: cannot connect ({type(exc).__name__})"
                reached_server = False
            except requests.exceptions.ConnectionError as exc:
                failure = f"{where}: connection failed ({_reason(exc)})"
                unreachable = _refused(exc)
                reached_server = not unreachable
            except requests.exceptions.Timeout:
                failure = f"{where}: timed out after {cfg.read_timeout:g} s"
            except requests.exceptions.RequestException as exc:  # chunked encoding, content decoding
                failure = f"{where}: transfer failed ({type(exc).__name__})"
            else:
                status = response.status_code
                if 200 <= status < 300:
                    if validate is None:
                        return response
                    try:
                        validate(response)
                        return response
                    except ProtocolError as exc:
                        if not (retry_all and attempt < cfg.max_retries):
                            raise
                        wait = self._backoff(attempt)
                        self._wait(wait, f"{exc}; retrying in {wait:.1f} s")
                        attempt += 1
                        continue
                if status == 429:
                    asked = parse_retry_after(response.headers.get("Retry-After"))
                    wait = self._backoff(min(rate_waits, 6)) if asked is None else asked
                    elapsed = time.monotonic() - started
                    if (wait > cfg.max_retry_after or rate_waits >= cfg.max_rate_limited_waits
                            or elapsed + wait > cfg.max_rate_limited_seconds):
                        raise RateLimitedError(f"{where}: rate limited (429)", retry_after=wait)
                    self._wait(wait, f"rate limited (429); retrying in {wait:.0f} s")
                    rate_waits += 1
                    continue
                if status >= 500 and retry_all and attempt < cfg.max_retries:
                    wait = self._backoff(attempt)
                    self._wait(wait, f"server error {status}; retrying in {wait:.1f} s")
                    attempt += 1
                    continue
                raise _status_error(where, response)
            can_retry = retry_all or not reached_server
            # nothing listening / unknown host (no network): one quick retry, then fail fast (N7)
            limit = min(1, cfg.max_retries) if unreachable else cfg.max_retries
            if can_retry and attempt < limit:
                wait = self._backoff(attempt)
                self._wait(wait, f"network problem; retrying in {wait:.1f} s")
                attempt += 1
                continue
            raise TransientError(failure)

    def get_json(self, path_or_url: str, params: Mapping[str, Any] | None = None, *, auth: bool = True) -> Any:
        """The decoded JSON of a GET; an answer that is not JSON (truncated) is fetched again."""
        decoded: list[Any] = []

        def check(response: requests.Response) -> None:
            decoded[:] = [decode_json(response, f"GET {_display(response.url or self.url(path_or_url))}")]

        self.request("GET", path_or_url, params=params, auth=auth, validate=check)
        return decoded[0]

    def post_json(self, path_or_url: str, body: Any, *, auth: bool = True, idempotent: bool = False) -> Any:
        response = self.request("POST", path_or_url, json_body=body, auth=auth, idempotent=idempotent)
        return decode_json(response, f"POST {_display(self.url(path_or_url))}", allow_empty=True)

    def post_form(self, path_or_url: str, form: Mapping[str, Any], *, auth: bool = True,
                  idempotent: bool = False) -> Any:
        response = self.request("POST", path_or_url, form=form, auth=auth, idempotent=idempotent)
        return decode_json(response, f"POST {_display(self.url(path_or_url))}", allow_empty=True)

    def download(self, path_or_url: str, *, auth: bool = False, expected_length: int | None = None) -> bytes:
        """The body of a file (no Authorization header by default), length-checked.

        A body shorter than its `Content-Length` (or than `expected_length`) is retried like a
        reset and finally raises `TransientError`; a body over the configured maximum raises
        `ProtocolError`. Nothing is returned unless it is complete.
        """
        cfg = self.config
        where = f"GET {_display(self.url(path_or_url))}"
        attempt = 0
        while True:
            response = self.request("GET", path_or_url, auth=auth, accept_json=False)
            body = response.content
            declared = response.headers.get("Content-Length")
            problem = None
            if len(body) > cfg.max_download_bytes:
                raise ProtocolError(f"{where}: file larger than {cfg.max_download_bytes} bytes")
            if declared is not None and declared.isdigit() and int(declared) != len(body):
                problem = f"truncated download ({len(body)} of {declared} bytes)"
            elif expected_length is not None and expected_length != len(body):
                problem = f"wrong length ({len(body)} bytes, expected {expected_length})"
            if problem is None:
                return body
            if attempt >= cfg.max_retries:
                raise TransientError(f"{where}: {problem}")
            wait = self._backoff(attempt)
            self._wait(wait, f"{problem}; retrying in {wait:.1f} s")
            attempt += 1

    # -- helpers -----------------------------------------------------------------------------
    def _send(self, method: str, url: str, params: Mapping[str, Any] | None, json_body: Any,
              form: Mapping[str, Any] | None, headers: dict[str, str]) -> requests.Response:
        """One attempt on the wire, holding one of the `max_in_flight` slots (body read included)."""
        cfg = self.config
        if self._in_flight is not None:
            self._in_flight.acquire()
        try:
            return self._session().request(method, url, params=params, json=json_body, data=form,
                                           headers=headers, timeout=(cfg.connect_timeout, cfg.read_timeout),
                                           allow_redirects=False)
        finally:
            if self._in_flight is not None:
                self._in_flight.release()

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.config.backoff_max, self.config.backoff_base * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)  # "equal jitter": never zero, never over

    def _wait(self, seconds: float, reason: str) -> None:
        if self.on_wait is not None:
            self.on_wait(seconds, reason)
        self._check_cancelled()
        if seconds > 0:
            self._sleep(seconds)

    def _check_cancelled(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise CancelledError("cancelled")


def decode_json(response: requests.Response, where: str, *, allow_empty: bool = False) -> Any:
    """The JSON body of `response`, or `ProtocolError` (never a token) when it is not JSON."""
    body = response.content
    if allow_empty and not body.strip():
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"{where}: invalid JSON ({type(exc).__name__} at byte "
                            f"{getattr(exc, 'pos', '?')} of {len(body)})") from None


def _status_error(where: str, response: requests.Response) -> BackendError:
    status = response.status_code
    detail = _error_detail(response)
    message = f"{where}: HTTP {status}" + (f" ({detail})" if detail else "")
    if status in (401, 403):
        return AuthError(message, status=status)
    if status == 404:
        return NotFoundError(message, status=status)
    if status == 400:
        try:
            details = response.json()
        except ValueError:
            details = None
        return BadRequestError(message, details=details)
    if status >= 500:
        return TransientError(message, status=status)
    return BackendError(message, status=status)


def _error_detail(response: requests.Response) -> str:
    """A short, credential-free summary of an error body (DRF `detail` / `nonFieldErrors`)."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if isinstance(data, dict):
        if isinstance(data.get("detail"), str):
            return data["detail"][:200]
        for key in ("nonFieldErrors", "non_field_errors"):
            value = data.get(key)
            if isinstance(value, list) and value:
                return str(value[0])[:200]
        parts = [f"{k}: {v[0] if isinstance(v, list) and v else v}" for k, v in list(data.items())[:3]]
        return "; ".join(parts)[:200]
    return ""


def _display(url: str) -> str:
    """A URL as shown in messages: scheme, host and path only (no query, no userinfo)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


def _reason(exc: BaseException) -> str:
    text = str(exc).lower()
    for needle, label in (("reset", "connection reset"), ("refused", "connection refused"),
                          ("aborted", "connection aborted"), ("remote end closed", "connection closed"),
                          ("name or service", "unknown host"), ("resolve", "unknown host"),
                          ("incompleteread", "truncated response"), ("timed out", "timed out")):
        if needle in text:
            return label
    return type(exc).__name__


def _refused(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "refused" in text or "name or service" in text or "failed to resolve" in text
