"""Stokt commands (`mastoc stokt login|import|push`); the `climb` commands live in `climb_cmds`.

These replace the seed's `init_from_stokt` (login + first import) and `sync_stokt` (import + push)
scripts. Backend failures become one line and an exit code from `mastoc.cli.errors`: auth 3,
network 4, conflicts needing a decision 5, not found 6. Tokens and passwords are never printed.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

from mastoc.cli.errors import (
    EXIT_AUTH,
    EXIT_CONFLICT,
    EXIT_ERROR,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    CliError,
)

BACKEND = "stokt"


# -- registration ----------------------------------------------------------------------------------
def register_stokt(sub: argparse._SubParsersAction) -> None:
    """Add login, import and push under the `stokt` group created by `store_cmds`."""
    p = sub.add_parser("login", help="log in to Stokt and store the token (readable by you only)")
    p.add_argument("--base-url", metavar="URL", help="Stokt server (default: $MASTOC_STOKT_URL or www.sostokt.com)")
    p.add_argument("--username", required=True, metavar="EMAIL", help="your Stokt e-mail")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_login)

    p = sub.add_parser("import", help="import a gym from Stokt (faces, holds, photos, climbs, setters)",
                       description="Import a gym from Stokt. The first run imports everything; later runs "
                       "are incremental (newest pages until nothing changes) with a full reconciliation "
                       "when asked or when the last one is older than a week.")
    p.add_argument("--gym", metavar="GYM_ID", help="Stokt gym id (default: the last one imported, else your home gym)")
    p.add_argument("--full", action="store_true", help="walk every page and flag climbs deleted on Stokt")
    p.add_argument("--preview", action="store_true", help="print the plan and change nothing")
    p.add_argument("--json", action="store_true", help="print the plan/report as JSON")
    p.add_argument("--resolve", choices=("mine", "theirs"),
                   help="decide conflicts: keep the local version or take Stokt's (the other is kept in sync_conflicts)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("push", help="push climbs set in mastoc to Stokt, and edits/deletions of climbs on Stokt")
    p.add_argument("climbs", nargs="*", metavar="CLIMB_ID")
    p.add_argument("--all", action="store_true",
                   help="every local climb not on Stokt yet and every climb on Stokt changed here since")
    p.add_argument("--delete-remote", action="store_true",
                   help="also delete on Stokt the climbs deleted here (never without this flag)")
    p.add_argument("--preview", action="store_true", help="say what would be pushed, push nothing")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_push)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


# -- shared helpers --------------------------------------------------------------------------------
def backend_errors(action: str) -> contextlib.AbstractContextManager[None]:
    from mastoc.cli.backend_errors import backend_errors as shared

    return shared(action, "Stokt", "mastoc stokt login --username EMAIL")


@contextlib.contextmanager
def json_failure(enabled: bool, report: Callable[[], dict[str, Any]] | None = None) -> Iterator[None]:
    """With `--json`, a failed run also prints a JSON error object on stdout (the one-line message
    still goes to stderr): {"status": "failed", "error": ..., "exit_code": ..., **report()}."""
    try:
        yield
    except CliError as exc:
        if enabled:
            doc = {**(report() if report else {}), "status": "failed", "error": str(exc), "exit_code": exc.code}
            print(json.dumps(doc, indent=2, ensure_ascii=False))
        raise


def _base_url(creds: Any) -> str:
    from mastoc.backends.stokt.client import ENV_BASE_URL, base_url_from_env

    return base_url_from_env(os.environ.get(ENV_BASE_URL) or (creds.base_url if creds else None))


def _client(on_wait: bool = True) -> Any:
    from mastoc.backends import credentials
    from mastoc.backends.stokt.client import StoktClient

    creds = credentials.load(BACKEND)
    if creds is None:
        raise CliError("not logged in to Stokt: run `mastoc stokt login --username EMAIL`", EXIT_AUTH)

    def waiting(seconds: float, reason: str) -> None:
        if seconds >= 1:
            print(f"mastoc: {reason}", file=sys.stderr)

    return StoktClient(_base_url(creds), creds.token, on_wait=waiting if on_wait else None)


def _open_store(write: bool = True) -> Any:
    from mastoc.cli.store_cmds import open_store

    return open_store(write=write)


# -- login -----------------------------------------------------------------------------------------
def cmd_login(args: argparse.Namespace) -> int:
    from mastoc.backends import credentials
    from mastoc.backends.stokt.client import StoktClient, base_url_from_env

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        try:
            password = getpass.getpass(f"Stokt password for {args.username}: ")
        except EOFError:
            password = ""
    if not password:
        raise CliError("no password given", EXIT_USAGE)
    base = base_url_from_env(args.base_url)
    with StoktClient(base) as client, backend_errors("login"):
        token = client.login(args.username, password)
        from mastoc.backends.errors import BackendError

        account = None
        try:
            me = client.me()
            home = (me.get("homeGym") or {}).get("id") if isinstance(me, dict) else None
            account = me.get("id") if isinstance(me, dict) else None
        except BackendError:  # the profile is a nicety; the token is what matters
            home = None
    credentials.save(credentials.Credentials(BACKEND, token=token, base_url=base, username=args.username,
                                             extra={"home_gym": home} if home else {}))
    if isinstance(account, str):  # climbs this account set on Stokt are "set by me" (editable holds)
        from mastoc.edits.climbs import remember_stokt_account

        with _open_store() as store:
            remember_stokt_account(store, account)
    print(f"logged in to {base} as {args.username}")
    return 0


# -- import ----------------------------------------------------------------------------------------
def cmd_import(args: argparse.Namespace) -> int:
    with json_failure(args.json):
        return _cmd_import(args)


def _cmd_import(args: argparse.Namespace) -> int:
    from mastoc.backends.stokt.client import check_id
    from mastoc.sync.stokt_import import run_import

    if args.gym:
        try:
            check_id("gym", args.gym)
        except ValueError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
    client = _client()
    store = _open_store(write=not args.preview)
    show_progress = not args.json and sys.stderr.isatty()

    def progress(done: int, total: int | None, _msg: str) -> None:
        if show_progress:
            print(f"\rpage {done}/{total or '?'}", end="", file=sys.stderr, flush=True)

    with store, client, backend_errors("import"):
        try:
            plan = run_import(store, client, gym=args.gym, full=True if args.full else None, preview=args.preview,
                              resolve=args.resolve, progress=progress)
        except Exception as exc:
            from mastoc.backends.errors import NotFoundError

            if isinstance(exc, NotFoundError) and args.gym:
                raise CliError(f"import: no gym {args.gym} on Stokt", EXIT_NOT_FOUND) from None
            raise
        finally:
            if show_progress:
                print("", file=sys.stderr)
    if args.json:
        print(json.dumps(plan.as_dict(), indent=2, ensure_ascii=False))
    else:
        _print_import(plan)
    if plan.conflicts:
        if not args.json:
            print(f"mastoc: {len(plan.conflicts)} conflict(s) need a decision: re-run with --resolve mine|theirs",
                  file=sys.stderr)
        return EXIT_CONFLICT
    return 0


def _print_import(plan: Any) -> None:
    c = plan.counts()
    head = "preview (nothing written)" if plan.preview else "import"
    print(f"{head}: {plan.gym_name or plan.gym_stokt_id} ({plan.mode}, {plan.pages} page(s)"
          f"{', resumed' if plan.resumed else ''})")
    for table, v in plan.structure.items():
        print(f"  {table:<8} {v['new']:>6} new {v['updated']:>6} updated {v['unchanged']:>6} unchanged")
    print(f"  climbs   {c['new']:>6} new {c['updated']:>6} updated {c['unchanged']:>6} unchanged "
          f"{c['conflict']:>3} conflict(s) {c['deleted_upstream']:>3} deleted upstream {c['restored']:>3} restored")
    for p in plan.photos:
        print(f"  photo of face {p['face']}: {p['status']}")
    if c["to_push"]:
        print(f"  {c['to_push']} local climb(s) not on Stokt yet (`mastoc stokt push --all`)")
    for a in plan.actions:
        if a.kind in ("conflict", "deleted_upstream"):
            print(f"  {a.kind.replace('_', ' ')}: {a.local_id} {a.name!r}"
                  + (f" ({', '.join(a.fields)})" if a.fields else ""))
    for w in plan.warnings[:20]:
        print(f"warning: {w}", file=sys.stderr)
    for p in plan.problems:
        print(f"problem: {p}", file=sys.stderr)


# -- push ------------------------------------------------------------------------------------------
def cmd_push(args: argparse.Namespace) -> int:
    plans: list[Any] = []
    with json_failure(args.json, lambda: plans[0].as_dict() if plans else {}):
        return _cmd_push(args, plans)


def _cmd_push(args: argparse.Namespace, plans: list[Any]) -> int:
    from mastoc.sync.stokt_push import PushInputError, apply_push, plan_push

    if args.climbs and args.all:
        raise CliError("give climb ids or --all, not both", EXIT_USAGE)
    store = _open_store(write=bool(args.climbs or args.all) and not args.preview)
    with store:
        try:
            plan = plan_push(store, args.climbs or None, delete_remote=args.delete_remote)
            plans.append(plan)
        except PushInputError as exc:
            code = EXIT_NOT_FOUND if exc.kind == "not_found" else EXIT_ERROR
            raise CliError(f"push: {exc}; nothing pushed", code) from None
        dry = args.preview or not (args.climbs or args.all)
        if not dry and (plan.items or plan.updates or (plan.deletes and plan.delete_remote)):
            client = _client()
            with client, backend_errors("push"):
                try:
                    apply_push(store, client, plan)
                except BaseException:
                    if not args.json:  # with --json, `json_failure` prints the plan with the error
                        _print_push(plan, dry)
                    raise
                if args.json:
                    print(json.dumps(plan.as_dict(), indent=2, ensure_ascii=False))
                else:
                    _print_push(plan, dry)
        else:
            if args.json:
                print(json.dumps(plan.as_dict(), indent=2, ensure_ascii=False))
            else:
                _print_push(plan, dry)
                if dry and not args.preview and (plan.items or plan.updates or plan.deletes):
                    print("nothing pushed: give climb ids or --all")
    failed = [st for st in plan.statuses() if st in ("failed", "refused")]
    return EXIT_ERROR if failed else 0


def _print_push(plan: Any, dry: bool) -> None:
    for r in plan.reconciled:
        print(f"reconciled {r['id']} {r['name']!r} -> Stokt {r['stokt_id']} (pushed by an interrupted run)")
    for i in plan.items:
        if dry:
            print(f"would push {i.climb_id} {i.name!r} to face {i.face_stokt_id}")
        elif i.status == "pushed":
            print(f"pushed {i.climb_id} {i.name!r} -> Stokt {i.stokt_id}")
        else:
            print(f"{i.status} {i.climb_id} {i.name!r}" + (f": {i.message}" if i.message else ""))
    for u in plan.updates:
        fields = ", ".join(u.fields)
        if dry:
            print(f"would update {u.climb_id} {u.name!r} on Stokt ({fields})")
        elif u.status == "updated":
            print(f"updated {u.climb_id} {u.name!r} on Stokt ({fields})")
        else:
            print(f"{u.status} {u.climb_id} {u.name!r}" + (f": {u.message}" if u.message else ""))
    for d in plan.deletes:
        if d.status == "not_sent":
            print(f"not deleted on Stokt {d.climb_id} {d.name!r}: deleted here; add --delete-remote to delete it there")
        elif dry:
            print(f"would delete {d.climb_id} {d.name!r} on Stokt")
        elif d.status == "deleted":
            print(f"deleted {d.climb_id} {d.name!r} on Stokt" + (f" ({d.message})" if d.message else ""))
        else:
            print(f"{d.status} {d.climb_id} {d.name!r}" + (f": {d.message}" if d.message else ""))
    for s in plan.skipped:
        print(f"skipped {s['id']} {s['name']!r}: {s['reason']}")
    if not plan.items and not plan.reconciled and not plan.updates and not plan.deletes:
        print("nothing to push")
    else:
        c = plan.categories()
        print(f"create {c['create']} · update {c['update']} · delete {c['delete']}")
