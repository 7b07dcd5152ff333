"""The figures on each member that the reports group by: the points issued, redeemed and
expired (the points liability), the members referred and their spend (the referral
leaderboard), and the latest care with the purchase it brought (care effectiveness).

The points and referral figures are refreshed set-based by the nightly run (one UPDATE over
all members each, never a loop per member); the care figures move with the care itself and
with the member's next purchase.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update

from kht.plugin_api import Ctx
from plugins.membership.models import Member, PointsEntry

# A purchase this many days after a care message or bonus counts as the care's effect.
CARE_WINDOW_DAYS = 30
# Ledger entries that hand out points (a lot); a negative adjustment or a refund's reversal
# takes points back and is neither issued nor redeemed.
ISSUED = ("earn", "birthday", "care", "adjust")


def _points(entries: tuple[str, ...], *, positive: bool) -> object:
    """Each member's sum of `entries` (as a positive number), a correlated subquery."""
    sign = PointsEntry.points > 0 if positive else PointsEntry.points < 0
    total = func.coalesce(func.sum(func.abs(PointsEntry.points)), 0)
    return (
        select(total)
        .where(PointsEntry.member_id == Member.id, PointsEntry.entry.in_(entries), sign)
        .scalar_subquery()
    )


def refresh_points_flow(ctx: Ctx) -> None:
    """points_issued / _redeemed / _expired of every member from the ledger, one UPDATE."""
    ctx.session.execute(
        update(Member)
        .values(
            points_issued=_points(ISSUED, positive=True),
            points_redeemed=_points(("redeem",), positive=False),
            points_expired=_points(("expire",), positive=False),
        )
        .execution_options(synchronize_session=False)
    )


def refresh_referrals(ctx: Ctx) -> None:
    """How many live members each member referred, and their total spend, one UPDATE."""
    referred = Member.__table__.alias("referred")
    live = (referred.c.referrer_id == Member.id) & referred.c.deleted_at.is_(None)
    count = select(func.count()).where(live).scalar_subquery()
    spend = select(func.coalesce(func.sum(referred.c.total_spend), 0)).where(live)
    ctx.session.execute(
        update(Member)
        .values(referrals=count, referred_spend=spend.scalar_subquery())
        .execution_options(synchronize_session=False)
    )


def refresh(ctx: Ctx) -> int:
    """The nightly refresh of the points and referral figures; returns the members counted."""
    refresh_points_flow(ctx)
    refresh_referrals(ctx)
    ctx.session.expire_all()
    return ctx.session.scalar(select(func.count()).select_from(Member)) or 0


def cared(ctx: Ctx, member: Member, rule_name: str) -> None:
    """A care rule reached the member today: the care its next purchase is credited to."""
    member.care_rule = rule_name[:200]
    member.cared_on = ctx.today()
    member.care_converted_on = None
    member.care_spend = Decimal("0.00")


def purchased(member: Member, day: date, amount: Decimal) -> None:
    """A purchase within CARE_WINDOW_DAYS of the latest care counts as its effect."""
    if member.cared_on is None or not member.cared_on <= day:
        return
    if day > member.cared_on + timedelta(days=CARE_WINDOW_DAYS):
        return
    if member.care_converted_on is None:
        member.care_converted_on = day
    member.care_spend = (member.care_spend or Decimal("0.00")) + amount
