"""The back-filled health history: past days scored from the orders, actions, tickets and
agreements of that day (worked example), once, by the first nightly run and by
`kht key-account backfill-health`; bad options refused naming the option."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import time_machine
from click.testing import CliRunner
from sqlalchemy import delete, select

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.contacts.schemas import ContactCreate
from kht.contacts.service import create_contact
from kht.service.models import Ticket
from plugins.key_account import backfill, health
from plugins.key_account.cli import key_account
from plugins.key_account.models import HealthPoint
from plugins.key_account.service import account_of_customer
from tests.plugins.key_account.conftest import TODAY, noon

ZERO = Decimal(0)


def a_group_with_a_past(operator) -> tuple[int, int]:
    """中国联通集团 and its 江苏分公司: revenue from March, a ticket open 1-22 May, a visit
    on 20 May, an agreement needing notice on 31 May, a supportive contact."""
    group = operator.company("中国联通集团")
    branch = operator.company("中国联通江苏分公司", parent=group)
    operator.order(branch, "1000", date(2026, 3, 1))
    operator.order(operator.company("小客户"), "100", date(2026, 3, 1))
    operator.agreement(branch, date(2026, 6, 30), notice_days=30)
    with operator.on(date(2026, 5, 20)) as ctx:
        log_action(
            ctx, ActionCreate(kind="customer", record_id=branch, type="visit", subject="走访")
        )
    with operator.on() as ctx:
        create_contact(ctx, ContactCreate(customer_id=group, name="甲", attitude="supportive"))
    with time_machine.travel(noon(date(2026, 5, 1)), tick=False):
        with operator.client("admin") as api:
            sent = api.post("/api/v1/tickets", json={"subject": "断网", "customer_id": branch})
            assert sent.status_code == 201
    with operator.on(login=None) as ctx:
        ticket = ctx.session.get(Ticket, sent.json()["id"])
        ticket.status, ticket.resolved_at = "resolved", noon(date(2026, 5, 22))
    return group, branch


def parts_on(operator, group: int, day: date) -> tuple[int, dict[str, tuple[int, str]]]:
    with operator.on() as ctx:
        account = account_of_customer(ctx, group)
        # No order or consumption in either window: no row, class C as in the run.
        figures = backfill.figures_on(ctx, day, [group]).get(group, ("C", ZERO, ZERO))
        score = health.score_of(backfill.facts_on(ctx, account, day, figures), day)
        return int(score.total), {p.label_en: (int(p.points), p.explain("en")) for p in score.parts}


def test_a_past_day_is_scored_from_that_days_data_worked_example(operator):
    group, _ = a_group_with_a_past(operator)
    operator.nightly()
    assert parts_on(operator, group, date(2026, 5, 18)) == (
        60,
        {
            "Contribution": (25, "class A, ¥1,000.00 in the window"),
            "Growth": (8, "no revenue in the window before"),
            "Share of wallet": (7, "budget unknown"),
            "Recency": (0, "never contacted (across 2 companies)"),
            "Open tickets": (5, "1 open tickets (across 2 companies)"),
            "Renewal": (5, "notice date in 13 days (across 2 companies)"),
            "Contacts' attitude": (10, "1 of 1 supportive (across 2 companies)"),
        },
    )
    total, parts = parts_on(operator, group, date(2026, 5, 25))
    assert total == 80
    assert parts["Recency"] == (15, "last contact 5 days ago (across 2 companies)")
    assert parts["Open tickets"] == (10, "0 open tickets (across 2 companies)")
    total, parts = parts_on(operator, group, date(2026, 2, 1))  # before any revenue
    assert parts["Contribution"] == (5, "class C, ¥0.00 in the window")
    assert parts["Renewal"] == (10, "notice date in 119 days (across 2 companies)")


def points(operator, group: int) -> list[tuple[date, int, bool]]:
    with operator.on() as ctx:
        return health.trend_points(ctx, account_of_customer(ctx, group).id)


def test_the_first_nightly_run_back_fills_and_later_runs_do_not(operator):
    group, _ = a_group_with_a_past(operator)
    assert operator.nightly(TODAY)["backfilled"] == 25  # weekly over 180 days
    found = points(operator, group)
    assert len(found) == 26 and found[-1][0] == TODAY and not found[-1][2]
    assert all(filled for _, _, filled in found[:-1])
    by_day = {day: score for day, score, _ in found}
    assert by_day[date(2026, 5, 18)] == 60 and by_day[date(2026, 5, 25)] == 80
    assert operator.nightly(TODAY + timedelta(days=1))["backfilled"] == 0
    assert len(points(operator, group)) == 27


def run_cli(operator, *args: str):
    with time_machine.travel(noon(TODAY), tick=False):
        return CliRunner().invoke(key_account, list(args), obj=operator.runtime)


def test_the_command_back_fills_days_without_a_point_once(operator):
    group, _ = a_group_with_a_past(operator)
    operator.nightly()
    with operator.on(login=None) as ctx:
        ctx.session.execute(delete(HealthPoint).where(HealthPoint.day < TODAY))
    done = run_cli(operator, "backfill-health", "--days", "28", "--step", "7")
    assert done.exit_code == 0, done.output
    assert done.output.strip() == "backfilled: 4"
    assert [(d, s) for d, s, _ in points(operator, group)] == [
        (date(2026, 5, 18), 60),
        (date(2026, 5, 25), 80),
        (date(2026, 6, 1), 75),  # the notice date has passed
        (date(2026, 6, 8), 75),
        (TODAY, 75),
    ]
    again = run_cli(operator, "backfill-health", "--days", "28", "--step", "7")
    assert again.output.strip() == "backfilled: 0"
    refused = run_cli(operator, "backfill-health", "--step", "0")
    assert refused.exit_code != 0 and "--step" in refused.output
    refused = run_cli(operator, "backfill-health", "--days", "5000")
    assert refused.exit_code != 0 and "--days" in refused.output
    with operator.on(login=None) as ctx:
        count = ctx.session.scalar(select(HealthPoint.id).where(HealthPoint.day < TODAY).limit(1))
        assert count is not None
