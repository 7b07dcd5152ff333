"""A campaign's computed list columns — its money and funnel as correlated subqueries — so
lists filter and sort by them and the report engine sums them per channel, type or period."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from kht.context import Ctx
from kht.leads.models import Lead
from kht.lists.engine import Column
from kht.marketing.members import RESPONDED
from kht.marketing.models import Campaign, CampaignAttribution, CampaignCost, CampaignMember
from kht.sales.opportunities.models import Opportunity


def _scalar(query: Any) -> Any:
    return func.coalesce(query.correlate(Campaign).scalar_subquery(), 0)


def _members(*conditions: Any) -> Any:
    return _scalar(
        select(func.count(CampaignMember.id)).where(
            CampaignMember.campaign_id == Campaign.id, *conditions
        )
    )


def _attributed(*conditions: Any) -> Any:
    # Opportunities whose first touch is the campaign (the model the effect reports use).
    return _scalar(
        select(func.count(CampaignAttribution.opportunity_id))
        .join(Opportunity, Opportunity.id == CampaignAttribution.opportunity_id)
        .where(
            CampaignAttribution.first_campaign_id == Campaign.id,
            Opportunity.deleted_at.is_(None),
            *conditions,
        )
    )


def _won(touch: Any) -> Any:
    return _scalar(
        select(func.sum(Opportunity.amount))
        .join(CampaignAttribution, CampaignAttribution.opportunity_id == Opportunity.id)
        .where(touch == Campaign.id, Opportunity.status == "won", Opportunity.deleted_at.is_(None))
    )


COST = _scalar(select(func.sum(CampaignCost.amount)).where(CampaignCost.campaign_id == Campaign.id))
WON_FIRST = _won(CampaignAttribution.first_campaign_id)
EXPRESSIONS = {
    "cost": COST,
    "members": _members(),
    "reached": _members(CampaignMember.status.not_in(("targeted", "bounced"))),
    "responded": _members(CampaignMember.status.in_(RESPONDED)),
    "leads": _scalar(
        select(func.count(Lead.id)).where(
            Lead.campaign_id == Campaign.id, Lead.deleted_at.is_(None)
        )
    ),
    "opportunities": _attributed(),
    "won_deals": _attributed(Opportunity.status == "won"),
    "won_revenue": WON_FIRST,
    "won_revenue_last": _won(CampaignAttribution.last_campaign_id),
    "profit": WON_FIRST - COST,
}
LABELS = {
    "cost": ("实际成本", "Actual cost"),
    "members": ("成员数", "Members"),
    "reached": ("触达数", "Reached"),
    "responded": ("响应数", "Responded"),
    "leads": ("线索数", "Leads"),
    "opportunities": ("销售机会数", "Opportunities"),
    "won_deals": ("赢单数", "Won deals"),
    "won_revenue": ("赢单收入（首次触达）", "Won revenue (first touch)"),
    "won_revenue_last": ("赢单收入（末次触达）", "Won revenue (last touch)"),
    "profit": ("收益（收入−成本）", "Return (revenue − cost)"),
}


def more_columns(ctx: Ctx) -> list[Column]:
    """RecordKind.more_columns: the computed money and funnel columns of campaigns."""
    return [
        Column(key=key, label_zh=zh, label_en=en, type="number", expr=EXPRESSIONS[key])
        for key, (zh, en) in LABELS.items()
    ]
