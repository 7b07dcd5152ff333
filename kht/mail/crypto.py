"""Mail account passwords, encrypted with the instance key (KHT_SECRET_KEY) by Fernet.

The key is derived from the secret key (SHA-256 with a purpose label), so a password stored
under one instance key is unreadable under another: set KHT_SECRET_KEY, or accounts must
be given their passwords again after a restart. Plain passwords never reach the database,
the logs, the pages or the API.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from kht.config import Settings
from kht.errors import KhtError


class UnreadableSecret(KhtError):
    """The stored password was encrypted under another instance key."""


def _fernet(settings: Settings) -> Fernet:
    digest = hashlib.sha256(b"kht mail password\0" + settings.secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(settings: Settings, password: str) -> str:
    """The stored form of `password` ('' stays '': no password)."""
    if not password:
        return ""
    return _fernet(settings).encrypt(password.encode()).decode()


def unseal(settings: Settings, secret: str) -> str:
    """The password back; UnreadableSecret when the instance key changed."""
    if not secret:
        return ""
    try:
        return _fernet(settings).decrypt(secret.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            "the stored mail password cannot be read with this instance key: enter it again",
            "password",
        ) from None
