"""The `mastoc` command line: argument parsing, dispatch, and turning expected errors into one line.

Each area registers its subcommands from its own module (listed in `_COMMAND_MODULES`); a module
exposes `register(subparsers)` and sets `func(args) -> int` on its parsers. Modules are imported
lazily enough that `mastoc --version` and the app's start stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from mastoc import __version__
from mastoc.cli.errors import EXIT_USAGE, CliError
from mastoc.errors import UserFacingError

if TYPE_CHECKING:
    import sqlite3

_COMMAND_MODULES = (
    "mastoc.cli.store_cmds",
    "mastoc.cli.climb_cmds",  # `stokt` subcommands come from stokt_cmds via store_cmds
    "mastoc.cli.server_cmds",
    "mastoc.cli.railway_cmds",
    "mastoc.cli.wall_cmds",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors: one line, exit code 2
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"mastoc: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mastoc", description="mastoc: board-wall climbs, local-first, synced by hand.")
    parser.add_argument("--version", action="version", version=f"mastoc {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="data directory (default: $MASTOC_DATA_DIR or the platform's user data directory)",
    )
    # the desktop app's options (`mastoc` without a subcommand starts the app; see cli/app_cmds.py)
    parser.add_argument("--screenshot", metavar="FILE.png", default=None,
                        help="render the app window to FILE.png once the wall is painted, then exit")
    parser.add_argument("--climb", metavar="ID", default=None, help="open the app on this climb (mastoc or Stokt id)")
    parser.add_argument("--size", metavar="WxH", default=None, help="window size, e.g. 1280x800")
    parser.set_defaults(func=None)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir:
        os.environ["MASTOC_DATA_DIR"] = args.data_dir
    func = args.func
    if func is None:
        func = _default_command
    try:
        return int(func(args) or 0)
    except CliError as exc:
        print(f"mastoc: {exc}", file=sys.stderr)
        return exc.code
    except _sqlite_error() as exc:  # e.g. a damaged store met while reading: one line, no traceback
        from mastoc.store import paths
        from mastoc.store.db import describe_error

        print(f"mastoc: {describe_error(exc, paths.db_path(paths.data_dir()))}", file=sys.stderr)
        return 1
    except UserFacingError as exc:
        print(f"mastoc: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("mastoc: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        store_error = _store_failure(exc)
        if store_error is None:
            raise
        print(f"mastoc: {store_error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


def _sqlite_error() -> type[sqlite3.DatabaseError]:
    import sqlite3

    return sqlite3.DatabaseError


def _store_failure(exc: OSError) -> str | None:
    """One line for store/disk failures that escaped as exceptions (an SQLite error met while reading
    a damaged store, a full disk while writing a photo); None for anything else."""
    import errno

    if exc.errno == errno.ENOSPC:
        return f"the disk is full ({exc.filename or 'writing a file'}): free some space and try again"
    if exc.errno == errno.EROFS:
        return f"the file system is read-only ({exc.filename or 'writing a file'})"
    return None


def _default_command(args: argparse.Namespace) -> int:
    """`mastoc` without a subcommand: the desktop app when it is installed, else the status."""
    try:
        app = importlib.import_module("mastoc.cli.app_cmds")
    except ImportError:
        from mastoc.cli import store_cmds

        return store_cmds.cmd_status(args)
    return int(app.run_app(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
