"""Account health (kht_register_value_models) and the nightly run.

Health is 0..100 in seven explained parts: contribution (the ABC class, 25), growth against
the previous window (15), share of wallet (revenue / the account's estimated budget, 15),
recency of the last contact (15), open service tickets (10), agreement renewal proximity
(10) and the attitude of the account's contacts (10). A group's account reads its whole
group: the figures are the group's (contribution.py), and recency, tickets, agreements and
attitudes are read over its customer and every company below it. The nightly run recalculates the
contributions and classes, scores every key account (few: key accounts are the top of the
Pareto curve) and keeps the day's score as the health trend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update

from kht.contacts.service import attitudes_of
from kht.plugin_api import Ctx, Score, ScorePart, customers_below
from kht.service.service import open_tickets
from kht.value.service import last_done_at, score_record
from plugins.key_account.contribution import recalculate
from plugins.key_account.models import Account, Agreement, HealthPoint
from plugins.key_account.renewals import renew_due
from plugins.key_account.service import ACCOUNT_KIND, growth_pct

HEALTH_MODEL = "key_account.health"
CLASS_POINTS = {"A": 25, "B": 15, "C": 5}


def _part(zh: str, en: str, points: int, why_zh: str, why_en: str) -> ScorePart:
    return ScorePart(
        label_zh=zh, label_en=en, points=points, explanation=why_zh, explanation_en=why_en
    )


@dataclass(frozen=True)
class Facts:
    """What an account's health is computed from, on one day: the account's figures (its
    group's when it heads one) and what is read over the account's customer and every company
    below it (`companies` of them): the last done contact, the open tickets, the next notice
    date of an agreement in force, the contacts' attitudes."""

    abc_class: str
    revenue: Decimal
    previous_revenue: Decimal
    budget: Decimal | None
    last_contact: date | None
    open_tickets: int
    next_notice: date | None
    attitudes: tuple[str, ...]
    companies: int = 1


def _across(facts: Facts, zh: str, en: str) -> tuple[str, str]:
    """An explanation read over a group says over how many companies."""
    if facts.companies <= 1:
        return zh, en
    return f"{zh}（含下属共 {facts.companies} 家）", f"{en} (across {facts.companies} companies)"


def contribution_part(facts: Facts) -> ScorePart:
    points = CLASS_POINTS.get(facts.abc_class, 0)
    money = f"{Decimal(facts.revenue):,.2f}"
    cls = facts.abc_class or "-"
    return _part(
        "贡献",
        "Contribution",
        points,
        f"{cls} 类，窗口内 ¥{money}",
        f"class {cls}, ¥{money} in the window",
    )


def growth_part(facts: Facts) -> ScorePart:
    growth = growth_pct(Decimal(facts.revenue), Decimal(facts.previous_revenue))
    if growth is None:
        return _part("增长", "Growth", 8, "上一窗口无收入", "no revenue in the window before")
    points = 15 if growth >= 10 else 10 if growth >= 0 else 5 if growth > -20 else 0
    return _part(
        "增长", "Growth", points, f"较上一窗口 {growth:+}%", f"{growth:+}% on the window before"
    )


def wallet_part(facts: Facts) -> ScorePart:
    budget = facts.budget
    if not budget:
        return _part("钱包份额", "Share of wallet", 7, "预算未知", "budget unknown")
    share = (Decimal(facts.revenue) * 100 / Decimal(budget)).quantize(Decimal("0.1"))
    points = 15 if share >= 50 else 10 if share >= 25 else 5 if share > 0 else 0
    return _part(
        "钱包份额", "Share of wallet", points, f"{share}% 的预算", f"{share}% of its budget"
    )


def recency_part(facts: Facts, today: date) -> ScorePart:
    if facts.last_contact is None:
        return _part("联系近度", "Recency", 0, *_across(facts, "从未联系", "never contacted"))
    days = (today - facts.last_contact).days
    points = 15 if days <= 30 else 10 if days <= 90 else 5 if days <= 180 else 0
    why = _across(facts, f"{days} 天前联系", f"last contact {days} days ago")
    return _part("联系近度", "Recency", points, *why)


def tickets_part(facts: Facts) -> ScorePart:
    count = facts.open_tickets
    points = 10 if count == 0 else 5 if count <= 2 else 0
    why = _across(facts, f"{count} 张未结工单", f"{count} open tickets")
    return _part("未结工单", "Open tickets", points, *why)


def renewal_part(facts: Facts, today: date) -> ScorePart:
    notice = facts.next_notice
    if notice is None:
        return _part("续签临近", "Renewal", 5, *_across(facts, "无生效协议", "no active agreement"))
    days = (notice - today).days
    if days < 0:
        why = _across(facts, f"通知日已过 {-days} 天", f"notice date passed {-days} days ago")
        return _part("续签临近", "Renewal", 0, *why)
    points = 10 if days > 90 else 5
    why = _across(facts, f"{days} 天后到通知日", f"notice date in {days} days")
    return _part("续签临近", "Renewal", points, *why)


def attitude_part(facts: Facts) -> ScorePart:
    known = [a for a in facts.attitudes if a != "unknown"]
    label = ("联系人态度", "Contacts' attitude")
    if not known:
        return _part(*label, 5, *_across(facts, "态度未知", "attitude unknown"))
    if "opposed" in known:
        return _part(*label, 0, *_across(facts, "有反对者", "an opposed contact"))
    supportive = known.count("supportive")
    points = 10 if supportive * 2 > len(known) else 5
    why = _across(
        facts, f"{supportive}/{len(known)} 支持", f"{supportive} of {len(known)} supportive"
    )
    return _part(*label, points, *why)


def score_of(facts: Facts, today: date) -> Score:
    """The health on `today` from its facts: the seven explained parts and their total."""
    parts = (
        contribution_part(facts),
        growth_part(facts),
        wallet_part(facts),
        recency_part(facts, today),
        tickets_part(facts),
        renewal_part(facts, today),
        attitude_part(facts),
    )
    return Score(total=sum(int(p.points) for p in parts), parts=parts)


def next_notice(ctx: Ctx, companies: Any, day: date | None = None) -> date | None:
    """The first notice date of the agreements of `companies` (a query of customer ids): the
    live active ones, or (`day`, for a past day) those in force that day and not terminated."""
    a = Agreement
    query = select(func.min(a.notice_date)).where(
        a.customer_id.in_(companies), a.deleted_at.is_(None)
    )
    if day is None:
        query = query.where(a.status == "active")
    else:
        in_force = ("active", "renewed", "expired")
        query = query.where(a.status.in_(in_force), a.start_date <= day, a.end_date >= day)
    return ctx.session.scalar(query)


def facts_now(ctx: Ctx, account: Account) -> Facts:
    """The facts of an account today, read over its customer and every company below it."""
    companies = customers_below(account.customer_id)
    count = ctx.session.scalar(select(func.count()).select_from(companies.subquery())) or 1
    contact = last_done_at(ctx, companies)
    return Facts(
        abc_class=account.abc_class,
        revenue=Decimal(account.revenue),
        previous_revenue=Decimal(account.previous_revenue),
        budget=account.estimated_budget,
        last_contact=contact.astimezone(ctx.zone).date() if contact else None,
        open_tickets=open_tickets(ctx, companies),
        next_notice=next_notice(ctx, companies),
        attitudes=tuple(attitudes_of(ctx, companies)),
        companies=count,
    )


def account_health(ctx: Ctx, account: Account) -> Score:
    """The health of a key account with the seven parts that explain it; a group's reads its
    subsidiaries' contacts, tickets, agreements and contacts' attitudes too."""
    return score_of(facts_now(ctx, account), ctx.today())


def score_accounts(ctx: Ctx) -> int:
    """Score every live key account and keep today's score (the trend; rerun: replaced)."""
    today = ctx.today()
    ids = list(ctx.session.scalars(select(Account.id).where(Account.deleted_at.is_(None))))
    for account_id in ids:
        rows = score_record(ctx, ACCOUNT_KIND, account_id)
        if not rows:
            continue
        score = int(Decimal(rows[0].score))
        ctx.session.execute(
            update(Account)
            .where(Account.id == account_id)
            .values(health=score)
            .execution_options(synchronize_session=False)
        )
        point = ctx.session.scalar(
            select(HealthPoint).where(
                HealthPoint.account_id == account_id, HealthPoint.day == today
            )
        )
        if point is None:
            ctx.session.add(HealthPoint(account_id=account_id, day=today, score=score))
        else:
            point.score, point.backfilled = score, False
    ctx.session.flush()
    return len(ids)


def run_nightly(ctx: Ctx) -> dict[str, int]:
    """Automatic renewals, contributions, classes, key accounts, then their health; the
    health history of accounts that had none before today is back-filled (backfill.py)."""
    from plugins.key_account.backfill import backfill, without_history

    renewed = renew_due(ctx)
    done = recalculate(ctx)
    done["renewed"] = renewed
    new = without_history(ctx)
    done["scored"] = score_accounts(ctx)
    done["backfilled"] = backfill(ctx, account_ids=new) if new else 0
    return done


def trend_points(ctx: Ctx, account_id: int, days: int = 180) -> list[tuple[date, int, bool]]:
    """(day, score, back-filled) of an account over the last `days` (the caller checked its
    scope), oldest first."""
    since = date.fromordinal(ctx.today().toordinal() - days)
    query = (
        select(HealthPoint.day, HealthPoint.score, HealthPoint.backfilled)
        .where(HealthPoint.account_id == account_id, HealthPoint.day >= since)
        .order_by(HealthPoint.day)
    )
    return [(row.day, row.score, bool(row.backfilled)) for row in ctx.session.execute(query)]


def trend(ctx: Ctx, account_id: int, days: int = 180) -> list[tuple[date, int]]:
    """An account's health by day over the last `days` (the caller checked its scope)."""
    return [(day, score) for day, score, _ in trend_points(ctx, account_id, days)]


def health_parts(ctx: Ctx, account: Any) -> Score:
    """The health as computed now, for pages that explain it."""
    return account_health(ctx, account)
