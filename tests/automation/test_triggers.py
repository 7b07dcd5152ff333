"""Each event trigger fires once, for the right record, through the core's own services."""

from __future__ import annotations

from decimal import Decimal

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.automation.models import DONE
from kht.leads.convert import convert_lead
from kht.leads.schemas import LeadCreate
from kht.leads.service import create_lead
from kht.lifecycle.service import change_stage, next_stages
from kht.products.schemas import ProductCreate
from kht.products.service import create_product
from kht.sales.processes import service as processes
from tests.automation.conftest import rule, runs

NOTIFY = [{"type": "notify", "params": {"title": "fired"}}]


def _fired(team, rule_id: int) -> list[int]:
    return [r.record_id for r in runs(team, rule_id) if r.status == DONE]


def test_stage_change_action_logged_and_lead_conversion(team):
    customer_id = team.customer("阶段客户", owner="rep1")
    with team.ctx("admin") as ctx:
        to = next_stages(ctx, "target")[0].key
    stage_any = rule(team, "customer", "stage_changed", NOTIFY)
    stage_to = rule(team, "customer", "stage_changed", NOTIFY, params={"to_stage": to})
    stage_other = rule(team, "customer", "stage_changed", NOTIFY, params={"to_stage": "lost"})
    calls = rule(team, "customer", "action_logged", NOTIFY, params={"action_types": ["call"]})
    converted = rule(team, "lead", "lead_converted", NOTIFY)
    with team.ctx("admin") as ctx:
        change_stage(ctx, "customer", customer_id, to)
    with team.ctx("rep1") as ctx:
        log_action(
            ctx, ActionCreate(kind="customer", record_id=customer_id, type="visit", subject="拜访")
        )
        log_action(
            ctx, ActionCreate(kind="customer", record_id=customer_id, type="call", subject="电话")
        )
        lead = create_lead(ctx, LeadCreate(name="线索", company="线索公司"))
    with team.ctx("rep1") as ctx:
        convert_lead(ctx, lead.id, lead.version)
    assert _fired(team, stage_any) == [customer_id]
    assert _fired(team, stage_to) == [customer_id]
    assert _fired(team, stage_other) == []
    assert _fired(team, calls) == [customer_id]
    assert _fired(team, converted) == [lead.id]


def test_opportunity_won_and_lost_and_quote_accepted(team):
    customer_id = team.customer("商机客户", owner="rep1")
    won = rule(team, "opportunity", "opportunity_won", NOTIFY)
    lost = rule(team, "opportunity", "opportunity_lost", NOTIFY)
    accepted = rule(team, "quote", "quote_accepted", NOTIFY)
    with team.ctx("admin") as ctx:
        stages = {s.outcome: s.id for s in processes.default_process(ctx).stages}
        product = create_product(
            ctx, ProductCreate(code="P-1", name="扫描仪", list_price=Decimal("10.00"))
        ).id
    api = team.client("rep1")
    opportunities = []
    for name in ("赢", "输"):
        body = {"name": name, "customer_id": customer_id, "amount": "100.00"}
        opportunities.append(api.post("/api/v1/opportunities", json=body).json())
    win, lose = opportunities
    moved = api.post(
        f"/api/v1/opportunities/{win['id']}/stage",
        json={"stage_id": stages["won"], "version": win["version"]},
    )
    assert moved.status_code == 200, moved.text
    moved = api.post(
        f"/api/v1/opportunities/{lose['id']}/stage",
        json={"stage_id": stages["lost"], "version": lose["version"], "cause": "价格"},
    )
    assert moved.status_code == 200, moved.text
    quote = api.post(
        "/api/v1/quotes",
        json={
            "title": "报价",
            "customer_id": customer_id,
            "lines": [{"product_id": product, "quantity": "1"}],
        },
    ).json()
    api.post(f"/api/v1/quotes/{quote['id']}/send", json={})
    assert api.post(f"/api/v1/quotes/{quote['id']}/accept", json={}).status_code == 201
    assert _fired(team, won) == [win["id"]]
    assert _fired(team, lost) == [lose["id"]]
    assert _fired(team, accepted) == [quote["id"]]
