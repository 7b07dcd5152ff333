"""Secrets kept at rest (mail account passwords, webhook signing secrets), sealed with the
instance key (KHT_SECRET_KEY, else the one the database keeps: kht.instance_key) by Fernet.

Each use derives its own key from the secret key (SHA-256 with a purpose label), so a value
sealed for one purpose, or under one instance key, is unreadable with another (changing
KHT_SECRET_KEY means entering the sealed values again). Plain secrets never
reach the database, the logs, the pages or the API.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from kht.config import Settings
from kht.errors import KhtError

# Purpose labels; changing one makes every value sealed under it unreadable.
MAIL_PASSWORD = "kht mail password"  # noqa: S105 - a key-derivation label
WEBHOOK_SECRET = "kht webhook secret"  # noqa: S105 - a key-derivation label
SMS_SECRET = "kht sms secret"  # noqa: S105 - a key-derivation label


class UnreadableSecret(KhtError):
    """The stored value was sealed under another instance key."""


def _fernet(settings: Settings, purpose: str) -> Fernet:
    if not settings.secret_key:  # a database not migrated yet has no instance key
        raise KhtError("no instance key: run `kht init` first")
    digest = hashlib.sha256(purpose.encode() + b"\0" + settings.secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(settings: Settings, plain: str, purpose: str = MAIL_PASSWORD) -> str:
    """The stored form of `plain` ('' stays '': nothing to keep)."""
    if not plain:
        return ""
    return _fernet(settings, purpose).encrypt(plain.encode()).decode()


def unseal(
    settings: Settings, sealed: str, purpose: str = MAIL_PASSWORD, field: str = "password"
) -> str:
    """The plain value back; UnreadableSecret (naming `field`) when the instance key changed."""
    if not sealed:
        return ""
    try:
        return _fernet(settings, purpose).decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            "the stored secret cannot be read with this instance key: enter it again", field
        ) from None
