"""Attributing leads and opportunities to campaigns.

A lead belongs to a campaign when its web form carried the campaign's code, an import gave
its campaign, or it responded as a member. An opportunity is attributed when it opens: its
touches are the campaigns its customer, the customer's contacts or its converted leads
responded to (or its own `campaign_id`); the earliest is the first touch, the latest the
last touch, both stored in `campaign_attributions`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from kht.contacts.models import Contact
from kht.context import Ctx
from kht.leads.models import Lead
from kht.marketing.members import RESPONDED
from kht.marketing.models import Campaign, CampaignAttribution, CampaignMember
from kht.sales.opportunities.models import Opportunity


def campaign_by_code(ctx: Ctx, code: str) -> Campaign | None:
    """The live campaign with this code (case as stored), else None."""
    code = code.strip()
    if not code:
        return None
    return ctx.session.scalar(
        select(Campaign).where(Campaign.code == code, Campaign.deleted_at.is_(None))
    )


def _member_touches(ctx: Ctx, customer_id: int) -> list[tuple[datetime, int]]:
    contacts = select(Contact.id).where(Contact.customer_id == customer_id)
    leads = select(Lead.id).where(Lead.customer_id == customer_id)
    query = select(CampaignMember.updated_at, CampaignMember.campaign_id).where(
        CampaignMember.status.in_(RESPONDED),
        (
            ((CampaignMember.kind == "customer") & (CampaignMember.record_id == customer_id))
            | ((CampaignMember.kind == "contact") & CampaignMember.record_id.in_(contacts))
            | ((CampaignMember.kind == "lead") & CampaignMember.record_id.in_(leads))
        ),
    )
    return [(row.updated_at, row.campaign_id) for row in ctx.session.execute(query)]


def _lead_touches(ctx: Ctx, customer_id: int) -> list[tuple[datetime, int]]:
    query = select(Lead.created_at, Lead.campaign_id).where(
        Lead.customer_id == customer_id, Lead.campaign_id.is_not(None)
    )
    return [(row.created_at, row.campaign_id) for row in ctx.session.execute(query)]


def attribute(ctx: Ctx, opportunity: Opportunity) -> CampaignAttribution | None:
    """Store the first- and last-touch campaigns of a newly opened opportunity (None and
    nothing stored when no campaign touched its customer)."""
    touches = _member_touches(ctx, opportunity.customer_id) + _lead_touches(
        ctx, opportunity.customer_id
    )
    # Attributed as it opens: every touch so far came before it.
    if opportunity.campaign_id is not None:
        touches.append((opportunity.created_at, opportunity.campaign_id))
    live = set(
        ctx.session.scalars(
            select(Campaign.id).where(
                Campaign.id.in_({c for _, c in touches}), Campaign.deleted_at.is_(None)
            )
        )
    )
    touches = sorted((t for t in touches if t[1] in live), key=lambda t: (t[0], t[1]))
    if not touches:
        return None
    row = CampaignAttribution(
        opportunity_id=opportunity.id,
        first_campaign_id=touches[0][1],
        last_campaign_id=touches[-1][1],
    )
    ctx.session.merge(row)
    ctx.session.flush()
    return row


def lead_from_form(ctx: Ctx, lead_id: int) -> None:
    """A lead captured by a web form carrying a campaign code becomes that campaign's lead
    and member (registered for an event, responded otherwise); an unknown code is ignored —
    visitors type URLs."""
    from kht.leads.webform import METADATA_NAMESPACE

    lead = ctx.session.get(Lead, lead_id)
    code = ((lead.ext or {}).get(METADATA_NAMESPACE) or {}).get("campaign") if lead else None
    campaign = campaign_by_code(ctx, code) if code else None
    if lead is None or campaign is None:
        return
    lead.campaign_id = campaign.id
    status = "registered" if campaign.channel == "event" else "responded"
    ctx.session.add(
        CampaignMember(
            campaign_id=campaign.id,
            kind="lead",
            record_id=lead.id,
            name=lead.name,
            email=lead.email or "",
            status=status,
            updated_at=ctx.now(),
        )
    )
    ctx.session.flush()
