"""Ticket, queue, SLA-policy and survey API types."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from kht.records.schemas import RecordOut, update_schema
from kht.types import Email, Ext, Id, Notes, Version

Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Category = Annotated[str, msgspec.Meta(max_length=50)]
Name = Annotated[str, msgspec.Meta(max_length=100)]
Body = Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]
Priority = Literal["low", "normal", "high", "urgent"]
Channel = Literal["phone", "email", "web", "walk_in"]
# The moves an edit may ask for; the rest of the flow has its own endpoints (take, reply).
Status = Literal["new", "assigned", "in_progress", "waiting", "resolved", "closed"]
Strategy = Literal["manual", "round_robin", "least_open"]
Minutes = Annotated[int, msgspec.Meta(ge=1, le=525600)]
Clock = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Score = Annotated[int, msgspec.Meta(ge=1, le=5)]


class TicketCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new ticket (status new; assigned when its queue hands it to a member)."""

    subject: Subject
    description: Notes = ""
    customer_id: Id | None = None
    contact_id: Id | None = None
    product_id: Id | None = None
    order_id: Id | None = None
    category: Category = ""
    priority: Priority = "normal"
    channel: Channel = "phone"
    queue_id: Id | None = None
    requester_name: Name = ""
    requester_email: Email = ""
    ext: Ext = {}


TicketUpdate = update_schema(
    TicketCreate,
    "TicketUpdate",
    "A partial update carrying the `version` shown (409 when stale); a status change must "
    "follow the flow (409 otherwise).",
    drop=("channel",),
    more=(("status", Status), ("resolution", Notes)),
)


class TicketOut(RecordOut, kw_only=True):
    """A ticket as the API returns it; `*_left_seconds` are working seconds to the SLA
    deadline (negative: overdue), None when met or without a policy."""

    number: str | None
    subject: str
    description: str
    customer_id: int | None
    contact_id: int | None
    product_id: int | None
    order_id: int | None
    category: str
    priority: str
    channel: str
    status: str
    queue_id: int | None
    owner_id: int | None
    resolution: str
    requester_name: str
    requester_email: str
    sla_policy_id: int | None
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    paused: bool
    response_left_seconds: int | None
    resolution_left_seconds: int | None
    satisfaction: int | None
    satisfaction_comment: str
    tags: list[str]
    deleted_at: datetime | None


class EntryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A reply to the customer (mailed when the ticket has an address) or an internal note.
    `wait` puts the ticket to waiting for the customer after the reply."""

    body: Body
    wait: bool = False


class EntryOut(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    body: str
    author_id: int | None
    created_at: datetime


class Move(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A status move; `resolution` is required to resolve."""

    version: Version | None = None
    resolution: Notes = ""


class AssignIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Reassign to `owner_id` (a member of the queue when it has members) and/or move to
    `queue_id`."""

    owner_id: Id | None = None
    queue_id: Id | None = None
    version: Version | None = None


class QueueIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    strategy: Strategy = "round_robin"
    lead_id: Id | None = None
    member_ids: list[Id] = []


class QueueOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    strategy: str
    lead_id: int | None
    member_ids: list[int]
    active: bool


class PolicyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    priority: Priority
    category_id: Id | None = None
    first_response_minutes: Minutes
    resolution_minutes: Minutes


class PolicyOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    priority: str
    category_id: int | None
    first_response_minutes: int
    resolution_minutes: int
    active: bool


class DayIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    day: date
    working: bool
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


class ServiceSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The service settings (owner `service` of the core settings store): working hours in
    the company time zone, the service mailbox, the near-breach window, the intake queue."""

    work_start: Clock = "09:00"
    work_end: Clock = "18:00"
    mailbox_id: Id | None = None
    near_breach_minutes: Annotated[int, msgspec.Meta(ge=0, le=10080)] = 60
    intake_queue_id: Id | None = None
    # An SMS template (kht.sms) to text the survey with too; its parameters may use
    # {{ survey.link }}, {{ ticket.number }}, {{ ticket.subject }} and {{ name }}.
    survey_sms_template_id: Id | None = None


class SurveyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    score: Score
    comment: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class WebTicket(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What the public service form captures."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=200)]
    subject: Subject
    message: Notes = ""
