"""Validation errors raised by route code, in FastAPI's 422 shape (`{"detail": [{type, loc, msg, input}]}`),
so every 422 the server sends matches its OpenAPI schema."""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError


def invalid(location: str, name: str | None, msg: str, value: Any = None) -> RequestValidationError:
    loc = (location,) if name is None else (location, name)
    return RequestValidationError([{"type": "value_error", "loc": loc, "msg": msg, "input": value}])
