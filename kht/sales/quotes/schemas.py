"""Quote API types: money and rates travel as decimal strings ("1234.50", "0.13")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec

from kht.types import Id, Version

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Description = Annotated[str, msgspec.Meta(max_length=300)]
Unit = Annotated[str, msgspec.Meta(max_length=20)]
Text = Annotated[str, msgspec.Meta(max_length=20000)]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]
TemplateKey = Annotated[str, msgspec.Meta(min_length=1, max_length=60, pattern="^[a-z0-9_.-]+$")]
TemplateName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Body = Annotated[str, msgspec.Meta(min_length=1, max_length=200000)]
Unset = msgspec.UnsetType
UNSET = msgspec.UNSET


class LineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One line. With a `product_id`, a missing description/unit comes from the catalogue,
    a missing `unit_price` from `price_for` (the customer's price list) and a missing
    `tax_rate` from the product; without one, they are entered by hand."""

    product_id: Id | None = None
    description: Description = ""
    unit: Unit = ""
    quantity: Decimal = Decimal("1")
    unit_price: Decimal | None = None
    discount_rate: Decimal = Decimal("0")
    tax_rate: Decimal | None = None


class QuoteCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new draft quote; `number` and totals are made by the service."""

    title: Title
    customer_id: Id
    contact_id: Id | None = None
    opportunity_id: Id | None = None
    template_id: Id | None = None
    currency: Currency = "CNY"
    quote_date: date | None = None
    valid_until: date | None = None
    terms: Text | None = None
    notes: Text = ""
    lines: list[LineIn] = []
    ext: dict[str, dict[str, Any]] = {}


class LinesChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What a partial change of a quote or an order carries besides its own fields: the
    version shown, its contact, currency and notes, its custom fields, and `lines`, which
    when given replace every line (an empty list only with `clear_lines: true`)."""

    version: Version
    contact_id: Id | None | Unset = UNSET
    currency: Currency | Unset = UNSET
    notes: Text | Unset = UNSET
    lines: list[LineIn] | Unset = UNSET
    # An empty `lines` removes every line only with this flag (a broken form must not).
    clear_lines: bool = False
    ext: dict[str, dict[str, Any]] | Unset = UNSET


class QuoteUpdate(LinesChange, kw_only=True, forbid_unknown_fields=True):
    """A partial change of a draft (see LinesChange)."""

    title: Title | Unset = UNSET
    opportunity_id: Id | None | Unset = UNSET
    template_id: Id | None | Unset = UNSET
    quote_date: date | Unset = UNSET
    valid_until: date | None | Unset = UNSET
    terms: Text | Unset = UNSET


class VersionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The version the client was shown (a status change on a stale copy is a 409)."""

    version: Version | None = None


class LineOut(msgspec.Struct, kw_only=True):
    id: int
    position: int
    product_id: int | None
    description: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    discount_rate: Decimal
    tax_rate: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


class QuoteOut(msgspec.Struct, kw_only=True):
    """A quote as the API returns it; `status` already says `expired` when it lapsed."""

    id: int
    number: str
    revision: int
    title: str
    customer_id: int
    contact_id: int | None
    opportunity_id: int | None
    price_list_id: int | None
    template_id: int | None
    status: str
    currency: str
    quote_date: date
    valid_until: date | None
    terms: str
    notes: str
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal
    owner_id: int | None
    order_id: int | None
    sent_at: datetime | None
    decided_at: datetime | None
    version: int
    ext: dict[str, dict[str, Any]]
    lines: list[LineOut]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class TemplateCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A print layout: a sandboxed Jinja template (see the README for its variables)."""

    key: TemplateKey
    name: TemplateName
    body: Body
    terms: Text = ""
    is_default: bool = False
    active: bool = True


class TemplateUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: Version
    name: TemplateName | Unset = UNSET
    body: Body | Unset = UNSET
    terms: Text | Unset = UNSET
    is_default: bool | Unset = UNSET
    active: bool | Unset = UNSET


class TemplateOut(msgspec.Struct, kw_only=True):
    id: int
    key: str
    name: str
    plugin: str
    body: str
    terms: str
    is_default: bool
    active: bool
    version: int
    updated_at: datetime
