"""mastoc: a local-first board-wall app with Stokt sync and its own server."""

from __future__ import annotations

__version__ = "0.1.0"
