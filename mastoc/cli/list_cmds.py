"""`mastoc list …`: climb lists from the shell, through the same edit operations as the app.

create / add / remove / move / status / show / ls / delete / export / import / print. Lists are
named by id, Stokt id or name; climbs by mastoc or Stokt id. Refusals (a climb already in the list,
a bad position or status, a file that is not a list file) print one line and change nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mastoc.cli.errors import EXIT_USAGE, CliError

TYPES = ("personal", "circuit", "project")
STATUSES = ("todo", "in_progress", "done")


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("list", help="climb lists: create, fill, order, export, print")
    group.set_defaults(func=lambda args: _help(group))
    sub = group.add_subparsers(title="list commands", metavar="COMMAND", parser_class=subparsers._parser_class)

    p = sub.add_parser("create", help="create an empty list")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--type", dest="list_type", choices=TYPES, default="personal")
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--public", action="store_true", help="visible to the other users of the server")
    p.set_defaults(func=cmd_create)

    p = sub.add_parser("add", help="add climbs at the end of a list")
    p.add_argument("list", metavar="LIST")
    p.add_argument("climbs", nargs="+", metavar="CLIMB")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("remove", help="take climbs out of a list")
    p.add_argument("list", metavar="LIST")
    p.add_argument("climbs", nargs="+", metavar="CLIMB")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("move", help="move a climb to POSITION (1 = first)")
    p.add_argument("list", metavar="LIST")
    p.add_argument("climb", metavar="CLIMB")
    p.add_argument("position", metavar="POSITION", type=int)
    p.set_defaults(func=cmd_move)

    p = sub.add_parser("status", help="set a climb's status in a list")
    p.add_argument("list", metavar="LIST")
    p.add_argument("climb", metavar="CLIMB")
    p.add_argument("status", metavar="todo|in_progress|done")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("show", help="a list's items in order")
    p.add_argument("list", metavar="LIST")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("ls", help="all lists")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ls)

    p = sub.add_parser("delete", help="delete a list")
    p.add_argument("list", metavar="LIST")
    p.add_argument("--yes", action="store_true", help="do not ask")
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("export", help="write a list to a JSON file")
    p.add_argument("list", metavar="LIST")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="read a list from a JSON file (again: updates, never duplicates)")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("print", help="write a list's printable sheet (PDF)")
    p.add_argument("list", metavar="LIST")
    p.add_argument("file", metavar="FILE.pdf")
    p.set_defaults(func=cmd_print)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _store(readonly: bool = False) -> Any:
    from mastoc.cli.store_cmds import open_store

    return open_store(readonly=readonly)


def _say(changes: Any) -> None:
    for m in getattr(changes, "messages", ()):
        print(m, file=sys.stderr)


def cmd_create(args: argparse.Namespace) -> int:
    from mastoc.edits import lists as ops

    with _store() as store:
        ch = ops.create_list(store, args.name, list_type=args.list_type, description=args.description,
                             is_public=args.public)
        lst = ops.get_list(store, next(iter(ch.lists)))
    print(f"created list {lst.name} ({lst.list_type}{', public' if lst.is_public else ''}) {lst.id}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from mastoc.edits import lists as ops

    with _store() as store:
        lst = ops.find_list(store, args.list)
        ids = [ops.find_climb(store, c) for c in args.climbs]
        ops.add_items(store, lst.id, ids)
        n = ops.get_list(store, lst.id).items
    print(f"added {len(ids)} climb(s) to {lst.name} ({n} in the list)")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from mastoc.edits import lists as ops

    with _store() as store:
        lst = ops.find_list(store, args.list)
        ids = [ops.find_climb(store, c) for c in args.climbs]
        ops.remove_items(store, lst.id, ids)
    print(f"removed {len(ids)} climb(s) from {lst.name}")
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    from mastoc.edits import lists as ops

    with _store() as store:
        lst = ops.find_list(store, args.list)
        ops.move_item(store, lst.id, ops.find_climb(store, args.climb), args.position)
    print(f"moved to position {args.position} of {lst.name}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from mastoc.edits import lists as ops

    with _store() as store:
        lst = ops.find_list(store, args.list)
        ops.set_status(store, lst.id, ops.find_climb(store, args.climb), args.status)
    print(f"status {args.status} in {lst.name}")
    return 0


def _item_json(it: Any) -> dict[str, Any]:
    return {"position": it.position, "climb_id": it.climb_id, "stokt_id": it.climb_stokt_id, "name": it.climb_name,
            "grade": it.grade, "setter": it.setter, "status": it.status, "notes": it.notes,
            "climb_deleted": it.climb_deleted, "item_id": it.id}


def _list_json(lst: Any) -> dict[str, Any]:
    return {"id": lst.id, "name": lst.name, "list_type": lst.list_type, "description": lst.description,
            "is_public": lst.is_public, "stokt_id": lst.stokt_id, "source": lst.source, "items": lst.items,
            "done": lst.done}


def cmd_show(args: argparse.Namespace) -> int:
    from mastoc.edits import lists as ops

    with _store() as store:
        lst = ops.find_list(store, args.list)
        its = ops.items(store, lst.id)
    if args.json:
        print(json.dumps({**_list_json(lst), "items": [_item_json(i) for i in its]}, indent=2, ensure_ascii=False))
        return 0
    print(f"{lst.name} ({lst.list_type}{', public' if lst.is_public else ''}): {lst.done}/{lst.items} done")
    if lst.description:
        print(f"  {lst.description}")
    for it in its:
        flag = "  [climb deleted]" if it.climb_deleted else ""
        note = f"  - {it.notes}" if it.notes else ""
        print(f"{it.position:>3}. {it.climb_name} ({it.grade or '?'}, {it.setter or '?'}) {it.status}{flag}{note}")
    return 0


def cmd_ls(args: argparse.Namespace) -> int:
    from mastoc.edits import lists as ops

    with _store() as store:
        all_ = ops.all_lists(store)
    if args.json:
        print(json.dumps([_list_json(x) for x in all_], indent=2, ensure_ascii=False))
        return 0
    for x in all_:
        print(f"{x.id}  {x.name} ({x.list_type}{', public' if x.is_public else ''}) {x.done}/{x.items} done")
    if not all_:
        print("no lists (create one with: mastoc list create NAME)")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from mastoc.edits import lists as ops

    with _store() as store:
        lst = ops.find_list(store, args.list)
        if not args.yes:
            if not sys.stdin.isatty():
                raise CliError(f"deleting {lst.name} ({lst.items} climbs) needs --yes", EXIT_USAGE)
            answer = input(f"Delete the list {lst.name} ({lst.items} climbs)? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("nothing deleted")
                return 1
        ops.delete_list(store, lst.id)
    print(f"deleted list {lst.name}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from mastoc.edits import list_io
    from mastoc.edits import lists as ops

    with _store() as store:
        lst = ops.find_list(store, args.list)
        path = list_io.export_file(store, lst.id, args.file)
    print(f"wrote {lst.name} ({lst.items} climbs) to {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from mastoc.edits import list_io
    from mastoc.edits import lists as ops

    with _store() as store:
        ch = list_io.import_file(store, args.file)
        lst = ops.get_list(store, next(iter(ch.lists)))
    _say(ch)
    print(f"imported {lst.name}: {lst.items} climbs, {len(ch.messages)} missing")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from mastoc.edits import lists as ops
    from mastoc.sheets.list_sheet import SheetError, write_list_sheet

    with _store() as store:
        lst = ops.find_list(store, args.list)
        try:
            pages = write_list_sheet(store, lst.id, args.file)
        except SheetError as exc:
            raise CliError(str(exc)) from exc
    print(f"wrote {args.file} ({pages} page(s), {lst.items} climbs)")
    return 0
