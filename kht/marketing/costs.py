"""Campaign cost lines: what was spent, against the budget."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from kht.audit.service import record_action
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.files.models import Attachment
from kht.marketing.models import CampaignCost
from kht.marketing.schemas import CostIn
from kht.marketing.service import KIND, MODULE, get_campaign

CENT = Decimal("0.01")


def add_cost(ctx: Ctx, campaign_id: int, data: CostIn) -> CampaignCost:
    """Book a cost line on a campaign in scope (amount ≥ 0; an attachment must be one of the
    campaign's files). Audited on the campaign."""
    require(ctx.user, MODULE, "edit")
    campaign = get_campaign(ctx, campaign_id)
    if not data.amount.is_finite() or data.amount < 0:
        raise ValidationError("a cost amount must be zero or more", "amount")
    if data.attachment_id is not None:
        attachment = ctx.session.get(Attachment, data.attachment_id)
        if attachment is None or (attachment.kind, attachment.record_id) != (KIND, campaign.id):
            raise ValidationError("attach a file of this campaign", "attachment_id")
    cost = CampaignCost(
        campaign_id=campaign.id,
        category=data.category.strip(),
        amount=data.amount.quantize(CENT),
        spent_on=data.spent_on,
        supplier=data.supplier.strip(),
        attachment_id=data.attachment_id,
        notes=data.notes,
        created_by_id=ctx.user_id,
        created_at=ctx.now(),
    )
    ctx.session.add(cost)
    ctx.session.flush()
    record_action(ctx, KIND, campaign.id, "cost", _change(cost, added=True))
    return cost


def _change(cost: CampaignCost, *, added: bool) -> dict[str, list[Any]]:
    """A cost line's history entry: its category (a key the page labels) and amount."""
    values = {"cost_category": cost.category, "cost_amount": str(cost.amount)}
    return {key: [None, value] if added else [value, None] for key, value in values.items()}


def delete_cost(ctx: Ctx, campaign_id: int, cost_id: int) -> None:
    """Remove a cost line booked in error (audited)."""
    require(ctx.user, MODULE, "edit")
    campaign = get_campaign(ctx, campaign_id)
    cost = ctx.session.get(CampaignCost, cost_id)
    if cost is None or cost.campaign_id != campaign.id:
        raise NotFound(f"cost {cost_id} not found")
    record_action(ctx, KIND, campaign.id, "cost", _change(cost, added=False))
    ctx.session.delete(cost)
    ctx.session.flush()


def costs_of(ctx: Ctx, campaign_id: int) -> list[CampaignCost]:
    """A campaign's cost lines, by date."""
    get_campaign(ctx, campaign_id)
    query = select(CampaignCost).where(CampaignCost.campaign_id == campaign_id)
    return list(ctx.session.scalars(query.order_by(CampaignCost.spent_on, CampaignCost.id)))


def total_cost(ctx: Ctx, campaign_id: int) -> Decimal:
    """What a campaign has cost so far (Decimal, 0.00 without lines)."""
    query = select(func.coalesce(func.sum(CampaignCost.amount), 0)).where(
        CampaignCost.campaign_id == campaign_id
    )
    return Decimal(ctx.session.scalar(query) or 0).quantize(CENT)
