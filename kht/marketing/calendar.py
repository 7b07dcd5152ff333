"""The campaign calendar's events: campaigns in the reader's scope over a date range."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func

from kht.context import Ctx
from kht.marketing.models import Campaign
from kht.marketing.service import SPEC
from kht.records import completed


def calendar_events(ctx: Ctx, start: date, end: date) -> list[dict[str, Any]]:
    """All-day events of the campaigns (in scope) whose period meets [start, end): title,
    start, end (exclusive, as FullCalendar wants), the campaign's page and its channel."""
    last = func.coalesce(Campaign.end_date, Campaign.start_date)
    query = (
        completed(SPEC)
        .query(ctx)
        .where(Campaign.start_date.is_not(None), Campaign.start_date < end)
        .where(last >= start)
        .order_by(Campaign.start_date, Campaign.id)
        .limit(500)
    )
    return [
        {
            "id": campaign.id,
            "title": campaign.name,
            "start": campaign.start_date.isoformat(),
            "end": ((campaign.end_date or campaign.start_date) + timedelta(days=1)).isoformat(),
            "allDay": True,
            "url": f"/campaigns/{campaign.id}",
            "classNames": [f"kht-channel-{campaign.channel}"],
        }
        for campaign in ctx.session.scalars(query)
    ]
