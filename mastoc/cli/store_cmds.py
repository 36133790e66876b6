"""Store commands: `mastoc status`, `mastoc climbs` (the shared climb search from the shell) and the
`mastoc stokt` group with `load-backup` (other `stokt` subcommands come from `mastoc.cli.stokt_cmds`)."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

from mastoc.cli.errors import EXIT_ERROR, EXIT_NOT_FOUND, EXIT_USAGE, CliError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("status", help="counts per table, data directory, schema version")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_status)

    p = subparsers.add_parser(
        "climbs",
        help="search the climbs of a face",
        description="Search climbs with the same query the app uses. Grades may be given in any system "
        "(Font 6A+, Hueco V4, Dankyu 2Q, IRCRA 18.5).",
    )
    p.add_argument("--face", metavar="FACE_ID", help="mastoc or Stokt face id (default: the only/first face)")
    p.add_argument("--grade-min", metavar="GRADE", help="lowest grade, inclusive (e.g. 6A, V3, 2Q)")
    p.add_argument("--grade-max", metavar="GRADE", help="highest grade, inclusive (e.g. 7A)")
    p.add_argument("--setter", help="setter id or part of the setter's name")
    p.add_argument("--text", help="part of the climb's name")
    p.add_argument("--feet-rule", metavar="NAME", help="exact feet rule, e.g. 'Tous pieds'")
    p.add_argument("--benchmark", action="store_true", help="benchmarks only")
    p.add_argument(
        "--hold", action="append", default=[], metavar="[S|F|O|T]ID",
        help="a hold the climb must use (repeatable); a role letter prefix requires that role",
    )
    p.add_argument("--without-hold", action="append", default=[], metavar="ID", help="a hold the climb must not use")
    p.add_argument("--sort", choices=("newest", "grade", "name", "popularity"), default="newest")
    p.add_argument("--reverse", action="store_true", help="reverse the sort order")
    p.add_argument("--limit", type=int, default=50, help="page size (default 50; 0 = all)")
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_climbs)

    p = subparsers.add_parser(
        "backup", help="write a consistent copy of the store to FILE (safe while the app or a sync runs)"
    )
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_backup)

    stokt = subparsers.add_parser("stokt", help="Stokt: load backups, log in, import, push")
    stokt.set_defaults(func=lambda args: _group_help(stokt))
    sub = stokt.add_subparsers(title="stokt commands", metavar="COMMAND", parser_class=subparsers._parser_class)
    p = sub.add_parser(
        "load-backup",
        help="load saved Stokt responses (setup, summary, walls, climbs pages, wall photo) into the store",
        description="Load saved Stokt JSON responses (and the wall photo beside them) into the local store. "
        "Directories are scanned for .json and image files. Loading the same backup twice changes nothing.",
    )
    p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_load_backup)
    try:
        extra = importlib.import_module("mastoc.cli.stokt_cmds")
    except ModuleNotFoundError as exc:
        if exc.name != "mastoc.cli.stokt_cmds":
            raise
    else:
        extra.register_stokt(sub)


def _group_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def open_store(readonly: bool = False, write: bool = False):  # -> Store (typed lazily to keep start-up light)
    """Open the store of the current data directory, turning store problems into one-line errors.

    A store that cannot be written (read-only file or directory) is opened read-only for reading
    commands, with one line saying so; `write=True` (commands that change the store) refuses it, and
    also refuses a store that fails SQLite's quick_check (never write into a damaged file)."""
    from mastoc.store.db import Store, StoreError

    try:
        store = Store.open(readonly=readonly, check=write)
    except StoreError as exc:
        raise CliError(str(exc), EXIT_ERROR) from exc
    if store.readonly_reason:
        if write:
            store.close()
            raise CliError(f"{store.readonly_reason}: nothing can be changed (the store can only be read)",
                           EXIT_ERROR)
        print(f"mastoc: {store.readonly_reason}: opened read-only", file=sys.stderr)
    return store


def cmd_status(args: argparse.Namespace) -> int:
    store = open_store()
    with store:
        info: dict[str, Any] = {
            "data_dir": str(store.directory),
            "database": str(store.path),
            "schema_version": store.schema_version(),
            "counts": store.counts(),
            "faces": [
                {"id": f.id, "stokt_id": f.stokt_id, "name": f.name,
                 "holds": store.conn.execute("SELECT count(*) FROM holds WHERE face_id = ?", (f.id,)).fetchone()[0],
                 "climbs": store.conn.execute("SELECT count(*) FROM climbs WHERE face_id = ?", (f.id,)).fetchone()[0],
                 "photo": bool(f.picture_sha256 and store.image_path(f.picture_sha256))}
                for f in store.faces()
            ],
        }
    if getattr(args, "json", False):
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    print(f"data directory: {info['data_dir']}")
    print(f"database:       {info['database']} (schema {info['schema_version']})")
    for table, n in info["counts"].items():
        print(f"  {table:<17} {n:>8,}")
    for f in info["faces"]:
        photo = "photo ok" if f["photo"] else "no photo"
        print(f"face {f['id']} ({f['name']}, Stokt {f['stokt_id'] or '-'}): {f['holds']} holds, "
              f"{f['climbs']:,} climbs, {photo}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    store = open_store()
    with store:
        target = store.backup_to(args.file)
    print(f"backup written to {target}")
    return 0


def resolve_face(store, key: str | None):  # -> Face
    faces = store.faces()
    if key:
        face = store.face(key)
        if face is None:
            raise CliError(f"unknown face {key!r} (see `mastoc status`)", EXIT_NOT_FOUND)
        return face
    if not faces:
        raise CliError("the store has no face yet: load a backup or import from Stokt first", EXIT_NOT_FOUND)
    return faces[0]


def _grade_bounds(lo: str | None, hi: str | None) -> tuple[float | None, float | None]:
    from mastoc.domain import grades

    def one(text: str) -> tuple[Any, str]:
        try:
            return grades.parse_grade(text)
        except ValueError as exc:
            raise CliError(f"unknown grade {text!r}: {exc}", EXIT_USAGE) from exc

    min_ircra = max_ircra = None
    if lo:
        system, label = one(lo)
        min_ircra = grades.filter_bounds(system, label, None)[0]
    if hi:
        system, label = one(hi)
        max_ircra = grades.filter_bounds(system, None, label)[1]
    return min_ircra, max_ircra


def _hold_filter(text: str):
    from mastoc.domain.models import Role
    from mastoc.store.search import HoldFilter

    t = text.strip().upper()
    role = None
    if t[:1] in ("S", "F", "O", "T"):
        role, t = Role(t[0]), t[1:]
    if not t.isdigit():
        raise CliError(f"bad hold {text!r}: expected a hold id, optionally prefixed by S, F, O or T", EXIT_USAGE)
    return HoldFilter(int(t), role)


def cmd_climbs(args: argparse.Namespace) -> int:
    from mastoc.store import search

    min_ircra, max_ircra = _grade_bounds(args.grade_min, args.grade_max)
    holds_all = tuple(_hold_filter(h) for h in args.hold)
    holds_none = []
    for h in args.without_hold:
        if not h.strip().isdigit():
            raise CliError(f"bad hold {h!r}: expected a hold id", EXIT_USAGE)
        holds_none.append(int(h))
    if args.limit < 0 or args.offset < 0:
        raise CliError("--limit and --offset must not be negative", EXIT_USAGE)
    store = open_store()
    with store:
        face = resolve_face(store, args.face)
        q = search.ClimbQuery(
            face_id=face.id, grade_min=min_ircra, grade_max=max_ircra, setter=args.setter, text=args.text,
            feet_rule=args.feet_rule, benchmark_only=args.benchmark, holds_all=holds_all,
            holds_none=tuple(holds_none), sort=args.sort, reverse=args.reverse,
            limit=args.limit or None, offset=args.offset,
        )
        found = search.search(store.conn, q)
        total = search.count(store.conn, q)
        all_count = search.count(store.conn, search.ClimbQuery(face_id=face.id))
    if args.json:
        print(json.dumps({
            "face_id": face.id, "total": total, "face_total": all_count, "offset": args.offset,
            "climbs": [
                {"id": r.id, "stokt_id": r.stokt_id, "name": r.name, "grade_font": r.grade_font,
                 "grade_ircra": r.grade_ircra, "setter": r.setter_name, "setter_id": r.setter_id,
                 "feet_rule": r.feet_rule, "is_benchmark": r.is_benchmark, "climbed_by": r.climbed_by,
                 "created_at": r.created_at, "holds_list": r.holds_list}
                for r in found
            ],
        }, indent=2, ensure_ascii=False))
        return 0
    for r in found:
        grade = r.grade_font or "?"
        date = (r.created_at or "")[:10]
        bench = " *" if r.is_benchmark else ""
        print(f"{r.id}  {grade:<4} {r.name[:40]:<40}{bench}  {(r.setter_name or '-')[:20]:<20} {date}")
    print(f"{total:,} of {all_count:,} climbs" + (f" (showing {len(found)} from {args.offset})" if total > len(found) else ""))
    return 0


def cmd_load_backup(args: argparse.Namespace) -> int:
    from mastoc.sync.backup import BackupError, load_backup

    store = open_store(write=True)
    try:
        with store:
            report = load_backup(store, args.paths)
    except BackupError as exc:
        raise CliError(f"nothing loaded: {exc}", EXIT_ERROR) from exc
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        for table, c in report.counts.items():
            print(f"{table:<8} {c['new']:>6} new  {c['updated']:>6} updated  {c['unchanged']:>6} unchanged")
        if report.photos:
            print(f"photos   {len(report.photos)} stored")
        for w in report.warnings:
            print(f"warning: {w}", file=sys.stderr)
        for p in report.problems:
            print(f"error: {p}", file=sys.stderr)
        if not report.changed:
            print("nothing changed")
    return EXIT_ERROR if report.problems else 0
