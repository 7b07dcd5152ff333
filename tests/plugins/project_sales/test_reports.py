"""The pack's reports run in the catalogue over projects (opportunities with a project type)
and keep each reader to their scope."""

from __future__ import annotations

from decimal import Decimal

from kht.reports.service import report_defs, run_report
from plugins.project_sales.report_defs import REPORTS


def test_the_project_reports_count_projects_only_and_in_scope(sales):
    typed = {"ext": {"project_sales": {"project_type": "system_integration"}}}
    first = sales.project("医院集成", amount=Decimal("800000"), **typed)
    sales.project("学校集成", amount=Decimal("200000"), **typed)
    sales.project("没有类型的机会", amount=Decimal("999"))  # not a project for the reports
    with sales.client("rep1") as rep:
        version = rep.get(f"/api/v1/opportunities/{first}").json()["version"]
    lost = {"won": False, "version": version, "reason": "price"}
    assert sales.api("rep1", "POST", f"{first}/close", json=lost).status_code == 200
    with sales.ctx("admin") as ctx:
        assert {r.key for r in REPORTS} <= set(report_defs(ctx))
        results = {r.key: run_report(ctx, r.key) for r in REPORTS}
    by_type = results["project_sales.by_type"]
    assert by_type.totals[:2] == [2, 1000000]
    reasons = results["project_sales.win_loss_reasons"]
    assert [row.values[0] for row in reasons.rows] == [1]
    with sales.ctx("rep2") as ctx:  # another rep's projects: nothing
        assert run_report(ctx, "project_sales.by_type").rows == []


def test_the_demo_makes_a_dozen_projects_at_every_stage_once(sales):
    from sqlalchemy import func, select

    from plugins.project_sales.demo import load
    from plugins.project_sales.models import CommitteeMember, DocumentVersion, Outcome

    with sales.ctx("admin") as ctx:
        load(ctx)
    with sales.ctx("admin") as ctx:
        load(ctx)  # a second run adds nothing
        results = {r.key: run_report(ctx, r.key) for r in REPORTS}
        count = lambda model: ctx.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        outcomes = sorted(o.won for o in ctx.session.scalars(select(Outcome)))
        committee, versions = count(CommitteeMember), count(DocumentVersion)
    assert results["project_sales.by_type"].totals[0] == 12
    assert outcomes == [False, False, True, True]
    assert committee == 12 * 4 - 1  # one qualifying project still lacks its decision maker
    assert versions == 6 * 2  # the six that passed the proposal: two versions each
    stages = {row.labels[0] for row in results["project_sales.pipeline_by_stage_and_age"].rows}
    assert len(stages) == 4  # every open stage has projects
