"""Demo quotas: this year's quarters for the demo reps and sales groups, loaded once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.demo import DEMO_USERS
from kht.sales.analysis.forecast import forecast
from kht.sales.quotas.demo import load
from kht.sales.quotas.models import Quota
from kht.testing import add_user, runtime_of


def test_the_demo_sets_quarterly_quotas_once_and_the_forecast_reads_them(kht_app):
    runtime = runtime_of(kht_app())
    add_user(runtime, "admin", "administrator", is_admin=True)
    for login, _, role, departments, branch, _ in DEMO_USERS:
        add_user(runtime, login, role, department="/".join(departments), branch=branch)
    for _ in range(2):  # a second run adds nothing
        with runtime.ctx() as ctx:
            ctx.user = load_principal(ctx.session, find_user(ctx.session, "admin").id)
            load(ctx)
    with runtime.ctx() as ctx:
        count = ctx.session.scalar(select(func.count()).select_from(Quota))
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "li.director").id)
        result = forecast(ctx, "quarter", date(ctx.now().year, 1, 1))
    assert count == 9 * 4
    assert result.rows[0].name == "销售部"
    assert str(result.rows[0].quota) == "120000000.00"
