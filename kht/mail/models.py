"""The mail outbox: one row per message, written in the transaction of what it reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, utcnow


class OutgoingMail(IdMixin, Base):
    """A message to send: `queued` until the SMTP server takes it (`sent`) or refuses the
    recipient for good (`refused`). A sender holds a row while `claimed_until` is ahead."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),)

    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    # What queued it (`reminder`) and the record it is about, for support questions.
    kind: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    claim: Mapped[str | None] = mapped_column(String(32), nullable=True, default=None)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
