"""`kht demo` ships a default dashboard per role, and every widget of each shows data."""

from __future__ import annotations

import pytest

from kht.dashboards import service
from kht.demo import load_demo
from kht.testing import acting_as, runtime_of

ROLE_USERS = {
    "sales_rep": "qian.rep",
    "sales_manager": "zhao.manager",
    "executive": "zheng.ceo",
    "marketing": "zhou.marketing",
    "service": "wu.service",
}


@pytest.fixture
def runtime(kht_app):
    current = runtime_of(kht_app())
    load_demo(current, size=30)
    return current


def test_each_role_sees_its_shipped_dashboard_with_data_in_every_widget(runtime):
    for role, login in ROLE_USERS.items():
        with acting_as(runtime, login) as ctx:
            layout, widgets = service.board(ctx)
        assert layout.source == "role" and layout.role == role
        assert widgets and [w.error for w in widgets] == [""] * len(widgets), role


def test_a_second_demo_run_keeps_what_the_administrator_changed(runtime):
    with acting_as(runtime, "admin") as ctx:
        service.set_role_default(
            ctx,
            "sales_rep",
            service.DashboardIn(widgets=[service.Widget(type="list", key="overdue_actions")]),
        )
    load_demo(runtime, size=30)
    with acting_as(runtime, "qian.rep") as ctx:
        assert [w.key for w in service.mine(ctx).widgets] == ["overdue_actions"]
