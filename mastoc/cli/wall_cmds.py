"""Personal-wall commands: `mastoc wall new|detect|holds|export|import` (a contract, see issue 14).

They call the same operations as the app: `edits.walls` (new wall), `edits.wall_files` (.mastoc
files) and `vision.detect` (proposals only; `detect` never touches the store).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mastoc.cli.errors import EXIT_ERROR, EXIT_NOT_FOUND, EXIT_USAGE, CliError


def register(subparsers: argparse._SubParsersAction) -> None:
    wall = subparsers.add_parser("wall", help="personal walls: new wall from a photo, hold detection, .mastoc files")
    wall.set_defaults(func=lambda args: _help(wall))
    sub = wall.add_subparsers(title="wall commands", metavar="COMMAND", parser_class=subparsers._parser_class)

    p = sub.add_parser("new", help="create a personal wall from a photo; prints the new face id",
                       description="Create a personal wall (gym, wall, face) from a JPEG/PNG/HEIC photo. The photo is "
                       "turned upright, stripped of EXIF/GPS metadata and capped at 4,000 px.")
    p.add_argument("photo", metavar="PHOTO")
    p.add_argument("--name", required=True, metavar="NAME", help="the wall's name")
    p.add_argument("--feet-rule", dest="feet_rules", action="extend", nargs="+", metavar="NAME", default=None,
                   help="a feet rule of the wall (repeatable; default: All feet, Hand holds as feet, No feet, "
                   "Defined feet)")
    p.add_argument("--symmetric", action="store_true", help="the wall is symmetric (climbs can be mirrored)")
    p.add_argument("--gym", metavar="NAME", default=None, help="the personal gym (default: Home)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("detect", help="propose hold outlines for a photo (no store change)")
    p.add_argument("photo", metavar="PHOTO")
    p.add_argument("--json", action="store_true", help='print [{"polygon": [[x, y], ...], "score": s}, ...]')
    p.set_defaults(func=cmd_detect)

    p = sub.add_parser("holds", help="list the holds of a face")
    p.add_argument("face", metavar="FACE_ID")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_holds)

    p = sub.add_parser("export", help="write a personal wall to a .mastoc file")
    p.add_argument("face", metavar="FACE_ID")
    p.add_argument("file", metavar="FILE.mastoc")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="import a .mastoc file (again: nothing duplicated; newer: updated)")
    p.add_argument("file", metavar="FILE.mastoc")
    p.set_defaults(func=cmd_import)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _read_photo(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CliError(f"no file {path}", EXIT_NOT_FOUND) from None
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}", EXIT_ERROR) from None


def cmd_new(args: argparse.Namespace) -> int:
    from mastoc.cli.store_cmds import open_store
    from mastoc.edits import walls

    data = _read_photo(args.photo)
    with open_store() as store:
        changes = walls.new_wall(store, data, name=args.name, gym_name=args.gym, feet_rules=args.feet_rules,
                                 symmetric=args.symmetric, photo_name=Path(args.photo).name)
    (face_id,) = changes.faces
    for message in changes.messages:
        print(message, file=sys.stderr)
    print(face_id)
    return 0


def cmd_detect(args: argparse.Namespace) -> int:
    from mastoc.store.photo_intake import PhotoError, prepare_photo
    from mastoc.vision import detect
    from mastoc.vision.segment import load_rgb

    data = _read_photo(args.photo)
    try:
        prepared = prepare_photo(data, Path(args.photo).name)  # the photo exactly as `wall new` would store it
    except PhotoError as exc:
        raise CliError(str(exc), EXIT_ERROR) from None
    proposals = detect.detect_all(load_rgb(prepared.data))
    if args.json:
        json.dump([p.as_json() for p in proposals], sys.stdout)
        print()
    else:
        print(f"{len(proposals)} hold outlines proposed on {prepared.width}x{prepared.height} px")
    return 0


def cmd_holds(args: argparse.Namespace) -> int:
    from mastoc.cli.store_cmds import open_store
    from mastoc.domain import geometry

    with open_store(readonly=True) as store:
        face = store.face(args.face)
        if face is None:
            raise CliError(f"no face {args.face}", EXIT_NOT_FOUND)
        holds = store.holds(face.id)
    if args.json:
        out = [{"id": h.id, "num": h.num, "stokt_id": h.stokt_id,
                "polygon": [[x, y] for x, y in geometry.outline(h)],
                "centroid": list(geometry.centroid(h)) if h.polygon_str else None} for h in holds]
        json.dump(out, sys.stdout)
        print()
        return 0
    print(f"{len(holds)} holds on {face.name or face.id}")
    for h in holds:
        cx, cy = geometry.centroid(h)
        print(f"{h.num}\t{cx:.0f},{cy:.0f}\t{len(geometry.outline(h))} points\t{h.id}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from mastoc.cli.store_cmds import open_store
    from mastoc.edits import wall_files

    with open_store(readonly=True) as store:
        face = store.face(args.face)
        if face is None:
            raise CliError(f"no face {args.face}", EXIT_NOT_FOUND)
        counts = wall_files.export_wall(store, face.id, args.file)
    print(f"wrote {args.file}: {counts['holds']} holds, {counts['climbs']} climbs, "
          f"{counts['hold_annotations']} annotations, {counts['climb_lists']} lists")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from mastoc.cli.store_cmds import open_store
    from mastoc.edits import wall_files

    with open_store() as store:
        _changes, report = wall_files.import_wall(store, args.file)
    print(report.summary())
    for message in report.messages:
        print(message)
    return 0
