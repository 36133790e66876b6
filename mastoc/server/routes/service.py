"""Service routes: `/health` (always 200, string values only), `/ready` (503 when the DB is down), `/`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter(tags=["service"])
APP_NAME = "mastoc-api"


def _db_status(request: Request) -> str:
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # operation boundary: reported, never raised
        return f"error: {exc.__class__.__name__}"


@router.get("/health")
def health(request: Request) -> dict[str, str]:
    from mastoc.server.app import VERSION

    database = _db_status(request)
    return {"status": "ok" if database == "ok" else "degraded", "app_name": APP_NAME,
            "version": VERSION, "database": database}


@router.get("/ready", responses={503: {"description": "database unavailable"}})
def ready(request: Request) -> JSONResponse:
    database = _db_status(request)
    return JSONResponse({"ready": database == "ok", "database": database}, status_code=200 if database == "ok" else 503)


@router.get("/")
def root() -> dict[str, str]:
    from mastoc.server.app import VERSION

    return {"message": APP_NAME, "version": VERSION, "docs": "/docs"}
