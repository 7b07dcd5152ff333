"""Campaigns, their frozen member lists and their cost lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, BusinessRecord, ExtensibleMixin, IdMixin, utcnow

CHANNELS = ("email", "sms", "event", "online_ad", "telemarketing", "direct_mail", "other")
MEMBER_KINDS = ("lead", "contact", "customer")
# In funnel order; unsubscribed and bounced end a member's journey.
MEMBER_STATUSES = (
    "targeted",
    "sent",
    "delivered",
    "opened",
    "clicked",
    "responded",
    "registered",
    "attended",
    "converted",
    "unsubscribed",
    "bounced",
)


class Campaign(BusinessRecord, ExtensibleMixin, Base):
    """A campaign: a channel, a period, a budget, a target segment and a process stage."""

    __tablename__ = "campaigns"

    name: Mapped[str] = mapped_column(String(200))
    # The code web forms and imports carry to attribute leads (unique among campaigns).
    code: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    channel: Mapped[str] = mapped_column(String(20), default="other")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), nullable=True, index=True
    )
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    segment_view_id: Mapped[int | None] = mapped_column(
        ForeignKey("saved_views.id", ondelete="SET NULL"), nullable=True
    )
    budget: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0.00"))
    expected_response: Mapped[int] = mapped_column(Integer, default=0)
    expected_revenue: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0.00"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), nullable=True, index=True
    )
    process_id: Mapped[int] = mapped_column(ForeignKey("sales_processes.id"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("sales_process_stages.id"), index=True)
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="open")
    # When the segment was frozen into the member list (None: not launched yet).
    launched_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    description: Mapped[str] = mapped_column(Text, default="")


class CampaignMember(IdMixin, Base):
    """A lead, contact or customer targeted by a campaign, with how far they got."""

    __tablename__ = "campaign_members"
    __table_args__ = (
        Index("uq_campaign_members_record", "campaign_id", "kind", "record_id", unique=True),
    )

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="targeted")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CampaignCost(IdMixin, Base):
    """A cost line against a campaign's budget (amount ≥ 0, Decimal)."""

    __tablename__ = "campaign_costs"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(60))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    spent_on: Mapped[date] = mapped_column(Date)
    supplier: Mapped[str] = mapped_column(String(200), default="")
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="SET NULL"), nullable=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CampaignAttribution(Base):
    """Which campaigns an opportunity is attributed to: the first and the last touch before it
    opened (both stored, so each report chooses its model)."""

    __tablename__ = "campaign_attributions"

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    first_campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), nullable=True, index=True
    )
    last_campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), nullable=True, index=True
    )
