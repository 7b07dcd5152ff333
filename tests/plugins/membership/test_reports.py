"""The pack's reports in the catalogue run on the demo chain, agree with the members they
count, and keep each reader to their scope."""

from __future__ import annotations

from sqlalchemy import func, select

from kht.reports.service import report_defs, run_report
from plugins.membership.demo import load_demo
from plugins.membership.models import Member, Transaction
from plugins.membership.report_defs import REPORTS


def test_every_membership_report_runs_and_adds_up(club):
    with club.on(login="admin") as ctx:
        load_demo(ctx, size=300)
    with club.on(login="admin") as ctx:
        keys = {r.key for r in REPORTS}
        assert keys <= set(report_defs(ctx))
        results = {key: run_report(ctx, key) for key in keys}
        members = ctx.session.scalar(select(func.count()).select_from(Member))
        points = ctx.session.scalar(select(func.sum(Member.points_balance)))
        spend = ctx.session.scalar(
            select(func.sum(Transaction.amount)).where(Transaction.kind == "purchase")
        )
        at_risk = ctx.session.scalar(
            select(func.count()).where(
                Member.rfm_segment.in_(("at_risk", "cant_lose", "hibernating"))
            )
        )
    for key, result in results.items():
        assert result.rows, key
    assert results["membership.by_tier"].totals[:2] == [members, points]
    assert results["membership.store_by_category"].totals[0] == spend
    assert results["membership.churn_risk"].totals[0] == at_risk
    for row in results["membership.repeat_rate"].rows:
        _, buyers, repeat, rate = row.values
        assert buyers and abs(float(rate) - 100 * repeat / buyers) < 0.06
    labels = {row.labels[0] for row in results["membership.segments"].rows}
    assert {"冠军客户", "流失风险"} <= labels  # labels, never keys
    tiers = {row.labels[0] for row in results["membership.by_tier"].rows}
    assert tiers <= {"普通", "银卡", "金卡", "钻石"} and "普通" in tiers  # names, never keys
    with club.on(login="west_rep") as ctx:  # another department: none of the admin's members
        assert run_report(ctx, "membership.by_tier").totals[0] == 0


def test_points_liability_tier_movement_and_referral_leaderboard_on_known_members(club):
    from datetime import date

    from plugins.membership import service
    from plugins.membership.schemas import PointsIn
    from plugins.membership.value import run_nightly

    head = club.member("推荐达人", join_date=date(2025, 1, 1))
    friend = club.member("朋友甲", join_date=date(2025, 1, 1), referrer_id=head)
    club.member("朋友乙", join_date=date(2025, 1, 1), referrer_id=head)
    club.buy(friend, "6000", date(2025, 3, 1), key="f1")  # 6000 points; standard -> silver
    club.buy(head, "100", date(2025, 3, 1), key="h1")
    with club.on(date(2025, 3, 2)) as ctx:
        service.redeem(ctx, friend, PointsIn(points=1000, reason="兑换礼品"))
    for day in (date(2026, 3, 1), date(2026, 3, 2)):  # the review, then the lots expire
        with club.on(day) as ctx:
            run_nightly(ctx)
    with club.on(date(2026, 3, 2)) as ctx:
        liability = run_report(ctx, "membership.points_liability")
        movement = run_report(ctx, "membership.tier_movement")
        leaders = run_report(ctx, "membership.referral_leaderboard")
    issued, redeemed, expired, outstanding = liability.totals
    assert (issued, redeemed, expired, outstanding) == (6100, 1000, 5100, 0)
    # The review on 2026-03-02 took the friend back down: its latest move is silver -> standard.
    [move] = movement.rows
    assert move.labels == ["银卡", "普通"] and move.values == [1]  # tier names, never keys
    [leader] = leaders.rows
    assert leader.labels == [club.get(head).number]
    assert [float(value) for value in leader.values] == [2.0, 6000.0]
