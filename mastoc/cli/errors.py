"""Exit codes of the `mastoc` command (a contract: scripts rely on them) and the error that carries one."""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1  # anything else expected: bad file, bad data, unknown id, locked database
EXIT_USAGE = 2  # bad arguments
EXIT_AUTH = 3  # not logged in, wrong password, expired token
EXIT_NETWORK = 4  # backend unreachable, timeouts, rate limited past the retries, 5xx
EXIT_CONFLICT = 5  # the sync has conflicts that need a decision (--resolve)
EXIT_NOT_FOUND = 6  # a gym, face, climb or hold that does not exist


class CliError(Exception):
    """An expected failure: printed as one line, exits with `code`."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code
