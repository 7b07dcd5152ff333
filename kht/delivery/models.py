"""Subscriptions to a report or a dashboard, and the deliveries made (one per recipient and
period: the unique key is what makes a delivery happen exactly once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, utcnow


class Subscription(IdMixin, Base):
    """Mail `report_key` (or, when empty, the recipient's dashboard) every day, week or month
    to one user (`user_id`) or to every active user of a role (`role_key`)."""

    __tablename__ = "report_subscriptions"

    report_key: Mapped[str] = mapped_column(String(120), default="")
    frequency: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, default=None, index=True
    )
    role_key: Mapped[str | None] = mapped_column(String(40), nullable=True, default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, default=None
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(IdMixin, Base):
    """One subscription delivered to one recipient for one period (`period`: the first day
    of the recipient's day, week or month). `status`: `queued` (the mail is in the outbox),
    or `skipped` with the reason in `note` (no address, no right to the report)."""

    __tablename__ = "report_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "user_id", "period", name="uq_report_deliveries_once"),
    )

    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("report_subscriptions.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    note: Mapped[str] = mapped_column(String(200), default="")
    mail_id: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
