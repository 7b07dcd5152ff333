"""SLA clocks: which policy applies, the deadlines on the business calendar, the pause while
waiting for the customer, and what was met.

A deadline is `created_at` + the policy's working minutes + the working time the ticket
spent waiting for the customer, so pausing and resuming (and a priority change) simply
recompute it; while paused, the remaining time is frozen at what was left when it stopped.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from kht.automation.engine import company_zone
from kht.context import Ctx
from kht.customers.models import Customer
from kht.service.calendar import BusinessCalendar
from kht.service.models import ServiceDay, SlaPolicy, Ticket
from kht.service.schemas import ServiceSettings
from kht.settings.service import get_settings

_CALENDAR = "kht.service.calendar"


def settings_of(ctx: Ctx) -> ServiceSettings:
    """The service settings (owner `service` of the settings store), or their defaults."""
    return get_settings(ctx, "service")


def calendar_of(ctx: Ctx) -> BusinessCalendar:
    """The company's business calendar (kept for the request)."""
    kept = ctx.extra.get(_CALENDAR)
    if kept is None:
        settings = settings_of(ctx)
        days = ctx.session.execute(select(ServiceDay.day, ServiceDay.working)).all()
        kept = BusinessCalendar(
            zone=company_zone(ctx.settings),
            start=time.fromisoformat(settings.work_start),
            end=time.fromisoformat(settings.work_end),
            overrides={day: working for day, working in days},
        )
        ctx.extra[_CALENDAR] = kept
    return kept


def forget_calendar(ctx: Ctx) -> None:
    """Drop the request's calendar after its settings or days changed."""
    ctx.extra.pop(_CALENDAR, None)


def policy_for(ctx: Ctx, priority: str, customer_id: int | None) -> SlaPolicy | None:
    """The active policy for `priority`: the one for the customer's category when there is
    one, else the one for every category."""
    category = None
    if customer_id is not None:
        category = ctx.session.scalar(
            select(Customer.category_id).where(Customer.id == customer_id)
        )
    rows = ctx.session.scalars(
        select(SlaPolicy)
        .where(SlaPolicy.active, SlaPolicy.priority == priority)
        .order_by(SlaPolicy.id)
    ).all()
    specific = [p for p in rows if category is not None and p.category_id == category]
    general = [p for p in rows if p.category_id is None]
    return (specific or general or [None])[0]


def schedule(
    ctx: Ctx, ticket: Ticket, *, priority: str | None = None, paused: int | None = None
) -> dict[str, object]:
    """The SLA columns for `ticket` (at `priority` and `paused` working seconds when they
    are about to change): the policy and the deadlines."""
    priority = priority or ticket.priority
    policy = policy_for(ctx, priority, ticket.customer_id)
    if policy is None:
        return {"sla_policy_id": None, "response_due_at": None, "resolution_due_at": None}
    calendar = calendar_of(ctx)
    start = ticket.created_at
    paused = (ticket.paused_seconds or 0) if paused is None else paused
    return {
        "sla_policy_id": policy.id,
        "response_due_at": calendar.add_working(start, policy.first_response_minutes * 60 + paused),
        "resolution_due_at": calendar.add_working(start, policy.resolution_minutes * 60 + paused),
    }


def _left(calendar: BusinessCalendar, at: datetime, due: datetime | None) -> int | None:
    if due is None:
        return None
    if due >= at:
        return calendar.working_between(at, due)
    return -calendar.working_between(due, at)


def remaining(ctx: Ctx, ticket: Ticket) -> tuple[int | None, int | None]:
    """Working seconds left to the response and resolution deadlines (negative: overdue;
    None: met, or no policy); frozen at the pause while waiting for the customer."""
    calendar = calendar_of(ctx)
    at = ticket.paused_at or ctx.now()
    response = None if ticket.first_response_at else _left(calendar, at, ticket.response_due_at)
    resolution = None if ticket.resolved_at else _left(calendar, at, ticket.resolution_due_at)
    return response, resolution


def pause(ctx: Ctx, ticket: Ticket) -> dict[str, object]:
    """Stop the clock (the ticket now waits for the customer)."""
    return {} if ticket.paused_at else {"paused_at": ctx.now()}


def resume(ctx: Ctx, ticket: Ticket) -> dict[str, object]:
    """Restart the clock: the working time spent waiting moves the deadlines."""
    if ticket.paused_at is None:
        return {}
    waited = calendar_of(ctx).working_between(ticket.paused_at, ctx.now())
    total = (ticket.paused_seconds or 0) + waited
    return {"paused_at": None, "paused_seconds": total, **schedule(ctx, ticket, paused=total)}


def _spent(ctx: Ctx, ticket: Ticket) -> int:
    worked = calendar_of(ctx).working_between(ticket.created_at, ctx.now())
    return max(worked - (ticket.paused_seconds or 0), 0)


def responded(ctx: Ctx, ticket: Ticket) -> dict[str, object]:
    """The first reply's time, how long it took and whether it met the target."""
    if ticket.first_response_at is not None:
        return {}
    now = ctx.now()
    due = ticket.response_due_at
    return {
        "first_response_at": now,
        "response_seconds": _spent(ctx, ticket),
        "response_met": None if due is None else now <= due,
    }


def resolved(ctx: Ctx, ticket: Ticket) -> dict[str, object]:
    """The resolution's time, how long it took and whether it met the target."""
    now = ctx.now()
    due = ticket.resolution_due_at
    return {
        "resolved_at": now,
        "resolution_seconds": _spent(ctx, ticket),
        "resolution_met": None if due is None else now <= due,
    }
