"""Where image bytes live, so that every server replica sees every photo.

- `LocalStore`: files under `$MASTOC_DATA_DIR/static/<path>` (the default on SQLite: one process).
- `DatabaseStore`: the `image_blobs` table (the default on PostgreSQL: every replica shares it).
- `S3Store`: an S3-compatible bucket (boto3; `MASTOC_S3_BUCKET`, `MASTOC_S3_ENDPOINT_URL`,
  `MASTOC_S3_PREFIX`, credentials from the usual `AWS_*` variables), objects keyed by SHA-256.

Rows of `images` (metadata) are always in the database; `make_store(settings)` picks the byte store.
Reads fall back to the local directory, where files written before the store changed still are.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from sqlmodel import Session

from mastoc.server.config import ConfigError, Settings
from mastoc.server.models import Image, ImageBlob


def safe_path(root: Path, relative: str) -> Path | None:
    """The file `relative` inside `root`, or None when it is missing or resolves outside the root."""
    if not relative or "\x00" in relative or relative.startswith(("/", "\\")):
        return None
    base = root.resolve()
    try:
        target = (base / relative).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class LocalStore:
    kind = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, img: Image) -> Path | None:
        return safe_path(self.root, img.path)

    def has(self, session: Session, img: Image) -> bool:
        return self.path(img) is not None

    def put(self, session: Session, img: Image, data: bytes) -> None:
        base = self.root.resolve()
        target = (base / img.path).resolve()
        if not target.is_relative_to(base):
            raise ValueError("image path outside the static directory")
        if not target.is_file() or target.stat().st_size != len(data):
            _atomic_write(target, data)

    def get(self, session: Session, img: Image) -> bytes | None:
        p = self.path(img)
        return p.read_bytes() if p is not None else None


class DatabaseStore:
    kind = "database"

    def has(self, session: Session, img: Image) -> bool:
        from sqlalchemy import select

        return session.execute(select(ImageBlob.sha256).where(ImageBlob.sha256 == img.sha256)).first() is not None

    def put(self, session: Session, img: Image, data: bytes) -> None:
        if not self.has(session, img):
            session.add(ImageBlob(sha256=img.sha256, data=data))
            session.flush()

    def get(self, session: Session, img: Image) -> bytes | None:
        from sqlalchemy import select

        row = session.execute(select(ImageBlob.data).where(ImageBlob.sha256 == img.sha256)).first()
        return bytes(row[0]) if row is not None else None


class S3Store:
    kind = "s3"

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, prefix: str = "",
                 region: str | None = None, client: Any = None) -> None:
        import boto3

        self.bucket = bucket
        self.prefix = prefix
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url, region_name=region or "us-east-1")

    def _key(self, img: Image) -> str:
        return f"{self.prefix}images/{img.sha256}"

    def has(self, session: Session, img: Image) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(img))
            return True
        except ClientError:
            return False

    def put(self, session: Session, img: Image, data: bytes) -> None:
        if not self.has(session, img):
            self.client.put_object(Bucket=self.bucket, Key=self._key(img), Body=data, ContentType=img.content_type)

    def get(self, session: Session, img: Image) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            return bytes(self.client.get_object(Bucket=self.bucket, Key=self._key(img))["Body"].read())
        except ClientError:
            return None


class Store:
    """The configured store, reading through to the local directory."""

    def __init__(self, primary: Any, local: LocalStore) -> None:
        self.primary = primary
        self.local = local
        self.kind = primary.kind

    def has(self, session: Session, img: Image) -> bool:
        return self.primary.has(session, img) or (self.primary is not self.local and self.local.has(session, img))

    def put(self, session: Session, img: Image, data: bytes) -> None:
        self.primary.put(session, img, data)

    def get(self, session: Session, img: Image) -> bytes | None:
        data = self.primary.get(session, img)
        if data is None and self.primary is not self.local:
            data = self.local.get(session, img)
        return data

    def local_path(self, img: Image) -> Path | None:
        """A file to stream, when the bytes are on the local disk (the local store)."""
        return self.local.path(img) if self.primary is self.local else None


def make_store(settings: Settings) -> Store:
    local = LocalStore(settings.static_dir)
    kind = settings.image_store_kind
    if kind == "local":
        return Store(local, local)
    if kind == "database":
        return Store(DatabaseStore(), local)
    if not settings.s3_bucket:
        raise ConfigError("MASTOC_IMAGE_STORE=s3 needs MASTOC_S3_BUCKET")
    return Store(S3Store(settings.s3_bucket, endpoint_url=settings.s3_endpoint_url, prefix=settings.s3_prefix,
                         region=settings.s3_region), local)
