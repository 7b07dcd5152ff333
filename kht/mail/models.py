"""Mail tables: the outbox, mail accounts, fetched and sent messages, their links to records
and mail templates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
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
    # Mail written in the CRM: the account it goes out through (None: the KHT_SMTP_* server),
    # its own Message-ID (also stored in mail_messages), copies and the thread it answers.
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_accounts.id", ondelete="SET NULL"), nullable=True, default=None
    )
    message_id: Mapped[str] = mapped_column(String(500), default="")
    cc_addresses: Mapped[str] = mapped_column(Text, default="")
    in_reply_to: Mapped[str] = mapped_column(String(500), default="")
    refs: Mapped[str] = mapped_column(Text, default="")
    # Mass mail (kht.mail.mass): extra headers (List-Unsubscribe, the recipient's tracking
    # token) and the envelope sender bounces go back to.
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    envelope_from: Mapped[str] = mapped_column(String(320), default="")
    # An iCalendar invitation (METHOD REQUEST or CANCEL) sent along as text/calendar.
    calendar: Mapped[str] = mapped_column(Text, default="")
    # An HTML version of `body` (sent as multipart/alternative); empty: plain text only.
    html_body: Mapped[str] = mapped_column(Text, default="")


class OutgoingFile(IdMixin, Base):
    """A file attached to a queued message (a scheduled report's spreadsheet)."""

    __tablename__ = "mail_outbox_files"

    mail_id: Mapped[int] = mapped_column(
        ForeignKey("mail_outbox.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class MailAccount(IdMixin, Base):
    """A mailbox kht sends from (SMTP) and reads (IMAP): a user's own (`personal`, `owner_id`)
    or the company's (`shared`, read by its members). The password is stored encrypted with
    the instance key (kht.crypto) and never leaves the server."""

    __tablename__ = "mail_accounts"

    kind: Mapped[str] = mapped_column(String(10), default="personal")
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(320))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    login: Mapped[str] = mapped_column(String(320), default="")
    password_secret: Mapped[str] = mapped_column(Text, default="")
    smtp_host: Mapped[str] = mapped_column(String(255), default="")
    smtp_port: Mapped[int] = mapped_column(Integer, default=587)
    smtp_security: Mapped[str] = mapped_column(String(10), default="starttls")
    imap_host: Mapped[str] = mapped_column(String(255), default="")
    imap_port: Mapped[int] = mapped_column(Integer, default=993)
    imap_security: Mapped[str] = mapped_column(String(10), default="ssl")
    folders: Mapped[list[str]] = mapped_column(JSON, default=list)
    match_domains: Mapped[bool] = mapped_column(Boolean, default=False)
    poll_minutes: Mapped[int] = mapped_column(Integer, default=5)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_fetch_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    # A fetcher holds the account while `fetch_claimed_until` is ahead (one fetch at a time).
    fetch_claimed_until: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Distribution of a shared mailbox's incoming mail (kht.mail.distribution): sender-domain
    # rules [{"domain": "acme.cn", "user_id": 3}], then the default assignee, then (with
    # `round_robin`) the members in turn (`turn` counts), else the mailbox's queue.
    assign_rules: Mapped[list[dict]] = mapped_column(JSON, default=list)
    default_assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, default=None
    )
    round_robin: Mapped[bool] = mapped_column(Boolean, default=True)
    turn: Mapped[int] = mapped_column(Integer, default=0)
    # A mail from an unknown sender creates a lead owned by its assignee.
    lead_capture: Mapped[bool] = mapped_column(Boolean, default=False)


class MailAccountMember(Base):
    """A user who reads (and sends from) a shared mailbox."""

    __tablename__ = "mail_account_members"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("mail_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MailFolderState(IdMixin, Base):
    """How far a folder of an account has been read: its UIDVALIDITY and the last UID stored.
    A new UIDVALIDITY (the server renumbered the folder) starts the folder again; the
    Message-ID keeps what was stored from being stored twice."""

    __tablename__ = "mail_folder_states"
    __table_args__ = (UniqueConstraint("account_id", "folder"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("mail_accounts.id", ondelete="CASCADE"))
    folder: Mapped[str] = mapped_column(String(200))
    uidvalidity: Mapped[int] = mapped_column(BigInteger, default=0)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)


class MailMessage(IdMixin, Base):
    """One mail, stored once per Message-ID whichever mailboxes hold it (`MailCopy`)."""

    __tablename__ = "mail_messages"

    message_id: Mapped[str] = mapped_column(String(500), unique=True)
    direction: Mapped[str] = mapped_column(String(3), default="in")
    subject: Mapped[str] = mapped_column(String(500), default="")
    from_address: Mapped[str] = mapped_column(String(320), default="", index=True)
    from_name: Mapped[str] = mapped_column(String(200), default="")
    to_addresses: Mapped[list[str]] = mapped_column(JSON, default=list)
    cc_addresses: Mapped[list[str]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    in_reply_to: Mapped[str] = mapped_column(String(500), default="")
    refs: Mapped[str] = mapped_column(Text, default="")
    # The id of the first stored message of the conversation (itself when it starts one).
    thread_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    text_body: Mapped[str] = mapped_column(Text, default="")
    # Already sanitised with nh3 when stored; remote images are dropped again when shown.
    html_body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # One-to-one tracking of a mail written in the CRM (kht.mail.sending, `track`): the
    # first open and click and how many there were, from its pixel and signed links.
    tracked: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    opens: Mapped[int] = mapped_column(Integer, default=0)
    clicked_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    clicks: Mapped[int] = mapped_column(Integer, default=0)


class MailCopy(IdMixin, Base):
    """A mailbox's copy of a message: where it was fetched (folder, UID) or sent from."""

    __tablename__ = "mail_copies"
    __table_args__ = (UniqueConstraint("account_id", "message_id"),)

    account_id: Mapped[int] = mapped_column(
        ForeignKey("mail_accounts.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int] = mapped_column(
        ForeignKey("mail_messages.id", ondelete="CASCADE"), index=True
    )
    folder: Mapped[str] = mapped_column(String(200), default="")
    uid: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class MailAssignment(IdMixin, Base):
    """Who a shared mailbox's incoming mail went to, decided once per (mailbox, message):
    `user_id` None is the mailbox's queue. `how`: owner, rule, default, round_robin, queue.
    `lead_id` is the lead the mail created (lead capture)."""

    __tablename__ = "mail_assignments"
    __table_args__ = (UniqueConstraint("account_id", "message_id"),)

    account_id: Mapped[int] = mapped_column(
        ForeignKey("mail_accounts.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int] = mapped_column(
        ForeignKey("mail_messages.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    how: Mapped[str] = mapped_column(String(12), default="queue")
    lead_id: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class MailLink(IdMixin, Base):
    """A message matched to a record (customer, contact, lead) by address or domain."""

    __tablename__ = "mail_links"
    __table_args__ = (
        UniqueConstraint("message_id", "kind", "record_id"),
        Index("ix_mail_links_record", "kind", "record_id"),
    )

    message_id: Mapped[int] = mapped_column(ForeignKey("mail_messages.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)


class MailTemplate(IdMixin, Base):
    """A mail template with merge fields ({{ customer.name }}, {{ sender.name }}), rendered in
    a Jinja2 sandbox (kht.mail.templating)."""

    __tablename__ = "mail_templates"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MassSend(IdMixin, Base):
    """A template sent to every address of a segment (kht.mail.mass): `preparing` while its
    recipients are moved to the outbox `rate_per_minute` at a time, then `done`."""

    __tablename__ = "mail_mass_sends"

    name: Mapped[str] = mapped_column(String(200), default="")
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_templates.id", ondelete="SET NULL"), nullable=True
    )
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_accounts.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    view_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The filters the recipients were chosen by (the segment's, copied when sent).
    filters: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # Who asked for it (a campaign: "campaign:12"): hooks tell their changes apart by it.
    origin: Mapped[str] = mapped_column(String(100), default="", index=True)
    status: Mapped[str] = mapped_column(String(10), default="preparing")
    rate_per_minute: Mapped[int] = mapped_column(Integer, default=600)
    next_batch_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MassRecipient(IdMixin, Base):
    """One address of a mass send and how far it got: `pending` (not yet in the outbox),
    `queued`, `sent` (the server took it), `refused`, `bounced`, `suppressed` (skipped),
    `failed` (its merge fields could not be filled); opens, clicks and the unsubscribe are
    stamped beside the status."""

    __tablename__ = "mail_mass_recipients"
    __table_args__ = (
        UniqueConstraint("send_id", "email"),
        Index("ix_mail_mass_recipients_send_status", "send_id", "status"),
    )

    send_id: Mapped[int] = mapped_column(ForeignKey("mail_mass_sends.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    email: Mapped[str] = mapped_column(String(320), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    outbox_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    error: Mapped[str] = mapped_column(String(200), default="")
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    opened_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    clicked_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)
    bounced_at: Mapped[datetime | None] = mapped_column(nullable=True, default=None)


class Suppression(IdMixin, Base):
    """An address no mass mail goes to: `unsubscribed`, `bounced` (hard) or `complained`."""

    __tablename__ = "mail_suppressions"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    reason: Mapped[str] = mapped_column(String(12))
    send_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
