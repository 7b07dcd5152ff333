"""SMS API types: the gateway (never its secret), templates, sending, messages, opt-outs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Clock = Annotated[str, msgspec.Meta(pattern=r"^\d\d:\d\d$")]
Number = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Params = Annotated[
    dict[Annotated[str, msgspec.Meta(pattern=r"^\w{1,40}$")], str], msgspec.Meta(max_length=20)
]
Kind = Literal["customer", "contact", "lead"]
UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class GatewayIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The gateway settings. `config` holds the gateway's non-secret settings (the `http`
    gateway: `endpoint`, `access_key_id`, `region`, `signer` aliyun|none); `secret` (the
    access key secret) is write-only: left out, the stored one stays."""

    gateway: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    config: Annotated[dict[str, Any], msgspec.Meta(max_length=20)] = {}
    secret: Annotated[str, msgspec.Meta(max_length=500)] | Unset = UNSET
    signature: Annotated[str, msgspec.Meta(max_length=40)] = ""
    default_region: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")] = "CN"
    quiet_start: Clock = "21:00"
    quiet_end: Clock = "08:00"
    time_zone: Annotated[str, msgspec.Meta(min_length=1, max_length=60)] = "Asia/Shanghai"
    rate_per_minute: Annotated[int, msgspec.Meta(ge=1, le=6000)] = 60
    per_number_per_day: Annotated[int, msgspec.Meta(ge=0, le=1000)] = 5


class GatewayOut(msgspec.Struct, kw_only=True):
    """The gateway as administrators see it: whether a secret is set, never the secret;
    the callback paths to give the carrier (receipts and replies)."""

    gateway: str
    gateways: list[str]
    config: dict[str, Any]
    has_secret: bool
    signature: str
    default_region: str
    quiet_start: str
    quiet_end: str
    time_zone: str
    rate_per_minute: int
    per_number_per_day: int
    receipts_path: str
    replies_path: str


class TemplateIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An SMS template: its code at the carrier and each parameter's merge text."""

    name: Name
    code: Code
    content: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    params: Params = {}


class TemplatePatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name | Unset = UNSET
    code: Code | Unset = UNSET
    content: Annotated[str, msgspec.Meta(max_length=1000)] | Unset = UNSET
    params: Params | Unset = UNSET


class TemplateOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    code: str
    content: str
    params: dict[str, str]
    created_at: datetime


class TemplateList(msgspec.Struct, kw_only=True):
    items: list[TemplateOut]


class Preview(msgspec.Struct, kw_only=True):
    """A template's parameters filled in for one record."""

    params: dict[str, str]


class SendIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A template SMS to a record, at `number` or the record's phone."""

    template_id: int
    kind: Kind
    record_id: int
    number: Number | None = None


class MessageOut(msgspec.Struct, kw_only=True):
    id: int
    number: str
    template_id: int | None
    template_code: str
    params: dict[str, Any]
    kind: str
    record_id: int | None
    status: str
    attempts: int
    cost: Decimal | None
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None


class MessageList(msgspec.Struct, kw_only=True):
    """Messages with their counts by status and total cost."""

    items: list[MessageOut]
    counts: dict[str, int]
    cost: Decimal


class OptOutIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    number: Number


class OptOutOut(msgspec.Struct, kw_only=True):
    number: str
    source: str
    created_at: datetime


class OptOutList(msgspec.Struct, kw_only=True):
    items: list[OptOutOut]


class CallbackAnswer(msgspec.Struct, kw_only=True):
    """What kht answers a carrier's callback (Aliyun's shape: code 0 is success)."""

    code: int = 0
    msg: str = "OK"
    count: int = 0


class MassIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A template SMS to the records of a saved view or segment (`view_id`) and/or
    `filters` (`field:op:value`), those the sender may see; `campaign_id` narrows it to
    that campaign's members (and makes it the campaign's SMS). `rate_per_minute` (default:
    the gateway's) is how many numbers a minute the worker moves into the outbox."""

    template_id: int
    kind: Kind
    view_id: int | None = None
    filters: Annotated[list[str], msgspec.Meta(max_length=50)] = []
    campaign_id: int | None = None
    name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    rate_per_minute: Annotated[int, msgspec.Meta(ge=1, le=6000)] | None = None


class MassStats(msgspec.Struct, kw_only=True):
    """A mass SMS's figures. At the start: `records` matched, and left out for `no_number`,
    an `invalid` one or a `duplicate` (another record's number). Per number (`recipients`):
    `pending` (not yet a message), `queued` (waiting in the outbox: quiet hours, the
    gateway's rate, a carrier that is down), `sent` (the carrier accepted it, whatever its
    receipt said), `delivered`, `failed` (refused, undelivered, or its parameters could not
    be filled), `opted_out`, `limited` (the number's daily limit), `replied`; `cost` from
    the carrier's receipts."""

    records: int
    no_number: int
    invalid: int
    duplicate: int
    recipients: int
    pending: int
    queued: int
    sent: int
    delivered: int
    failed: int
    opted_out: int
    limited: int
    replied: int
    cost: Decimal


class MassOut(msgspec.Struct, kw_only=True):
    """A mass SMS with its figures."""

    id: int
    name: str
    template_id: int | None
    template_code: str
    kind: str
    view_id: int | None
    filters: list[str]
    origin: str
    status: str
    rate_per_minute: int
    created_by_id: int | None
    created_at: datetime
    stats: MassStats


class MassList(msgspec.Struct, kw_only=True):
    items: list[MassOut]
