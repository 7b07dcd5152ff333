"""Action table: one activity linked to a record of any kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, BusinessRecord, ExtensibleMixin

TYPES = ("call", "visit", "meeting", "task", "note", "email", "sms")
STATUSES = ("planned", "done", "cancelled")


class Action(BusinessRecord, ExtensibleMixin, Base):
    """A call, visit, meeting, task, note, email or SMS about one record."""

    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_record", "kind", "record_id"),
        Index("ix_actions_owner_due", "owner_id", "due_at"),
    )

    type: Mapped[str] = mapped_column(String(20), default="note")
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="done")
    due_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    done_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    outcome: Mapped[str] = mapped_column(String(300), default="")
    next_step: Mapped[str] = mapped_column(String(300), default="")
    meeting_url: Mapped[str] = mapped_column(String(500), default="")
