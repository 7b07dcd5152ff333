"""Demo opportunities: one or two per demo customer, spread over the stages, a few closed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from kht.competitors.demo import load as load_competitors
from kht.competitors.service import competitor_named
from kht.context import Ctx
from kht.customers.models import Customer
from kht.sales.opportunities import service
from kht.sales.opportunities.models import Opportunity
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.sales.processes import service as processes

# name suffix, amount, stage steps taken after the first, "won"/"lost"/"" , days to close
PLANS = (
    ("设备采购", "380000.00", 2, "", 45),
    ("年度服务", "96000.00", 3, "", 20),
    ("扩容项目", "1250000.00", 1, "", 80),
    ("备件", "42000.00", 3, "won", -10),
    ("试点", "150000.00", 1, "lost", -5),
    ("培训", "36000.00", 0, "", 30),
)


def load(ctx: Ctx) -> None:
    """Create the demo opportunities unless some exist already."""
    if ctx.session.scalar(select(func.count()).select_from(Opportunity)):
        return
    customers = ctx.session.execute(
        select(Customer.id, Customer.name, Customer.owner_id)
        .where(Customer.deleted_at.is_(None))
        .order_by(Customer.id)
    ).all()
    process = processes.default_process(ctx)
    open_stages = [s for s in process.stages if s.active and s.outcome == "open"]
    today = ctx.today()
    load_competitors(ctx)
    rivals = [competitor_named(ctx, name, create=True).id for name in ("华为", "Cisco")]
    for index, customer in enumerate(customers):
        name, amount, steps, outcome, days = PLANS[index % len(PLANS)]
        opportunity = service.create_opportunity(
            ctx,
            OpportunityCreate(
                name=f"{customer.name[:40]} · {name}",
                customer_id=customer.id,
                amount=Decimal(amount),
                expected_close=today + timedelta(days=days),
                owner_id=customer.owner_id,
                forecast_category="commit" if steps >= 3 else "pipeline",
                competitor_ids=rivals if index % 2 else [],
                source="demo",
            ),
        )
        for stage in open_stages[1 : 1 + steps]:
            service.move_stage(
                ctx, opportunity.id, stage.id, version=opportunity.version, cause="demo"
            )
        if outcome:
            service.close_opportunity(
                ctx,
                opportunity.id,
                won=outcome == "won",
                reason="价格有优势 Better price" if outcome == "won" else "预算取消 Budget cut",
                version=None,
            )
