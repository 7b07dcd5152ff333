"""Account health with its seven explained parts (worked examples), its trend, and the
churn-risk care rule: a quarter-on-quarter contribution drop of 20% gives the key-account
manager a task and a review visit, once a quarter."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import msgspec
import time_machine
from sqlalchemy import select

from kht.actions.models import Action
from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.automation.engine import tick
from kht.automation.schemas import RuleCreate
from kht.automation.service import create_rule
from kht.contacts.schemas import ContactCreate
from kht.contacts.service import create_contact
from kht.value.service import scores_of
from plugins.key_account import health
from plugins.key_account.schemas import AccountCreate
from plugins.key_account.service import ACCOUNT_KIND, account_of_customer, create_account
from tests.plugins.key_account.conftest import TODAY, noon


def parts(operator, customer: int, day: date = TODAY) -> dict[str, tuple[int, str]]:
    with operator.on(day) as ctx:
        account = account_of_customer(ctx, customer)
        score = health.account_health(ctx, account)
        return {p.label_en: (int(p.points), p.explain("en")) for p in score.parts}


def test_a_healthy_account_worked_example(operator):
    c = operator.company("中国工商银行")
    operator.order(c, "1100")  # the window
    operator.order(c, "1000", date(2025, 3, 1))  # the window before: +10%
    operator.agreement(c, date(2026, 8, 29), notice_days=0)  # notice in 75 days
    with operator.on(TODAY - timedelta(days=10)) as ctx:
        log_action(ctx, ActionCreate(kind="customer", record_id=c, type="visit", subject="拜访"))
    with operator.on() as ctx:
        for name, attitude in (("甲", "supportive"), ("乙", "supportive"), ("丙", "neutral")):
            create_contact(ctx, ContactCreate(customer_id=c, name=name, attitude=attitude))
    with operator.client("admin") as api:
        assert (
            api.post("/api/v1/tickets", json={"subject": "掉线", "customer_id": c}).status_code
            == 201
        )
    operator.nightly()
    with operator.on() as ctx:
        account = account_of_customer(ctx, c)
        account.estimated_budget = Decimal("2000")
    assert parts(operator, c) == {
        "Contribution": (25, "class A, ¥1,100.00 in the window"),
        "Growth": (15, "+10.0% on the window before"),
        "Share of wallet": (15, "55.0% of its budget"),
        "Recency": (15, "last contact 10 days ago"),
        "Open tickets": (5, "1 open tickets"),
        "Renewal": (5, "notice date in 75 days"),
        "Contacts' attitude": (10, "2 of 3 supportive"),
    }
    operator.nightly()
    with operator.on() as ctx:
        account = account_of_customer(ctx, c)
        assert account.health == 90
        [stored] = scores_of(ctx, ACCOUNT_KIND, account.id)
        assert Decimal(stored.score) == 90


def test_a_slipping_account_worked_example_and_its_trend(operator):
    big = operator.company("大客户甲")
    operator.order(operator.company("大客户乙"), "100000")
    operator.order(big, "600")
    operator.order(big, "2000", date(2025, 3, 1))  # -70% on the window before
    operator.agreement(big, date(2026, 6, 1), notice_days=30)  # notice passed 44 days ago
    with operator.on() as ctx:
        create_contact(ctx, ContactCreate(customer_id=big, name="反对者", attitude="opposed"))
        create_account(ctx, AccountCreate(customer_id=big, flag_reason="战略客户"))
    operator.nightly(TODAY - timedelta(days=1))
    operator.nightly()
    assert parts(operator, big) == {
        "Contribution": (5, "class C, ¥600.00 in the window"),
        "Growth": (0, "-70.0% on the window before"),
        "Share of wallet": (7, "budget unknown"),
        "Recency": (0, "never contacted"),
        "Open tickets": (10, "0 open tickets"),
        "Renewal": (0, "notice date passed 44 days ago"),
        "Contacts' attitude": (0, "an opposed contact"),
    }
    with operator.on() as ctx:
        account = account_of_customer(ctx, big)
        assert account.flagged and account.health == 22
        nightly = [(d, s) for d, s, filled in health.trend_points(ctx, account.id) if not filled]
        assert nightly == [(TODAY - timedelta(days=1), 22), (TODAY, 22)]


def planned(operator, customer: int) -> list[tuple[str, str, int]]:
    with operator.on() as ctx:
        query = select(Action.type, Action.subject, Action.owner_id).where(
            Action.kind == "customer", Action.record_id == customer, Action.status == "planned"
        )
        return sorted(tuple(row) for row in ctx.session.execute(query))


def test_a_contribution_drop_of_20_percent_quarter_on_quarter_gives_the_kam_a_task(operator):
    slipping = operator.company("下滑的集团", owner="rep1")
    steady = operator.company("平稳的集团", owner="rep2")
    for customer, before, now in ((slipping, "1000", "790"), (steady, "1000", "900")):
        operator.order(customer, before, date(2026, 2, 1))  # the quarter before
        operator.order(customer, now, date(2026, 5, 1))  # the last quarter
    operator.nightly()
    data = msgspec.convert(
        {
            "name": "流失预警",
            "kind": "customer",
            "trigger": {"type": "key_account.contribution_drop", "params": {"percent": 20}},
            "actions": [
                {"type": "plan_action", "params": {"type": "task", "subject": "分析贡献下滑"}},
                {"type": "plan_action", "params": {"type": "visit", "subject": "客户复盘会"}},
            ],
        },
        RuleCreate,
    )
    with operator.on() as ctx:
        create_rule(ctx, data)
    with time_machine.travel(noon(TODAY), tick=False):
        tick(operator.runtime)
        tick(operator.runtime)
    with time_machine.travel(noon(TODAY + timedelta(days=3)), tick=False):
        tick(operator.runtime)  # the same quarter: not again
    rep1 = operator.users["rep1"]
    assert planned(operator, slipping) == [
        ("task", "分析贡献下滑", rep1),
        ("visit", "客户复盘会", rep1),
    ]
    assert planned(operator, steady) == []


def test_a_group_accounts_health_reads_its_subsidiaries_worked_example(operator):
    group = operator.company("中国石化集团")
    subsidiary = operator.company("中国石化销售公司", parent=group)
    branch = operator.company("中国石化江苏分公司", parent=subsidiary)
    stranger = operator.company("别的集团")
    operator.order(branch, "1000")  # the group's revenue comes from a branch
    operator.order(stranger, "10")
    operator.agreement(branch, date(2026, 6, 1), notice_days=30)  # notice passed 44 days ago
    operator.agreement(group, date(2027, 12, 31))  # far off: the branch's comes first
    with operator.on(TODAY - timedelta(days=5)) as ctx:
        log_action(
            ctx, ActionCreate(kind="customer", record_id=branch, type="visit", subject="走访")
        )
    with operator.on(TODAY - timedelta(days=1)) as ctx:  # another group's contact: not counted
        log_action(ctx, ActionCreate(kind="customer", record_id=stranger, type="call", subject="x"))
    with operator.on() as ctx:
        create_contact(ctx, ContactCreate(customer_id=subsidiary, name="甲", attitude="supportive"))
        create_contact(ctx, ContactCreate(customer_id=stranger, name="乙", attitude="opposed"))
    with operator.client("admin") as api:
        for customer in (subsidiary, branch, stranger):
            sent = api.post("/api/v1/tickets", json={"subject": "故障", "customer_id": customer})
            assert sent.status_code == 201
    with operator.on() as ctx:
        create_account(ctx, AccountCreate(customer_id=subsidiary, flag_reason="销售公司"))
    operator.nightly()
    assert parts(operator, group) == {
        "Contribution": (25, "class A, ¥1,000.00 in the window"),
        "Growth": (8, "no revenue in the window before"),
        "Share of wallet": (7, "budget unknown"),
        "Recency": (15, "last contact 5 days ago (across 3 companies)"),
        "Open tickets": (5, "2 open tickets (across 3 companies)"),
        "Renewal": (0, "notice date passed 44 days ago (across 3 companies)"),
        "Contacts' attitude": (10, "1 of 1 supportive (across 3 companies)"),
    }
    # The subsidiary's own account reads it and its branch, never the group above it.
    assert parts(operator, subsidiary)["Recency"] == (
        15,
        "last contact 5 days ago (across 2 companies)",
    )
