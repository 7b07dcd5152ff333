"""Customer API types: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from kht.records.schemas import BulkRequest
from kht.types import Id, Version

CustomerKind = Literal["company", "person"]
CustomerBulkAction = Literal["assign", "tag", "set", "group", "delete", "restore"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Short = Annotated[str, msgspec.Meta(max_length=200)]
Phone = Annotated[str, msgspec.Meta(max_length=40)]
Long = Annotated[str, msgspec.Meta(max_length=300)]
Notes = Annotated[str, msgspec.Meta(max_length=20000)]
Source = Annotated[str, msgspec.Meta(max_length=50)]
Unset = msgspec.UnsetType
UNSET = msgspec.UNSET


class CustomerCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new customer. Owner, version, stage and audit fields are set by services, never sent."""

    name: Name
    kind: CustomerKind = "company"
    phone: Phone = ""
    email: Short = ""
    website: Long = ""
    address: Long = ""
    notes: Notes = ""
    source: Source = ""
    category_id: Id | None = None
    ext: dict[str, dict[str, Any]] = {}


class CustomerUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A partial update; `version` is the one the client was shown (409 when stale)."""

    version: Version
    name: Name | Unset = UNSET
    kind: CustomerKind | Unset = UNSET
    phone: Phone | Unset = UNSET
    email: Short | Unset = UNSET
    website: Long | Unset = UNSET
    address: Long | Unset = UNSET
    notes: Notes | Unset = UNSET
    source: Source | Unset = UNSET
    category_id: Id | None | Unset = UNSET
    ext: dict[str, dict[str, Any]] | Unset = UNSET


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
    source: str
    category_id: int | None
    stage: str
    last_contact_at: datetime | None
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class CustomerBulkRequest(BulkRequest, kw_only=True, forbid_unknown_fields=True):
    """A bulk operation on customers: the shared ones, or `group` (into `group_id`)."""

    action: CustomerBulkAction
    group_id: Id | None = None
