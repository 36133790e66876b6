"""`mastoc railway login|sync|init-from-stokt` and `mastoc backend [use railway|stokt]`.

Thin: everything goes through the sync facade (`mastoc.sync.operations`) or the init flow
(`mastoc.sync.railway_init`). Backend failures become one line with the contract's exit code
(3 auth, 4 network, 5 conflicts needing a decision). Passwords are read from stdin or a prompt
and never echoed; tokens are never printed.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
from typing import Any

from mastoc.cli.errors import (
    EXIT_CONFLICT,
    EXIT_ERROR,
    EXIT_USAGE,
    CliError,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    r = subparsers.add_parser("railway", help="the mastoc server: log in, sync, fill it from Stokt")
    r.set_defaults(func=lambda args: _help(r))
    sub = r.add_subparsers(title="railway commands", metavar="COMMAND", parser_class=subparsers._parser_class)
    p = sub.add_parser("login", help="log in to the mastoc server and keep the session (readable by you only)")
    p.add_argument("--url", metavar="URL", help="server URL (default: $MASTOC_RAILWAY_URL, else the last one used)")
    p.add_argument("--username", required=True, metavar="EMAIL", help="your e-mail (or user name)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_login)
    p = sub.add_parser("sync", help="sync the local store with the server, both ways",
                       description="Receive the server's changes and send the local ones. Conflicts (a record "
                       "changed on both sides) are never decided silently: without --resolve they are left as "
                       "they are and the command exits with 5.")
    p.add_argument("--preview", action="store_true", help="show what would happen, change nothing")
    p.add_argument("--json", action="store_true", help="print the plan / report as JSON")
    p.add_argument("--resolve", choices=("mine", "theirs", "both"),
                   help="decide every conflict: keep the local version, take the server's, or both (climbs: the "
                   "local version becomes a new climb)")
    p.set_defaults(func=cmd_sync)
    p = sub.add_parser("init-from-stokt", help="import everything from Stokt, then upload it (photos included) "
                       "to an empty server")
    p.add_argument("--gym", metavar="GYM_ID", help="Stokt gym id (default: the last imported, else your home gym)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_init)

    b = subparsers.add_parser("backend", help="show or choose the active backend (railway or stokt)")
    b.set_defaults(func=cmd_backend_show)
    bsub = b.add_subparsers(title="backend commands", metavar="COMMAND", parser_class=subparsers._parser_class)
    p = bsub.add_parser("use", help="make railway or stokt the active backend")
    p.add_argument("name", choices=("railway", "stokt"))
    p.set_defaults(func=cmd_backend_use)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _errors(action: str) -> contextlib.AbstractContextManager[None]:
    from mastoc.cli.backend_errors import backend_errors

    return backend_errors(action, "the server", "mastoc railway login --username EMAIL")


def _read_password(prompt: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        return getpass.getpass(prompt)
    except EOFError:
        return ""


def _progress(enabled: bool) -> Any:
    def say(p: Any) -> None:
        if p.wait_seconds is not None and p.wait_seconds >= 1:
            print(f"mastoc: {p.step}", file=sys.stderr)
        elif enabled:
            print(f"\r{p.step[:70]:<70}", end="", file=sys.stderr, flush=True)

    return say


def cmd_login(args: argparse.Namespace) -> int:
    from mastoc.sync import operations as ops

    password = _read_password(f"mastoc server password for {args.username}: ", args.password_stdin)
    if not password:
        raise CliError("no password given", EXIT_USAGE)
    url = args.url or os.environ.get("MASTOC_RAILWAY_URL")
    with _errors("login"):
        account = ops.login("railway", args.username, password, url=url)
        where = ops.backend_url("railway")
    print(f"logged in to {where} as {account}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from mastoc.sync import operations as ops

    show = not args.json and sys.stderr.isatty()
    with _errors("sync"):
        pv = ops.preview(ops.Op.RAILWAY_SYNC, progress=_progress(show))
        conflicts = [i for i in pv.items if i.category == "conflict"]
        if args.resolve == "both":
            bad = [i for i in conflicts if "both" not in i.choices]
            if bad:
                raise CliError(f"--resolve both applies to climbs only; {len(bad)} other conflict(s): "
                               "use mine or theirs", EXIT_USAGE)
        report = None
        if not args.preview:
            report = ops.run(pv, default_resolution=args.resolve, progress=_progress(show))
    if show:
        print("", file=sys.stderr)
    if args.json:
        out: dict[str, Any] = {"preview": pv.as_dict()}
        if report is not None:
            out["report"] = report.as_dict()
        print(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    else:
        _print_sync(pv, report)
    left = len(conflicts) if args.resolve is None else 0
    if left:
        if not args.json:
            print(f"mastoc: {left} conflict(s) need a decision: re-run with --resolve mine|theirs|both",
                  file=sys.stderr)
        return EXIT_CONFLICT
    if report is not None and not report.ok:
        return EXIT_ERROR
    return 0


def _shown(value: Any) -> str:
    text = "—" if value in (None, "") else repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _print_sync(pv: Any, report: Any) -> None:
    print("preview (nothing written)" if report is None else "sync with the mastoc server")
    for entity, counts in sorted(pv.counts.items()):
        parts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts.items()))
        print(f"  {entity:<16} {parts}")
    for i in pv.items:
        if i.category == "conflict" or (i.entity != "hold" and len(pv.items) <= 50):
            print(f"  {i.direction:<4} {i.category:<16} {i.entity:<16} {i.title} ({i.detail})")
        if i.category == "conflict":
            for name, base, mine, theirs in i.compare:  # field by field: the base, mine and theirs
                print(f"        {name}: at the last sync {_shown(base)} · mine {_shown(mine)} · theirs {_shown(theirs)}")
    if report is None:  # (a run's message carries its notes)
        for w in getattr(pv, "warnings", [])[:20]:
            print(f"note: {w}")
    if report is not None:
        print(report.message)
        for e in report.errors[:20]:
            print(f"problem: {e}", file=sys.stderr)


def cmd_init(args: argparse.Namespace) -> int:
    from mastoc.store.paths import data_dir
    from mastoc.sync.railway_init import ServerNotEmptyError, init_from_stokt

    show = not args.json and sys.stderr.isatty()

    def say(step: str, _d: int, _t: int | None) -> None:
        if show:
            print(f"\r{step[:70]:<70}", end="", file=sys.stderr, flush=True)

    try:
        with _errors("init-from-stokt"):
            out = init_from_stokt(data_dir(), gym=args.gym, progress=say)
    except ServerNotEmptyError as exc:
        raise CliError(str(exc), EXIT_ERROR) from None
    finally:
        if show:
            print("", file=sys.stderr)
    s, rep = out["server"], out["sync"]
    if args.json:
        print(json.dumps({"server": s, "import": out["import"], "sync": {"ok": rep.ok, "counts": rep.counts,
                          "errors": rep.errors}, "photos": out["photos"]}, indent=2, ensure_ascii=False))
    else:
        print(f"imported from Stokt: {out['import']['new']} new climb(s)")
        print(f"on the server now: {s.get('faces', 0)} face(s), {s.get('holds', 0)} hold(s), "
              f"{s.get('climbs', 0)} climb(s), {s.get('users', 0)} user(s)")
        for face, sha in out["photos"].items():
            print(f"  photo of face {face}: {sha or 'none'}")
        for e in rep.errors[:20]:
            print(f"problem: {e}", file=sys.stderr)
    return 0 if rep.ok else EXIT_ERROR


def cmd_backend_show(args: argparse.Namespace) -> int:
    from mastoc.sync import operations as ops

    with _errors("backend"):
        st = ops.status()
    state = f"logged in as {st.account}" if st.logged_in else "not logged in"
    last = st.last_success.isoformat(timespec="seconds") if st.last_success else "never"
    print(f"{st.active} ({st.url}, {state}, last sync {last}, {st.pending_local_changes} local change(s) waiting)")
    return 0


def cmd_backend_use(args: argparse.Namespace) -> int:
    from mastoc.sync import operations as ops

    with _errors("backend"):
        ops.set_active_backend(args.name)
    print(f"active backend: {args.name}")
    return 0
