"""Ticket business rules: the status flow, assignment, replies and notes, and the SLA
columns they move. Every write goes through kht.record_service (scope, validation, audit,
events); intake without a user (mail, the public form, a survey answer) writes through it
as the system.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import select

from kht import record_service as records
from kht.context import Ctx
from kht.emails import clean_email
from kht.errors import Conflict, ValidationError
from kht.plugin_types import Problem, RecordKind
from kht.service import mailing, queues, sla, survey
from kht.service.models import Ticket, TicketEntry
from kht.service.schemas import TicketCreate

KIND = "ticket"
MODULE = "tickets"
SPEC = RecordKind(kind=KIND, model=Ticket, module=MODULE, label_zh="工单", label_en="Tickets")

# Where a ticket may go from each status; resolved and closed ones reopen to in progress.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"assigned", "in_progress", "waiting", "resolved", "closed"}),
    "assigned": frozenset({"new", "in_progress", "waiting", "resolved", "closed"}),
    "in_progress": frozenset({"assigned", "waiting", "resolved", "closed"}),
    "waiting": frozenset({"in_progress", "resolved", "closed"}),
    "resolved": frozenset({"closed", "in_progress"}),
    "closed": frozenset({"in_progress"}),
}


# Columns only the ticket's rules move (the flow, the SLA clocks, the survey, the number):
# a generic writer (bulk "set a field") is refused them; see `guard` and `save`.
FLOW_FIELDS = frozenset(
    {
        "status",
        "priority",
        "number",
        "sla_policy_id",
        "response_due_at",
        "resolution_due_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "paused_at",
        "paused_seconds",
        "response_seconds",
        "resolution_seconds",
        "response_met",
        "resolution_met",
        "satisfaction",
        "satisfaction_comment",
        "satisfaction_at",
        "survey_nonce",
        "mail_thread_id",
    }
)
_WRITING = "kht.service.ticket_write"


def save(
    ctx: Ctx,
    ticket: Ticket,
    version: int | None,
    changes: dict[str, Any],
    operation: str | None = "edit",
) -> Ticket:
    """Write `changes` through the record service as the ticket's own rules (the guard lets
    the flow's columns through)."""
    ctx.extra[_WRITING] = ticket.id
    try:
        return records.update_record(ctx, SPEC, ticket, version, changes, operation=operation)
    finally:
        ctx.extra.pop(_WRITING, None)


def guard(ctx: Ctx, kind: str, record: Any, changes: dict[str, Any]) -> list[Problem] | None:
    """`kht_validate`: a change to a ticket's flow columns must come through its rules."""
    if kind != KIND or record is None or ctx.extra.get(_WRITING) == record.id:
        return None
    locked = sorted(set(changes) & FLOW_FIELDS)
    return [
        Problem(field=name, message=f"change a ticket's {name} through its own steps")
        for name in locked
    ] or None


def clean(values: dict[str, Any]) -> dict[str, Any]:
    """Trimmed text; a blank subject or a malformed address is a 422 naming the field."""
    for key in ("subject", "category", "requester_name"):
        if key in values:
            values[key] = values[key].strip()
    if "subject" in values and not values["subject"]:
        raise ValidationError("subject is required", "subject")
    if values.get("requester_email"):
        values["requester_email"] = clean_email(values["requester_email"], "requester_email")
    return values


def _numbered(ticket: Ticket) -> None:
    ticket.number = f"T{ticket.id:06d}"


def _after_create(ctx: Ctx, ticket: Ticket, operation: str | None) -> Ticket:
    """Number, SLA deadlines and the queue's assignee of a new ticket, then the
    acknowledgement mail."""
    _numbered(ticket)
    for key, value in sla.schedule(ctx, ticket).items():
        setattr(ticket, key, value)
    ctx.session.flush()
    if ticket.owner_id is None and ticket.queue_id is not None:
        member = queues.pick(ctx, ticket.queue_id)
        if member is not None:
            changes = {"owner_id": member, "status": "assigned"}
            save(ctx, ticket, None, changes, operation)
    mailing.acknowledge(ctx, ticket)
    return ticket


def create_ticket(ctx: Ctx, data: TicketCreate) -> Ticket:
    """A ticket entered by a user (UI or API): unassigned in its queue, or handed to the
    queue's next member; the customer gets the acknowledgement mail."""
    values = clean(records.changes_of(data))
    queues.check_queue(ctx, values.get("queue_id"))
    values["status"] = "new"
    ticket = records.create_record(ctx, SPEC, values, owner_id=None)
    return _after_create(
        ctx, ticket, "assign" if ctx.user and ctx.user.can(MODULE, "assign") else None
    )


def open_ticket(
    ctx: Ctx, values: dict[str, Any], message: str, *, mail_id: int | None = None
) -> Ticket:
    """A ticket from outside (mail, the public form) with the customer's first message on
    its timeline, written as the system (no acting user)."""
    values = clean({**values, "status": "new"})
    ticket = records.create_record(ctx, SPEC, values, owner_id=None, operation=None)
    _entry(ctx, ticket, "customer", message, mail_id=mail_id)
    return _after_create(ctx, ticket, None)


def get_ticket(ctx: Ctx, ticket_id: int) -> Ticket:
    """One ticket in scope, or NotFound."""
    return records.get_record(ctx, SPEC, ticket_id)


def system_update(ctx: Ctx, ticket: Ticket, changes: dict[str, Any]) -> Ticket:
    """A change nobody logged in made (mail intake, a survey answer), audited as the system."""
    return save(ctx, ticket, None, changes, None)


def check_transition(ticket: Ticket, to: str) -> None:
    """Refuse (409) a status move the flow does not allow."""
    if to not in TRANSITIONS.get(ticket.status, frozenset()):
        raise Conflict(f"a {ticket.status} ticket cannot become {to}", "status")


def moved(ctx: Ctx, ticket: Ticket, to: str, resolution: str = "") -> dict[str, Any]:
    """The changes a move to `to` brings: the SLA clock, resolution and reopening."""
    check_transition(ticket, to)
    changes: dict[str, Any] = {"status": to}
    if ticket.status == "waiting":
        changes.update(sla.resume(ctx, ticket))
    if to == "waiting":
        changes.update(sla.pause(ctx, ticket))
    if to == "resolved":
        if not (resolution or ticket.resolution).strip():
            raise ValidationError("describe the resolution", "resolution")
        changes.update(
            sla.resolved(ctx, ticket), resolution=(resolution or ticket.resolution).strip()
        )
        changes["survey_nonce"] = survey.new_nonce()
    if to == "closed":
        changes["closed_at"] = ctx.now()
    if to == "in_progress" and ticket.status in ("resolved", "closed"):  # reopened
        changes.update(resolved_at=None, resolution_met=None, closed_at=None, survey_nonce="")
    return changes


def _survey_after(ctx: Ctx, ticket: Ticket, changes: dict[str, Any]) -> None:
    if changes.get("status") == "resolved":
        link = survey.link(ctx, ticket)
        mailing.survey(ctx, ticket, link)
        mailing.survey_sms(ctx, ticket, link)


def move(
    ctx: Ctx, ticket_id: int, to: str, *, version: int | None = None, resolution: str = ""
) -> Ticket:
    """Move a ticket along the flow (409 when the flow forbids it or the version is stale);
    resolving mails the satisfaction survey."""
    ticket = get_ticket(ctx, ticket_id)
    changes = moved(ctx, ticket, to, resolution)
    save(ctx, ticket, version, changes)
    _survey_after(ctx, ticket, changes)
    return ticket


def update_ticket(ctx: Ctx, ticket_id: int, data: Any) -> Ticket:
    """A partial update; a status change follows the flow, a priority change moves the SLA
    deadlines, a queue must exist."""
    ticket = get_ticket(ctx, ticket_id)
    changes = clean(records.changes_of(data))
    if "queue_id" in changes:
        queues.check_queue(ctx, changes["queue_id"])
    to = changes.pop("status", ticket.status)
    if to != ticket.status:
        changes.update(moved(ctx, ticket, to, changes.get("resolution", "")))
    if changes.get("priority", ticket.priority) != ticket.priority:
        changes.update(sla.schedule(ctx, ticket, priority=changes["priority"]))
    save(ctx, ticket, data.version, changes)
    _survey_after(ctx, ticket, changes)
    return ticket


def assign(
    ctx: Ctx,
    ticket_id: int,
    owner_id: int | None,
    *,
    queue_id: Any = msgspec.UNSET,
    version: int | None = None,
) -> Ticket:
    """Hand a ticket to `owner_id` (a member of its queue when the queue has members) and/or
    move it to another queue; a new or unassigned ticket becomes assigned."""
    ticket = get_ticket(ctx, ticket_id)
    changes: dict[str, Any] = {}
    if queue_id is not msgspec.UNSET and queue_id != ticket.queue_id:
        queues.check_queue(ctx, queue_id)
        changes["queue_id"] = queue_id
    target_queue = changes.get("queue_id", ticket.queue_id)
    if (
        owner_id is not None
        and queues.members(ctx, target_queue or 0)
        and not queues.is_member(ctx, target_queue, owner_id)
    ):
        raise ValidationError(f"user {owner_id} is not a member of the ticket's queue", "owner_id")
    changes["owner_id"] = owner_id
    if owner_id is not None and ticket.status == "new":
        changes["status"] = "assigned"
    if owner_id is None and ticket.status == "assigned":
        changes["status"] = "new"
    return save(ctx, ticket, version, changes)


def take(ctx: Ctx, ticket_id: int, version: int | None = None) -> Ticket:
    """Take a ticket from the queue: the acting user becomes its assignee."""
    ticket = get_ticket(ctx, ticket_id)
    if ticket.owner_id is not None and ticket.owner_id != ctx.user_id:
        raise Conflict("the ticket is already assigned", "owner_id")
    return assign(ctx, ticket_id, ctx.user_id, version=version)


def _entry(
    ctx: Ctx, ticket: Ticket, kind: str, body: str, *, mail_id: int | None = None
) -> TicketEntry:
    entry = TicketEntry(
        ticket_id=ticket.id,
        kind=kind,
        body=body.strip(),
        author_id=ctx.user_id,
        mail_message_id=mail_id,
        created_at=ctx.now(),
    )
    ctx.session.add(entry)
    ctx.session.flush()
    return entry


def add_note(ctx: Ctx, ticket_id: int, body: str) -> TicketEntry:
    """An internal note on the timeline (never mailed)."""
    ticket = get_ticket(ctx, ticket_id)
    records.update_record(ctx, SPEC, ticket, None, {}, operation="edit")  # may edit it
    return _entry(ctx, ticket, "note", body)


def add_reply(ctx: Ctx, ticket_id: int, body: str, *, wait: bool = False) -> TicketEntry:
    """A reply to the customer: on the timeline, mailed to the requester, the first one
    stops the response clock; a new or assigned ticket is now in progress, and `wait`
    leaves it waiting for the customer (the clock pauses)."""
    ticket = get_ticket(ctx, ticket_id)
    if ticket.status == "closed":
        raise Conflict("reopen the ticket before replying", "status")
    changes: dict[str, Any] = dict(sla.responded(ctx, ticket))
    if ticket.owner_id is None:
        changes["owner_id"] = ctx.user_id
    target = (
        "waiting"
        if wait
        else ("in_progress" if ticket.status in ("new", "assigned", "waiting") else ticket.status)
    )
    if target != ticket.status:
        changes.update(moved(ctx, ticket, target))
    save(ctx, ticket, None, changes)
    entry = _entry(ctx, ticket, "reply", body)
    mailing.reply(ctx, ticket, body)
    return entry


def customer_wrote(
    ctx: Ctx, ticket: Ticket, body: str, *, mail_id: int | None = None
) -> TicketEntry:
    """The customer's message threaded onto a ticket (as the system): a ticket waiting for
    them or resolved is back in progress (the clock runs again)."""
    entry = _entry(ctx, ticket, "customer", body, mail_id=mail_id)
    if ticket.status in ("waiting", "resolved"):
        system_update(ctx, ticket, moved(ctx, ticket, "in_progress"))
    return entry


def timeline(ctx: Ctx, ticket_id: int) -> list[TicketEntry]:
    """A ticket's replies, notes and customer messages, oldest first (the ticket in scope)."""
    ticket = get_ticket(ctx, ticket_id)
    query = select(TicketEntry).where(TicketEntry.ticket_id == ticket.id).order_by(TicketEntry.id)
    return list(ctx.session.scalars(query))


def delete_ticket(ctx: Ctx, ticket_id: int) -> None:
    """Move a ticket to the recycle bin."""
    records.delete_record(ctx, SPEC, get_ticket(ctx, ticket_id))
