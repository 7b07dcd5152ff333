"""Webhook subscriptions, their queued deliveries (the outbox) and the log of every try."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, JSONType, TimestampMixin, VersionMixin, utcnow


class WebhookSubscription(IdMixin, TimestampMixin, VersionMixin, Base):
    """Where to POST which events. `secret` signs them: shown once at creation, never loaded
    with the row (deferred) and never part of an answer, a page or a log line."""

    __tablename__ = "webhook_subscriptions"

    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(2000))
    # Event type keys (`record.created`, ...) and record kinds ([]: every kind).
    events: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    kinds: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    secret: Mapped[str] = mapped_column(String(100), deferred=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Failed tries since the last success; at `webhook_disable_after` the subscription stops.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    disabled_reason: Mapped[str] = mapped_column(String(200), default="")

    def __repr__(self) -> str:  # never the secret
        return f"<WebhookSubscription {self.id} {self.name!r}>"


class WebhookDelivery(IdMixin, Base):
    """One message for one subscription, written in the transaction of the event it reports:
    `queued` until the receiver answers 2xx (`delivered`) or the last try fails (`failed`).
    `message_id` (the `webhook-id` header) stays the same across tries, so a receiver can
    recognise a message it already has. A sender holds a row while `claimed_until` is ahead."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),
    )

    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    event_type: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    payload: Mapped[str] = mapped_column(Text)
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    claim: Mapped[str | None] = mapped_column(String(32), nullable=True, default=None)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)


class WebhookAttempt(IdMixin, Base):
    """One try of a delivery: when, the receiver's status code (None when there was no
    answer), how long it took and why it failed."""

    __tablename__ = "webhook_attempts"

    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(200), default="")
