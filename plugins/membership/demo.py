"""Demo data of the pack (`kht demo`): a store chain (上海/杭州/南京 stores) with a few
thousand members, a year of purchases, tiers, points, referrals and RFM segments.

The people come in through the core's customer import (its batched path, as a file from a
till system would); the pack's own rows are written set-based (executemany), then the
figures, tiers and segments are computed in SQL. Idempotent: a second run finds the demo's
members and adds nothing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from kht.importing.schemas import RunIn
from kht.importing.service import run, upload
from kht.plugin_api import Ctx
from plugins.membership import rules
from plugins.membership.figures import CARE_WINDOW_DAYS
from plugins.membership.models import Member, PointsEntry, Tier, TierChange, Transaction
from plugins.membership.service import seed_tiers, settings
from plugins.membership.value import refresh_rfm, run_nightly

MEMBERS = 2400
STORES = ("上海南京西路店", "上海徐家汇店", "杭州湖滨店", "南京新街口店", "上海网店")
CATEGORIES = ("服装", "鞋履", "美妆", "家居", "食品", "母婴", "数码")
PAYMENTS = ("wechat_pay", "alipay", "card", "cash", "stored_value", "credit")
MAIL_HOST = "members.demo.example.com"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _people_file(rng: random.Random, n: int) -> bytes:
    lines = ["name,kind,phone,email"]
    for i in range(n):
        phone = f"13{rng.randrange(10**8, 10**9)}"
        lines.append(f"{_name(rng)},person,{phone},m{i:05d}@{MAIL_HOST}")
    return ("\n".join(lines) + "\n").encode()


def _demo_customers(ctx: Ctx) -> list[int]:
    """The people the import brought (their mail is at the demo's host), oldest first."""
    from kht.customers.service import scoped_query

    rows = ctx.session.scalars(scoped_query(ctx))
    return sorted(c.id for c in rows if (c.email or "").endswith(MAIL_HOST))


def load_demo(ctx: Ctx, size: int = MEMBERS, seed: int = 20) -> int:
    """Add the chain's members unless they are there; returns how many were added."""
    seed_tiers(ctx)
    if ctx.session.scalar(select(func.count()).select_from(Member)):
        return 0
    rng = random.Random(seed)
    job = upload(ctx, "customer", "members.csv", _people_file(rng, size))
    # Namesakes are different people: every row is a new customer.
    run(ctx, job.id, RunIn(dedupe="create", commit_valid=True), here=True)
    customers = _demo_customers(ctx)
    if not customers:
        return 0
    today = ctx.today()
    members = _insert_members(ctx, rng, customers, today)
    _insert_purchases(ctx, rng, members, today)
    _assign_tiers(ctx, today)
    _care_history(ctx, today)
    run_nightly(ctx, today)
    refresh_rfm(ctx)
    return len(members)


def _care_history(ctx: Ctx, today: date) -> None:
    """Every fifth member was reached by a win-back care 45 days ago; a purchase within 30
    days after it is its effect (the care-effectiveness report's numbers), set-based."""
    cared = today - timedelta(days=45)
    until = cared + timedelta(days=CARE_WINDOW_DAYS)
    t = Transaction
    after = (
        (t.member_id == Member.id) & t.occurred_on.between(cared, until) & (t.kind == "purchase")
    )
    ctx.session.execute(
        update(Member)
        .where(Member.id % 5 == 0)
        .values(
            care_rule="久未购买关怀（短信）",
            cared_on=cared,
            care_converted_on=select(func.min(t.occurred_on)).where(after).scalar_subquery(),
            care_spend=select(func.coalesce(func.sum(t.amount), 0)).where(after).scalar_subquery(),
        )
        .execution_options(synchronize_session=False)
    )


def _insert_members(ctx: Ctx, rng: random.Random, customers: list[int], today: date) -> list[dict]:
    lowest = ctx.session.scalar(select(Tier.key).order_by(Tier.rank).limit(1))
    review = settings(ctx).review_months
    rows: list[dict[str, Any]] = []
    for n, customer_id in enumerate(customers, start=1):
        joined = today - timedelta(days=rng.randrange(30, 365 * 4))
        lunar = rng.random() < 0.3
        born = date(rng.randrange(1960, 2004), rng.randrange(1, 13), rng.randrange(1, 29))
        ends = None if rng.random() < 0.6 else joined + timedelta(days=365 * rng.randrange(1, 5))
        rows.append(
            {
                "number": f"M{n:08d}",
                "card_code": f"{rng.randrange(10**15, 10**16)}",
                "customer_id": customer_id,
                "membership_type": rng.choice(("individual", "individual", "family")),
                "join_date": joined,
                "start_date": joined,
                "end_date": ends,
                "status": "active",
                "tier": lowest,
                "tier_since": joined,
                "tier_review_on": rules.add_months(today, rng.randrange(1, review + 1)),
                "home_store": rng.choice(STORES),
                "consent_phone": rng.random() < 0.5,
                "consent_sms": rng.random() < 0.7,
                "consent_email": rng.random() < 0.4,
                "consent_wechat": rng.random() < 0.8,
                "wechat": f"wx_{n:05d}",
                "birthday": born,
                "birthday_calendar": "lunar" if lunar else "solar",
                "birthday_key": rules.birthday_key(born, "lunar" if lunar else "solar"),
                "owner_id": ctx.user_id,
                "created_by_id": ctx.user_id,
                "updated_by_id": ctx.user_id,
                "ext": {},
            }
        )
    ctx.session.execute(insert(Member), rows)
    ids = dict(ctx.session.execute(select(Member.number, Member.id)).all())
    for row in rows:
        row["id"] = ids[row["number"]]
    # One in five was brought by an earlier member.
    referred = [
        {"member_id": row["id"], "referrer": rows[rng.randrange(0, i)]["id"]}
        for i, row in enumerate(rows)
        if i > 10 and rng.random() < 0.2
    ]
    for pair in referred:
        ctx.session.execute(
            update(Member)
            .where(Member.id == pair["member_id"])
            .values(referrer_id=pair["referrer"])
        )
    ctx.session.execute(
        insert(TierChange),
        [
            {
                "member_id": r["id"],
                "from_tier": "",
                "to_tier": lowest,
                "cause": "join",
                "changed_on": r["join_date"],
            }
            for r in rows
        ],
    )
    return rows


def _insert_purchases(ctx: Ctx, rng: random.Random, members: list[dict], today: date) -> None:
    """A year of purchases: a few heavy buyers, many occasional ones, some gone quiet."""
    expiry = settings(ctx).points_expiry_months
    txns: list[dict[str, Any]] = []
    for member in members:
        kind = rng.random()
        count = rng.randrange(12, 40) if kind < 0.1 else rng.randrange(1, 10) if kind < 0.8 else 0
        quiet = rng.random() < 0.25  # bought early in the year, nothing lately
        for k in range(count):
            back = rng.randrange(120, 365) if quiet else rng.randrange(0, 365)
            day = max(today - timedelta(days=back), member["join_date"])
            amount = Decimal(rng.choice((59, 99, 129, 199, 299, 499, 899, 1599, 2999)))
            txns.append(
                {
                    "external_id": f"demo-{member['id']}-{k}",
                    "member_id": member["id"],
                    "occurred_on": day,
                    "kind": "purchase",
                    "amount": amount,
                    "store": member["home_store"] if rng.random() < 0.8 else rng.choice(STORES),
                    "channel": "online" if member["home_store"] == "上海网店" else "store",
                    "payment_method": rng.choice(PAYMENTS),
                    "category": rng.choice(CATEGORIES),
                    "items": rng.randrange(1, 4),
                    "owner_id": ctx.user_id,
                    "created_by_id": ctx.user_id,
                    "updated_by_id": ctx.user_id,
                    "ext": {},
                }
            )
    ctx.session.execute(insert(Transaction), txns)
    ids = dict(ctx.session.execute(select(Transaction.external_id, Transaction.id)).all())
    lots = [
        {
            "member_id": t["member_id"],
            "entry": "earn",
            "points": int(t["amount"]),
            "remaining": int(t["amount"]),
            "expires_on": rules.add_months(t["occurred_on"], expiry),
            "key": f"earn:{ids[t['external_id']]}",
            "transaction_id": ids[t["external_id"]],
            "reason": t["external_id"],
            "occurred_on": t["occurred_on"],
        }
        for t in txns
    ]
    ctx.session.execute(insert(PointsEntry), lots)
    # The figures of each member in one statement each.
    per_member: dict[int, dict[str, Any]] = defaultdict(dict)
    summary = select(
        Transaction.member_id,
        func.sum(Transaction.amount),
        func.count(),
        func.min(Transaction.occurred_on),
        func.max(Transaction.occurred_on),
    ).group_by(Transaction.member_id)
    for member_id, spend, count, first, last in ctx.session.execute(summary):
        per_member[member_id] = {
            "b_id": member_id,
            "spend": spend,
            "count": count,
            "first": first,
            "last": last,
            "points": int(spend),
        }
    ctx.session.execute(
        update(Member.__table__)
        .where(Member.__table__.c.id == bindparam("b_id"))
        .values(
            total_spend=bindparam("spend"),
            purchase_count=bindparam("count"),
            first_purchase_on=bindparam("first"),
            last_purchase_on=bindparam("last"),
            points_balance=bindparam("points"),
        ),
        list(per_member.values()),
    )


def _assign_tiers(ctx: Ctx, today: date) -> None:
    """Each member's tier from the spend of the last year, with its history row."""
    since = today - timedelta(days=settings(ctx).tier_window_days - 1)
    tiers = list(ctx.session.scalars(select(Tier).order_by(Tier.rank)))
    spend = ctx.session.execute(
        select(Transaction.member_id, func.sum(Transaction.amount))
        .where(Transaction.occurred_on >= since)
        .group_by(Transaction.member_id)
    ).all()
    changes, moves = [], []
    for member_id, total in spend:
        reached = [t for t in tiers if total >= t.min_spend][-1]
        if reached.rank == tiers[0].rank:
            continue
        changes.append({"b_id": member_id, "tier": reached.key})
        moves.append(
            {
                "member_id": member_id,
                "from_tier": tiers[0].key,
                "to_tier": reached.key,
                "cause": "purchase",
                "changed_on": today,
            }
        )
    if changes:
        table = Member.__table__
        ctx.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(tier=bindparam("tier"), tier_since=today, previous_tier=tiers[0].key),
            changes,
        )
        ctx.session.execute(insert(TierChange), moves)
    ctx.session.expire_all()
