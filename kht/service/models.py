"""Tickets, their timeline, queues and members, SLA policies, company days and settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, BusinessRecord, ExtensibleMixin, IdMixin, utcnow

STATUSES = ("new", "assigned", "in_progress", "waiting", "resolved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
CHANNELS = ("phone", "email", "web", "walk_in")
OPEN_STATUSES = ("new", "assigned", "in_progress", "waiting")
ENTRY_KINDS = ("reply", "note", "customer")


class Queue(IdMixin, Base):
    """A team that handles tickets: its members take them in turn or by load; `lead_id` is
    the team lead an escalation notifies."""

    __tablename__ = "service_queues"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    strategy: Mapped[str] = mapped_column(String(20), default="round_robin")
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    # The round-robin counter (kht.turns).
    turn: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QueueMember(IdMixin, Base):
    """A user working a queue: they see its tickets (the `team` scope) and get them in turn."""

    __tablename__ = "service_queue_members"
    __table_args__ = (UniqueConstraint("queue_id", "user_id"),)

    queue_id: Mapped[int] = mapped_column(
        ForeignKey("service_queues.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class SlaPolicy(IdMixin, Base):
    """Targets in working minutes for a priority (and, when set, a customer category: the
    more specific policy wins)."""

    __tablename__ = "service_sla_policies"

    name: Mapped[str] = mapped_column(String(100))
    priority: Mapped[str] = mapped_column(String(10))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_categories.id", ondelete="CASCADE"), nullable=True
    )
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ServiceDay(IdMixin, Base):
    """A company-specific day on top of the public calendar: a day off (company outing) or
    a working day."""

    __tablename__ = "service_days"

    day: Mapped[date] = mapped_column(Date, unique=True)
    working: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(200), default="")


class Ticket(BusinessRecord, ExtensibleMixin, Base):
    """A customer's case; the owner is the assignee, `queue_id` the team it waits in.

    SLA: `response_due_at` / `resolution_due_at` are the deadlines on the business calendar:
    the policy's working minutes after `created_at`, plus the working time spent waiting for
    the customer (`paused_seconds`; `paused_at` while the clock is stopped).
    """

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_live_updated", "deleted_at", "updated_at"),
        Index("ix_tickets_queue_status", "queue_id", "status"),
    )

    number: Mapped[str | None] = mapped_column(String(20), unique=True, nullable=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), nullable=True, index=True
    )
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="SET NULL"), nullable=True, index=True
    )
    category: Mapped[str] = mapped_column(String(50), default="", index=True)
    priority: Mapped[str] = mapped_column(String(10), default="normal", index=True)
    channel: Mapped[str] = mapped_column(String(10), default="phone")
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    queue_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_queues.id", ondelete="SET NULL"), nullable=True
    )
    resolution: Mapped[str] = mapped_column(Text, default="")
    requester_name: Mapped[str] = mapped_column(String(100), default="")
    requester_email: Mapped[str] = mapped_column(String(200), default="")
    # The mail conversation the ticket follows (kht.mail: MailMessage.thread_id).
    mail_thread_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    sla_policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_sla_policies.id", ondelete="SET NULL"), nullable=True
    )
    response_due_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    resolution_due_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    first_response_at: Mapped[datetime | None] = mapped_column(nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    paused_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Working seconds spent waiting for the customer so far: the deadlines move by them.
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    # Set when the first reply / the resolution happens: the working seconds it took (pauses
    # left out) and whether it was within the target (None: no policy).
    response_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    resolution_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_met: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    resolution_met: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    satisfaction: Mapped[int | None] = mapped_column(Integer, nullable=True)
    satisfaction_comment: Mapped[str] = mapped_column(Text, default="")
    satisfaction_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Part of the survey link's signature: a new one per resolution, so an old link dies.
    survey_nonce: Mapped[str] = mapped_column(String(32), default="")

    @classmethod
    def team_clause(cls, user_id: int) -> Any:
        """The `team` data scope (kht.auth.scope): tickets of a queue `user_id` works."""
        members = select(QueueMember.queue_id).where(QueueMember.user_id == user_id)
        return cls.queue_id.in_(members)


class TicketEntry(IdMixin, Base):
    """One item of a ticket's conversation: a reply to the customer, an internal note, or
    the customer's own message (from mail or the web form)."""

    __tablename__ = "ticket_entries"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    mail_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_messages.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
