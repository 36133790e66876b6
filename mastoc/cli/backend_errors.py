"""Backend failures turned into one-line `CliError`s with the contract's exit codes (shared by the
Stokt and Railway commands; only the service's name and its log-in command differ)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from mastoc.cli.errors import EXIT_AUTH, EXIT_ERROR, EXIT_NETWORK, EXIT_NOT_FOUND, CliError


@contextlib.contextmanager
def backend_errors(action: str, service: str, login_command: str) -> Iterator[None]:
    """Run a backend call; `service` names the backend in messages ("Stokt", "the server")."""
    from mastoc.backends import errors as be
    from mastoc.store.db import StoreError

    try:
        yield
    except be.AuthError as exc:
        if action == "login":
            raise CliError(f"login failed: {service} refused the e-mail or password", EXIT_AUTH) from None
        hint = "" if login_command in str(exc) else f"; run `{login_command}`"
        raise CliError(f"{action}: {exc}{hint}", EXIT_AUTH) from None
    except be.ServerTooOldError as exc:
        raise CliError(f"{action}: {exc}", EXIT_NOT_FOUND) from None
    except be.NotFoundError as exc:
        raise CliError(f"{action}: not found on {service} ({exc})", EXIT_NOT_FOUND) from None
    except be.RateLimitedError as exc:
        wait = f"; retry in {exc.retry_after:.0f} s" if exc.retry_after else ""
        raise CliError(f"{action}: {service} is rate limiting us{wait}", EXIT_NETWORK) from None
    except (be.TransientError, be.ProtocolError) as exc:
        raise CliError(f"{action}: {exc}", EXIT_NETWORK) from None
    except be.CancelledError:
        raise CliError(f"{action}: cancelled", EXIT_ERROR) from None
    except be.BackendError as exc:
        raise CliError(f"{action}: {exc}", EXIT_ERROR) from None
    except StoreError as exc:
        raise CliError(f"{action}: {exc}", EXIT_ERROR) from None
