"""Contact table."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, BusinessRecord, ExtensibleMixin

ROLES = ("decision_maker", "influencer", "user", "gatekeeper", "other")
INFLUENCE = ("low", "medium", "high")
ATTITUDES = ("supportive", "neutral", "opposed", "unknown")


class Contact(BusinessRecord, ExtensibleMixin, Base):
    """A person at a customer; moving to another customer keeps the audited history."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_live_updated", "deleted_at", "updated_at"),)

    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(100), default="")
    department: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(20), default="other")
    influence: Mapped[str] = mapped_column(String(10), default="medium")
    attitude: Mapped[str] = mapped_column(String(10), default="unknown")
    phone: Mapped[str] = mapped_column(String(40), default="")
    mobile: Mapped[str] = mapped_column(String(40), default="", index=True)
    email: Mapped[str] = mapped_column(String(200), default="", index=True)
    wechat: Mapped[str] = mapped_column(String(100), default="")
    birthday: Mapped[date | None] = mapped_column(nullable=True, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
