"""The pack's input and output shapes (msgspec): settings, key accounts, agreements,
consumption, account plans."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

Unset = msgspec.UnsetType
UNSET = msgspec.UNSET
Id = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Reason = Annotated[str, msgspec.Meta(max_length=300)]
Number = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
ExternalId = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
Product = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Percent = Annotated[int, msgspec.Meta(ge=1, le=100)]
NoticeDays = Annotated[int, msgspec.Meta(ge=0, le=730)]
Ext = dict[str, dict[str, Any]]
# msgspec checks no bounds on Decimal: the services check amounts.
Amount = Decimal

AgreementType = Literal["framework", "contract", "service_level", "price"]
AgreementStatus = Literal["draft", "active", "renewed", "expired", "terminated"]
RenewalTerms = Literal["manual", "automatic", "none"]
PlanStatus = Literal["draft", "active", "closed"]


class Settings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How accounts are classified (the core settings store, owner `key_account`: GET/PUT
    /api/v1/settings/key_account, the page /admin/settings/key_account).

    Over `window_days` up to today, the accounts are ranked by revenue; those making the
    first `class_a_pct` percent of the total are A (the key accounts), up to `class_b_pct`
    B, the rest C. `health_window_days`: how far back contact recency looks."""

    window_days: Annotated[int, msgspec.Meta(ge=30, le=1096)] = 365
    class_a_pct: Percent = 80
    class_b_pct: Percent = 95
    churn_drop_pct: Percent = 20


class AccountCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A customer named a key account by hand: `flagged` needs a reason."""

    customer_id: Id
    flagged: bool = True
    flag_reason: Reason = ""
    estimated_budget: Amount | None = None
    notes: str = ""
    ext: Ext = {}


class AccountUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    flagged: bool | Unset = UNSET
    flag_reason: Reason | Unset = UNSET
    estimated_budget: Amount | None | Unset = UNSET
    notes: str | Unset = UNSET
    ext: Ext | Unset = UNSET


class AccountOut(msgspec.Struct, kw_only=True):
    id: int
    customer_id: int
    flagged: bool
    flag_reason: str
    estimated_budget: Decimal | None
    abc_class: str
    class_since: date | None
    revenue: Decimal
    previous_revenue: Decimal
    margin: Decimal | None
    quarter_revenue: Decimal
    previous_quarter_revenue: Decimal
    computed_on: date | None
    health: int | None
    notes: str
    owner_id: int | None
    version: int
    ext: Ext
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class AgreementCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new agreement; the number is generated when left out."""

    customer_id: Id
    title: Title
    start_date: date
    end_date: date
    number: Number | None = None
    agreement_type: AgreementType = "framework"
    value: Amount = Decimal("0.00")
    notice_days: NoticeDays = 30
    renewal_terms: RenewalTerms = "manual"
    status: AgreementStatus = "draft"
    notes: str = ""
    ext: Ext = {}


class AgreementUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    title: Title | Unset = UNSET
    start_date: date | Unset = UNSET
    end_date: date | Unset = UNSET
    agreement_type: AgreementType | Unset = UNSET
    value: Amount | Unset = UNSET
    notice_days: NoticeDays | Unset = UNSET
    renewal_terms: RenewalTerms | Unset = UNSET
    status: AgreementStatus | Unset = UNSET
    notes: str | Unset = UNSET
    ext: Ext | Unset = UNSET


class AgreementOut(msgspec.Struct, kw_only=True):
    id: int
    number: str
    customer_id: int
    title: str
    agreement_type: str
    value: Decimal
    start_date: date
    end_date: date
    notice_days: int
    notice_date: date
    renewal_terms: str
    status: str
    renewed_from_id: int | None
    notes: str
    owner_id: int | None
    version: int
    ext: Ext
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class ConsumptionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A month's consumption of one product; `month` may be any day of it."""

    external_id: ExternalId
    customer_id: Id
    month: date
    product: Product
    quantity: Decimal = Decimal("0")
    amount: Amount = Decimal("0.00")
    cost: Amount | None = None
    ext: Ext = {}


class ConsumptionUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    quantity: Decimal | Unset = UNSET
    amount: Amount | Unset = UNSET
    cost: Amount | None | Unset = UNSET
    ext: Ext | Unset = UNSET


class ConsumptionOut(msgspec.Struct, kw_only=True):
    id: int
    external_id: str
    customer_id: int
    month: date
    product: str
    quantity: Decimal
    amount: Decimal
    cost: Decimal | None
    owner_id: int | None
    version: int
    ext: Ext
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class PlanCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    customer_id: Id
    title: Title
    period_start: date
    period_end: date
    status: PlanStatus = "draft"
    strategies: str = ""
    risks: str = ""
    ext: Ext = {}


class PlanUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    title: Title | Unset = UNSET
    period_start: date | Unset = UNSET
    period_end: date | Unset = UNSET
    status: PlanStatus | Unset = UNSET
    strategies: str | Unset = UNSET
    risks: str | Unset = UNSET
    ext: Ext | Unset = UNSET


class PlanOut(msgspec.Struct, kw_only=True):
    id: int
    customer_id: int
    title: str
    period_start: date
    period_end: date
    status: str
    strategies: str
    risks: str
    owner_id: int | None
    version: int
    ext: Ext
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class ObjectiveIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Title
    target: Amount
    actual: Amount = Decimal("0")
    unit: Annotated[str, msgspec.Meta(max_length=20)] = ""


class ReviewIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    held_on: date
    minutes: Annotated[str, msgspec.Meta(max_length=20000)] = ""


class KeyActionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A key action of a plan: a planned action on the account's customer (in agendas)."""

    subject: Title
    due_at: datetime
    type: Literal["task", "call", "visit", "meeting"] = "task"
