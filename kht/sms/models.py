"""SMS tables: the gateway settings (one row), templates, the outbox of messages and the
numbers that opted out."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kht.db.base import Base, IdMixin, JSONType, utcnow

Cost = Numeric(18, 4)  # carriers price a message in fractions of a fen (0.045 元)


class SmsGateway(IdMixin, Base):
    """The gateway kht sends through (a single row). `secret` is the access key secret
    sealed with the instance key (kht.crypto): never loaded with the row, never shown,
    logged or returned. `callback_token` makes the callback URLs unguessable."""

    __tablename__ = "sms_gateways"

    gateway: Mapped[str] = mapped_column(String(40), default="log")
    # The gateway's non-secret settings (endpoint, access key id, region, signer).
    config: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    secret: Mapped[str] = mapped_column(Text, default="", deferred=True)
    signature: Mapped[str] = mapped_column(String(40), default="")
    default_region: Mapped[str] = mapped_column(String(2), default="CN")
    # Quiet hours on the company's wall clock ("21:00" to "08:00"; equal: none).
    quiet_start: Mapped[str] = mapped_column(String(5), default="21:00")
    quiet_end: Mapped[str] = mapped_column(String(5), default="08:00")
    time_zone: Mapped[str] = mapped_column(String(60), default="Asia/Shanghai")
    rate_per_minute: Mapped[int] = mapped_column(Integer, default=60)
    # At most this many messages to one number per day (the gateway's clock); 0: no limit.
    per_number_per_day: Mapped[int] = mapped_column(Integer, default=5)
    callback_token: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SmsTemplate(IdMixin, Base):
    """A template registered at the carrier (`code`) and how kht fills its parameters:
    parameter name -> merge text (`{{ customer.name }}`), rendered in the mail templates'
    sandbox (kht.mail.templating). `content` is the carrier's text, for people to read."""

    __tablename__ = "sms_templates"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str] = mapped_column(String(60))
    content: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SmsMessage(IdMixin, Base):
    """One SMS to one number, written in the transaction that asked for it (the outbox):
    `queued` until the carrier accepts it (`sent`), then `delivered` or `failed` by its
    receipt; `failed` too when the carrier refuses it for good, `opted_out` when the number
    opted out before it went. A sender holds a row while `claimed_until` is ahead."""

    __tablename__ = "sms_messages"
    __table_args__ = (
        Index("ix_sms_messages_status_next", "status", "next_attempt_at"),
        Index("ix_sms_messages_record", "kind", "record_id"),
    )

    number: Mapped[str] = mapped_column(String(20), index=True)
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_templates.id", ondelete="SET NULL"), nullable=True
    )
    template_code: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    signature: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    claim: Mapped[str | None] = mapped_column(String(32), nullable=True, default=None)
    carrier_id: Mapped[str] = mapped_column(String(100), default="", index=True)
    cost: Mapped[Decimal | None] = mapped_column(Cost, nullable=True, default=None)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    # Who asked for it (a campaign's mass SMS: "campaign:12"), handed to kht_on_sms_status.
    origin: Mapped[str] = mapped_column(String(100), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    # The first reply from the number after this message (not an opt-out word).
    replied_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)


class SmsOptOut(IdMixin, Base):
    """A number that asked for no more SMS (by replying TD/T/退订, or through the API)."""

    __tablename__ = "sms_opt_outs"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    source: Mapped[str] = mapped_column(String(10), default="reply")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SmsMassSend(IdMixin, Base):
    """A template SMS to every number of a segment (kht.sms.mass): `preparing` while its
    recipients are moved into `sms_messages` `rate_per_minute` at a time (never in the
    quiet hours), then `done`. The template's code and merge texts are copied when it
    starts; `skipped` counts the records left out then (no number, invalid, repeated)."""

    __tablename__ = "sms_mass_sends"

    name: Mapped[str] = mapped_column(String(200), default="")
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_templates.id", ondelete="SET NULL"), nullable=True
    )
    template_code: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    kind: Mapped[str] = mapped_column(String(40))
    view_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    filters: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # Who asked for it (a campaign: "campaign:12"): hooks tell their changes apart by it.
    origin: Mapped[str] = mapped_column(String(100), default="", index=True)
    status: Mapped[str] = mapped_column(String(10), default="preparing")
    rate_per_minute: Mapped[int] = mapped_column(Integer, default=60)
    next_batch_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    records: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SmsMassRecipient(IdMixin, Base):
    """One number of a mass SMS: `pending` (not yet a message), `queued` (its message,
    `message_id`, tells the rest: sent, delivered, failed, opted out), or without a message
    `opted_out`, `limited` (the number's daily limit was reached) or `failed` (its
    parameters could not be filled)."""

    __tablename__ = "sms_mass_recipients"
    __table_args__ = (
        UniqueConstraint("send_id", "number"),
        Index("ix_sms_mass_recipients_send_status", "send_id", "status"),
    )

    send_id: Mapped[int] = mapped_column(ForeignKey("sms_mass_sends.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    message_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    error: Mapped[str] = mapped_column(String(200), default="")
