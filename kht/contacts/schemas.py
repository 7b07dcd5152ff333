"""Contact API types: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from kht.types import Id, Version

Role = Literal["decision_maker", "influencer", "user", "gatekeeper", "other"]
Influence = Literal["low", "medium", "high"]
Attitude = Literal["supportive", "neutral", "opposed", "unknown"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Short = Annotated[str, msgspec.Meta(max_length=100)]
Phone = Annotated[str, msgspec.Meta(max_length=40)]
Email = Annotated[str, msgspec.Meta(max_length=200)]
Notes = Annotated[str, msgspec.Meta(max_length=20000)]
Ext = dict[str, dict[str, Any]]
UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


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


class ContactUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A partial update carrying the `version` shown; moving customers is `ContactMove`."""

    version: Version
    name: Name | Unset = UNSET
    title: Short | Unset = UNSET
    department: Short | Unset = UNSET
    role: Role | Unset = UNSET
    influence: Influence | Unset = UNSET
    attitude: Attitude | Unset = UNSET
    phone: Phone | Unset = UNSET
    mobile: Phone | Unset = UNSET
    email: Email | Unset = UNSET
    wechat: Short | Unset = UNSET
    birthday: date | None | Unset = UNSET
    notes: Notes | Unset = UNSET
    ext: Ext | Unset = UNSET


class ContactMove(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Move a contact to another customer (the person changed employer, or was misfiled)."""

    version: Version
    customer_id: Id


class ContactOut(msgspec.Struct, kw_only=True):
    """A contact as the API returns it."""

    id: int
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
    version: int
    ext: Ext
    created_at: datetime
    updated_at: datetime
