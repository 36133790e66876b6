"""`mastoc` without a subcommand: the desktop app, and `--screenshot FILE.png [--climb ID] [--size WxH]`."""

from __future__ import annotations

import argparse
import re

from mastoc.cli.errors import EXIT_USAGE, CliError

_SIZE = re.compile(r"^(\d{2,5})[xX](\d{2,5})$")


def parse_size(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    m = _SIZE.match(text.strip())
    if not m:
        raise CliError(f"--size must look like 1280x800, not {text!r}", EXIT_USAGE)
    return int(m.group(1)), int(m.group(2))


def run_app(args: argparse.Namespace) -> int:
    size = parse_size(getattr(args, "size", None))
    screenshot = getattr(args, "screenshot", None)
    climb = getattr(args, "climb", None)
    from mastoc.ui.app import run

    return run(data_dir=getattr(args, "data_dir", None), screenshot=screenshot, climb=climb, size=size)
