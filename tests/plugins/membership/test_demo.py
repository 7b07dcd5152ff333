"""The pack's demo: a store chain with members, a year of purchases, tiers, points,
referrals and segments, written set-based; a second run adds nothing."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from plugins.membership import points
from plugins.membership.demo import load_demo
from plugins.membership.models import Member, PointsEntry, Transaction


def test_the_demo_chain_shows_in_every_tier_and_segment_and_runs_twice(club):
    with club.on(login="admin") as ctx:
        started = time.monotonic()
        added = load_demo(ctx, size=600)
        took = time.monotonic() - started
    assert added == 600
    assert took < 30, f"the demo took {took:.1f}s for 600 members"
    with club.on(login="admin") as ctx:
        assert load_demo(ctx, size=600) == 0
        count = ctx.session.scalar(select(func.count()).select_from(Member))
        assert count == 600
        tiers = set(ctx.session.scalars(select(Member.tier).distinct()))
        assert {"standard", "silver", "gold"} <= tiers
        segments = set(ctx.session.scalars(select(Member.rfm_segment).distinct()))
        assert {"champions", "loyal", "at_risk", "lost", "new"} <= segments
        assert ctx.session.scalar(select(func.count()).select_from(Transaction)) > 2000
        assert (
            ctx.session.scalar(
                select(func.count()).select_from(Member).where(Member.referrer_id.is_not(None))
            )
            > 50
        )
        # The ledger holds for every member: balance == entries == lots' remaining.
        sums = dict(
            ctx.session.execute(
                select(PointsEntry.member_id, func.sum(PointsEntry.points)).group_by(
                    PointsEntry.member_id
                )
            ).all()
        )
        for member_id, balance in ctx.session.execute(select(Member.id, Member.points_balance)):
            assert sums.get(member_id, 0) == balance
        some = ctx.session.scalar(select(Member.id).where(Member.purchase_count > 5))
        assert points.ledger_sum(ctx, some)[0] == points.ledger_sum(ctx, some)[1]
    with club.browser("admin") as page:
        assert page.get("/members", params={"rfm_segment": "champions"}).status_code == 200
        assert page.get(f"/members/{some}").status_code == 200
