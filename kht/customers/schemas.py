"""Customer API types: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

CustomerKind = Literal["company", "person"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Short = Annotated[str, msgspec.Meta(max_length=200)]


class CustomerCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new customer. Owner, version and audit fields are set by the service, never sent."""

    name: Name
    kind: CustomerKind = "company"
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""
    email: Short = ""
    website: Annotated[str, msgspec.Meta(max_length=300)] = ""
    address: Annotated[str, msgspec.Meta(max_length=300)] = ""
    notes: Annotated[str, msgspec.Meta(max_length=20000)] = ""
    ext: dict[str, dict[str, Any]] = {}


class CustomerUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A partial update; `version` is the one the client was shown (409 when stale)."""

    version: int
    name: Name | msgspec.UnsetType = msgspec.UNSET
    kind: CustomerKind | msgspec.UnsetType = msgspec.UNSET
    phone: Annotated[str, msgspec.Meta(max_length=40)] | msgspec.UnsetType = msgspec.UNSET
    email: Short | msgspec.UnsetType = msgspec.UNSET
    website: Annotated[str, msgspec.Meta(max_length=300)] | msgspec.UnsetType = msgspec.UNSET
    address: Annotated[str, msgspec.Meta(max_length=300)] | msgspec.UnsetType = msgspec.UNSET
    notes: Annotated[str, msgspec.Meta(max_length=20000)] | msgspec.UnsetType = msgspec.UNSET
    ext: dict[str, dict[str, Any]] | msgspec.UnsetType = msgspec.UNSET


class CustomerOut(msgspec.Struct, kw_only=True):
    """A customer as the API returns it."""

    id: int
    name: str
    kind: str
    phone: str
    email: str
    website: str
    address: str
    notes: str
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    created_at: datetime
    updated_at: datetime


class CustomerPage(msgspec.Struct, kw_only=True):
    """One page of a customer list."""

    items: list[CustomerOut]
    total: int
    page: int
    page_size: int
