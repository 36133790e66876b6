"""Where mastoc keeps its files: the data directory and what lives in it."""

from __future__ import annotations

import os
from pathlib import Path

DB_NAME = "mastoc.sqlite3"
IMAGES_DIR = "images"
SECRETS_DIR = "secrets"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: `override`, else $MASTOC_DATA_DIR, else the platform user data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("MASTOC_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("mastoc", appauthor=False))


def db_path(directory: Path) -> Path:
    return directory / DB_NAME


def images_dir(directory: Path) -> Path:
    return directory / IMAGES_DIR


def secrets_dir(directory: Path) -> Path:
    """Per-backend credentials (tokens), one file each, readable by the user only."""
    return directory / SECRETS_DIR
