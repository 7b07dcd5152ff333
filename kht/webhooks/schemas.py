"""Webhook API types. No answer carries a subscription's secret except `WebhookCreated`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from kht.types import Version
from kht.webhooks.catalogue import EventType

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Url = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Kind = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Events = Annotated[list[EventType], msgspec.Meta(min_length=1, max_length=20)]
Kinds = Annotated[list[Kind], msgspec.Meta(max_length=50)]


class WebhookCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A subscription: POST the picked event types (of the listed record kinds; none listed:
    every kind) to `url`."""

    name: Name
    url: Url
    events: Events
    kinds: Kinds = []
    enabled: bool = True


class WebhookUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A partial update carrying the `version` the client was shown (409 when stale).
    Enabling a disabled subscription starts counting failures afresh."""

    version: Version
    name: Name | msgspec.UnsetType = msgspec.UNSET
    url: Url | msgspec.UnsetType = msgspec.UNSET
    events: Events | msgspec.UnsetType = msgspec.UNSET
    kinds: Kinds | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET


class WebhookOut(msgspec.Struct, kw_only=True):
    """A subscription as the API shows it (never its secret)."""

    id: int
    name: str
    url: str
    events: list[str]
    kinds: list[str]
    enabled: bool
    failures: int
    disabled_at: datetime | None
    disabled_reason: str
    version: int
    created_at: datetime
    updated_at: datetime


class WebhookCreated(msgspec.Struct, kw_only=True):
    """A new subscription and its signing secret (`whsec_…`), shown this once only."""

    secret: str
    info: WebhookOut


class WebhookPage(msgspec.Struct, kw_only=True):
    items: list[WebhookOut]
    total: int
    page: int
    page_size: int


class AttemptOut(msgspec.Struct, kw_only=True):
    """One try: when, the receiver's HTTP status (null: no answer), duration, why it failed."""

    at: datetime
    response_status: int | None
    duration_ms: int
    error: str


class DeliveryOut(msgspec.Struct, kw_only=True):
    """A message to one subscription and its tries (newest first)."""

    id: int
    message_id: str
    event_type: str
    kind: str
    record_id: int | None
    is_test: bool
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_response_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    tries: list[AttemptOut]


class DeliveryPage(msgspec.Struct, kw_only=True):
    items: list[DeliveryOut]
    total: int
    page: int
    page_size: int
