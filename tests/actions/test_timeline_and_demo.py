"""An opportunity's timeline merges its sales-stage history; the demo plans actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar.testing import TestClient
from sqlalchemy import func, select

from kht.actions.demo import DEMO_PLANS
from kht.actions.models import Action, action_participants
from kht.demo import load_demo
from kht.hookspecs import hookimpl
from kht.plugin_types import RecordKind
from kht.records import record_kinds
from kht.sales.opportunities.models import Opportunity, OpportunityStageChange
from kht.sales.processes.models import Process, ProcessStage
from kht.testing import add_user, bearer, runtime_of

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _opportunity_kind_registered(app) -> None:
    """The opportunities module may not declare its record kind yet: declare it for the test."""
    runtime = runtime_of(app)
    with runtime.ctx() as ctx:
        ctx.plugins = app.state.plugins
        if "opportunity" in record_kinds(ctx):
            return

    class Opportunities:
        @staticmethod
        @hookimpl
        def kht_register_record_kinds():
            return [
                RecordKind(
                    kind="opportunity",
                    model=Opportunity,
                    module="opportunities",
                    label_zh="商机",
                    label_en="Opportunities",
                )
            ]

    app.state.plugins.pm.register(Opportunities, name="test_opportunity_kind")


def test_an_opportunitys_timeline_merges_stage_history_newest_first_and_pages(kht_app):
    app = kht_app(fresh=True)
    _opportunity_kind_registered(app)
    runtime = runtime_of(app)
    rep = add_user(runtime, "rep", "sales_rep")
    add_user(runtime, "other", "sales_rep")
    with runtime.ctx() as ctx:
        from kht.customers.models import Customer

        customer = Customer(name="Acme", owner_id=rep)
        process = Process(key="test", name_zh="测试", name_en="Test")
        ctx.session.add_all([customer, process])
        ctx.session.flush()
        stages = [
            ProcessStage(process_id=process.id, key=k, name_zh=zh, name_en=en, position=i)
            for i, (k, zh, en) in enumerate(
                (("qualify", "验证", "Qualify"), ("offer", "报价", "Offer"))
            )
        ]
        ctx.session.add_all(stages)
        ctx.session.flush()
        deal = Opportunity(
            name="Deal",
            customer_id=customer.id,
            process_id=process.id,
            stage_id=stages[1].id,
            owner_id=rep,
        )
        ctx.session.add(deal)
        ctx.session.flush()
        for hours, stage in ((0, stages[0]), (48, stages[1])):
            ctx.session.add(
                OpportunityStageChange(
                    opportunity_id=deal.id,
                    stage_id=stage.id,
                    stage_name_zh=stage.name_zh,
                    stage_name_en=stage.name_en,
                    entered_at=T0 + timedelta(hours=hours),
                    user_id=rep,
                )
            )
        deal_id = deal.id
    with TestClient(app) as client:
        client.headers.update(bearer(runtime, "rep"))
        logged = client.post(
            "/api/v1/actions",
            json={"kind": "opportunity", "record_id": deal_id, "subject": "需求沟通"},
        )
        assert logged.status_code == 201, logged.text
        with runtime.ctx() as ctx:  # logged between the two stage changes
            ctx.session.get(Action, logged.json()["id"]).done_at = T0 + timedelta(hours=24)
        items = client.get(f"/api/v1/timeline/opportunity/{deal_id}").json()
        assert [(i["type"], i["title"]) for i in items] == [
            ("sales_stage", "→ 报价"),
            ("note", "需求沟通"),
            ("sales_stage", "→ 验证"),
        ]
        second = client.get(f"/api/v1/timeline/opportunity/{deal_id}?page=2&page_size=2").json()
        assert [i["title"] for i in second] == ["→ 验证"]
        client.headers.update(bearer(runtime, "other"))
        assert client.get(f"/api/v1/timeline/opportunity/{deal_id}").status_code == 404


def test_the_demo_plans_actions_with_reminders_and_participants_once(kht_app):
    runtime = runtime_of(kht_app())
    load_demo(runtime, size=0)
    load_demo(runtime, size=0)
    with runtime.ctx() as ctx:
        planned = list(ctx.session.scalars(select(Action).where(Action.status == "planned")))
        taking_part = ctx.session.scalar(select(func.count()).select_from(action_participants))
    assert len(planned) == len(DEMO_PLANS)
    assert all(a.remind_at is not None and a.due_at is not None for a in planned)
    assert taking_part == sum(len(plan[-1]) for plan in DEMO_PLANS)
