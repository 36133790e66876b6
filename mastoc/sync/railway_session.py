"""The Railway session on this device: stored tokens (refreshed ones saved back) and the client.

Tokens live in `mastoc.backends.credentials` (user-only file): the access token as `token`, the
refresh token, expiry and user id in `extra`. Nothing here prints or logs them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mastoc.backends import credentials
from mastoc.backends.errors import AuthError
from mastoc.backends.http import TransportConfig
from mastoc.backends.railway.client import RailwayClient, Tokens

BACKEND = "railway"
ENV_RAILWAY_URL = "MASTOC_RAILWAY_URL"
DEFAULT_RAILWAY_URL = "http://127.0.0.1:8000"


def base_url(directory: Path, override: str | None = None) -> str:
    creds = credentials.load(BACKEND, directory)
    return (override or os.environ.get(ENV_RAILWAY_URL) or (creds.base_url if creds else None)
            or DEFAULT_RAILWAY_URL).rstrip("/")


def save_tokens(directory: Path, url: str, tokens: Tokens, username: str | None) -> None:
    credentials.save(credentials.Credentials(
        BACKEND, token=tokens.access_token, base_url=url, username=username or tokens.username,
        extra={"refresh_token": tokens.refresh_token, "expires_at": tokens.expires_at, "user_id": tokens.user_id,
               "role": tokens.role}), directory)


def load_tokens(directory: Path) -> tuple[Tokens | None, Any]:
    creds = credentials.load(BACKEND, directory)
    if creds is None:
        return None, None
    extra = creds.extra or {}
    return Tokens(access_token=creds.token, refresh_token=str(extra.get("refresh_token") or ""),
                  expires_at=float(extra.get("expires_at") or 0), user_id=extra.get("user_id"),
                  username=creds.username, role=extra.get("role")), creds


def client_for(directory: Path, *, on_wait: Callable[[float, str], None] | None = None,
               cancelled: Callable[[], bool] | None = None, config: TransportConfig | None = None,
               require_login: bool = True) -> RailwayClient:
    """A client for the stored session; refreshed tokens are written back. `AuthError` when not
    logged in."""
    tokens, creds = load_tokens(directory)
    if tokens is None and require_login:
        raise AuthError("not logged in to the mastoc server: run `mastoc railway login --username EMAIL`")
    url = base_url(directory)
    username = creds.username if creds else None

    def keep(new: Tokens | None) -> None:
        if new is not None and tokens is not None and new.access_token != tokens.access_token:
            save_tokens(directory, url, new, username)

    client = RailwayClient(url, tokens=tokens, config=config or _config(), on_wait=on_wait, cancelled=cancelled,
                           on_tokens=None)
    client.on_tokens = keep
    return client


def _config() -> TransportConfig:
    return TransportConfig(connect_timeout=float(os.environ.get("MASTOC_CONNECT_TIMEOUT", "5")),
                           read_timeout=60.0, max_retries=4, rate_per_second=0)
