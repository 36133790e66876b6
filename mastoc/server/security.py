"""Passwords (argon2id; the first server's bcrypt `$2b$` hashes still verify, with the `bcrypt`
library, and `needs_rehash` tells the caller to replace them), JWT access/refresh tokens, and
API-key comparison.

Access tokens carry `type: "access"`, refresh tokens `type: "refresh"`; a refresh token is never
accepted where an access token is expected. Keys are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import timedelta
from typing import Any

import bcrypt
import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from mastoc.server.timeutil import utcnow

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-same-cost")


def use_cheap_hashing_for_tests() -> None:
    """Tests only: the cheapest argon2 parameters (existing hashes still verify)."""
    global _hasher, _DUMMY_HASH
    from argon2.profiles import CHEAPEST

    _hasher = PasswordHasher.from_parameters(CHEAPEST)
    _DUMMY_HASH = _hasher.hash("not-a-real-password-but-same-cost")
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


_BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")


def is_bcrypt(password_hash: str | None) -> bool:
    return bool(password_hash) and password_hash.startswith(_BCRYPT_PREFIXES)  # type: ignore[union-attr]


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when `password` matches. Spends the same time when there is no hash (no user oracle)."""
    if password_hash is not None and is_bcrypt(password_hash):
        try:
            # bcrypt reads at most 72 bytes; the first server (passlib/bcrypt) did the same
            return bcrypt.checkpw(password.encode("utf-8")[:72], password_hash.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            return False
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str | None) -> bool:
    """True for a hash of an older scheme (bcrypt) or older argon2 parameters."""
    if not password_hash:
        return False
    if is_bcrypt(password_hash):
        return True
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return False


def keys_equal(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_token(secret: str, *, sub: str, kind: str, lifetime: timedelta, **claims: Any) -> str:
    now = utcnow()
    payload = {"sub": sub, "type": kind, "iat": now, "exp": now + lifetime, "jti": uuid.uuid4().hex}
    payload.update(claims)
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def decode_token(secret: str, token: str, kind: str) -> dict[str, Any] | None:
    """The claims of a valid, unexpired token of type `kind`, else None."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "type"]})
    except jwt.PyJWTError:
        return None
    if claims.get("type") != kind or not isinstance(claims.get("sub"), str):
        return None
    return claims
