"""Contact API types: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from kht.records.schemas import RecordOut, update_schema
from kht.types import Ext, Id, Notes, Phone, Version

Role = Literal["decision_maker", "influencer", "user", "gatekeeper", "other"]
Influence = Literal["low", "medium", "high"]
Attitude = Literal["supportive", "neutral", "opposed", "unknown"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Short = Annotated[str, msgspec.Meta(max_length=100)]
Email = Annotated[str, msgspec.Meta(max_length=200)]


class ContactCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new contact at a customer the caller can see; the creator becomes its owner."""

    customer_id: Id
    name: Name
    title: Short = ""
    department: Short = ""
    role: Role = "other"
    influence: Influence = "medium"
    attitude: Attitude = "unknown"
    phone: Phone = ""
    mobile: Phone = ""
    email: Email = ""
    wechat: Short = ""
    birthday: date | None = None
    notes: Notes = ""
    ext: Ext = {}


ContactUpdate = update_schema(
    ContactCreate,
    "ContactUpdate",
    "A partial update carrying the `version` shown; moving customers is `ContactMove`.",
    drop=("customer_id",),
)


class ContactMove(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Move a contact to another customer (the person changed employer, or was misfiled)."""

    version: Version
    customer_id: Id


class ContactOut(RecordOut, kw_only=True):
    """A contact as the API returns it."""

    customer_id: int | None
    name: str
    title: str
    department: str
    role: str
    influence: str
    attitude: str
    phone: str
    mobile: str
    email: str
    wechat: str
    birthday: date | None
    notes: str
    owner_id: int | None
