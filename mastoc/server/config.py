"""Server configuration read from the environment (and command-line overrides).

`DATABASE_URL` (PostgreSQL via psycopg 3, or any SQLAlchemy URL; a SQLite file under the data
directory when unset), `MASTOC_SECRET_KEY` / `SECRET_KEY` (token signing), `MASTOC_API_KEY` /
`API_KEY` (optional legacy app key), `MASTOC_DATA_DIR` (photos, avatars, static files),
`MASTOC_TRUSTED_PROXY_HOPS` (how many proxies in front append to `X-Forwarded-For`: 1 on Railway),
`MASTOC_IMAGE_STORE` (`local`, `database` or `s3`; default `s3` when `MASTOC_S3_BUCKET` is set,
else `database` on PostgreSQL, else `local`) and `MASTOC_S3_BUCKET` / `MASTOC_S3_ENDPOINT_URL` /
`MASTOC_S3_PREFIX` / `MASTOC_S3_REGION` (credentials: boto3's usual `AWS_*` variables).
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


def _int_env(name: str, default: int) -> int:
    value = _env(name)
    if value is None:
        return default
    try:
        n = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number") from None
    if n < 0:
        raise ConfigError(f"{name} must not be negative")
    return n


def _image_store(value: str | None) -> str:
    if not value:
        return ""
    if value not in ("local", "database", "s3"):
        raise ConfigError("MASTOC_IMAGE_STORE must be local, database or s3")
    return value


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
    login_max_failures: int = 5  # free failures per (address, account) before the delays start
    login_delay_base_seconds: float = 1.0  # first delay; doubles at every further failure
    login_delay_max_seconds: float = 300.0
    login_pair_window_seconds: int = 3600  # failures of an (address, account) pair are forgotten after this
    login_max_failures_ip: int = 50  # per client address (all accounts), within the window
    login_window_seconds: int = 300
    trusted_proxy_hops: int = 0  # proxies that append the client address to X-Forwarded-For
    image_store: str = ""  # "local" | "database" | "s3"; "" = the default for the database
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_prefix: str = ""
    s3_region: str | None = None
    cors_origins: tuple[str, ...] = field(
        default=("http://localhost:3000", "http://localhost:8000", "https://mastoc.railway.app")
    )

    @property
    def static_dir(self) -> Path:
        return self.data_dir / "static"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def image_store_kind(self) -> str:
        if self.image_store:
            return self.image_store
        if self.s3_bucket:
            return "s3"
        return "database" if self.database_url.startswith("postgresql") else "local"

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
            trusted_proxy_hops=_int_env("MASTOC_TRUSTED_PROXY_HOPS", 0),
            image_store=_image_store(_env("MASTOC_IMAGE_STORE")),
            s3_bucket=_env("MASTOC_S3_BUCKET"),
            s3_endpoint_url=_env("MASTOC_S3_ENDPOINT_URL"),
            s3_prefix=_env("MASTOC_S3_PREFIX") or "",
            s3_region=_env("MASTOC_S3_REGION", "AWS_DEFAULT_REGION"),
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
