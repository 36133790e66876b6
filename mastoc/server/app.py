"""The FastAPI application: `create_app(settings)` wires routes, middleware and error handlers.

Start-up runs the Alembic migrations (`upgrade head`) unless told not to. Database errors become
JSON 4xx/5xx answers, never text/plain tracebacks.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError

from mastoc.server import db, imagestore
from mastoc.server.config import Settings
from mastoc.server.limits import BodyLimitMiddleware
from mastoc.server.proxy import ClientAddressMiddleware

log = logging.getLogger("mastoc.server")
VERSION = "0.2.0"

OPENAPI_TAGS = [
    {"name": "service"}, {"name": "auth"}, {"name": "users"}, {"name": "climbs"}, {"name": "faces"},
    {"name": "holds"}, {"name": "annotations"}, {"name": "sync"}, {"name": "lists"}, {"name": "images"},
    {"name": "changes", "description": "every create/update/delete, in commit order, with a server cursor"},
]


def create_app(settings: Settings, *, run_migrations: bool = True, engine=None) -> FastAPI:  # type: ignore[no-untyped-def]
    from mastoc.server.routes import (
        auth,
        changes,
        climbs,
        imports,
        lists,
        media,
        service,
        users,
        walls,
    )

    engine = engine or db.make_engine(settings.database_url)
    if run_migrations:
        db.migrate(engine)
    settings.static_dir.mkdir(parents=True, exist_ok=True)

    app = FastAPI(title="mastoc-api", version=VERSION, openapi_tags=OPENAPI_TAGS,
                  description="The mastoc server (Railway backend). Compatible with the first production API.")
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = db.make_sessionmaker(engine)
    app.state.image_store = imagestore.make_store(settings)

    for module in (service, auth, users, climbs, walls, imports, lists, media, changes):
        app.include_router(module.router)

    app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=True,
                       allow_methods=["*"], allow_headers=["*"])
    app.add_middleware(BodyLimitMiddleware, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes)
    app.add_middleware(ClientAddressMiddleware, trusted_hops=settings.trusted_proxy_hops)

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, _exc: IntegrityError) -> JSONResponse:
        return JSONResponse({"detail": "Conflict with existing data"}, status_code=409)

    @app.exception_handler(DataError)
    async def _data(_request: Request, _exc: DataError) -> JSONResponse:
        log.warning("data error: %s", _exc.__class__.__name__)
        return JSONResponse({"detail": [{"type": "value_error", "loc": ["body"], "msg": "invalid value for the database",
                                         "input": None}]}, status_code=422)

    @app.exception_handler(OperationalError)
    async def _operational(_request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", exc.__class__.__name__)
        return JSONResponse({"detail": "Database unavailable"}, status_code=503)

    @app.exception_handler(StatementError)
    async def _statement(_request: Request, _exc: StatementError) -> JSONResponse:
        log.warning("statement error: %s", _exc.__class__.__name__)
        return JSONResponse({"detail": [{"type": "value_error", "loc": ["body"], "msg": "invalid value",
                                         "input": None}]}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for e in exc.errors():
            e = dict(e)
            e.pop("url", None)
            if "ctx" in e:  # numbers stay numbers (as the first server answered); errors become text
                e["ctx"] = {k: v if isinstance(v, int | float | str | bool) or v is None else str(v)
                            for k, v in e["ctx"].items()}
            if isinstance(e.get("input"), bytes):
                e["input"] = None
            errors.append(_encodable(e))
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def _unhandled(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error: %s", exc.__class__.__name__)
        return JSONResponse({"detail": "Internal server error"}, status_code=500)

    return app


def _encodable(value: Any) -> Any:
    """`value` with any lone surrogate (from a JSON `"\\ud800"` escape) replaced, so the error echoing
    it back can be encoded as UTF-8."""
    if isinstance(value, str):
        return value if value.isascii() else value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(v) for v in value]
    return value


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory mastoc.server.app:app_from_env` (reads the environment)."""
    import os

    return create_app(Settings.from_env(dev=os.environ.get("MASTOC_DEV") == "1"))
