"""Hold annotation commands: `mastoc annotate`, `mastoc annotations`, `mastoc maintenance`.

They call the same edit operations (`mastoc.edits.annotations`) and reads (`mastoc.store.annotations`)
as the app. Holds are named by their Stokt id on Stokt faces (or their mastoc id). "Me" is the
logged-in mastoc server account if any, else the person of this data directory (see
`mastoc.store.annotations`); the text output says which.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from mastoc.cli.errors import EXIT_NOT_FOUND, EXIT_USAGE, CliError
from mastoc.domain.models import CONDITIONS, DIFFICULTIES, GRIP_TYPES


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "annotate", help="set or clear my annotation of a hold (grip type, condition, difficulty, notes)",
        description="Set my annotation of a hold. Values are exactly: grip type "
        f"{', '.join(GRIP_TYPES)}; condition {', '.join(CONDITIONS)}; difficulty {', '.join(DIFFICULTIES)}. "
        'An empty value ("") clears that field; --clear removes the whole annotation.',
    )
    p.add_argument("hold", metavar="HOLD_ID", help="the hold's Stokt id (Stokt faces) or mastoc id")
    p.add_argument("--grip", metavar="VALUE", help="grip type")
    p.add_argument("--condition", metavar="VALUE", help="condition")
    p.add_argument("--difficulty", metavar="VALUE", help="difficulty relative to where it sits")
    p.add_argument("--notes", metavar="TEXT", help="free text (at most 5000 characters)")
    p.add_argument("--clear", action="store_true", help="remove my annotation of the hold")
    p.set_defaults(func=cmd_annotate)

    p = subparsers.add_parser("annotations", help="my annotations and the consensus (one hold, or all annotated)")
    p.add_argument("hold", metavar="HOLD_ID", nargs="?", help="one hold (Stokt id or mastoc id)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_annotations)

    p = subparsers.add_parser("maintenance", help="the holds needing attention (condition not ok), and a printable sheet")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--pdf", metavar="FILE", help="write the printable maintenance sheet (wall photo + table) to FILE")
    p.add_argument("--face", metavar="FACE_ID", help="mastoc or Stokt face id (default: the only/first face)")
    p.set_defaults(func=cmd_maintenance)


def whoami(directory: Any) -> str:
    """Who "me" is, in words (never prints a token)."""
    from mastoc.sync.railway_session import load_tokens

    tokens, creds = load_tokens(directory)
    if tokens is not None:
        return f"{(creds.username if creds else None) or tokens.username or 'the mastoc server account'} (logged in)"
    return "this device's user (not logged in to a mastoc server)"


def _store():
    from mastoc.cli.store_cmds import open_store

    return open_store()


def _hold(store, key: str):  # -> HoldRef
    from mastoc.store import annotations as reads

    ref = reads.resolve_hold(store.conn, key)
    if ref is None:
        raise CliError(f"no hold {key} in the store (use its Stokt id or mastoc id); nothing was stored", EXIT_NOT_FOUND)
    return ref


def cmd_annotate(args: argparse.Namespace) -> int:
    from mastoc.edits import annotations as ops
    from mastoc.edits.changes import EditError

    given = {f: v for f, v in (("grip_type", args.grip), ("condition", args.condition),
                               ("difficulty", args.difficulty), ("notes", args.notes)) if v is not None}
    if args.clear and given:
        raise CliError("--clear removes the whole annotation: give it without field values", EXIT_USAGE)
    if not args.clear and not given:
        raise CliError("nothing to set: give --grip, --condition, --difficulty, --notes or --clear", EXIT_USAGE)
    store = _store()
    with store:
        ref = _hold(store, args.hold)
        try:
            changes = ops.clear(store, ref.id) if args.clear else ops.annotate(store, ref.id, **given)
        except EditError as exc:
            raise CliError(str(exc), EXIT_USAGE) from exc
        mine = _mine_dict(store, ref.id)
    if args.clear:
        print(f"hold {ref.public_id}: " + ("annotation removed" if changes else "no annotation to remove"))
    else:
        print(f"hold {ref.public_id}: " + _words(mine) + ("" if changes else " (unchanged)"))
    return 0


def _mine_dict(store, hold_id: str) -> dict[str, Any] | None:
    from mastoc.store import annotations as reads

    a = reads.mine(store.conn, [hold_id]).get(hold_id)
    if a is None:
        return None
    return {"grip_type": a.grip_type, "condition": a.condition, "difficulty": a.difficulty, "notes": a.notes,
            "updated_at": a.updated_at.isoformat() if a.updated_at else None}


def _words(d: dict[str, Any] | None) -> str:
    from mastoc.domain import annotations as dom

    if not d:
        return "-"
    parts = [f"{dom.DIMENSION_LABELS[k].lower()} {d[k]} ({dom.label(k, d[k])})" for k in dom.DIMENSIONS if d.get(k)]
    if d.get("notes"):
        parts.append(f"notes {d['notes']!r}")
    return ", ".join(parts) or "-"


def cmd_annotations(args: argparse.Namespace) -> int:
    from mastoc.domain import annotations as dom
    from mastoc.store import annotations as reads

    store = _store()
    with store:
        refs = reads.holds_by_id(store.conn)
        if args.hold:
            ids = [_hold(store, args.hold).id]
        else:
            ids = sorted(set(reads.mine(store.conn)) | set(reads.consensus(store.conn)),
                         key=lambda h: refs[h].public_id if h in refs else 0)
        cons = reads.consensus(store.conn, ids)
        items = [{"hold": refs[h].public_id, "hold_id": h, "mine": _mine_dict(store, h),
                  "consensus": cons.get(h, dom.consensus([])).as_dict()} for h in ids if h in refs]
        me = whoami(store.directory)
    if args.json:
        print(json.dumps({"me": me, "annotations": items}, indent=2, ensure_ascii=False))
        return 0
    print(f"me: {me}")
    for it in items:
        c = it["consensus"]
        votes = ", ".join(f"{c[d]} {c[f'{d}_votes']}/{c['total_annotators']} ({c[f'{d}_confidence']:.0%})"
                          for d in dom.DIMENSIONS if c[d]) or "-"
        print(f"hold {it['hold']}: mine {_words(it['mine'])}; consensus {votes}")
    if not items:
        print("no annotations" + (" on this hold" if args.hold else ""))
    return 0


def cmd_maintenance(args: argparse.Namespace) -> int:
    from mastoc.cli.store_cmds import resolve_face
    from mastoc.domain import annotations as dom
    from mastoc.store import annotations as reads

    store = _store()
    with store:
        face = resolve_face(store, args.face)
        items = reads.maintenance(store.conn, face.id)
        if args.pdf:
            from mastoc.sheets.maintenance import write_sheet

            write_sheet(store, face, items, args.pdf)
    if args.json:
        print(json.dumps({"face_id": face.id, "items": [
            {"number": i, "hold": it.hold.public_id, "hold_id": it.hold.id, "stokt_id": it.hold.stokt_id,
             "condition": it.condition, "notes": it.notes, "reported_by": it.reported_by,
             "reported_at": it.reported_at} for i, it in enumerate(items, 1)],
            **({"pdf": args.pdf} if args.pdf else {})}, indent=2, ensure_ascii=False))
        return 0
    current = None
    for i, it in enumerate(items, 1):
        if it.condition != current:
            current = it.condition
            print(f"{dom.label('condition', current)} ({current}):")
        stokt = f"Stokt {it.hold.stokt_id}" if it.hold.stokt_id is not None else f"hold {it.hold.num}"
        notes = f" — {it.notes}" if it.notes else ""
        print(f"  {i:>3}. {stokt}{notes}  [{it.reported_by}, {(it.reported_at or '-')[:16]}]")
    print(f"{len(items)} hold(s) need attention" + (f"; sheet written to {args.pdf}" if args.pdf else ""))
    return 0
