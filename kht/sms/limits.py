"""The per-number daily limit: at most `SmsGateway.per_number_per_day` messages to one
number per day on the gateway's clock (`time_zone`); 0 means no limit.

Strict: the count and the new message are in one transaction that first locks the gateway
row (`FOR UPDATE` on PostgreSQL; SQLite runs one writer at a time), so two requests cannot
both take the last message of a day. Messages that never reached the number (failed,
opted out) do not count.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from kht.context import Ctx
from kht.sms.models import SmsGateway, SmsMessage

OPTED_OUT = "this number opted out of SMS"
DAILY_LIMIT = "this number has had today's most messages"
NOT_COUNTED = ("failed", "opted_out")


def day_start(gateway: SmsGateway, now: datetime) -> datetime:
    """Midnight of `now`'s day on the gateway's clock, as a UTC instant."""
    zone = ZoneInfo(gateway.time_zone)
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0), zone).astimezone(now.tzinfo)


def over_daily_limit(ctx: Ctx, gateway: SmsGateway, number: str) -> bool:
    """Whether `number` already has today's most messages (locks the gateway row first)."""
    if gateway.per_number_per_day <= 0:
        return False
    ctx.session.execute(select(SmsGateway.id).where(SmsGateway.id == gateway.id).with_for_update())
    today = ctx.session.scalar(
        select(func.count()).where(
            SmsMessage.number == number,
            SmsMessage.created_at >= day_start(gateway, ctx.now()),
            SmsMessage.status.not_in(NOT_COUNTED),
        )
    )
    return (today or 0) >= gateway.per_number_per_day
