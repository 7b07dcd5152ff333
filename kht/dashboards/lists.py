"""Short-list widgets: the viewer's overdue actions, biggest open deals and quotes waiting for
an answer, each read through the viewer's scope (`records.visible` / the agenda)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from kht import record_service as records
from kht.actions.service import agenda
from kht.context import Ctx
from kht.dashboards.schemas import ListItem
from kht.errors import Forbidden
from kht.sales.opportunities.models import Opportunity
from kht.sales.opportunities.service import SPEC as OPPORTUNITIES
from kht.sales.quotes.models import Quote
from kht.sales.quotes.service import SPEC as QUOTES
from kht.web.i18n import N_

SHOWN = 8  # rows a list widget shows; its title links to the full page


def _money(currency: str, amount: Decimal) -> str:
    return f"{currency} {amount:,.2f}"


def overdue_actions(ctx: Ctx) -> list[ListItem]:
    """The viewer's planned actions that are past due, oldest first."""
    rows = agenda(ctx, limit=200)["overdue"][:SHOWN]
    return [
        ListItem(
            title=a.subject,
            url=f"/actions/{a.id}",
            note=ctx.local(a.due_at).strftime("%Y-%m-%d %H:%M") if a.due_at else "",
        )
        for a in rows
    ]


def biggest_deals(ctx: Ctx) -> list[ListItem]:
    """The viewer's own open opportunities, largest amount first."""
    query = (
        records.visible(ctx, OPPORTUNITIES)
        .where(Opportunity.owner_id == ctx.user_id, Opportunity.status == "open")
        .order_by(Opportunity.amount.desc(), Opportunity.id)
        .limit(SHOWN)
    )
    return [
        ListItem(title=o.name, url=f"/opportunities/{o.id}", note=_money(o.currency, o.amount))
        for o in ctx.session.scalars(query)
    ]


def quotes_waiting(ctx: Ctx) -> list[ListItem]:
    """Sent quotes in the viewer's scope still waiting for the customer's answer, the ones
    expiring first on top."""
    query = (
        records.visible(ctx, QUOTES)
        .where(Quote.status == "sent")
        .order_by(Quote.valid_until.is_(None), Quote.valid_until, Quote.id)
        .limit(SHOWN)
    )
    return [
        ListItem(
            title=f"{q.number} {q.title}".strip(),
            url=f"/quotes/{q.id}",
            note=_money(q.currency, q.total)
            + (f" · {q.valid_until.isoformat()}" if q.valid_until else ""),
        )
        for q in ctx.session.scalars(query)
    ]


# key -> (title, the module the viewer must be allowed to view, its full page, the rows)
LISTS: dict[str, tuple[str, str, str, Callable[[Ctx], list[ListItem]]]] = {
    "overdue_actions": (N_("My overdue actions"), "actions", "/actions", overdue_actions),
    "biggest_deals": (
        N_("My biggest open deals"),
        "opportunities",
        "/opportunities",
        biggest_deals,
    ),
    "quotes_waiting": (N_("Quotes waiting for an answer"), "quotes", "/quotes", quotes_waiting),
}


def rows(ctx: Ctx, key: str) -> list[ListItem]:
    """List `key` for the viewer; 403 when their role may not view its records."""
    _, module, _, read = LISTS[key]
    if ctx.user is None or not ctx.user.can(module, "view"):
        raise Forbidden(f"this list needs the right to view {module}", "key")
    return read(ctx)
