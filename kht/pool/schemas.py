"""Pool and category API types: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from kht.types import Version

CategoryName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Days = Annotated[int, msgspec.Meta(ge=0, le=3650)]
Position = Annotated[int, msgspec.Meta(ge=0, le=100000)]
Reason = Annotated[str, msgspec.Meta(max_length=300)]
# A category's estimated wallet (what one customer of it spends in all on what we sell),
# checked as money by the service (kht.pool.categories).
Wallet = Decimal


class ReleaseIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Put a customer back into the pool: the version the client was shown, and why."""

    version: Version
    reason: Reason


class PoolCustomerOut(msgspec.Struct, kw_only=True):
    """A customer as the pool shows it (no owner: that is the point)."""

    id: int
    name: str
    kind: str
    phone: str
    email: str
    category_id: int | None
    stage: str
    last_contact_at: datetime | None
    version: int
    updated_at: datetime


class PoolPage(msgspec.Struct, kw_only=True):
    """One page of the pool."""

    items: list[PoolCustomerOut]
    total: int
    page: int
    page_size: int


class ClaimOut(msgspec.Struct, kw_only=True):
    """The result of a claim or a release: the customer's new owner and version."""

    id: int
    owner_id: int | None
    version: int
    claimed_at: datetime | None


class CategoryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new category; `reclaim_days` null or 0 means its customers are never reclaimed."""

    name: CategoryName
    reclaim_days: Days | None = None
    position: Position = 0
    wallet: Wallet | None = None


class CategoryUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A partial change of a category; `reclaim_days: null` switches reclaiming off."""

    name: CategoryName | msgspec.UnsetType = msgspec.UNSET
    reclaim_days: Days | None | msgspec.UnsetType = msgspec.UNSET
    position: Position | msgspec.UnsetType = msgspec.UNSET
    wallet: Wallet | None | msgspec.UnsetType = msgspec.UNSET


class CategoryOut(msgspec.Struct, kw_only=True):
    """A category as the API returns it."""

    id: int
    name: str
    reclaim_days: int | None
    position: int
    wallet: Decimal | None = None


class CategoryList(msgspec.Struct, kw_only=True):
    items: list[CategoryOut]
    total: int
