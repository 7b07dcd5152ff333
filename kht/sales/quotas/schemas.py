"""Quota API types: money travels as decimal strings ("1234.50")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from kht.types import Id, Version

Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]
Target = Literal["user", "department", "branch"]
Period = Literal["month", "quarter", "year"]
Unset = msgspec.UnsetType
UNSET = msgspec.UNSET


class QuotaCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A target for one user, department or branch; `period_start` is the period's first day."""

    target_type: Target
    target_id: Id
    period: Period
    period_start: date
    amount: Decimal
    currency: Currency = "CNY"


class QuotaUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new amount (target and period are the quota's identity: delete and create instead)."""

    version: Version
    amount: Decimal | Unset = UNSET
    currency: Currency | Unset = UNSET


class QuotaOut(msgspec.Struct, kw_only=True):
    """A quota as the API returns it; `period_end` is the period's last day."""

    id: int
    target_type: str
    target_id: int
    target_name: str
    period: str
    period_start: date
    period_end: date
    amount: Decimal
    currency: str
    version: int
    created_at: datetime
    updated_at: datetime
