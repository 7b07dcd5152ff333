"""Mail API types: accounts (never with their password), messages, sending, templates."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Address = Annotated[str, msgspec.Meta(min_length=3, max_length=320)]
Host = Annotated[str, msgspec.Meta(max_length=255)]
Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
Folder = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Folders = Annotated[list[Folder], msgspec.Meta(max_length=20)]
Password = Annotated[str, msgspec.Meta(max_length=500)]
Security = Literal["ssl", "starttls", "none"]
AccountKind = Literal["personal", "shared"]
Addresses = Annotated[list[Address], msgspec.Meta(max_length=50)]
Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Body = Annotated[str, msgspec.Meta(max_length=200000)]
Minutes = Annotated[int, msgspec.Meta(ge=1, le=1440)]
UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class AssignRule(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A shared mailbox's rule: mail from `domain` goes to `user_id`."""

    domain: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    user_id: int


AssignRules = Annotated[list[AssignRule], msgspec.Meta(max_length=200)]


class AccountIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new mail account. `shared` (a company mailbox) needs the mail `admin` operation;
    `personal` belongs to the caller. `password` serves both SMTP and IMAP logins."""

    kind: AccountKind = "personal"
    name: Name
    email: Address
    login: Annotated[str, msgspec.Meta(max_length=320)] = ""
    password: Password = ""
    smtp_host: Host = ""
    smtp_port: Port = 587
    smtp_security: Security = "starttls"
    imap_host: Host = ""
    imap_port: Port = 993
    imap_security: Security = "ssl"
    folders: Folders = msgspec.field(default_factory=lambda: ["INBOX"])
    match_domains: bool = False
    poll_minutes: Minutes = 5
    member_ids: Annotated[list[int], msgspec.Meta(max_length=200)] = []
    assign_rules: AssignRules = []
    default_assignee_id: int | None = None
    round_robin: bool = True
    lead_capture: bool = False


class AccountPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changes to an account; a `password` left out keeps the stored one."""

    name: Name | Unset = UNSET
    email: Address | Unset = UNSET
    login: Annotated[str, msgspec.Meta(max_length=320)] | Unset = UNSET
    password: Password | Unset = UNSET
    smtp_host: Host | Unset = UNSET
    smtp_port: Port | Unset = UNSET
    smtp_security: Security | Unset = UNSET
    imap_host: Host | Unset = UNSET
    imap_port: Port | Unset = UNSET
    imap_security: Security | Unset = UNSET
    folders: Folders | Unset = UNSET
    match_domains: bool | Unset = UNSET
    poll_minutes: Minutes | Unset = UNSET
    active: bool | Unset = UNSET
    member_ids: Annotated[list[int], msgspec.Meta(max_length=200)] | Unset = UNSET
    assign_rules: AssignRules | Unset = UNSET
    default_assignee_id: int | None | Unset = UNSET
    round_robin: bool | Unset = UNSET
    lead_capture: bool | Unset = UNSET


class AccountOut(msgspec.Struct, kw_only=True):
    """A mail account as the API shows it: whether a password is set, never the password."""

    id: int
    kind: str
    name: str
    email: str
    owner_id: int | None
    login: str
    has_password: bool
    smtp_host: str
    smtp_port: int
    smtp_security: str
    imap_host: str
    imap_port: int
    imap_security: str
    folders: list[str]
    match_domains: bool
    poll_minutes: int
    active: bool
    last_fetch_at: datetime | None
    last_error: str
    member_ids: list[int]
    assign_rules: list[AssignRule]
    default_assignee_id: int | None
    round_robin: bool
    lead_capture: bool


class AccountList(msgspec.Struct, kw_only=True):
    items: list[AccountOut]


class LinkOut(msgspec.Struct, kw_only=True):
    kind: str
    record_id: int


class AttachmentOut(msgspec.Struct, kw_only=True):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(msgspec.Struct, kw_only=True):
    """A stored mail in a list (no body)."""

    id: int
    message_id: str
    direction: str
    subject: str
    from_address: str
    from_name: str
    to: list[str]
    cc: list[str]
    sent_at: datetime
    thread_id: int | None
    # A mail written in the CRM with tracking: first open and click, and their counts.
    tracked: bool = False
    opened_at: datetime | None = None
    opens: int = 0
    clicked_at: datetime | None = None
    clicks: int = 0


class AssignmentOut(msgspec.Struct, kw_only=True):
    """Who a shared mailbox gave the mail to (`user_id` None: its queue) and why."""

    account_id: int
    user_id: int | None
    how: str
    lead_id: int | None
    assigned_at: datetime


class MessageDetail(MessageOut, kw_only=True):
    """A stored mail with its bodies (HTML sanitised, remote images removed unless asked),
    attachments, matched records, its assignments in shared mailboxes and the other messages
    of its thread."""

    text: str
    html: str
    remote_images_blocked: bool
    in_reply_to: str
    references: list[str]
    attachments: list[AttachmentOut]
    links: list[LinkOut]
    assignments: list[AssignmentOut]
    thread: list[MessageOut]


class MessageList(msgspec.Struct, kw_only=True):
    items: list[MessageOut]
    total: int
    page: int
    page_size: int


class Compose(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A mail written in the CRM; `reply_to_id` makes it an answer in that thread."""

    account_id: int
    to: Annotated[list[Address], msgspec.Meta(min_length=1, max_length=50)]
    cc: Addresses = []
    subject: Subject
    body: Body = ""
    reply_to_id: int | None = None
    # One-to-one tracking: an HTML part with an open pixel, links through signed redirects.
    track: bool = False


class Draft(msgspec.Struct, kw_only=True):
    """A reply, reply-all or forward prepared from a stored mail, with the thread quoted."""

    to: list[str]
    cc: list[str]
    subject: str
    body: str
    reply_to_id: int | None


class TemplateIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    subject: Annotated[str, msgspec.Meta(max_length=300)] = ""
    body: Body = ""


class TemplatePatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name | Unset = UNSET
    subject: Annotated[str, msgspec.Meta(max_length=300)] | Unset = UNSET
    body: Body | Unset = UNSET


class TemplateOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    subject: str
    body: str
    created_by_id: int | None
    created_at: datetime


class TemplateList(msgspec.Struct, kw_only=True):
    items: list[TemplateOut]


class Rendered(msgspec.Struct, kw_only=True):
    """A template rendered for one record."""

    subject: str
    body: str


MassKind = Literal["customer", "contact", "lead"]


class MassSendIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A mass send: the template, the records (`kind` with a saved view or segment
    `view_id` and/or `filters` as `field:op:value`, narrowed to a static customer group
    `group_id` and/or a campaign's members `campaign_id`), the account to send from (None: the
    instance's KHT_SMTP_* server) and how many mails may leave per minute."""

    template_id: int
    kind: MassKind
    view_id: int | None = None
    filters: Annotated[list[str], msgspec.Meta(max_length=50)] = []
    # A static customer group (kind customer) and/or a campaign's members of `kind`.
    group_id: int | None = None
    campaign_id: int | None = None
    account_id: int | None = None
    name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    rate_per_minute: Annotated[int, msgspec.Meta(ge=1, le=10000)] = 600


class MassCount(msgspec.Struct, kw_only=True):
    """Who a send would reach: records matched, with an address, of those suppressed."""

    records: int
    addresses: int
    suppressed: int


class MassStats(msgspec.Struct, kw_only=True):
    """Per-send figures. `delivered`: taken by the server and not bounced back."""

    recipients: int
    pending: int
    queued: int
    sent: int
    delivered: int
    refused: int
    failed: int
    suppressed: int
    bounced: int
    opened: int
    clicked: int
    unsubscribed: int
    complained: int


class MassSendOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    template_id: int | None
    subject: str
    kind: str
    view_id: int | None
    # The filters the recipients were picked with, `field:op:value` (a group: `group:eq:<id>`).
    filters: list[str]
    account_id: int | None
    origin: str
    status: str
    rate_per_minute: int
    created_by_id: int | None
    created_at: datetime
    stats: MassStats


class MassSendList(msgspec.Struct, kw_only=True):
    items: list[MassSendOut]


class SuppressionOut(msgspec.Struct, kw_only=True):
    email: str
    reason: str
    send_id: int | None
    created_at: datetime


class SuppressionList(msgspec.Struct, kw_only=True):
    items: list[SuppressionOut]
    total: int
