"""SLA escalation through the automation engine: time triggers for a breached or nearly
breached deadline, and the actions an escalation takes (notify the queue's team lead, raise
the priority, hand the ticket to the queue's next member).

A time trigger's occurrence names the deadline (`response` / `resolution`), and the engine
runs a rule once per record and occurrence, so a ticket escalates once per deadline and
rule however often the worker looks. A ticket waiting for the customer (clock paused),
resolved or closed is never due.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

import msgspec
from sqlalchemy import and_

from kht.context import Ctx
from kht.plugin_types import AutomationAction, AutomationTrigger, RecordKind
from kht.service import queues, tickets
from kht.service.models import PRIORITIES, Queue, Ticket
from kht.service.sla import settings_of
from kht.web.i18n import N_

KINDS = ("ticket",)
Gettext = Callable[[str], str]


class DeadlineParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    deadline: Literal["response", "resolution"] = "resolution"


def _open(deadline: str) -> Any:
    """Tickets whose `deadline` clock runs: not met yet, not paused, not finished."""
    met = Ticket.first_response_at if deadline == "response" else Ticket.resolved_at
    return and_(
        met.is_(None),
        Ticket.paused_at.is_(None),
        Ticket.status.in_(("new", "assigned", "in_progress")),
    )


def _due_column(deadline: str) -> Any:
    return Ticket.response_due_at if deadline == "response" else Ticket.resolution_due_at


def _breached(
    ctx: Ctx, spec: RecordKind, params: DeadlineParams, zone: Any, now: datetime, since: datetime
) -> tuple[Any, Callable[[Any], str]]:
    due = _due_column(params.deadline)
    return and_(_open(params.deadline), due <= now), lambda record: params.deadline


def _near(
    ctx: Ctx, spec: RecordKind, params: DeadlineParams, zone: Any, now: datetime, since: datetime
) -> tuple[Any, Callable[[Any], str]]:
    window = timedelta(minutes=settings_of(ctx).near_breach_minutes)
    due = _due_column(params.deadline)
    condition = and_(_open(params.deadline), due > now, due <= now + window)
    return condition, lambda record: f"near:{params.deadline}"


DEADLINE_WORDS = {"response": N_("first response"), "resolution": N_("resolution")}


def _describe(text: str) -> Callable[[DeadlineParams, Gettext], str]:
    def describe(params: DeadlineParams, gettext: Gettext) -> str:
        return gettext(text) % {"deadline": gettext(DEADLINE_WORDS[params.deadline])}

    return describe


TRIGGERS = [
    AutomationTrigger(
        key="ticket_sla_breached",
        label_zh="工单超出服务时限",
        label_en="Ticket SLA breached",
        params=DeadlineParams,
        kinds=KINDS,
        due=_breached,
        describe=_describe(N_("When the %(deadline)s deadline of a ticket has passed")),
    ),
    AutomationTrigger(
        key="ticket_sla_near_breach",
        label_zh="工单即将超出服务时限",
        label_en="Ticket SLA about to be breached",
        params=DeadlineParams,
        kinds=KINDS,
        due=_near,
        describe=_describe(N_("When the %(deadline)s deadline of a ticket is near")),
    ),
]


# ------------------------------------------------------------------------------- actions


class NotifyLeadParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # A line for the notification's body (why it matters, what to do).
    title: Annotated[str, msgspec.Meta(max_length=300)] = ""


class NoParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


def _notify_lead(ctx: Ctx, spec: RecordKind, record: Any, params: Any, run: Any) -> str:
    ticket = record
    from kht.actions.models import Notification
    from kht.automation.builtin import record_page

    queue = ctx.session.get(Queue, ticket.queue_id) if ticket.queue_id else None
    if queue is None or queue.lead_id is None:
        return "no team lead"
    ctx.session.add(
        Notification(
            user_id=queue.lead_id,
            title=f"SLA: {ticket.number} {ticket.subject}"[:300],
            body=params.title or "",
            url=record_page(spec, ticket.id),
        )
    )
    return f"team lead {queue.lead_id} notified"


def _raise_priority(ctx: Ctx, spec: RecordKind, record: Any, params: Any, run: Any) -> str:
    ticket = record
    from kht.service import sla

    at = PRIORITIES.index(ticket.priority) if ticket.priority in PRIORITIES else 1
    higher = PRIORITIES[min(at + 1, len(PRIORITIES) - 1)]
    if higher == ticket.priority:
        return "priority unchanged"
    changes = {"priority": higher, **sla.schedule(ctx, ticket, priority=higher)}
    tickets.save(ctx, ticket, None, changes)
    return f"priority {higher}"


def _reassign(ctx: Ctx, spec: RecordKind, record: Any, params: Any, run: Any) -> str:
    ticket = record

    others = [m for m in queues.members(ctx, ticket.queue_id or 0) if m != ticket.owner_id]
    owner = queues.least_open(ctx, others)
    if owner is None:
        return "nobody else in the queue"
    changes: dict[str, Any] = {"owner_id": owner}
    if ticket.status == "new":
        changes["status"] = "assigned"
    tickets.save(ctx, ticket, None, changes, "assign")
    return f"owner {owner}"


def _plain(text: str) -> Callable[[Any, Gettext], str]:
    return lambda params, gettext: gettext(text)


ACTIONS = [
    AutomationAction(
        key="ticket_notify_team_lead",
        label_zh="通知队列组长",
        label_en="Notify the queue's team lead",
        params=NotifyLeadParams,
        kinds=KINDS,
        run=_notify_lead,
        describe=_plain(N_("Notify the team lead of the ticket's queue")),
    ),
    AutomationAction(
        key="ticket_raise_priority",
        label_zh="提高优先级",
        label_en="Raise the priority",
        params=NoParams,
        kinds=KINDS,
        run=_raise_priority,
        describe=_plain(N_("Raise the ticket's priority one step")),
    ),
    AutomationAction(
        key="ticket_reassign",
        label_zh="改派给队列其他成员",
        label_en="Reassign within the queue",
        params=NoParams,
        kinds=KINDS,
        run=_reassign,
        describe=_plain(N_("Hand the ticket to the least busy other member of its queue")),
    ),
]
