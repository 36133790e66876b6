"""Server commands: `mastoc serve` (run the mastoc server with uvicorn),
`mastoc server create-user --admin EMAIL` (password read from stdin) and
`mastoc server migrate-from-old --from URL [--database-url URL] [--static-dir DIR]` (upgrade a
first-version deployment in place; see `mastoc.server.legacy`).

FastAPI, uvicorn and the database drivers are imported inside the commands, so the plain `mastoc`
CLI works without the `server` extra.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from typing import Any

from mastoc.cli.errors import EXIT_ERROR, EXIT_USAGE, CliError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="run the mastoc server (Railway backend)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="port (default $PORT or 8000)")
    p.add_argument("--database-url", default=None, help="SQLAlchemy URL (default $DATABASE_URL, else a SQLite file)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--dev", action="store_true", help="allow starting without MASTOC_SECRET_KEY (local testing only)")
    p.set_defaults(func=cmd_serve)

    s = subparsers.add_parser("server", help="administer the mastoc server's database")
    sub = s.add_subparsers(title="server commands", metavar="COMMAND")
    cu = sub.add_parser("create-user", help="create an account (password read from stdin)")
    cu.add_argument("email")
    cu.add_argument("--admin", action="store_true", help="give the account the admin role")
    cu.add_argument("--username", default=None, help="user name (default: the part of the e-mail before @)")
    cu.add_argument("--full-name", default=None, help="display name (default: the user name)")
    cu.add_argument("--database-url", default=None, help="SQLAlchemy URL (default $DATABASE_URL, else the SQLite file)")
    cu.set_defaults(func=cmd_create_user)
    mo = sub.add_parser("migrate-from-old", help="copy a first-version server's database into this one (upgrade)")
    mo.add_argument("--from", dest="source", required=True, metavar="URL",
                    help="the first server's database (postgresql://... or sqlite:///...)")
    mo.add_argument("--database-url", default=None, help="the new server's database (default as for `mastoc serve`)")
    mo.add_argument("--static-dir", default=None, metavar="DIR",
                    help="the first server's static directory (wall photos, avatars)")
    mo.set_defaults(func=cmd_migrate_from_old)
    s.set_defaults(func=lambda _a: (s.print_help(), EXIT_USAGE)[1])


def _settings(database_url: str | None, dev: bool):  # type: ignore[no-untyped-def]
    try:
        from mastoc.server.config import ConfigError, Settings
    except ImportError as exc:
        raise CliError(f"the server is not installed ({exc.name} missing): pip install 'mastoc[server]'", EXIT_ERROR) from None
    try:
        return Settings.from_env(database_url=database_url, dev=dev)
    except ConfigError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def uvicorn_options() -> dict[str, Any]:
    """uvicorn settings besides host/port/workers. uvicorn's own `X-Forwarded-For` handling is off:
    with `FORWARDED_ALLOW_IPS='*'` it takes the left-most entry, which the client writes. The app
    reads the header itself, trusting only `MASTOC_TRUSTED_PROXY_HOPS` proxy hops (see server.proxy)."""
    return {"proxy_headers": False, "log_level": os.environ.get("LOG_LEVEL", "info")}


def cmd_serve(args: argparse.Namespace) -> int:
    if args.dev and not (os.environ.get("MASTOC_SECRET_KEY") or os.environ.get("SECRET_KEY")):
        # one secret shared by every worker of this run; tokens die with the server
        os.environ["MASTOC_SECRET_KEY"] = secrets.token_urlsafe(32)
    settings = _settings(args.database_url, args.dev)
    try:
        import uvicorn

        from mastoc.server import db
    except ImportError as exc:
        raise CliError(f"the server is not installed ({exc.name} missing): pip install 'mastoc[server]'", EXIT_ERROR) from None
    os.environ["DATABASE_URL"] = settings.database_url
    os.environ["MASTOC_DATA_DIR"] = str(settings.data_dir)
    if args.dev:
        os.environ["MASTOC_DEV"] = "1"
    # migrate once here, so workers start on an up-to-date schema
    engine = db.make_engine(settings.database_url)
    db.migrate(engine)
    engine.dispose()
    print(f"mastoc server on http://{args.host}:{args.port} (database: {engine.url.get_backend_name()})", file=sys.stderr)
    uvicorn.run("mastoc.server.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, **uvicorn_options())
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise CliError("passwords differ", EXIT_USAGE)
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_create_user(args: argparse.Namespace) -> int:
    settings = _settings(args.database_url, dev=True)
    from fastapi import HTTPException

    from mastoc.server import db
    from mastoc.server.routes.auth import create_user

    password = _read_password()
    if len(password) < 8:
        raise CliError("the password needs at least 8 characters", EXIT_USAGE)
    username = args.username or args.email.split("@", 1)[0]
    engine = db.make_engine(settings.database_url)
    db.migrate(engine)
    maker = db.make_sessionmaker(engine)
    with maker() as session:
        try:
            user = create_user(session, email=args.email, username=username, password=password,
                               full_name=args.full_name or username, role="admin" if args.admin else "user")
        except HTTPException as exc:
            raise CliError(str(exc.detail), EXIT_ERROR) from None
        session.commit()
        print(f"created {'admin' if args.admin else 'user'} {user.email} ({user.id})")
    engine.dispose()
    return 0


def cmd_migrate_from_old(args: argparse.Namespace) -> int:
    settings = _settings(args.database_url, dev=True)
    from pathlib import Path

    from sqlalchemy.exc import SQLAlchemyError

    from mastoc.server import db, imagestore, legacy

    static_dir = Path(args.static_dir).expanduser() if args.static_dir else None
    if static_dir is not None and not static_dir.is_dir():
        raise CliError(f"--static-dir {static_dir}: not a directory", EXIT_USAGE)
    engine = db.make_engine(settings.database_url)
    try:
        db.migrate(engine)
        report = legacy.migrate_from_old(args.source, engine, byte_store=imagestore.make_store(settings),
                                         static_dir=static_dir, max_image_pixels=settings.max_image_pixels,
                                         say=lambda m: print(f"copying {m}...", file=sys.stderr))
    except SQLAlchemyError as exc:
        raise CliError(f"database error: {exc.__class__.__name__}: {str(exc).splitlines()[0][:300]}", EXIT_ERROR) from None
    finally:
        engine.dispose()
    for line in report.lines():
        print(line)
    print(f"done: {report.changed} row(s) created or changed")
    return 0
