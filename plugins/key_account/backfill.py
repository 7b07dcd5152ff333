"""The back-filled health history: scores for days before the nightly run kept any.

The trend is the nightly run's score of each day, so it starts the day the run first ran.
For the days before, a score is computed from the data of that day: the ABC class and the
revenue of the rolling window and the one before as the run would have found them from the
orders and consumption dated up to it (contribution.figures_on), the last contact done by
its end, the tickets open at its end (created, not yet resolved or closed), the agreements
in force that day (not terminated) for the renewal part; read, like today's health, over the
account's customer and every company below it. What is not kept over time is taken as it is
now: the estimated budget and the contacts' attitudes. A point every `step` days over the
last `days`, on days without one; each kept with
`backfilled` set, and a nightly run of the same day replaces it.

Run by `kht key-account backfill-health` and, for accounts without any history before today
(the first run, a new key account), by the nightly run itself.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from kht.contacts.service import attitudes_of
from kht.plugin_api import Ctx, ValidationError, customers_below
from kht.service.service import open_tickets
from kht.value.service import last_done_at
from plugins.key_account.contribution import figures_on
from plugins.key_account.health import Facts, next_notice, score_of
from plugins.key_account.models import Account, HealthPoint

DAYS = 180
STEP = 7


def _end_of(ctx: Ctx, day: date) -> datetime:
    """The last moment of `day` in the company's zone."""
    return datetime.combine(day + timedelta(days=1), time(0), ctx.zone) - timedelta(microseconds=1)


def facts_on(ctx: Ctx, account: Account, day: date, figures: tuple[str, Decimal, Decimal]) -> Facts:
    """The facts of `account` at the end of `day` (see the module)."""
    companies = customers_below(account.customer_id)
    count = ctx.session.scalar(select(func.count()).select_from(companies.subquery())) or 1
    until = _end_of(ctx, day)
    contact = last_done_at(ctx, companies, until=until)
    abc_class, revenue, previous = figures
    return Facts(
        abc_class=abc_class,
        revenue=revenue,
        previous_revenue=previous,
        budget=account.estimated_budget,
        last_contact=contact.astimezone(ctx.zone).date() if contact else None,
        open_tickets=open_tickets(ctx, companies, at=until),
        next_notice=next_notice(ctx, companies, day),
        attitudes=tuple(attitudes_of(ctx, companies)),
        companies=count,
    )


def _days(today: date, days: int, step: int) -> list[date]:
    return [today - timedelta(days=n) for n in range(step, days + 1, step)]


def backfill(
    ctx: Ctx, *, days: int = DAYS, step: int = STEP, account_ids: list[int] | None = None
) -> int:
    """Back-fill the health history of every live key account (or of `account_ids`): a point
    every `step` days over the last `days` before today, on days without one. Returns how
    many points were added; a second run adds none."""
    if not 1 <= days <= 1096:
        raise ValidationError("back-fill 1 to 1096 days", "days")
    if not 1 <= step <= days:
        raise ValidationError("a step of 1 day up to the days back-filled", "step")
    query = select(Account).where(Account.deleted_at.is_(None))
    if account_ids is not None:
        query = query.where(Account.id.in_(account_ids))
    accounts = list(ctx.session.scalars(query.order_by(Account.id)))
    if not accounts:
        return 0
    ids = [a.id for a in accounts]
    kept = select(HealthPoint.account_id, HealthPoint.day).where(HealthPoint.account_id.in_(ids))
    have = {(row.account_id, row.day) for row in ctx.session.execute(kept)}
    added = 0
    for day in _days(ctx.today(), days, step):
        wanted = [account for account in accounts if (account.id, day) not in have]
        if not wanted:
            continue
        figures = figures_on(ctx, day, [a.customer_id for a in wanted])
        for account in wanted:
            found = figures.get(account.customer_id, ("C", Decimal(0), Decimal(0)))
            score = int(score_of(facts_on(ctx, account, day, found), day).total)
            point = HealthPoint(account_id=account.id, day=day, score=score, backfilled=True)
            ctx.session.add(point)
            added += 1
    ctx.session.flush()
    return added


def without_history(ctx: Ctx) -> list[int]:
    """Live key accounts with no health point before today: new to the nightly run."""
    earlier = select(HealthPoint.id).where(
        HealthPoint.account_id == Account.id, HealthPoint.day < ctx.today()
    )
    query = select(Account.id).where(Account.deleted_at.is_(None), ~earlier.exists())
    return list(ctx.session.scalars(query.order_by(Account.id)))
