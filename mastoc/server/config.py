"""Server configuration read from the environment (and command-line overrides).

`DATABASE_URL` (PostgreSQL via psycopg 3, or any SQLAlchemy URL; a SQLite file under the data
directory when unset), `MASTOC_SECRET_KEY` / `SECRET_KEY` (token signing), `MASTOC_API_KEY` /
`API_KEY` (optional legacy app key), `MASTOC_DATA_DIR` (photos, avatars, static files).
Without a secret the server refuses to start unless dev mode is asked for explicitly.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path


class ConfigError(Exception):
    """The configuration does not allow the server to start."""


def _env(*names: str) -> str | None:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


def _default_data_dir() -> Path:
    env = os.environ.get("MASTOC_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("mastoc", appauthor=False))


def normalize_database_url(url: str) -> str:
    """Make Railway/Heroku style URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    data_dir: Path
    api_key: str | None = None
    dev: bool = False
    access_token_minutes: int = 1440
    refresh_token_days: int = 7
    max_body_bytes: int = 1 * 1024 * 1024  # JSON and form bodies
    max_upload_bytes: int = 20 * 1024 * 1024  # image uploads
    max_image_pixels: int = 40_000_000
    max_avatar_bytes: int = 2 * 1024 * 1024
    login_max_failures: int = 5  # per account name, within the window
    login_max_failures_ip: int = 50  # per client address, within the window
    login_window_seconds: int = 300
    cors_origins: tuple[str, ...] = field(
        default=("http://localhost:3000", "http://localhost:8000", "https://mastoc.railway.app")
    )

    @property
    def static_dir(self) -> Path:
        return self.data_dir / "static"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, *, database_url: str | None = None, dev: bool = False,
                 data_dir: str | Path | None = None) -> Settings:
        ddir = Path(data_dir) if data_dir else _default_data_dir()
        url = database_url or _env("DATABASE_URL")
        if not url:
            url = f"sqlite:///{ddir / 'server.db'}"
        secret = _env("MASTOC_SECRET_KEY", "SECRET_KEY")
        if not secret:
            if not dev:
                raise ConfigError(
                    "no secret key: set MASTOC_SECRET_KEY (or SECRET_KEY), or run with --dev for local testing"
                )
            secret = secrets.token_urlsafe(32)  # dev: tokens die with the process
        if len(secret) < 16 and not dev:
            raise ConfigError("the secret key is too short (at least 16 characters)")
        return cls(
            database_url=normalize_database_url(url),
            secret_key=secret,
            data_dir=ddir,
            api_key=_env("MASTOC_API_KEY", "API_KEY"),
            dev=dev,
            access_token_minutes=int(_env("ACCESS_TOKEN_EXPIRE_MINUTES") or 1440),
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
