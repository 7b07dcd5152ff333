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
    with club.on(login="west_rep") as ctx:  # another department: none of the admin's members
        assert run_report(ctx, "membership.by_tier").totals[0] == 0
