"""The pack's input and output shapes (msgspec): settings, members, transactions, points."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

Unset = msgspec.UnsetType
UNSET = msgspec.UNSET
Id = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]
Short = Annotated[str, msgspec.Meta(max_length=100)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z-]+$")]
Number = Annotated[str, msgspec.Meta(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z-]+$")]
ExternalId = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
# msgspec checks no bounds on Decimal: the services check amounts and factors.
Amount = Decimal
Points = Annotated[int, msgspec.Meta(ge=1, le=100_000_000)]
Signed = Annotated[int, msgspec.Meta(ge=-100_000_000, le=100_000_000)]
Factor = Decimal
Weight = Annotated[int, msgspec.Meta(ge=0, le=100)]

MembershipType = Literal["individual", "family", "corporate"]
Calendar = Literal["solar", "lunar"]
Channel = Literal["store", "online", "phone", "wechat"]
PaymentMethod = Literal["", "cash", "card", "wechat_pay", "alipay", "stored_value", "credit"]


class Campaign(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A bonus campaign: purchases from `start` to `end` (inclusive) earn x `multiplier`."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    start: date
    end: date
    multiplier: Factor = Decimal("2")


class Weights(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The value model's parts' weights (points of 100 when they add up to 100)."""

    recency: Weight = 20
    frequency: Weight = 20
    monetary: Weight = 25
    breadth: Weight = 10
    payment: Weight = 5
    loyalty: Weight = 10
    influence: Weight = 10


class Settings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The pack's settings (the core settings store, owner `membership`: GET/PUT
    /api/v1/settings/membership, the page /admin/settings/membership)."""

    grace_days: Annotated[int, msgspec.Meta(ge=0, le=365)] = 30
    tier_basis: Literal["spend", "points"] = "spend"
    tier_window_days: Annotated[int, msgspec.Meta(ge=1, le=3660)] = 365
    review_months: Annotated[int, msgspec.Meta(ge=1, le=60)] = 12
    points_per_yuan: Factor = Decimal("1")
    category_multipliers: dict[str, Factor] = {}
    campaigns: list[Campaign] = []
    birthday_bonus: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] = 200
    points_expiry_months: Annotated[int, msgspec.Meta(ge=1, le=120)] = 12
    weights: Weights = msgspec.field(default_factory=Weights)


class MemberCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new membership of a customer; number and card code are generated when left out."""

    customer_id: Id
    number: Number | None = None
    card_code: Code | None = None
    membership_type: MembershipType = "individual"
    join_date: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    home_store: Short = ""
    referrer_id: Id | None = None
    household_id: Id | None = None
    consent_phone: bool = False
    consent_sms: bool = False
    consent_email: bool = False
    consent_wechat: bool = False
    wechat: Short = ""
    birthday: date | None = None
    birthday_calendar: Calendar = "solar"
    ext: dict[str, dict[str, Any]] = {}


class MemberUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    membership_type: MembershipType | Unset = UNSET
    start_date: date | None | Unset = UNSET
    end_date: date | None | Unset = UNSET
    cancelled_on: date | None | Unset = UNSET
    home_store: Short | Unset = UNSET
    referrer_id: Id | None | Unset = UNSET
    household_id: Id | None | Unset = UNSET
    consent_phone: bool | Unset = UNSET
    consent_sms: bool | Unset = UNSET
    consent_email: bool | Unset = UNSET
    consent_wechat: bool | Unset = UNSET
    wechat: Short | Unset = UNSET
    birthday: date | None | Unset = UNSET
    birthday_calendar: Calendar | Unset = UNSET
    ext: dict[str, dict[str, Any]] | Unset = UNSET


class MemberOut(msgspec.Struct, kw_only=True):
    id: int
    number: str
    card_code: str
    customer_id: int
    membership_type: str
    join_date: date
    start_date: date | None
    end_date: date | None
    cancelled_on: date | None
    status: str
    tier: str
    tier_since: date | None
    tier_review_on: date | None
    home_store: str
    referrer_id: int | None
    household_id: int | None
    consent_phone: bool
    consent_sms: bool
    consent_email: bool
    consent_wechat: bool
    wechat: str
    birthday: date | None
    birthday_calendar: str
    points_balance: int
    total_spend: Decimal
    purchase_count: int
    first_purchase_on: date | None
    last_purchase_on: date | None
    r_score: int
    f_score: int
    m_score: int
    rfm_segment: str
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class TransactionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A purchase, or (with `refund_of`, the purchase's external id) a refund of it.

    `external_id` makes it count once: sending the same one again changes nothing."""

    member_id: Id
    external_id: ExternalId
    amount: Amount
    occurred_on: date | None = None
    store: Short = ""
    channel: Channel = "store"
    payment_method: PaymentMethod = ""
    category: Annotated[str, msgspec.Meta(max_length=60)] = ""
    items: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] = 1
    refund_of: ExternalId | None = None
    ext: dict[str, dict[str, Any]] = {}


class TransactionUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What may be corrected on a recorded transaction: its description, never its amount
    or member (a wrong amount is refunded and entered again)."""

    version: int
    store: Short | Unset = UNSET
    channel: Channel | Unset = UNSET
    payment_method: PaymentMethod | Unset = UNSET
    category: Annotated[str, msgspec.Meta(max_length=60)] | Unset = UNSET
    items: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] | Unset = UNSET
    ext: dict[str, dict[str, Any]] | Unset = UNSET


class TransactionOut(msgspec.Struct, kw_only=True):
    id: int
    external_id: str
    member_id: int
    occurred_on: date
    kind: str
    amount: Decimal
    store: str
    channel: str
    payment_method: str
    category: str
    items: int
    refund_of_id: int | None
    order_id: int | None
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class PointsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A redemption (`points` > 0 taken from the balance) with what it was for."""

    points: Points
    reason: Reason


class AdjustIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A manual correction (positive or negative) with its reason; needs the points right."""

    points: Signed
    reason: Reason


class EntryOut(msgspec.Struct, kw_only=True):
    id: int
    entry: str
    points: int
    remaining: int
    expires_on: date | None
    occurred_on: date
    reason: str
    transaction_id: int | None


class BalanceOut(msgspec.Struct, kw_only=True):
    member_id: int
    balance: int
    tier: str
    entries: list[EntryOut]


class TierIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    key: Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
    name_zh: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    name_en: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    rank: Annotated[int, msgspec.Meta(ge=0, le=100)]
    min_spend: Decimal = Decimal("0")
    min_points: Annotated[int, msgspec.Meta(ge=0)] = 0
    multiplier: Factor = Decimal("1")
    benefits: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class TierOut(TierIn, kw_only=True):
    id: int
