"""The settings API's bodies: any owner's values travel as an object of its Struct's fields."""

from __future__ import annotations

from typing import Any

import msgspec


class SettingsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A save: the version read (0 before the first save) and every field's value (a field
    left out takes its default)."""

    version: int
    settings: dict[str, Any]


class SettingsOut(msgspec.Struct, kw_only=True):
    """An owner's settings (money as decimal strings) and their version."""

    owner: str
    version: int
    settings: dict[str, Any]
