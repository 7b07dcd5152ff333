"""The pack enabled on a database with opportunities, disabled (nothing lost, no gates),
enabled again (everything back); its process and criteria seeded once."""

from __future__ import annotations

from sqlalchemy import func, select

from kht.auth.principal import load_principal
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.sales.opportunities.service import create_opportunity, move_stage
from kht.sales.processes.service import list_processes
from kht.testing import add_user, disable_plugin, enable_plugin
from plugins.project_sales import scorecard
from plugins.project_sales.defs import PROCESS_KEY
from plugins.project_sales.models import Criterion, Score


def test_enable_disable_and_enable_again_keeps_the_data(kht_runtime):
    runtime = kht_runtime()
    admin = add_user(runtime, "admin", "administrator")
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        customer = create_customer(ctx, CustomerCreate(name="省电力公司")).id

    assert enable_plugin(runtime, "project_sales") == ["project_sales"]
    assert enable_plugin(runtime, "project_sales") == []  # already on: nothing seeded twice
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        assert ctx.session.scalar(select(func.count()).select_from(Criterion)) == 7
        process = next(p for p in list_processes(ctx) if p.key == PROCESS_KEY)
        data = OpportunityCreate(name="变电站监控", customer_id=customer, process_id=process.id)
        project = create_opportunity(ctx, data)
        scorecard.score(ctx, project.id, {"fit": 5, "need": 4})
        project_id, stages = project.id, {s.key: s.id for s in process.stages}

    disable_plugin(runtime, "project_sales")
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        assert ctx.session.scalar(select(func.count()).select_from(Score)) == 2  # kept
        project = ctx.session.get(type(project), project_id)
        # The pack is off: its gates no longer hold the project back.
        move_stage(ctx, project_id, stages["solution"], version=project.version)

    enable_plugin(runtime, "project_sales")
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        assert scorecard.total_of(ctx, project_id) == 33  # (10 + 8) / 55, still there
        assert ctx.session.scalar(select(func.count()).select_from(Criterion)) == 7
