"""The pack's input and output shapes (msgspec): settings, territories, outlets, plans,
check-ins, audits, competitor observations, promotions and claims."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

Unset = msgspec.UnsetType
UNSET = msgspec.UNSET
Id = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Short = Annotated[str, msgspec.Meta(max_length=100)]
Text = Annotated[str, msgspec.Meta(max_length=2000)]
Percent = Annotated[int, msgspec.Meta(ge=0, le=100)]
Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]

Level = Literal["region", "city", "district"]
OutletType = Literal[
    "supermarket", "convenience", "pharmacy", "hospital", "wholesaler", "restaurant", "other"
]
Grade = Literal["A", "B", "C"]
PlanStatus = Literal["draft", "submitted", "approved", "rejected"]
Mechanic = Literal["discount", "gift", "tasting", "display"]
# Where a promotion's sell-through comes from: reported outlet sales or the core's orders.
SellThrough = Literal["reported", "orders"]
Metric = Literal["facings", "price", "stock", "out_of_stock", "posm", "freshness"]
ClaimStatus = Literal["submitted", "approved", "rejected"]
# What a competitor was doing at the outlet ("": nothing in particular).
Activity = Literal["", "promotion", "new_product", "display"]
# Why a visit needs a look: no plan, outside the radius, an impossible trip since the rep's
# previous check-in, a poor fix, an outlet without coordinates, too short a stay.
FLAGS = (
    "unplanned",
    "outside_radius",
    "impossible_travel",
    "poor_accuracy",
    "outlet_unlocated",
    "short_visit",
)


class AuditItem(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One question of an audit form: a metric for a brand or a SKU (own or a competitor's)."""

    metric: Metric
    brand: Short = ""
    sku: Short = ""
    own: bool = True


def _default_form() -> list[AuditItem]:
    return [
        AuditItem(metric="facings", brand="清泉"),
        AuditItem(metric="facings", brand="百岁山", own=False),
        AuditItem(metric="price", brand="清泉", sku="清泉 550ml"),
        AuditItem(metric="price", brand="百岁山", sku="百岁山 570ml", own=False),
        AuditItem(metric="stock", brand="清泉", sku="清泉 550ml"),
        AuditItem(metric="out_of_stock", brand="清泉", sku="清泉 550ml"),
        AuditItem(metric="posm", brand="清泉"),
        AuditItem(metric="freshness", brand="清泉", sku="清泉 550ml"),
    ]


class Settings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The pack's settings (the core settings store, owner `promotion`: GET/PUT
    /api/v1/settings/promotion, the page /admin/settings/promotion).

    `visits_per_month` is the visit frequency by grade; `audit_forms` the audit form per
    outlet type (`default` for types without one of their own)."""

    radius_m: Annotated[int, msgspec.Meta(ge=10, le=10_000)] = 200
    max_speed_kmh: Annotated[int, msgspec.Meta(ge=10, le=1000)] = 120
    poor_accuracy_m: Annotated[int, msgspec.Meta(ge=10, le=10_000)] = 300
    on_time_minutes: Annotated[int, msgspec.Meta(ge=1, le=600)] = 30
    short_visit_minutes: Annotated[int, msgspec.Meta(ge=0, le=600)] = 5
    visits_per_month: dict[str, Annotated[int, msgspec.Meta(ge=0, le=31)]] = msgspec.field(
        default_factory=lambda: {"A": 4, "B": 2, "C": 1}
    )
    audit_forms: dict[str, list[AuditItem]] = msgspec.field(
        default_factory=lambda: {"default": _default_form()}
    )


class TerritoryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    level: Level
    parent_id: Id | None = None
    rep_id: Id | None = None
    coverage_target: Percent = 90


class TerritoryOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    level: str
    parent_id: int | None
    rep_id: int | None
    coverage_target: int


class OutletCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    customer_id: Id
    name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    outlet_type: OutletType = "convenience"
    chain: Short = ""
    grade: Grade = "C"
    territory_id: Id | None = None
    address: Annotated[str, msgspec.Meta(max_length=300)] = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    opening_hours: Short = ""
    ext: dict[str, dict[str, Any]] = {}


class OutletUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | Unset = UNSET
    outlet_type: OutletType | Unset = UNSET
    chain: Short | Unset = UNSET
    grade: Grade | Unset = UNSET
    territory_id: Id | None | Unset = UNSET
    address: Annotated[str, msgspec.Meta(max_length=300)] | Unset = UNSET
    latitude: Latitude | None | Unset = UNSET
    longitude: Longitude | None | Unset = UNSET
    opening_hours: Short | Unset = UNSET
    ext: dict[str, dict[str, Any]] | Unset = UNSET


class OutletOut(msgspec.Struct, kw_only=True):
    id: int
    customer_id: int
    name: str
    outlet_type: str
    chain: str
    grade: str
    territory_id: int | None
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    opening_hours: str
    last_visit_on: date | None
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class ContactIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Who holds `role` at the outlet from `valid_from` (the previous holder's term ends)."""

    role: Annotated[str, msgspec.Meta(min_length=1, max_length=40)] = "store_manager"
    name: Name
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""
    valid_from: date


class PlanCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A rep's plan: `outlets` in visiting order, or suggested when `suggest` is set."""

    start_on: date
    days: Annotated[int, msgspec.Meta(ge=1, le=7)] = 1
    name: Short = ""
    outlets: list[Id] = []
    suggest: bool = False
    note: Text = ""
    ext: dict[str, dict[str, Any]] = {}


class PlanUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    name: Short | Unset = UNSET
    note: Text | Unset = UNSET
    ext: dict[str, dict[str, Any]] | Unset = UNSET


class PlanOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    start_on: date
    days: int
    status: str
    owner_id: int | None
    approved_by_id: int | None
    note: str
    version: int
    ext: dict[str, dict[str, Any]]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class StopIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A stop added to a plan: the outlet, its day and (optionally) the planned time."""

    outlet_id: Id
    planned_on: date | None = None
    planned_at: datetime | None = None


class CheckIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The phone's fix at check-in (the Geolocation API's coords)."""

    latitude: Latitude
    longitude: Longitude
    accuracy: Annotated[float, msgspec.Meta(ge=0, le=100_000)] = 0


class VisitOut(msgspec.Struct, kw_only=True):
    id: int
    outlet_id: int
    plan_id: int | None
    seq: int
    planned_on: date
    planned_at: datetime | None
    status: str
    unplanned: bool
    checkin_at: datetime | None
    distance_m: int | None
    in_radius: bool | None
    on_time: bool | None
    impossible_travel: bool
    checkout_at: datetime | None
    minutes_in_store: int | None
    audited: bool
    photos: int
    flags: str
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class VisitCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A visit of an outlet that is not on a plan (flagged unplanned)."""

    outlet_id: Id


class VisitUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    ext: dict[str, dict[str, Any]] | Unset = UNSET


class AuditAnswer(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The answer to one AuditItem: `number` (facings, price, stock level 0-100, freshness in
    days to expiry) or `flag` (out of stock, POSM displayed)."""

    metric: Metric
    brand: Short = ""
    sku: Short = ""
    own: bool = True
    number: Decimal | None = None
    flag: bool | None = None


class AuditIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    answers: list[AuditAnswer]


class AuditValueOut(msgspec.Struct, kw_only=True):
    id: int
    visit_id: int
    outlet_id: int
    territory_id: int | None
    outlet_type: str
    audited_on: date
    metric: str
    brand: str
    sku: str
    own: bool
    number: Decimal | None
    flag: bool | None
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class ObservationIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What a rep saw of a competitor at the visit's outlet: the competitor (`competitor_id`,
    or `competitor_name` to find one by name or add it), whether it was present, the
    product, its shelf price, its shelf share in percent (0-100) and an activity."""

    competitor_id: Id | None = None
    competitor_name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    product: Short = ""
    present: bool = True
    price: Decimal | None = None
    shelf_share: Decimal | None = None
    activity: Activity = ""
    note: Annotated[str, msgspec.Meta(max_length=300)] = ""


class ObservationCreate(ObservationIn, kw_only=True, forbid_unknown_fields=True):
    """An observation made at visit `visit_id` (POST /api/v1/competitor-observations)."""

    visit_id: Id
    ext: dict[str, dict[str, Any]] = {}


class ObservationOut(msgspec.Struct, kw_only=True):
    id: int
    visit_id: int
    outlet_id: int
    territory_id: int | None
    region_id: int | None
    outlet_type: str
    competitor_id: int
    observed_on: date
    product: str
    present: bool
    price: Decimal | None
    shelf_share: Decimal | None
    activity: str
    note: str
    photos: int
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class ValueUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    ext: dict[str, dict[str, Any]] | Unset = UNSET


class PromotionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    mechanic: Mechanic = "discount"
    start_on: date
    end_on: date
    budget: Decimal = Decimal("0.00")
    territory_id: Id | None = None
    sell_through: SellThrough = "reported"
    description: Text = ""
    outlets: list[Id] = []
    ext: dict[str, dict[str, Any]] = {}


class PromotionUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    name: Name | Unset = UNSET
    mechanic: Mechanic | Unset = UNSET
    start_on: date | Unset = UNSET
    end_on: date | Unset = UNSET
    budget: Decimal | Unset = UNSET
    territory_id: Id | None | Unset = UNSET
    sell_through: SellThrough | Unset = UNSET
    description: Text | Unset = UNSET
    ext: dict[str, dict[str, Any]] | Unset = UNSET


class PromotionOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    mechanic: str
    start_on: date
    end_on: date
    budget: Decimal
    territory_id: int | None
    sell_through: str
    description: str
    cost_approved: Decimal
    uplift_pct: Decimal | None
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class OutletsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The outlets taking part in a promotion (replacing those before)."""

    outlet_ids: list[Id]


class ClaimCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    promotion_id: Id
    amount: Decimal
    description: Annotated[str, msgspec.Meta(max_length=300)] = ""
    ext: dict[str, dict[str, Any]] = {}


class ClaimUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: int
    amount: Decimal | Unset = UNSET
    description: Annotated[str, msgspec.Meta(max_length=300)] | Unset = UNSET
    ext: dict[str, dict[str, Any]] | Unset = UNSET


class ClaimOut(msgspec.Struct, kw_only=True):
    id: int
    promotion_id: int
    amount: Decimal
    description: str
    status: str
    decided_by_id: int | None
    decided_at: datetime | None
    owner_id: int | None
    version: int
    ext: dict[str, dict[str, Any]]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class SaleIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An outlet's reported sell-through on a day."""

    outlet_id: Id
    sold_on: date
    amount: Decimal


class Uplift(msgspec.Struct, kw_only=True):
    """Average daily sell-through per outlet before, during and after a promotion, for its
    outlets and for the control outlets (same types and grades, without the promotion), and
    the uplift: the promoted outlets' change against the control group's change, in percent.
    `source` says where sell-through came from: `reported` outlet sales or `orders`."""

    source: str
    promoted_outlets: int
    control_outlets: int
    promoted: dict[str, Decimal]
    control: dict[str, Decimal]
    uplift_pct: Decimal | None
    after_pct: Decimal | None
    incremental_sales: Decimal
    cost: Decimal
    roi: Decimal | None
