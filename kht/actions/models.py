"""Action table: one activity linked to a record of any kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, BusinessRecord, ExtensibleMixin, IdMixin, utcnow

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
    # How long it lasts (None: the calendar's default length for its type).
    duration_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    # A reminder is due at `remind_at`; the worker stamps `reminded_at` once it has notified.
    remind_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None, index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)


# Users taking part in an action besides its owner (they see it in their calendar too).
action_participants = Table(
    "action_participants",
    Base.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Notification(IdMixin, Base):
    """A message for one user shown under the bell in the UI (reminders, assignments)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)


class MeetingInvitation(Base):
    """The iCalendar invitation of a meeting: its stable UID and the SEQUENCE last mailed, so
    an update or a cancellation supersedes what calendars already hold."""

    __tablename__ = "meeting_invitations"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    )
    uid: Mapped[str] = mapped_column(String(200))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # What was last mailed: start, link and subject, to tell a real change from an edit of notes.
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    # The addresses it was last mailed to (one a line): someone taken off gets a cancellation.
    attendees: Mapped[str] = mapped_column(Text, default="")
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
