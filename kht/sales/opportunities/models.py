"""Opportunities, their extra contacts and their stage history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from kht.db.base import Base, BusinessRecord, ExtensibleMixin, IdMixin, utcnow
from kht.products.models import money_value

STATUSES = ("open", "won", "lost")
FORECAST_CATEGORIES = ("pipeline", "best_case", "commit", "omitted")


class Opportunity(BusinessRecord, ExtensibleMixin, Base):
    """A possible sale to a customer, moving through the stages of its process.

    `department_id` is the owner's department when the opportunity was last assigned, so
    funnels and forecasts roll up the department tree with one indexed join.
    """

    __tablename__ = "opportunities"
    __table_args__ = (
        Index("ix_opportunities_live_close", "deleted_at", "status", "expected_close"),
        Index("ix_opportunities_department_close", "department_id", "expected_close"),
        Index("ix_opportunities_stage", "stage_id", "status"),
        Index("ix_opportunities_live_updated", "deleted_at", "updated_at"),
        # "won in the period" for forecasts and funnels
        Index("ix_opportunities_live_closed", "deleted_at", "status", "closed_at"),
    )

    name: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, default=None
    )
    process_id: Mapped[int] = mapped_column(ForeignKey("sales_processes.id", ondelete="RESTRICT"))
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("sales_process_stages.id", ondelete="RESTRICT")
    )
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="open")
    amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    probability: Mapped[int] = mapped_column(Integer, default=0)  # percent, from the stage
    forecast_category: Mapped[str] = mapped_column(String(20), default="pipeline")
    expected_close: Mapped[date | None] = mapped_column(Date, nullable=True, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    close_reason: Mapped[str] = mapped_column(String(300), default="")
    competitors: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(40), default="")
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="SET NULL"), nullable=True, default=None
    )
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    product_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_lines.id", ondelete="SET NULL"), nullable=True, index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), nullable=True, default=None
    )
    description: Mapped[str] = mapped_column(Text, default="")

    @validates("amount")
    def _amount(self, key: str, value: object) -> Decimal:
        # Every write path (bulk "set a field" hands over text) gets the same money rules.
        return money_value(key, value)


# Further contacts on an opportunity (decision maker, user, technical buyer...).
opportunity_contacts = Table(
    "opportunity_contacts",
    Base.metadata,
    Column("opportunity_id", ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(60), nullable=False, default=""),
)


class OpportunityStageChange(IdMixin, Base):
    """One stay of an opportunity in a stage: entered, left, and how long it took.

    Names and probability are copied at the time, so renaming or retiring stages later never
    rewrites what happened.
    """

    __tablename__ = "opportunity_stage_history"
    __table_args__ = (Index("ix_opportunity_stage_history_stage", "stage_id", "entered_at"),)

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("sales_process_stages.id", ondelete="RESTRICT")
    )
    stage_name_zh: Mapped[str] = mapped_column(String(100))
    stage_name_en: Mapped[str] = mapped_column(String(100))
    probability: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    seconds_in_stage: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, default=None
    )
    cause: Mapped[str] = mapped_column(String(300), default="")
