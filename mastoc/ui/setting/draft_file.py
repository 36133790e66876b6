"""The autosaved draft: `set-draft.json` in the data directory, rewritten on every change.

Written to a temporary file and renamed over the old one, so a crash or a `kill -9` at any moment
leaves either the previous draft or the new one, never half a file (the kernel keeps written data
when a process dies; no fsync per click). A file that cannot be read is moved aside to
`set-draft.corrupt.json` and reported in one line; the app keeps running.
"""

from __future__ import annotations

import os
from pathlib import Path

from mastoc.ui.setting.draft import Draft

FILE_NAME = "set-draft.json"
CORRUPT_NAME = "set-draft.corrupt.json"


class DraftFileError(Exception):
    """The draft file exists but is not a draft (already moved aside)."""


def path(directory: Path) -> Path:
    return Path(directory) / FILE_NAME


def save(directory: Path, draft: Draft) -> None:
    target = path(directory)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(draft.to_json(), encoding="utf-8")
    os.replace(tmp, target)


def clear(directory: Path) -> None:
    path(directory).unlink(missing_ok=True)


def load(directory: Path) -> Draft | None:
    """The saved draft, None when there is none; `DraftFileError` (file moved aside) when corrupt."""
    p = path(directory)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        reason = str(exc)
    else:
        try:
            return Draft.from_json(text)
        except ValueError as exc:
            reason = str(exc)
    aside = p.with_name(CORRUPT_NAME)
    try:
        os.replace(p, aside)
    except OSError:
        pass
    raise DraftFileError(f"the draft of the climb being set could not be read ({reason}); "
                         f"it was moved to {aside.name}")
