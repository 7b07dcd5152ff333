"""A campaign's money and funnel: cost against budget, reach, responses, leads,
opportunities, won revenue by first and last touch, and ROI — all in Decimal."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select

from kht.context import Ctx
from kht.leads.models import Lead
from kht.marketing.costs import total_cost
from kht.marketing.members import RESPONDED, status_counts
from kht.marketing.models import CampaignAttribution
from kht.marketing.schemas import ResultsOut
from kht.marketing.service import get_campaign
from kht.sales.opportunities.models import Opportunity

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
NOT_REACHED = ("targeted", "bounced")


def ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part / whole to four places (half up); None when `whole` is zero."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATIO, rounding=ROUND_HALF_UP)


def per(cost: Decimal, count: int) -> Decimal | None:
    """Cost per unit to the cent; None without units."""
    if not count:
        return None
    return (cost / count).quantize(CENT, rounding=ROUND_HALF_UP)


def roi(revenue: Decimal, cost: Decimal) -> Decimal | None:
    """(revenue − cost) / cost to four places: 0.5 is 50 %; None for a campaign that cost
    nothing (no return on nothing)."""
    return ratio(revenue - cost, cost)


def _won_by(ctx: Ctx, column: object, campaign_id: int) -> Decimal:
    query = (
        select(func.coalesce(func.sum(Opportunity.amount), 0))
        .join(CampaignAttribution, CampaignAttribution.opportunity_id == Opportunity.id)
        .where(column == campaign_id, Opportunity.status == "won", Opportunity.deleted_at.is_(None))
    )
    return Decimal(ctx.session.scalar(query) or 0).quantize(CENT)


def _count(ctx: Ctx, query: object) -> int:
    return int(ctx.session.scalar(query) or 0)  # type: ignore[arg-type]


def results(ctx: Ctx, campaign_id: int) -> ResultsOut:
    """The campaign's results (in the caller's scope of the campaign); revenue and ROI use
    the first-touch model, the last-touch revenue is given beside it."""
    campaign = get_campaign(ctx, campaign_id)
    cost = total_cost(ctx, campaign.id)
    counts = status_counts(ctx, campaign.id)
    members = sum(counts.values())
    reached = members - sum(counts[s] for s in NOT_REACHED)
    responded = sum(counts[s] for s in RESPONDED)
    leads = _count(
        ctx,
        select(func.count()).where(Lead.campaign_id == campaign.id, Lead.deleted_at.is_(None)),
    )
    opportunities = _count(
        ctx,
        select(func.count())
        .select_from(CampaignAttribution)
        .join(Opportunity, Opportunity.id == CampaignAttribution.opportunity_id)
        .where(
            CampaignAttribution.first_campaign_id == campaign.id, Opportunity.deleted_at.is_(None)
        ),
    )
    won_deals = _count(
        ctx,
        select(func.count())
        .select_from(CampaignAttribution)
        .join(Opportunity, Opportunity.id == CampaignAttribution.opportunity_id)
        .where(
            CampaignAttribution.first_campaign_id == campaign.id,
            Opportunity.status == "won",
            Opportunity.deleted_at.is_(None),
        ),
    )
    first = _won_by(ctx, CampaignAttribution.first_campaign_id, campaign.id)
    last = _won_by(ctx, CampaignAttribution.last_campaign_id, campaign.id)
    return ResultsOut(
        budget=campaign.budget,
        cost=cost,
        remaining=campaign.budget - cost,
        over_budget=cost > campaign.budget,
        members=members,
        reached=reached,
        responded=responded,
        response_rate=ratio(responded, reached),
        leads=leads,
        cost_per_lead=per(cost, leads),
        opportunities=opportunities,
        cost_per_opportunity=per(cost, opportunities),
        won_deals=won_deals,
        cost_per_won_deal=per(cost, won_deals),
        won_revenue_first_touch=first,
        won_revenue_last_touch=last,
        roi=roi(first, cost),
        funnel=counts,
        **_texts(ctx, campaign.id),
    )


def _texts(ctx: Ctx, campaign_id: int) -> dict[str, Any]:
    """How many of the campaign's SMS the carrier accepted, and their fees."""
    from kht.sms.models import SmsMessage

    sent, fees = ctx.session.execute(
        select(func.count(SmsMessage.sent_at), func.sum(SmsMessage.cost)).where(
            SmsMessage.origin == f"campaign:{campaign_id}"
        )
    ).one()
    return {"texts_sent": int(sent or 0), "text_fees": Decimal(str(fees or 0))}
