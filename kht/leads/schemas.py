"""Lead API types: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from kht.records.schemas import RecordOut, update_schema
from kht.types import Email, Ext, Id, Notes, Phone, Version

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Company = Annotated[str, msgspec.Meta(max_length=200)]
Short = Annotated[str, msgspec.Meta(max_length=100)]
Source = Annotated[str, msgspec.Meta(max_length=50)]
Reason = Annotated[str, msgspec.Meta(max_length=300)]
# Statuses an edit may set; qualify, discard and convert have their own endpoints.
OpenStatus = Literal["new", "working"]


class LeadCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new lead (status `new`); the creator becomes its owner."""

    name: Name
    company: Company = ""
    title: Short = ""
    phone: Phone = ""
    email: Email = ""
    source: Source = ""
    notes: Notes = ""
    # The campaign the lead came from (an import's campaign column).
    campaign_id: Id | None = None
    ext: Ext = {}


LeadUpdate = update_schema(
    LeadCreate,
    "LeadUpdate",
    "A partial update carrying the `version` shown (409 when stale).",
    more=(("status", OpenStatus),),
)


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
    # The code of the campaign whose page links to the form (`/forms/lead?campaign=CODE`).
    campaign: Annotated[str, msgspec.Meta(max_length=40)] = ""


class LeadOut(RecordOut, kw_only=True):
    """A lead as the API returns it."""

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
    campaign_id: int | None = None


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
