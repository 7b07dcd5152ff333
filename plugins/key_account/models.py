"""The pack's tables, each `key_account_<thing>` and created by the pack's migration branch:
key accounts (a side table of customers), contribution figures and class history, agreements,
consumption, account plans with objectives and reviews, the health history, settings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.plugin_api import Base, BusinessRecord, ExtensibleMixin, IdMixin


class Account(BusinessRecord, ExtensibleMixin, Base):
    """A key account: a customer (normally a group company at the top of its hierarchy)
    watched by a key-account manager, its owner. Made by the nightly run when the account
    reaches class A, or by hand with `flagged` and a reason. The figures are the nightly
    run's (contribution over the rolling window, the quarter before), never typed in."""

    __tablename__ = "key_account_accounts"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), unique=True
    )
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_reason: Mapped[str] = mapped_column(String(300), default="")
    # What the account spends a year on our category (its wallet): share of wallet's base.
    estimated_budget: Mapped[Decimal | None] = mapped_column(nullable=True)
    abc_class: Mapped[str] = mapped_column(String(1), default="", index=True)
    class_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    revenue: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    previous_revenue: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    margin: Mapped[Decimal | None] = mapped_column(nullable=True)
    quarter_revenue: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    previous_quarter_revenue: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    computed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    health: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")


class Contribution(IdMixin, Base):
    """One customer's (`level` customer) or one group's (`level` group: the hierarchy's top
    customer with everything below it; a customer outside a hierarchy is its own group)
    contribution in the last nightly run. Replaced as a whole by each run."""

    __tablename__ = "key_account_contributions"
    __table_args__ = (Index("ix_key_account_contributions_level", "level", "rank"),)

    level: Mapped[str] = mapped_column(String(10))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    revenue: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    previous_revenue: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    margin: Mapped[Decimal | None] = mapped_column(nullable=True)
    quarter_revenue: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    previous_quarter_revenue: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    rank: Mapped[int] = mapped_column(Integer, default=0)
    # Share of the level's total revenue of this row and every bigger one, in percent.
    cumulative_pct: Mapped[Decimal] = mapped_column(Numeric(7, 2), default=Decimal("0.00"))
    abc_class: Mapped[str] = mapped_column(String(1), default="C")
    computed_on: Mapped[date] = mapped_column(Date)


class ClassChange(IdMixin, Base):
    """A key account moving between ABC classes (or first classified): kept for review."""

    __tablename__ = "key_account_class_changes"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("key_account_accounts.id", ondelete="CASCADE"), index=True
    )
    from_class: Mapped[str] = mapped_column(String(1), default="")
    to_class: Mapped[str] = mapped_column(String(1))
    changed_on: Mapped[date] = mapped_column(Date)


class HealthPoint(IdMixin, Base):
    """An account's health score on one day (the nightly run), for the trend and movers."""

    __tablename__ = "key_account_health_history"
    __table_args__ = (Index("ix_key_account_health_day", "account_id", "day", unique=True),)

    account_id: Mapped[int] = mapped_column(
        ForeignKey("key_account_accounts.id", ondelete="CASCADE")
    )
    day: Mapped[date] = mapped_column(Date)
    score: Mapped[int] = mapped_column(Integer)
    # Computed afterwards from the orders, actions and tickets of that day (see backfill.py),
    # not by that night's run; a nightly run of the same day replaces it.
    backfilled: Mapped[bool] = mapped_column(Boolean, default=False)


class Agreement(BusinessRecord, ExtensibleMixin, Base):
    """A framework agreement or contract with an account. `notice_date` (the last day to
    give notice: end date minus the notice period) is kept by the service on every write."""

    __tablename__ = "key_account_agreements"
    __table_args__ = (
        Index("ix_key_account_agreements_notice", "status", "notice_date"),
        Index("ix_key_account_agreements_renewed_from", "renewed_from_id", unique=True),
    )

    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    agreement_type: Mapped[str] = mapped_column(String(20), default="framework")
    value: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date, index=True)
    notice_days: Mapped[int] = mapped_column(Integer, default=30)
    notice_date: Mapped[date] = mapped_column(Date)
    renewal_terms: Mapped[str] = mapped_column(String(20), default="manual")
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The agreement this one renews (automatic renewal): unique, so a term renews once.
    renewed_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("key_account_agreements.id", ondelete="SET NULL"), nullable=True
    )


class AgreementOrder(IdMixin, Base):
    """An order placed under an agreement."""

    __tablename__ = "key_account_agreement_orders"
    __table_args__ = (
        Index("ix_key_account_agreement_orders", "agreement_id", "order_id", unique=True),
    )

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("key_account_agreements.id", ondelete="CASCADE")
    )
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))


class Consumption(BusinessRecord, ExtensibleMixin, Base):
    """What an account consumed in a month of one product or service (telecom traffic,
    power): by import or the API. `external_id` makes a row count once."""

    __tablename__ = "key_account_consumption"
    __table_args__ = (Index("ix_key_account_consumption_customer", "customer_id", "month"),)

    external_id: Mapped[str] = mapped_column(String(80), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    month: Mapped[date] = mapped_column(Date, index=True)  # the first day of the month
    product: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 3), default=Decimal("0"))
    amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    cost: Mapped[Decimal | None] = mapped_column(nullable=True)


class Plan(BusinessRecord, ExtensibleMixin, Base):
    """An account plan for a period: strategies, risks, status; objectives and reviews hang
    below it, key actions are planned actions on the customer."""

    __tablename__ = "key_account_plans"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    strategies: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")


class Objective(IdMixin, Base):
    """A measurable objective of a plan: its target and the actual so far."""

    __tablename__ = "key_account_objectives"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("key_account_plans.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20), default="")
    target: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    actual: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))


class Review(IdMixin, Base):
    """A review meeting of a plan and its minutes."""

    __tablename__ = "key_account_reviews"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("key_account_plans.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class PlanAction(IdMixin, Base):
    """A key action of a plan: a planned action (kht.actions) on the account's customer, so
    it shows in its owner's agenda and calendar."""

    __tablename__ = "key_account_plan_actions"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("key_account_plans.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))


MODELS = [
    Account,
    Contribution,
    ClassChange,
    HealthPoint,
    Agreement,
    AgreementOrder,
    Consumption,
    Plan,
    Objective,
    Review,
    PlanAction,
]
