"""The pack's tables: members, tiers and their history, transactions, the points ledger,
settings. Every table is `membership_<thing>`, created by the pack's own migration branch."""

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
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kht.plugin_api import Base, BusinessRecord, ExtensibleMixin, IdMixin, utcnow


class Tier(IdMixin, Base):
    """A tier (普通/银卡/金卡/钻石): reached by spend or points over the rolling window."""

    __tablename__ = "membership_tiers"

    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60))
    rank: Mapped[int] = mapped_column(Integer, unique=True)
    min_spend: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    min_points: Mapped[int] = mapped_column(Integer, default=0)
    multiplier: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1.00"))
    benefits: Mapped[str] = mapped_column(Text, default="")

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


class Member(BusinessRecord, ExtensibleMixin, Base):
    """A customer's membership. Status, tier and the figures below the profile are computed
    by the pack's services (on every transaction and in the nightly run), never typed in."""

    __tablename__ = "membership_members"
    __table_args__ = (
        Index("ix_membership_members_live", "deleted_at", "updated_at"),
        Index("ix_membership_members_segment", "rfm_segment"),
    )

    number: Mapped[str] = mapped_column(String(20), unique=True)
    card_code: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), unique=True
    )
    membership_type: Mapped[str] = mapped_column(String(20), default="individual")
    join_date: Mapped[date] = mapped_column(Date)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    cancelled_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="applicant", index=True)
    tier: Mapped[str] = mapped_column(String(40), default="", index=True)
    tier_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    tier_review_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    home_store: Mapped[str] = mapped_column(String(100), default="")
    referrer_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership_members.id", ondelete="SET NULL"), nullable=True, index=True
    )
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership_members.id", ondelete="SET NULL"), nullable=True, index=True
    )
    consent_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_email: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_wechat: Mapped[bool] = mapped_column(Boolean, default=False)
    wechat: Mapped[str] = mapped_column(String(100), default="")
    birthday: Mapped[date | None] = mapped_column(Date, nullable=True)
    birthday_calendar: Mapped[str] = mapped_column(String(10), default="solar")
    # The day celebrated, as "S05-01" (solar month-day) or "L08-15" (lunar): the nightly run
    # finds today's birthdays with one indexed query.
    birthday_key: Mapped[str] = mapped_column(String(8), default="", index=True)
    # Figures kept by the services (the ledger and the transactions are the truth).
    points_balance: Mapped[int] = mapped_column(Integer, default=0)
    total_spend: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    purchase_count: Mapped[int] = mapped_column(Integer, default=0)
    first_purchase_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_purchase_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    r_score: Mapped[int] = mapped_column(SmallInteger, default=0)
    f_score: Mapped[int] = mapped_column(SmallInteger, default=0)
    m_score: Mapped[int] = mapped_column(SmallInteger, default=0)
    rfm_segment: Mapped[str] = mapped_column(String(20), default="")
    # What the reports group by, kept by the services and the nightly run (migration 0002):
    # the tier before the latest move; the points issued, redeemed and expired so far; the
    # members this one referred and their spend; the latest care (a mail, SMS or bonus of a
    # care rule) and the first purchase within `CARE_WINDOW_DAYS` after it.
    previous_tier: Mapped[str] = mapped_column(String(40), default="")
    points_issued: Mapped[int] = mapped_column(Integer, default=0)
    points_redeemed: Mapped[int] = mapped_column(Integer, default=0)
    points_expired: Mapped[int] = mapped_column(Integer, default=0)
    referrals: Mapped[int] = mapped_column(Integer, default=0)
    referred_spend: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    care_rule: Mapped[str] = mapped_column(String(200), default="")
    cared_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    care_converted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    care_spend: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))


class Transaction(BusinessRecord, ExtensibleMixin, Base):
    """A purchase (positive amount) or a refund (negative, `refund_of` the purchase).

    `external_id` is the key that makes a transaction count once: an order's `order:<id>`,
    a till's receipt number, an import's row id."""

    __tablename__ = "membership_transactions"
    __table_args__ = (Index("ix_membership_transactions_member_date", "member_id", "occurred_on"),)

    external_id: Mapped[str] = mapped_column(String(80), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("membership_members.id", ondelete="RESTRICT"))
    occurred_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10), default="purchase")
    amount: Mapped[Decimal] = mapped_column()
    store: Mapped[str] = mapped_column(String(100), default="")
    channel: Mapped[str] = mapped_column(String(20), default="store")
    payment_method: Mapped[str] = mapped_column(String(20), default="")
    category: Mapped[str] = mapped_column(String(60), default="")
    items: Mapped[int] = mapped_column(Integer, default=1)
    refund_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership_transactions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="SET NULL"), nullable=True, index=True
    )


class PointsEntry(IdMixin, Base):
    """One line of the points ledger. A positive line is a lot: `remaining` of it is still
    unspent and expires on `expires_on`; redemptions, reversals and expiry take from the
    oldest lots first. `key` makes each entry happen once (`earn:<transaction id>`)."""

    __tablename__ = "membership_points"
    __table_args__ = (Index("ix_membership_points_lots", "member_id", "remaining", "expires_on"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("membership_members.id", ondelete="CASCADE"))
    entry: Mapped[str] = mapped_column(String(12))
    points: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer, default=0)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    transaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership_transactions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    reason: Mapped[str] = mapped_column(String(300), default="")
    occurred_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class TierChange(IdMixin, Base):
    """A member's move between tiers and its cause (purchase, refund, review, manual)."""

    __tablename__ = "membership_tier_changes"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("membership_members.id", ondelete="CASCADE"), index=True
    )
    from_tier: Mapped[str] = mapped_column(String(40), default="")
    to_tier: Mapped[str] = mapped_column(String(40))
    cause: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(300), default="")
    changed_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CategoryPair(Base):
    """How many members bought in category `a` and also in `b` (`a == b`: how many bought
    in `a`), across all members: the co-purchase counts behind cross-sell suggestions,
    rebuilt set-based by the nightly run (figures, not records: no member is named)."""

    __tablename__ = "membership_category_pairs"

    a: Mapped[str] = mapped_column(String(60), primary_key=True)
    b: Mapped[str] = mapped_column(String(60), primary_key=True)
    members: Mapped[int] = mapped_column(Integer)


MODELS = [Tier, Member, Transaction, PointsEntry, TierChange, CategoryPair]
