"""Customer API types: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from kht.records.schemas import BulkRequest, RecordOut, update_schema
from kht.types import Ext, Id, Notes, Phone

CustomerKind = Literal["company", "person"]
CustomerBulkAction = Literal["assign", "tag", "set", "group", "delete", "restore"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Short = Annotated[str, msgspec.Meta(max_length=200)]
Long = Annotated[str, msgspec.Meta(max_length=300)]
Source = Annotated[str, msgspec.Meta(max_length=50)]


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
    # The parent company (group -> subsidiary -> branch); see kht.customers.hierarchy.
    parent_id: Id | None = None
    ext: Ext = {}


CustomerUpdate = update_schema(
    CustomerCreate,
    "CustomerUpdate",
    "A partial update; `version` is the one the client was shown (409 when stale).",
)


class CustomerOut(RecordOut, kw_only=True):
    """A customer as the API returns it."""

    name: str
    kind: str
    phone: str
    email: str
    website: str
    address: str
    notes: str
    source: str
    category_id: int | None
    parent_id: int | None
    group_id: int | None
    stage: str
    last_contact_at: datetime | None
    owner_id: int | None
    tags: list[str]
    deleted_at: datetime | None


class CustomerBulkRequest(BulkRequest, kw_only=True, forbid_unknown_fields=True):
    """A bulk operation on customers: the shared ones, or `group` (into `group_id`)."""

    action: CustomerBulkAction
    group_id: Id | None = None
