"""Lead table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, BusinessRecord, ExtensibleMixin

STATUSES = ("new", "working", "qualified", "discarded", "converted")


class Lead(BusinessRecord, ExtensibleMixin, Base):
    """A person and/or company that may become a customer."""

    __tablename__ = "leads"
    __table_args__ = (Index("ix_leads_live_updated", "deleted_at", "updated_at"),)

    name: Mapped[str] = mapped_column(String(100), index=True)
    company: Mapped[str] = mapped_column(String(200), default="", index=True)
    title: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="", index=True)
    email: Mapped[str] = mapped_column(String(200), default="", index=True)
    source: Mapped[str] = mapped_column(String(50), default="")
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    discard_reason: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Indexed: deleting or merging a customer or contact looks its leads up by these.
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    converted_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    # The campaign the lead came from (its web form's code, an import's campaign column, a
    # responding member): kht.marketing counts it as that campaign's lead.
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
