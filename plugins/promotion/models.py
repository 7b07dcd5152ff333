"""The pack's tables: territories, outlets and their contact history, visit plans and visits,
audits and their structured values, competitor observations, in-store promotions with their
outlets and cost claims, reported outlet sales, settings. Every table is `promotion_<thing>`,
created by the pack's own migration branch; outlets, plans, visits, audit values, competitor
observations, promotions and claims are record kinds (owned, versioned, soft-deleted,
audited by the core)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kht.plugin_api import Base, BusinessRecord, ExtensibleMixin, IdMixin, utcnow

COORD = Numeric(10, 6)


class Territory(IdMixin, Base):
    """A node of the territory tree (region -> city -> district), its rep and the share of its
    outlets to visit each month (the coverage target, in percent)."""

    __tablename__ = "promotion_territories"

    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("promotion_territories.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    rep_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    coverage_target: Mapped[int] = mapped_column(Integer, default=90)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Outlet(BusinessRecord, ExtensibleMixin, Base):
    """A customer that is a retail outlet, owned by the rep who visits it."""

    __tablename__ = "promotion_outlets"
    __table_args__ = (Index("ix_promotion_outlets_live", "deleted_at", "territory_id"),)

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), unique=True
    )
    name: Mapped[str] = mapped_column(String(200))
    outlet_type: Mapped[str] = mapped_column(String(20), default="convenience")
    chain: Mapped[str] = mapped_column(String(100), default="")
    grade: Mapped[str] = mapped_column(String(1), default="C")
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("promotion_territories.id", ondelete="SET NULL"), nullable=True
    )
    address: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[Decimal | None] = mapped_column(COORD, nullable=True)
    longitude: Mapped[Decimal | None] = mapped_column(COORD, nullable=True)
    opening_hours: Mapped[str] = mapped_column(String(100), default="")
    # Kept by the visit service on every check-out: the plan suggestion orders by it.
    last_visit_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class OutletContact(IdMixin, Base):
    """Who held a role at an outlet (the store manager) from `valid_from` until `valid_to`."""

    __tablename__ = "promotion_outlet_contacts"

    outlet_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_outlets.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(40), default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VisitPlan(BusinessRecord, ExtensibleMixin, Base):
    """A rep's route for a day or a week; its stops are the visits pointing at it."""

    __tablename__ = "promotion_plans"

    name: Mapped[str] = mapped_column(String(100), default="")
    start_on: Mapped[date] = mapped_column(Date, index=True)
    days: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    approved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class Visit(BusinessRecord, ExtensibleMixin, Base):
    """A planned stop or an unplanned visit of an outlet, with its check-in and check-out."""

    __tablename__ = "promotion_visits"
    __table_args__ = (
        Index("ix_promotion_visits_owner_day", "owner_id", "planned_on"),
        Index("ix_promotion_visits_checkin", "owner_id", "checkin_at"),
    )

    outlet_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_outlets.id", ondelete="RESTRICT"), index=True
    )
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("promotion_territories.id", ondelete="SET NULL"), nullable=True, index=True
    )
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("promotion_plans.id", ondelete="SET NULL"), nullable=True, index=True
    )
    seq: Mapped[int] = mapped_column(Integer, default=0)
    planned_on: Mapped[date] = mapped_column(Date)
    planned_at: Mapped[datetime | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="planned")
    unplanned: Mapped[bool] = mapped_column(Boolean, default=False)
    checkin_at: Mapped[datetime | None] = mapped_column(nullable=True)
    checkin_lat: Mapped[Decimal | None] = mapped_column(COORD, nullable=True)
    checkin_lng: Mapped[Decimal | None] = mapped_column(COORD, nullable=True)
    accuracy_m: Mapped[int | None] = mapped_column(Integer, nullable=True)
    distance_m: Mapped[int | None] = mapped_column(Integer, nullable=True)
    in_radius: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    on_time: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    impossible_travel: Mapped[bool] = mapped_column(Boolean, default=False)
    checkout_at: Mapped[datetime | None] = mapped_column(nullable=True)
    minutes_in_store: Mapped[int | None] = mapped_column(Integer, nullable=True)
    audited: Mapped[bool] = mapped_column(Boolean, default=False)
    photos: Mapped[int] = mapped_column(Integer, default=0)
    # Why the visit needs a manager's look, comma-separated keys (schemas.FLAGS).
    flags: Mapped[str] = mapped_column(String(200), default="")


class AuditValue(BusinessRecord, ExtensibleMixin, Base):
    """One structured observation of a store audit (facings of a brand, price of a SKU...).

    `number` holds counts, prices and levels; `flag` yes/no answers (out of stock, POSM
    displayed). Territory and outlet type are copied in so reports group without joins."""

    __tablename__ = "promotion_audit_values"
    __table_args__ = (Index("ix_promotion_audit_values_metric", "metric", "audited_on"),)

    visit_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_visits.id", ondelete="CASCADE"), index=True
    )
    outlet_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_outlets.id", ondelete="RESTRICT"), index=True
    )
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("promotion_territories.id", ondelete="SET NULL"), nullable=True
    )
    outlet_type: Mapped[str] = mapped_column(String(20), default="")
    audited_on: Mapped[date] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(20))
    brand: Mapped[str] = mapped_column(String(60), default="")
    sku: Mapped[str] = mapped_column(String(60), default="")
    own: Mapped[bool] = mapped_column(Boolean, default=True)
    number: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), nullable=True)
    flag: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class CompetitorObservation(BusinessRecord, ExtensibleMixin, Base):
    """What a rep saw of a competitor (the core's competitor records) at an outlet visit:
    present or not, the product, its shelf price, its share of the shelf in percent, an
    activity (promotion, new product, display). Territory, region and outlet type are copied
    in so reports group without joins; photos are files attached to the observation."""

    __tablename__ = "promotion_competitor_observations"
    __table_args__ = (
        Index("ix_promotion_competitor_observations_day", "competitor_id", "observed_on"),
    )

    visit_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_visits.id", ondelete="CASCADE"), index=True
    )
    outlet_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_outlets.id", ondelete="RESTRICT"), index=True
    )
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("promotion_territories.id", ondelete="SET NULL"), nullable=True
    )
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("promotion_territories.id", ondelete="SET NULL"), nullable=True
    )
    outlet_type: Mapped[str] = mapped_column(String(20), default="")
    competitor_id: Mapped[int] = mapped_column(ForeignKey("competitors.id", ondelete="CASCADE"))
    observed_on: Mapped[date] = mapped_column(Date)
    product: Mapped[str] = mapped_column(String(100), default="")
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), nullable=True)
    shelf_share: Mapped[Decimal | None] = mapped_column(Numeric(5, 1), nullable=True)
    # "" (none seen), promotion, new_product or display (schemas.Activity).
    activity: Mapped[str] = mapped_column(String(12), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    photos: Mapped[int] = mapped_column(Integer, default=0)


class Promotion(BusinessRecord, ExtensibleMixin, Base):
    """An in-store promotion: mechanic, period, budget; its outlets in PromotionOutlet."""

    __tablename__ = "promotion_promotions"

    name: Mapped[str] = mapped_column(String(100))
    mechanic: Mapped[str] = mapped_column(String(12), default="discount")
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    budget: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("promotion_territories.id", ondelete="SET NULL"), nullable=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    # Where its uplift reads sell-through: "reported" outlet sales or the outlets' "orders".
    sell_through: Mapped[str] = mapped_column(String(10), default="reported")
    # Kept by the services (claims, uplift refresh) so the report engine can sum them.
    cost_approved: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    uplift_pct: Mapped[Decimal | None] = mapped_column(Numeric(9, 2), nullable=True)


class PromotionOutlet(Base):
    """An outlet taking part in a promotion."""

    __tablename__ = "promotion_promotion_outlets"

    promotion_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_promotions.id", ondelete="CASCADE"), primary_key=True
    )
    outlet_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_outlets.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CostClaim(BusinessRecord, ExtensibleMixin, Base):
    """A cost claimed against a promotion; its receipts are files attached to it."""

    __tablename__ = "promotion_claims"

    promotion_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_promotions.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[Decimal] = mapped_column()
    description: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)


class OutletSale(IdMixin, Base):
    """Sell-through of an outlet on a day, as reported by the outlet or the rep (`key` makes
    a report count once)."""

    __tablename__ = "promotion_outlet_sales"
    __table_args__ = (
        UniqueConstraint("outlet_id", "sold_on", "source", name="uq_promotion_outlet_sales_day"),
    )

    outlet_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_outlets.id", ondelete="CASCADE"), index=True
    )
    sold_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column()
    source: Mapped[str] = mapped_column(String(10), default="reported")


MODELS = [
    Territory,
    Outlet,
    OutletContact,
    VisitPlan,
    Visit,
    AuditValue,
    Promotion,
    PromotionOutlet,
    CostClaim,
    OutletSale,
    CompetitorObservation,
]
