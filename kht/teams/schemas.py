"""Record team API types: a member to add, and a member as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec


class TeamMemberIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Put a user on a record's team (again: their role and access change)."""

    user_id: int
    role: str = ""
    access: Literal["read", "edit"] = "read"


class TeamMemberOut(msgspec.Struct, kw_only=True):
    """One member of a record's team."""

    user_id: int
    name: str
    role: str
    access: str
    added_at: datetime


class TeamList(msgspec.Struct, kw_only=True):
    items: list[TeamMemberOut]
    total: int
