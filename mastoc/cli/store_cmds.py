"""Store commands: `mastoc status`, `mastoc climbs` (filled in by the Foundation work)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("status", help="counts per table, data directory, schema version")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_status)


def cmd_status(args: argparse.Namespace) -> int:
    from mastoc.store.paths import data_dir

    print(f"data directory: {data_dir()}")
    return 0
