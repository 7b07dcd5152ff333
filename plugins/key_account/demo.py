"""Demo data of the pack (`kht demo`): a telecom operator's enterprise business — group
customers (集团) with subsidiaries and branches, standalone enterprises, a year of monthly
consumption (专线, 物联网卡, 云服务, 5G 专网), 30 key accounts (class A by the nightly run,
the rest flagged by hand), agreements (some needing notice soon), account plans with
objectives and reviews, account teams across branches, a few accounts slipping, and the
renewal and churn care rules. Customers, agreements, plans and teams go through the
services; consumption rows are written set-based. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import func, insert, select

from kht.automation.schemas import RuleCreate
from kht.automation.service import create_rule
from kht.customers.service import SPEC as CUSTOMERS
from kht.plugin_api import Ctx, add_team_member, create_record
from kht.value.service import active_users
from plugins.key_account import plans, service
from plugins.key_account.health import run_nightly
from plugins.key_account.models import Account, Agreement, Consumption
from plugins.key_account.schemas import (
    AccountUpdate,
    AgreementCreate,
    ObjectiveIn,
    PlanCreate,
    ReviewIn,
)

KEY_ACCOUNTS = 30
MARK = "DEMO-KA"
GROUPS = (
    ("中国石化集团", ("中石化江苏石油", "中石化上海石油", "中石化浙江石油")),
    ("国家电网", ("国网江苏电力", "国网浙江电力")),
    ("中国银行", ("中国银行江苏分行", "中国银行上海分行")),
    ("招商局集团", ("招商银行", "招商证券")),
    ("中国平安", ("平安人寿", "平安产险", "平安银行")),
    ("锦江国际集团", ("锦江酒店", "锦江旅游")),
    ("上汽集团", ("上汽大众", "上汽通用")),
    ("中国人寿", ("国寿江苏分公司",)),
    ("华润集团", ("华润万家", "华润置地")),
    ("中信集团", ("中信银行", "中信证券")),
    ("东方航空", ("东航江苏", "东航物流")),
    ("苏宁控股", ("苏宁易购",)),
)
STANDALONE = (
    "南京地铁",
    "苏州工业园区管委会",
    "无锡市人民医院",
    "江苏交通控股",
    "宁波港集团",
    "杭州海康威视",
    "上海国际机场",
    "南京大学",
    "江苏银行",
    "国泰君安证券",
    "华泰证券",
    "太平洋保险",
    "希尔顿上海",
    "万达酒店",
    "徐工集团",
    "恒瑞医药",
    "亨通光电",
    "中天科技",
    "沙钢集团",
    "洋河股份",
    "南京银行",
    "东吴证券",
    "苏州银行",
    "常熟农商行",
    "昆山开发区",
    "张家港保税区",
    "江阴农商行",
    "海澜之家",
    "红豆集团",
    "波司登",
)
# A few accounts slipping: a group with its subsidiaries and two enterprises.
SLIPPING = {"国家电网", "国网江苏电力", "国网浙江电力", "南京地铁", "江苏交通控股"}
PRODUCTS = (
    ("专线", Decimal("0.62")),
    ("物联网卡", Decimal("0.48")),
    ("云服务", None),
    ("5G 专网", Decimal("0.55")),
)


def _customers(ctx: Ctx, owners: list[int]) -> list[tuple[int, str]]:
    """The groups with their subsidiaries and the standalone enterprises, spread over the
    reps; returns (id, name) of every customer made, groups first."""
    made = []
    for i, (group, children) in enumerate(GROUPS):
        owner = owners[i % len(owners)]
        top = create_record(ctx, CUSTOMERS, {"name": group, "kind": "company"}, owner_id=owner)
        made.append((top.id, group))
        for child in children:
            values = {"name": child, "kind": "company", "parent_id": top.id}
            made.append((create_record(ctx, CUSTOMERS, values, owner_id=owner).id, child))
    for i, name in enumerate(STANDALONE):
        owner = owners[(i + 3) % len(owners)]
        made.append(
            (
                create_record(ctx, CUSTOMERS, {"name": name, "kind": "company"}, owner_id=owner).id,
                name,
            )
        )
    return made


def _months(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    found = []
    for _ in range(count):
        found.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(found))


def _consumption(
    ctx: Ctx, rng: random.Random, customers: list[tuple[int, str]], slipping: set[int]
) -> int:
    """A year (and the year before, for growth) of monthly consumption, Pareto-shaped: the
    first customers spend the most. Slipping accounts lose ~45% in the last quarter."""
    today = ctx.today()
    months = _months(today, 24)
    rows = []
    now = ctx.now()
    for rank, (customer, _) in enumerate(customers):
        base = Decimal(2_000_000) / Decimal(rank + 1) ** Decimal("0.9")
        for product, cost_rate in rng.sample(PRODUCTS, 2):
            for n, month in enumerate(months):
                factor = Decimal(str(rng.uniform(0.85, 1.15))) * Decimal(0.9 + n * 0.01)
                if customer in slipping and month >= months[-3]:
                    factor *= Decimal("0.55")
                amount = (base * factor / 2).quantize(Decimal("0.01"))
                rows.append(
                    {
                        "external_id": f"{MARK}-{customer}-{product}-{month:%Y%m}",
                        "customer_id": customer,
                        "month": month,
                        "product": product,
                        "quantity": (amount / Decimal("3.5")).quantize(Decimal("1")),
                        "amount": amount,
                        "cost": None
                        if cost_rate is None
                        else (amount * cost_rate).quantize(Decimal("0.01")),
                        "owner_id": ctx.user_id,
                        "version": 1,
                        "ext": {},
                        "created_at": now,
                        "updated_at": now,
                    }
                )
    ctx.session.execute(insert(Consumption), rows)
    return len(rows)


def _fill_key_accounts(ctx: Ctx, customers: list[tuple[int, str]]) -> None:
    """Flag (with a reason) the biggest accounts below class A until there are 30."""
    from plugins.key_account.schemas import AccountCreate

    have = {a.customer_id for a in ctx.session.scalars(select(Account))}
    tops = [c for c, _ in customers if c in {g for g, _ in _tops(ctx)}]
    for customer in tops:
        if len(have) >= KEY_ACCOUNTS:
            break
        if customer not in have:
            service.create_account(
                ctx, AccountCreate(customer_id=customer, flag_reason="战略行业客户，重点维护")
            )
            have.add(customer)


def _tops(ctx: Ctx) -> list[tuple[int, str]]:
    from plugins.key_account.reports import pareto

    return [(row.customer_id, row.name) for row in pareto(ctx, "group", 200)]


def _agreements(ctx: Ctx, rng: random.Random, accounts: list[Account]) -> None:
    today = ctx.today()
    for i, account in enumerate(accounts):
        # Every fifth needs notice within two months; the rest run one to two years.
        days = 30 + 10 * i if i % 5 == 0 else rng.randrange(200, 700)
        end = today + timedelta(days=days)
        data = AgreementCreate(
            customer_id=account.customer_id,
            number=f"{MARK}-{i + 1:03d}",
            title="综合通信服务框架协议",
            start_date=end - timedelta(days=730),
            end_date=end,
            value=(Decimal(account.revenue) * 2).quantize(Decimal("0.01")),
            notice_days=30,
            renewal_terms="manual" if i % 3 else "automatic",
            status="active",
        )
        service.create_agreement(ctx, data)


def _plans_and_teams(ctx: Ctx, accounts: list[Account], people: list[int]) -> None:
    today = ctx.today()
    for i, account in enumerate(accounts[:12]):
        plan = plans.create_plan(
            ctx,
            PlanCreate(
                customer_id=account.customer_id,
                title=f"{today.year} 年度客户计划",
                period_start=date(today.year, 1, 1),
                period_end=date(today.year, 12, 31),
                status="active",
                strategies="扩大 5G 专网与云服务份额；建立高层定期沟通",
                risks="竞争对手低价投标；预算收紧",
            ),
        )
        revenue = Decimal(account.revenue)
        plans.add_objective(
            ctx,
            plan.id,
            ObjectiveIn(
                name="年度收入",
                unit="元",
                target=(revenue * Decimal("1.2")).quantize(Decimal("1")),
                actual=(revenue * Decimal("0.3") * (i % 4 + 1)).quantize(Decimal("1")),
            ),
        )
        plans.add_objective(
            ctx,
            plan.id,
            ObjectiveIn(name="新签业务", unit="项", target=Decimal(4), actual=Decimal(i % 5)),
        )
        plans.add_review(
            ctx,
            plan.id,
            ReviewIn(
                held_on=today - timedelta(days=20 + i),
                minutes="季度复盘：收入达成情况、风险与下一步行动",
            ),
        )
        plans.add_key_action(ctx, plan.id, plans_key_action(today, i))
        for member in people[i % len(people) : i % len(people) + 2]:
            if member != account.owner_id:
                add_team_member(ctx, "customer", account.customer_id, member, role="技术支持经理")


def plans_key_action(today: date, i: int) -> Any:
    from plugins.key_account.schemas import KeyActionIn

    due = datetime(today.year, today.month, today.day, 2, tzinfo=UTC) + timedelta(days=7 + i)
    return KeyActionIn(subject="高层拜访与方案汇报", due_at=due, type="visit")


def _rules(ctx: Ctx) -> None:
    for body in (
        {
            "name": "协议续签提醒（通知日前 30 天）",
            "kind": service.AGREEMENT_KIND,
            "trigger": {"type": "key_account.renewal_notice", "params": {"days": 30}},
            "actions": [{"type": "notify", "params": {"title": "协议即将到通知日，请启动续签"}}],
        },
        {
            "name": "大客户贡献环比下降 20%",
            "kind": "customer",
            "trigger": {"type": "key_account.contribution_drop", "params": {"percent": 20}},
            "actions": [
                {"type": "plan_action", "params": {"type": "task", "subject": "分析贡献下滑原因"}},
                {
                    "type": "plan_action",
                    "params": {"type": "visit", "subject": "客户复盘会", "due_in_days": 7},
                },
            ],
        },
    ):
        create_rule(ctx, msgspec.convert(body, RuleCreate))


def load_demo(ctx: Ctx, seed: int = 23) -> int:
    """Add the operator's enterprise customers unless they are there; returns how many key
    accounts the demo has."""
    taken = select(func.count()).select_from(Agreement).where(Agreement.number.like(f"{MARK}-%"))
    if ctx.session.scalar(taken):
        return 0
    rng = random.Random(seed)
    people = [user_id for user_id, _ in active_users(ctx)]
    owners = people[1:] or people
    customers = _customers(ctx, owners)
    slipping = {c for c, name in customers if name in SLIPPING}
    _consumption(ctx, rng, customers, slipping)
    run_nightly(ctx)
    _fill_key_accounts(ctx, customers)
    run_nightly(ctx)  # the flagged accounts' figures
    ctx.session.expire_all()
    accounts = list(ctx.session.scalars(select(Account).order_by(Account.revenue.desc())))
    budget = AccountUpdate
    for account in accounts[:20]:
        account_budget = (
            Decimal(account.revenue) * Decimal(rng.choice(("1.6", "2.5", "4")))
        ).quantize(Decimal("1"))
        service.update_account(
            ctx, account.id, budget(version=account.version, estimated_budget=account_budget)
        )
    _agreements(ctx, rng, accounts)
    _plans_and_teams(ctx, accounts, people)
    _rules(ctx)
    run_nightly(ctx)
    return len(accounts)
