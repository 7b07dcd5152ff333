"""Account health (kht_register_value_models) and the nightly run.

Health is 0..100 in seven explained parts: contribution (the ABC class, 25), growth against
the previous window (15), share of wallet (revenue / the account's estimated budget, 15),
recency of the last contact (15), open service tickets (10), agreement renewal proximity
(10) and the attitude of the account's contacts (10). The nightly run recalculates the
contributions and classes, scores every key account (few: key accounts are the top of the
Pareto curve) and keeps the day's score as the health trend.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from kht.contacts.service import attitudes_of
from kht.plugin_api import Ctx, Score, ScorePart
from kht.service.service import open_tickets
from kht.value.service import actions_of, score_record
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


def contribution_part(account: Account) -> ScorePart:
    points = CLASS_POINTS.get(account.abc_class, 0)
    money = f"{Decimal(account.revenue):,.2f}"
    cls = account.abc_class or "-"
    return _part(
        "贡献",
        "Contribution",
        points,
        f"{cls} 类，窗口内 ¥{money}",
        f"class {cls}, ¥{money} in the window",
    )


def growth_part(account: Account) -> ScorePart:
    growth = growth_pct(Decimal(account.revenue), Decimal(account.previous_revenue))
    if growth is None:
        return _part("增长", "Growth", 8, "上一窗口无收入", "no revenue in the window before")
    points = 15 if growth >= 10 else 10 if growth >= 0 else 5 if growth > -20 else 0
    return _part(
        "增长", "Growth", points, f"较上一窗口 {growth:+}%", f"{growth:+}% on the window before"
    )


def wallet_part(account: Account) -> ScorePart:
    budget = account.estimated_budget
    if not budget:
        return _part("钱包份额", "Share of wallet", 7, "预算未知", "budget unknown")
    share = (Decimal(account.revenue) * 100 / Decimal(budget)).quantize(Decimal("0.1"))
    points = 15 if share >= 50 else 10 if share >= 25 else 5 if share > 0 else 0
    return _part(
        "钱包份额", "Share of wallet", points, f"{share}% 的预算", f"{share}% of its budget"
    )


def recency_part(ctx: Ctx, account: Account, today: date) -> ScorePart:
    done = actions_of(ctx, "customer", account.customer_id)
    if not done:
        return _part("联系近度", "Recency", 0, "从未联系", "never contacted")
    days = (today - done[0].at.astimezone(ctx.zone).date()).days
    points = 15 if days <= 30 else 10 if days <= 90 else 5 if days <= 180 else 0
    return _part("联系近度", "Recency", points, f"{days} 天前联系", f"last contact {days} days ago")


def tickets_part(ctx: Ctx, account: Account) -> ScorePart:
    count = open_tickets(ctx, account.customer_id)
    points = 10 if count == 0 else 5 if count <= 2 else 0
    return _part("未结工单", "Open tickets", points, f"{count} 张未结工单", f"{count} open tickets")


def renewal_part(ctx: Ctx, account: Account, today: date) -> ScorePart:
    notice = ctx.session.scalar(
        select(Agreement.notice_date)
        .where(
            Agreement.customer_id == account.customer_id,
            Agreement.deleted_at.is_(None),
            Agreement.status == "active",
        )
        .order_by(Agreement.notice_date)
        .limit(1)
    )
    if notice is None:
        return _part("续签临近", "Renewal", 5, "无生效协议", "no active agreement")
    days = (notice - today).days
    points = 10 if days > 90 else 5 if days >= 0 else 0
    if days < 0:
        return _part(
            "续签临近",
            "Renewal",
            0,
            f"通知日已过 {-days} 天",
            f"notice date passed {-days} days ago",
        )
    return _part(
        "续签临近", "Renewal", points, f"{days} 天后到通知日", f"notice date in {days} days"
    )


def attitude_part(ctx: Ctx, account: Account) -> ScorePart:
    found = attitudes_of(ctx, account.customer_id)
    known = [a for a in found if a != "unknown"]
    if not known:
        return _part("联系人态度", "Contacts' attitude", 5, "态度未知", "attitude unknown")
    if "opposed" in known:
        return _part("联系人态度", "Contacts' attitude", 0, "有反对者", "an opposed contact")
    supportive = known.count("supportive")
    points = 10 if supportive * 2 > len(known) else 5
    return _part(
        "联系人态度",
        "Contacts' attitude",
        points,
        f"{supportive}/{len(known)} 支持",
        f"{supportive} of {len(known)} supportive",
    )


def account_health(ctx: Ctx, account: Account) -> Score:
    """The health of a key account with the seven parts that explain it."""
    today = ctx.today()
    parts = (
        contribution_part(account),
        growth_part(account),
        wallet_part(account),
        recency_part(ctx, account, today),
        tickets_part(ctx, account),
        renewal_part(ctx, account, today),
        attitude_part(ctx, account),
    )
    return Score(total=sum(int(p.points) for p in parts), parts=parts)


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
            point.score = score
    ctx.session.flush()
    return len(ids)


def run_nightly(ctx: Ctx) -> dict[str, int]:
    """Automatic renewals, contributions, classes, key accounts, then their health."""
    renewed = renew_due(ctx)
    done = recalculate(ctx)
    done["renewed"] = renewed
    done["scored"] = score_accounts(ctx)
    return done


def trend(ctx: Ctx, account_id: int, days: int = 180) -> list[tuple[date, int]]:
    """An account's health by day over the last `days` (the caller checked its scope)."""
    since = date.fromordinal(ctx.today().toordinal() - days)
    query = (
        select(HealthPoint.day, HealthPoint.score)
        .where(HealthPoint.account_id == account_id, HealthPoint.day >= since)
        .order_by(HealthPoint.day)
    )
    return [(row.day, row.score) for row in ctx.session.execute(query)]


def health_parts(ctx: Ctx, account: Any) -> Score:
    """The health as computed now, for pages that explain it."""
    return account_health(ctx, account)
