"""The pack's demo: a telecom operator's groups with subsidiaries, 30 key accounts,
agreements some needing notice soon, a year of consumption, plans, teams, a few accounts
slipping; a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from kht.plugin_api import team_of
from plugins.key_account.care import dropped
from plugins.key_account.demo import load_demo
from plugins.key_account.models import Account, Consumption, Plan
from plugins.key_account.plans import progress
from plugins.key_account.service import renewals_due


def test_the_demo_operator_has_thirty_key_accounts_and_runs_twice(operator):
    with operator.on(login="admin") as ctx:
        assert load_demo(ctx) == 30
    with operator.on(login="admin") as ctx:
        assert load_demo(ctx) == 0
        accounts = list(ctx.session.scalars(select(Account)))
        assert len(accounts) == 30
        assert {a.abc_class for a in accounts} >= {"A", "B"}
        assert sum(a.flagged for a in accounts) >= 1
        assert all(a.health is not None for a in accounts)
        months = ctx.session.scalar(select(func.count(func.distinct(Consumption.month))))
        assert months == 24
        assert 1 <= len(renewals_due(ctx, 60)) <= 10
        slipping = set(ctx.session.scalars(dropped(20)))
        assert 2 <= len(slipping) <= 5
        plan = ctx.session.scalar(select(Plan).order_by(Plan.id))
        assert progress(ctx, plan.id) is not None
        assert team_of(ctx, "customer", plan.customer_id)
