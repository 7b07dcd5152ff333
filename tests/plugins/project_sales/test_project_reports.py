"""The reports built on the pack's computed columns (`kht_register_columns`): stalled
projects, decision-maker coverage, the scorecard at close against the outcome, the sales
cycle per project type; each in the reader's scope, on the reader's today."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.errors import PluginError, ValidationError
from kht.lists.engine import Column, Filter, with_plugin_columns
from kht.reports.service import run_report
from kht.sales.opportunities.service import list_opportunities
from tests.plugins.project_sales.test_committee import member

TYPED = {"ext": {"project_sales": {"project_type": "system_integration"}}}
CONSULTING = {"ext": {"project_sales": {"project_type": "consulting"}}}
FIVES = {
    k: 5 for k in ("fit", "budget", "authority", "need", "timing", "competition", "relationship")
}


def at(sales, login: str, when: datetime) -> Any:
    """A context of `login` whose clock reads `when`."""
    context = sales.ctx(login)
    ctx = context.__enter__()
    ctx.clock = lambda: when
    return context, ctx


def run_at(sales, key: str, when: datetime, login: str = "rep1", **options: Any) -> Any:
    context, ctx = at(sales, login, when)
    try:
        return run_report(ctx, key, **options)
    finally:
        context.__exit__(None, None, None)


def rows(result) -> dict[tuple[str, ...], list[Any]]:
    return {tuple(row.labels): row.values for row in result.rows}


def log_on(sales, kind: str, record_id: int, when: datetime) -> None:
    context, ctx = at(sales, "rep1", when)
    try:
        log_action(ctx, ActionCreate(kind=kind, record_id=record_id, type="call", subject="跟进"))
    finally:
        context.__exit__(None, None, None)


def close(sales, project: int, when: datetime, won: bool, reason: str) -> None:
    context, ctx = at(sales, "rep1", when)
    try:
        from plugins.project_sales import competition

        version = ctx.session.get(ctx_model(), project).version
        competition.close(ctx, project, won=won, reason=reason, version=version)
    finally:
        context.__exit__(None, None, None)


# One minute before and one after midnight in Beijing (still the same day in UTC): the
# reports count days on the reader's today, which must not depend on the hour CI runs.
AROUND_MIDNIGHT_IN_BEIJING = pytest.mark.parametrize(
    "frozen_at",
    [datetime(2026, 11, 29, 15, 59, tzinfo=UTC), datetime(2026, 11, 29, 16, 1, tzinfo=UTC)],
    ids=["15:59", "16:01"],
)


@pytest.fixture
def frozen(frozen_at):
    with time_machine.travel(frozen_at, tick=False):
        yield


def ctx_model():
    from kht.sales.opportunities.service import SPEC

    return SPEC.model


@AROUND_MIDNIGHT_IN_BEIJING
def test_stalled_projects_had_no_stage_move_and_no_done_action_for_30_days(frozen, sales):
    now = datetime.now(UTC)
    idle = sales.project("无人跟进", amount=Decimal("100"), **TYPED)
    called = sales.project("有电话跟进", amount=Decimal("200"), **TYPED)
    sales.project("不是项目")  # no project type: not in the pack's reports
    log_on(sales, "opportunity", called, now + timedelta(days=35))
    early = rows(run_at(sales, "project_sales.stalled", now + timedelta(days=20)))
    late = run_at(sales, "project_sales.stalled", now + timedelta(days=40))
    assert early == {}
    assert rows(late) == {("立项评估", "Rep1"): [1, Decimal("100.00")]}
    # the drill-down lists exactly that project, with the date the report used
    assert "project_sales.last_move" in late.rows[0].drill
    moved = sales.move(idle, "solution")  # the gate refuses: still no stage move
    assert moved.status_code == 422
    assert run_at(sales, "project_sales.stalled", now + timedelta(days=40), "rep2").rows == []


@AROUND_MIDNIGHT_IN_BEIJING
def test_decision_maker_coverage_counts_the_decision_makers_met(frozen, sales):
    now = datetime.now(UTC)
    nobody = sales.project("无决策人", **TYPED)
    unmet = sales.project("决策人未接触", **TYPED)
    half = sales.project("部分接触", **TYPED)
    member(sales, unmet, "王院长", "decision_maker")
    member(sales, half, "王院长", "decision_maker")
    member(sales, half, "李主任", "decision_maker")
    member(sales, nobody, "赵采购", "champion")  # a champion is no decision maker
    log_on(sales, "contact", sales.contacts["李主任"], now)  # met, on every committee
    found = rows(run_at(sales, "project_sales.decision_maker_coverage", now))
    assert found == {
        ("无决策人", "立项评估"): [1, Decimal("0.00")],
        ("决策人未接触", "立项评估"): [1, Decimal("0.00")],
        ("部分决策人已接触", "立项评估"): [1, Decimal("0.00")],
    }
    log_on(sales, "contact", sales.contacts["王院长"], now)
    found = rows(run_at(sales, "project_sales.decision_maker_coverage", now))
    assert found[("决策人均已接触", "立项评估")][0] == 2
    with sales.ctx("rep1") as ctx:  # the same columns filter the list
        met = [Filter(field="project_sales.decision_makers_met", op="eq", value="2")]
        assert [o.id for o in list_opportunities(ctx, filters=met)[0]] == [half]


@AROUND_MIDNIGHT_IN_BEIJING
def test_the_scorecard_at_close_against_the_outcome(frozen, sales):
    now = datetime.now(UTC)
    strong = sales.project("高分项目", **TYPED)
    weak = sales.project("低分项目", **TYPED)
    sales.project("在途项目", **TYPED)  # open: not in the report
    member(sales, strong, "王院长", "decision_maker")
    assert (
        sales.api("rep1", "POST", f"{strong}/scorecard", json={"scores": FIVES}).status_code == 200
    )
    assert (
        sales.api("rep1", "POST", f"{weak}/scorecard", json={"scores": {"fit": 2}}).status_code
        == 200
    )
    close(sales, strong, now + timedelta(days=1), True, "solution")
    close(sales, weak, now + timedelta(days=1), False, "price")
    # a score given after the close does not move the band the project closed in
    with sales.ctx("admin") as ctx:
        from plugins.project_sales import scorecard

        ctx.clock = lambda: now + timedelta(days=2)
        scorecard.score(ctx, weak, {"fit": 5, "need": 5, "budget": 5, "authority": 5})
    result = run_at(sales, "project_sales.score_vs_outcome", now + timedelta(days=3))
    assert rows(result) == {
        ("< 40",): [0, 1, Decimal("0.0")],
        ("≥ 80",): [1, 1, Decimal("100.0")],
    }


@AROUND_MIDNIGHT_IN_BEIJING
def test_the_sales_cycle_per_project_type_counts_days_from_creation_to_close(frozen, sales):
    now = datetime.now(UTC)
    quick = sales.project("十天赢单", **TYPED)
    slow = sales.project("三十天输单", **TYPED)
    consult = sales.project("咨询", **CONSULTING)
    member(sales, quick, "王院长", "decision_maker")
    sales.api("rep1", "POST", f"{quick}/scorecard", json={"scores": FIVES})
    close(sales, quick, now + timedelta(days=10, hours=1), True, "price")
    close(sales, slow, now + timedelta(days=30, hours=1), False, "timing")
    close(sales, consult, now + timedelta(days=5, hours=1), False, "budget_cut")
    result = run_at(sales, "project_sales.cycle_by_type", now + timedelta(days=31))
    assert rows(result) == {
        ("系统集成",): [2, Decimal("20.00"), Decimal("10.00"), Decimal("30")],
        ("咨询",): [1, Decimal("5.00"), None, Decimal("5")],
    }


def test_a_bad_filter_on_a_pack_column_is_a_422_naming_it(sales):
    with sales.ctx("rep1") as ctx, pytest.raises(ValidationError) as bad:
        run_report(ctx, "project_sales.stalled", filters=["project_sales.last_move:lt:soon"])
    assert bad.value.field == "project_sales.last_move"
    with sales.client("rep1") as client:
        answer = client.get(
            "/api/v1/opportunities", params={"f": "project_sales.dm_coverage:eq:maybe"}
        )
    assert (answer.status_code, answer.json()["field"]) == (422, "project_sales.dm_coverage")


def test_a_computed_column_given_twice_or_not_a_column_is_named(sales):
    class Hook:
        def __init__(self, batch):
            self.batch = batch

        def kht_register_columns(self, **_: Any) -> list[Any]:
            return [self.batch]

    class Ctx:
        def __init__(self, batch):
            self.hook = Hook(batch)

    name = Column(key="name", label_zh="名", label_en="Name", type="text")
    with pytest.raises(PluginError, match="'name' of opportunity is declared twice"):
        with_plugin_columns(Ctx([name]), "opportunity", {"name": name})
    with pytest.raises(PluginError, match="must be a ListColumn"):
        with_plugin_columns(Ctx(["name"]), "opportunity", {})


def test_without_the_pack_its_columns_are_gone(sales):
    from kht.testing import disable_plugin

    disable_plugin(sales.runtime, "project_sales")
    with sales.ctx("rep1") as ctx, pytest.raises(ValidationError) as unknown:
        list_opportunities(ctx, filters=[Filter(field="project_sales.last_move", op="empty")])
    assert unknown.value.field == "project_sales.last_move"
