"""Lead API types: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from kht.types import Id, Version

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Company = Annotated[str, msgspec.Meta(max_length=200)]
Short = Annotated[str, msgspec.Meta(max_length=100)]
Phone = Annotated[str, msgspec.Meta(max_length=40)]
Email = Annotated[str, msgspec.Meta(max_length=200)]
Source = Annotated[str, msgspec.Meta(max_length=50)]
Notes = Annotated[str, msgspec.Meta(max_length=20000)]
Reason = Annotated[str, msgspec.Meta(max_length=300)]
Ext = dict[str, dict[str, Any]]
# Statuses an edit may set; qualify, discard and convert have their own endpoints.
OpenStatus = Literal["new", "working"]
UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class LeadCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new lead (status `new`); the creator becomes its owner."""

    name: Name
    company: Company = ""
    title: Short = ""
    phone: Phone = ""
    email: Email = ""
    source: Source = ""
    notes: Notes = ""
    ext: Ext = {}


class LeadUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A partial update carrying the `version` shown (409 when stale)."""

    version: Version
    name: Name | Unset = UNSET
    company: Company | Unset = UNSET
    title: Short | Unset = UNSET
    phone: Phone | Unset = UNSET
    email: Email | Unset = UNSET
    source: Source | Unset = UNSET
    status: OpenStatus | Unset = UNSET
    notes: Notes | Unset = UNSET
    ext: Ext | Unset = UNSET


class LeadQualify(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Mark a lead qualified; `version` (optional) guards against a stale page."""

    version: Version | None = None


class LeadDiscard(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Discard a lead; the reason is required (why it is no good)."""

    reason: Reason
    version: Version | None = None


class LeadConvert(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Convert a lead: into a new customer, or attach it to `customer_id` (in scope).

    `create_opportunity` asks the sales plugins (listening to LeadConverted) for an
    opportunity as well.
    """

    version: Version
    customer_id: Id | None = None
    create_contact: bool = True
    create_opportunity: bool = False


class WebLead(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What the public web form captures (no custom fields: visitors do not see them)."""

    name: Name
    company: Company = ""
    title: Short = ""
    phone: Phone = ""
    email: Email = ""
    message: Notes = ""


class LeadOut(msgspec.Struct, kw_only=True):
    """A lead as the API returns it."""

    id: int
    name: str
    company: str
    title: str
    phone: str
    email: str
    source: str
    status: str
    discard_reason: str
    notes: str
    customer_id: int | None
    contact_id: int | None
    converted_at: datetime | None
    owner_id: int | None
    version: int
    ext: Ext
    created_at: datetime
    updated_at: datetime


class DuplicateOut(msgspec.Struct, kw_only=True):
    """A record that looks like the same person or company, and why."""

    kind: str
    id: int
    name: str
    why: list[str]


class ConversionOut(msgspec.Struct, kw_only=True):
    """The converted lead and what it became."""

    lead: LeadOut
    customer_id: int
    contact_id: int | None
