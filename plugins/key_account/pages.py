"""What the customer 360 page shows of a key account: class, contribution and growth, the
health with its explained parts and trend, the agreements of the account and its
subsidiaries (the one about to need notice first), the plans with their progress, and a
consolidated timeline of everyone's activity across the group."""

from __future__ import annotations

from datetime import date
from typing import Any

from kht.actions.service import reachable
from kht.plugin_api import Ctx, NotFound, Panel, customers_below, visible
from kht.value.service import scores_of
from plugins.key_account.health import trend
from plugins.key_account.models import Account, Agreement, Plan
from plugins.key_account.plans import PLANS, progress
from plugins.key_account.service import ACCOUNTS, AGREEMENTS, MODULE, growth_pct


def _account(ctx: Ctx, customer_id: int) -> Account | None:
    query = visible(ctx, ACCOUNTS).where(Account.customer_id == customer_id)
    return ctx.session.scalar(query)


def agreements_below(ctx: Ctx, customer_id: int, limit: int = 20) -> list[Agreement]:
    """Live agreements (in scope) of the customer and every company under it, the ones
    whose notice date comes first at the top."""
    query = visible(ctx, AGREEMENTS).where(Agreement.customer_id.in_(customers_below(customer_id)))
    return list(ctx.session.scalars(query.order_by(Agreement.notice_date).limit(limit)))


def plans_of(ctx: Ctx, customer_id: int) -> list[tuple[Plan, Any]]:
    """The customer's plans in scope, newest period first, each with its progress."""
    query = visible(ctx, PLANS).where(Plan.customer_id == customer_id)
    found = ctx.session.scalars(query.order_by(Plan.period_start.desc()).limit(10))
    return [(plan, progress(ctx, plan.id)) for plan in found]


def group_timeline(ctx: Ctx, customer_id: int, limit: int = 15) -> list[Any]:
    """Actions (in the user's scope) on the customer and every company below it, newest
    first: the account team's consolidated activity."""
    query = reachable(ctx)
    # reachable() selects the core's Action entity; its columns are read from the query.
    entity = query.column_descriptions[0]["entity"]
    query = query.where(entity.customer_id.in_(customers_below(customer_id)))
    return list(ctx.session.scalars(query.order_by(entity.created_at.desc()).limit(limit)))


def health_of(ctx: Ctx, account: Account) -> Any:
    try:
        found = scores_of(ctx, ACCOUNTS.kind, account.id)
    except NotFound:
        return None
    return found[0] if found else None


def panel_context(ctx: Ctx, customer: Any) -> dict[str, Any] | None:
    account = _account(ctx, customer.id)
    agreements = agreements_below(ctx, customer.id)
    plans = plans_of(ctx, customer.id)
    if account is None and not agreements and not plans:
        return None
    today: date = ctx.today()
    return {
        "customer_id": customer.id,
        "account": account,
        "growth": growth_pct(account.revenue, account.previous_revenue) if account else None,
        "health": health_of(ctx, account) if account else None,
        "trend": trend(ctx, account.id) if account else [],
        "agreements": agreements,
        "plans": plans,
        "timeline": group_timeline(ctx, customer.id),
        "today": today,
    }


def customer_panel(ctx: Ctx, customer: Any) -> list[Panel] | None:
    if ctx.user is None or not ctx.user.can(MODULE, "view"):
        return None
    context = panel_context(ctx, customer)
    if context is None:
        return None
    return [
        Panel(
            key="key_account",
            title_zh="大客户",
            title_en="Key account",
            template="key_account/customer_panel.html",
            context=context,
            order=11,
        )
    ]
