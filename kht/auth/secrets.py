"""Random credentials and their stored form: only a SHA-256 digest ever reaches the database."""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    """A fresh unguessable value (256 bits), optionally prefixed for recognisability."""
    return prefix + secrets.token_urlsafe(32)


def digest(value: str) -> str:
    """The stored form of a session id or API token."""
    return hashlib.sha256(value.encode()).hexdigest()
