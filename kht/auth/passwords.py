"""Password hashing with argon2 and generation of strong random passwords."""

from __future__ import annotations

import os
import secrets
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from kht.errors import ValidationError

MIN_LENGTH = 8
# Only the test suite sets this: argon2's cheapest profile makes its many users affordable.
FAST_HASHING_FOR_TESTS = "KHT_INSECURE_FAST_PASSWORD_HASHING"


@cache
def _hasher(fast: bool) -> PasswordHasher:
    return PasswordHasher.from_parameters(profiles.CHEAPEST) if fast else PasswordHasher()


def _current() -> PasswordHasher:
    return _hasher(os.environ.get(FAST_HASHING_FOR_TESTS) == "1")


def hash_password(password: str) -> str:
    """Hash a password after checking it is long enough."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"password must have at least {MIN_LENGTH} characters", "password")
    return _current().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches; never raises on a wrong or malformed hash."""
    try:
        return _current().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random password for a new account (printed once, never stored in clear)."""
    return secrets.token_urlsafe(12)
