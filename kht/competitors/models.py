"""Competitors and the opportunities they compete for."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, BusinessRecord, ExtensibleMixin

PRICE_POSITIONS = ("low", "mid", "high")


class Competitor(BusinessRecord, ExtensibleMixin, Base):
    """A company we compete against. Shared by everyone (no owner): reps, packs and
    reports name the same 华为 instead of each typing their own spelling."""

    __tablename__ = "competitors"

    name: Mapped[str] = mapped_column(String(200))
    products: Mapped[str] = mapped_column(Text, default="")
    # low / mid / high against our prices ("": not known).
    price_positioning: Mapped[str] = mapped_column(String(10), default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    weaknesses: Mapped[str] = mapped_column(Text, default="")


class OpportunityCompetitor(Base):
    """A competitor in the running for an opportunity (the opportunity's `competitors`)."""

    __tablename__ = "opportunity_competitors"

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    competitor_id: Mapped[int] = mapped_column(
        ForeignKey("competitors.id", ondelete="CASCADE"), primary_key=True, index=True
    )
