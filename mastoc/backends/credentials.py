"""Stored backend credentials: one JSON file per backend in `<data_dir>/secrets/`, user-only.

The directory is created with mode 0700 and each file is written with mode 0600 through a temporary
file and an atomic rename, so a crash never leaves a half-written token and no other local user can
read it. Tokens are never printed: `Credentials.__repr__` hides them.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mastoc.store.paths import data_dir, secrets_dir


@dataclass(slots=True)
class Credentials:
    backend: str
    token: str = field(repr=False)
    base_url: str | None = None
    username: str | None = None
    extra: dict = field(default_factory=dict, repr=False)


def _dir(directory: Path | None) -> Path:
    return secrets_dir(Path(directory) if directory is not None else data_dir())


def _path(backend: str, directory: Path | None) -> Path:
    if not backend.isidentifier():
        raise ValueError(f"bad backend name {backend!r}")
    return _dir(directory) / f"{backend}.json"


def save(creds: Credentials, directory: Path | None = None) -> Path:
    """Write `creds` (atomically, mode 0600 in a 0700 directory); returns the file path."""
    path = _path(creds.backend, directory)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    payload = {"backend": creds.backend, "token": creds.token, "base_url": creds.base_url,
               "username": creds.username, "extra": creds.extra}
    fd, tmp = tempfile.mkstemp(prefix=f".{creds.backend}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def load(backend: str, directory: Path | None = None) -> Credentials | None:
    """The stored credentials of `backend`, or None when there are none (or the file is unreadable)."""
    path = _path(backend, directory)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, OSError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("token"), str) or not data["token"]:
        return None
    return Credentials(backend=backend, token=data["token"], base_url=data.get("base_url"),
                       username=data.get("username"), extra=data.get("extra") or {})


def delete(backend: str, directory: Path | None = None) -> bool:
    try:
        _path(backend, directory).unlink()
    except FileNotFoundError:
        return False
    return True
