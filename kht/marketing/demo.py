"""Demo campaigns across channels with costs, members, responses, leads and won revenue, so
the campaign pages and the marketing reports show something real."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from kht.context import Ctx
from kht.customers.models import Customer
from kht.leads.models import Lead
from kht.marketing import costs, members, service
from kht.marketing.models import Campaign
from kht.marketing.schemas import CampaignCreate, CostIn
from kht.processes import approvals
from kht.sales.opportunities import service as opportunities
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.sales.processes import service as processes

# name, channel, code, budget, days from today to start, stage key, costs, member statuses
CAMPAIGNS: tuple[tuple[Any, ...], ...] = (
    (
        "2026 医疗器械博览会",
        "event",
        "EXPO26",
        "80000",
        -40,
        "evaluation",
        (("venue", "45000"), ("printing", "6000"), ("travel", "12000")),
        ("attended", "attended", "registered", "responded", "targeted", "converted"),
    ),
    (
        "新品邮件推广",
        "email",
        "MAIL-NEW",
        "5000",
        -20,
        "execution",
        (("agency", "1200"),),
        ("clicked", "opened", "responded", "delivered", "bounced", "sent"),
    ),
    (
        "搜索引擎广告",
        "online_ad",
        "SEM-Q1",
        "30000",
        -30,
        "execution",
        (("media", "21000"), ("media", "13000")),
        (),
    ),
    (
        "老客户电话回访",
        "telemarketing",
        "",
        "8000",
        -10,
        "preparation",
        (("other", "3000"),),
        ("responded", "targeted", "responded", "unsubscribed"),
    ),
    ("年终答谢直邮", "direct_mail", "DM-2026", "15000", 30, "plan", (), ()),
)
# Won deals that came from the campaigns' responding customers: (customer index, amount).
WON = ((0, "280000.00"), (2, "96000.00"), (3, "45000.00"))


def _advance(ctx: Ctx, campaign: Campaign, stage_key: str) -> None:
    process = processes.get_process(ctx, campaign.process_id)
    for stage in process.stages:
        if campaign.stage_id == stage.id and stage.key == stage_key:
            return
        current = processes.stage_of(ctx, campaign.stage_id)
        if current.approval_role:
            url = f"/campaigns/{campaign.id}"
            approvals.decide(
                ctx, "campaign", campaign, current, decision="approved", comment="同意", url=url
            )
        if stage.position > current.position:
            service.move_stage(ctx, campaign.id, stage.id, version=campaign.version)
        if stage.key == stage_key:
            return


def _campaign(ctx: Ctx, plan: tuple[Any, ...]) -> Campaign:
    name, channel, code, budget, days, stage_key, cost_lines, _ = plan
    start = ctx.today() + timedelta(days=days)
    campaign = service.create_campaign(
        ctx,
        CampaignCreate(
            name=name,
            channel=channel,
            code=code,
            budget=Decimal(budget),
            start_date=start,
            end_date=start + timedelta(days=14),
            expected_response=20,
            expected_revenue=Decimal(budget) * 4,
        ),
    )
    for category, amount in cost_lines:
        costs.add_cost(
            ctx, campaign.id, CostIn(category=category, amount=Decimal(amount), spent_on=start)
        )
    _advance(ctx, campaign, stage_key)
    return campaign


def load(ctx: Ctx) -> None:
    """Create the demo campaigns unless some exist already (acting as the context's user, an
    administrator: it approves the campaigns it moves past approval)."""
    if ctx.session.scalar(select(func.count()).select_from(Campaign)):
        return
    customers = ctx.session.execute(
        select(Customer.id, Customer.owner_id)
        .where(Customer.deleted_at.is_(None))
        .order_by(Customer.id)
    ).all()[:6]
    leads = ctx.session.scalars(
        select(Lead.id).where(Lead.deleted_at.is_(None)).order_by(Lead.id)
    ).all()
    made = [_campaign(ctx, plan) for plan in CAMPAIGNS]
    for campaign, plan in zip(made, CAMPAIGNS, strict=True):
        for customer, status in zip(customers, plan[7], strict=False):
            members.set_member(ctx, campaign.id, "customer", customer.id, status)
    for lead_id in leads[:4]:  # the search ads brought these leads in
        members.set_member(ctx, made[2].id, "lead", lead_id, "responded")
    for index, amount in WON:
        if index < len(customers):
            _won(ctx, customers[index], amount)


def _won(ctx: Ctx, customer: Any, amount: str) -> None:
    opportunity = opportunities.create_opportunity(
        ctx,
        OpportunityCreate(
            name="展会后采购 Post-campaign order",
            customer_id=customer.id,
            amount=Decimal(amount),
            owner_id=customer.owner_id,
            source="campaign",
        ),
    )
    opportunities.close_opportunity(
        ctx, opportunity.id, won=True, reason="活动带来 From a campaign"
    )
