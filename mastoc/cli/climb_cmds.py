"""Climb commands: `mastoc climb add|show|edit|delete`, on the edit operations of `mastoc.edits.climbs`.

Climb ids are mastoc or Stokt ids. Refusals are one line: bad input exits 2, an unknown climb or
face 6 (the CLI's not-found code), nothing having been written.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from typing import Any

from mastoc.cli.errors import EXIT_NOT_FOUND, EXIT_USAGE, CliError


def register(subparsers: argparse._SubParsersAction) -> None:
    climb = subparsers.add_parser("climb", help="set, show, edit and delete climbs locally")
    climb.set_defaults(func=lambda args: _help(climb))
    sub = climb.add_subparsers(title="climb commands", metavar="COMMAND", parser_class=subparsers._parser_class)

    p = sub.add_parser("add", help="set a climb on a face (push it to Stokt with `mastoc stokt push`)")
    p.add_argument("--face", required=True, metavar="FACE_ID", help="mastoc or Stokt face id")
    p.add_argument("--holds", required=True, metavar="HOLDS",
                   help='holds list, e.g. "S829284 O829309 F829104 T829220" (Stokt hold ids on Stokt faces)')
    p.add_argument("--name", required=True)
    p.add_argument("--grade", required=True, help="e.g. 6A, V4, 2Q, 18.5")
    p.add_argument("--feet-rule", metavar="NAME", help="one of the face's feet rules")
    p.add_argument("--private", action="store_true")
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--json", action="store_true", help="print the new climb as JSON")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("show", help="a climb: holds with roles, grades, state towards Stokt")
    p.add_argument("climb", metavar="CLIMB_ID", help="mastoc or Stokt climb id")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("edit", help="change a climb (holds only on climbs you set)")
    p.add_argument("climb", metavar="CLIMB_ID", help="mastoc or Stokt climb id")
    p.add_argument("--holds", metavar="HOLDS", help='holds list, e.g. "S829284 O829309 T829220"')
    p.add_argument("--name")
    p.add_argument("--grade", help="e.g. 6A, V4, 2Q, 18.5")
    p.add_argument("--feet-rule", metavar="NAME", help="one of the face's feet rules")
    p.add_argument("--description", metavar="TEXT")
    privacy = p.add_mutually_exclusive_group()
    privacy.add_argument("--private", dest="private", action="store_const", const=True, default=None)
    privacy.add_argument("--public", dest="private", action="store_const", const=False)
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser("delete", help="delete a climb (list items pointing at it are kept, flagged)")
    p.add_argument("climb", metavar="CLIMB_ID", help="mastoc or Stokt climb id")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_delete)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


@contextlib.contextmanager
def _edit_errors() -> Iterator[None]:
    from mastoc.edits.changes import EditError, NotFoundEditError

    try:
        yield
    except NotFoundEditError as exc:
        raise CliError(str(exc), EXIT_NOT_FOUND) from None
    except EditError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def _open_store(write: bool = True) -> Any:
    """The store; for commands that change it, refused when read-only or damaged (one line)."""
    from mastoc.cli.store_cmds import open_store

    return open_store(write=write)


def _climb(store: Any, key: str) -> Any:
    climb = store.climb(key)
    if climb is None:
        raise CliError(f"no climb {key!r} (give a mastoc or Stokt climb id)", EXIT_NOT_FOUND)
    return climb


def cmd_add(args: argparse.Namespace) -> int:
    from mastoc.edits import climbs

    store = _open_store()
    with store, _edit_errors():
        face = store.face(args.face)
        if face is None:
            raise CliError(f"unknown face {args.face!r} (see `mastoc status`)", EXIT_NOT_FOUND)
        changes = climbs.set_climb(store, climbs.ClimbInput(
            face_id=face.id, name=args.name, holds=args.holds, grade=args.grade, feet_rule=args.feet_rule,
            description=args.description, is_private=args.private))
        climb = store.climb(next(iter(changes.climbs)))
        dups = climbs.find_duplicates(store, face.id, climb.holds_list, exclude=climb.id, limit=3)
    for d in dups:
        print(f"mastoc: warning: {climbs.describe(d)} [{d.climb_id}]", file=sys.stderr)
    if args.json:
        print(json.dumps({"id": climb.id, "face_id": climb.face_id, "name": climb.name,
                          "holds_list": climb.holds_list, "grade_font": climb.grade_font,
                          "feet_rule": climb.feet_rule, "is_private": climb.is_private}, ensure_ascii=False))
    else:
        print(climb.id)
    return 0


def show_dict(store: Any, climb: Any) -> dict[str, Any]:
    from mastoc.domain import grades, holdslist
    from mastoc.edits import climbs

    try:
        refs = holdslist.canonical(holdslist.parse(climb.holds_list))
    except holdslist.HoldsListError:
        refs = ()
    role_names = {"S": "start", "F": "feet", "O": "hand", "T": "top"}
    return {
        "id": climb.id, "stokt_id": climb.stokt_id, "face_id": climb.face_id, "name": climb.name,
        "state": climbs.push_state(store, climb),
        "changed": {k: {"pushed": v[0], "now": v[1]} for k, v in climbs.changed_since_push(store, climb.id).items()},
        "holds_list": climb.holds_list,
        "holds": [{"hold": r.hold, "role": role_names[r.role.value]} for r in refs],
        "mirror_holds_list": climb.mirror_holds_list,
        "grades": {s.value: grades.label(s, climb.grade_ircra) for s in grades.GradeSystem},
        "grade_ircra": climb.grade_ircra, "feet_rule": climb.feet_rule, "description": climb.description,
        "is_private": climb.is_private, "setter": climb.setter_name, "source": climb.source.value,
        "set_by_me": climbs.set_by_me(store, climb), "created_at": climb.created_at.isoformat() if climb.created_at else None,
    }


def cmd_show(args: argparse.Namespace) -> int:
    store = _open_store(write=False)
    with store:
        info = show_dict(store, _climb(store, args.climb))
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    g = info["grades"]
    print(f"{info['name']}  ({info['id']}{', Stokt ' + info['stokt_id'] if info['stokt_id'] else ''})")
    print(f"  state:  {info['state']}" + (f" ({', '.join(info['changed'])})" if info["changed"] else ""))
    print(f"  grade:  {g['font']} Font · {g['hueco']} · {g['dankyu']} · IRCRA {g['ircra']}")
    print(f"  setter: {info['setter'] or '-'}{' (you)' if info['set_by_me'] else ''}   feet: {info['feet_rule'] or '-'}"
          f"   {'private' if info['is_private'] else 'public'}")
    for role in ("start", "hand", "feet", "top"):
        nums = [str(h["hold"]) for h in info["holds"] if h["role"] == role]
        if nums:
            print(f"  {role + ':':<7} {' '.join(nums)}")
    if info["description"]:
        print(f"  {info['description']}")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from mastoc.edits import climbs

    given: dict[str, Any] = {}
    for arg, key in (("holds", "holds"), ("name", "name"), ("grade", "grade"), ("feet_rule", "feet_rule"),
                     ("description", "description"), ("private", "is_private")):
        value = getattr(args, arg)
        if value is not None:
            given[key] = value
    if not given:
        raise CliError("nothing to change: give --holds, --name, --grade, --feet-rule, --description, "
                       "--private or --public", EXIT_USAGE)
    store = _open_store()
    with store, _edit_errors():
        climb = _climb(store, args.climb)
        changes = climbs.edit_climb(store, climb.id, **given)
        state = climbs.push_state(store, store.climb(climb.id))
    print(f"{'changed' if changes else 'unchanged'} {climb.id} ({state})")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from mastoc.edits import climbs

    store = _open_store()
    with store, _edit_errors():
        climb = _climb(store, args.climb)
        lists = [r[0] for r in store.conn.execute(
            "SELECT coalesce(l.name, li.list_id) FROM list_items li LEFT JOIN climb_lists l ON l.id = li.list_id "
            "WHERE li.climb_id = ? ORDER BY 1", (climb.id,))]
        if not args.yes:
            where = f" It is in {len(lists)} list(s): {', '.join(lists)} (kept there, flagged)." if lists else ""
            if not sys.stdin.isatty():
                raise CliError(f"delete {climb.name!r}? re-run with --yes to confirm.{where}", EXIT_USAGE)
            answer = input(f"Delete {climb.name!r} ({climb.id})?{where} [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("nothing deleted")
                return 0
        changes = climbs.delete_climb(store, climb.id)
    for m in changes.messages:
        print(f"mastoc: {m}", file=sys.stderr)
    on_stokt = "; delete it on Stokt with `mastoc stokt push --all --delete-remote`" if climb.stokt_id else ""
    print(f"deleted {climb.id} {climb.name!r}{on_stokt}")
    return 0
