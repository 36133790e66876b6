"""The base of errors that are worded for the user (the CLI prints them as one line, the UI shows them)."""

from __future__ import annotations


class UserFacingError(Exception):
    """An expected failure whose message a user can act on. `exit_code` is the CLI's exit status."""

    exit_code = 1
