"""Order API types: money travels as decimal strings ("1234.50")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from kht.sales.quotes.schemas import LineIn, LineOut, LinesChange
from kht.types import Id

Text = Annotated[str, msgspec.Meta(max_length=20000)]
Note = Annotated[str, msgspec.Meta(max_length=300)]
Method = Annotated[str, msgspec.Meta(max_length=40)]
Reference = Annotated[str, msgspec.Meta(max_length=100)]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]
Status = Literal["open", "fulfilled", "cancelled"]
Unset = msgspec.UnsetType
UNSET = msgspec.UNSET


class OrderCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An order entered directly (lines priced like quote lines)."""

    customer_id: Id
    contact_id: Id | None = None
    opportunity_id: Id | None = None
    order_date: date | None = None
    currency: Currency = "CNY"
    notes: Text = ""
    lines: list[LineIn] = []
    ext: dict[str, dict[str, Any]] = {}


class OrderUpdate(LinesChange, kw_only=True, forbid_unknown_fields=True):
    """A partial change (see LinesChange); lines change while the order is open."""

    status: Status | Unset = UNSET
    order_date: date | Unset = UNSET


class PlanIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An expected payment: `amount` due on `due_date`."""

    due_date: date
    amount: Decimal
    note: Note = ""


class PaymentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Money received against the order."""

    received_on: date
    amount: Decimal
    method: Method = ""
    reference: Reference = ""


class PlanOut(msgspec.Struct, kw_only=True):
    id: int
    due_date: date
    amount: Decimal
    note: str


class PaymentOut(msgspec.Struct, kw_only=True):
    id: int
    received_on: date
    amount: Decimal
    method: str
    reference: str


class OrderOut(msgspec.Struct, kw_only=True):
    id: int
    number: str
    customer_id: int
    contact_id: int | None
    quote_id: int | None
    opportunity_id: int | None
    status: str
    order_date: date
    currency: str
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal
    paid_total: Decimal
    planned_total: Decimal
    notes: str
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    lines: list[LineOut]
    plan: list[PlanOut]
    payments: list[PaymentOut]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class MonthPayments(msgspec.Struct, kw_only=True, frozen=True):
    """One month of the payment forecast: what was planned to come in, what came in, and
    what of the plan due that month is still unpaid."""

    month: str  # "2026-11"
    planned: Decimal
    received: Decimal
    outstanding: Decimal
