"""Login throttling, counted in the database so every server process agrees.

Failures are keyed on the *account* (its user id, so the user name and the e-mail form are one
account; an unknown name is keyed on itself) together with the client address. Each
(address, account) pair gets `login_max_failures` free failures; after that every new attempt must
wait a delay that doubles with each failure (`login_delay_base_seconds` up to
`login_delay_max_seconds`) counted from the last failure, else 429 with `Retry-After`. The owner,
logging in from their own address, is never slowed by a stranger's guesses. Independently, one
address may fail `login_max_failures_ip` times within `login_window_seconds` across all accounts.
A successful login clears its pair.
"""

from __future__ import annotations

import math
from datetime import timedelta

from fastapi import HTTPException
from sqlalchemy import delete, func, select
from sqlmodel import Session

from mastoc.server import timeutil
from mastoc.server.config import Settings
from mastoc.server.models import LoginFailure, User

MSG_TOO_MANY = "Trop de tentatives de connexion, réessayez plus tard"


def utcnow():  # type: ignore[no-untyped-def]
    return timeutil.utcnow()  # a seam for tests


def account_key(user: User | None, name: str) -> str:
    return f"a:{user.id}" if user is not None else f"n:{name.strip().lower()}"


def _pair(address: str, account: str) -> str:
    return f"p:{address}|{account}"[:300]


def _ip(address: str) -> str:
    return f"ip:{address}"


def delay_after(settings: Settings, failures: int) -> float:
    """Seconds to wait after the last failure, once `failures` failures are on record."""
    extra = failures - settings.login_max_failures
    if extra < 0:
        return 0.0
    return min(settings.login_delay_max_seconds, settings.login_delay_base_seconds * (2 ** min(extra, 30)))


def _too_many(seconds: float) -> HTTPException:
    return HTTPException(429, MSG_TOO_MANY, headers={"Retry-After": str(max(1, math.ceil(seconds)))})


def check(session: Session, settings: Settings, address: str, account: str) -> None:
    now = utcnow()
    since = now - timedelta(seconds=settings.login_window_seconds)
    n_ip = session.execute(select(func.count()).select_from(LoginFailure)
                           .where(LoginFailure.key == _ip(address), LoginFailure.at >= since)).scalar_one()
    if n_ip >= settings.login_max_failures_ip:
        raise _too_many(settings.login_window_seconds)
    pair_since = now - timedelta(seconds=settings.login_pair_window_seconds)
    n, last = session.execute(select(func.count(), func.max(LoginFailure.at))
                              .where(LoginFailure.key == _pair(address, account), LoginFailure.at >= pair_since)).one()
    if n and last is not None:
        wait = delay_after(settings, n) - (now - timeutil.as_utc(last)).total_seconds()
        if wait > 0:
            raise _too_many(wait)


def record_failure(session: Session, settings: Settings, address: str, account: str) -> None:
    now = utcnow()
    keys = [_pair(address, account), _ip(address)]
    for key in keys:
        session.add(LoginFailure(key=key, at=now))
    stale = now - timedelta(seconds=max(settings.login_pair_window_seconds, settings.login_window_seconds))
    session.execute(delete(LoginFailure).where(LoginFailure.key.in_(keys), LoginFailure.at < stale))


def clear(session: Session, address: str, account: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.key == _pair(address, account)))
