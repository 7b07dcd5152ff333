"""Account plans (objectives, progress, key actions in the agenda, reviews), consumption by
import through the core's import path, the report pages and the catalogue entries, and
enable / disable / re-enable keeping the data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select

from kht.actions.models import Action
from kht.plugin_api import NotFound, ValidationError
from kht.testing import disable_plugin, enable_plugin
from plugins.key_account import plans
from plugins.key_account.models import Account, Consumption
from plugins.key_account.schemas import KeyActionIn, ObjectiveIn, PlanCreate

PLAN = "/api/v1/key-account-plans"


def a_plan(operator, customer: int) -> int:
    with operator.on(login="rep1") as ctx:
        data = PlanCreate(
            customer_id=customer,
            title="2026 计划",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            status="active",
        )
        return plans.create_plan(ctx, data).id


def test_a_plan_progresses_with_its_objectives_and_its_key_actions_are_in_the_agenda(operator):
    c = operator.company("中国平安", owner="rep1")
    plan = a_plan(operator, c)
    with operator.client("rep1") as api:
        first = api.post(f"{PLAN}/{plan}/objectives", json={"name": "收入", "target": "1000"})
        assert first.status_code == 201, first.text
        api.post(f"{PLAN}/{plan}/objectives", json={"name": "份额", "target": "50", "actual": "50"})
        assert api.get(f"{PLAN}/{plan}/progress").json()["progress"] == "50.0"
        patched = api.patch(
            f"{PLAN}/{plan}/objectives/{first.json()['id']}", json={"actual": "250"}
        )
        assert patched.json()["attainment"] == "25.0"
        assert api.get(f"{PLAN}/{plan}/progress").json()["progress"] == "62.5"
        bad = api.post(f"{PLAN}/{plan}/objectives", json={"name": "x", "target": "0"})
        assert bad.status_code == 422 and bad.json()["field"] == "target"
        due = datetime(2026, 7, 1, 2, tzinfo=UTC).isoformat()
        action = api.post(f"{PLAN}/{plan}/key-actions", json={"subject": "高层拜访", "due_at": due})
        assert action.status_code == 201, action.text
        review = api.post(
            f"{PLAN}/{plan}/reviews", json={"held_on": "2026-06-30", "minutes": "纪要"}
        )
        assert review.status_code == 201
        assert [r["minutes"] for r in api.get(f"{PLAN}/{plan}/reviews").json()] == ["纪要"]
        progress = api.get(f"{PLAN}/{plan}/progress").json()
    assert progress["key_action_ids"] == [action.json()["action_id"]]
    with operator.on() as ctx:
        planned = ctx.session.get(Action, action.json()["action_id"])
        assert (planned.status, planned.owner_id, planned.record_id) == (
            "planned",
            operator.users["rep1"],
            c,
        )
    with operator.client("west_rep") as outsider:
        assert outsider.get(f"{PLAN}/{plan}/progress").status_code == 404


def test_a_plan_ending_before_it_starts_is_refused(operator):
    c = operator.company("中国平安")
    with operator.on() as ctx, pytest.raises(ValidationError) as error:
        plans.create_plan(
            ctx,
            PlanCreate(
                customer_id=c, title="x", period_start=date(2026, 2, 1), period_end=date(2026, 1, 1)
            ),
        )
    assert error.value.field == "period_end"
    plan = a_plan(operator, c)
    with operator.on() as ctx, pytest.raises(ValidationError) as error:
        plans.add_objective(
            ctx, plan, ObjectiveIn(name="x", target=Decimal("1"), actual=Decimal("-1"))
        )
    assert error.value.field == "actual"
    with operator.on() as ctx, pytest.raises(NotFound):
        plans.add_key_action(ctx, 99999, KeyActionIn(subject="x", due_at=datetime.now(UTC)))


def test_consumption_imports_through_the_core_import_and_counts_in_the_contribution(operator):
    c = operator.company("国网江苏")
    data = (
        "外部编号,客户,月份,产品/服务,数量,金额,成本\n"
        f"e-1,{c},2026-05-01,工业用电,120000,84000.00,60000.00\n"
        f"e-2,{c},2026-04-01,工业用电,100000,70000.00,\n"
        f"e-3,{c},not-a-month,工业用电,1,1.00,\n"
    ).encode()
    with operator.client("rep1") as rep:
        upload = rep.post(
            "/api/v1/imports",
            files={"file": ("usage.csv", data, "text/csv")},
            data={"kind": "key_account_consumption"},
        )
        assert upload.status_code == 201, upload.text
        job = rep.post(f"/api/v1/imports/{upload.json()['id']}/run", json={"commit_valid": True})
        assert job.json()["result"] | {"created": 2, "failed": 1} == job.json()["result"]
    with operator.on() as ctx:
        rows = list(ctx.session.scalars(select(Consumption).order_by(Consumption.external_id)))
    assert [(r.month, r.amount, r.cost) for r in rows] == [
        (date(2026, 5, 1), Decimal("84000.00"), Decimal("60000.00")),
        (date(2026, 4, 1), Decimal("70000.00"), None),
    ]
    operator.nightly()
    with operator.on() as ctx:
        account = ctx.session.scalar(select(Account).where(Account.customer_id == c))
    assert account.revenue == Decimal("154000.00") and account.margin == Decimal("24000.00")


def test_the_report_pages_and_catalogue(operator):
    big = operator.company("中国移动集团", owner="rep1")
    operator.company("中国移动江苏", owner="rep1", parent=big)
    operator.order(big, "9000")
    operator.order(operator.company("西区客户", owner="west_rep"), "1000")
    operator.agreement(big, date(2026, 7, 31))
    plan = a_plan(operator, big)
    with operator.on() as ctx:
        plans.add_objective(
            ctx, plan, ObjectiveIn(name="收入", target=Decimal("100"), actual=Decimal("40"))
        )
    operator.nightly()
    with operator.client("rep1") as api:
        rows = api.get("/api/v1/key_account/pareto").json()
        assert [(r["name"], r["abc_class"], r["cumulative_pct"]) for r in rows] == [
            ("中国移动集团", "A", "90.00")
        ]  # the West's customer is out of rep1's scope
        assert api.get("/api/v1/key_account/pareto", params={"level": "x"}).status_code == 422
        assert len(api.get("/api/v1/key_account/renewals").json()) == 1
    with operator.browser("rep1") as page:
        for path, marker in (
            ("/key-accounts/pareto", "pareto-chart"),
            ("/key-accounts/renewals", "renewals-table"),
            ("/key-accounts/plan-attainment", "40.0"),
            ("/key-accounts/team-activity", "team-activity-table"),
            ("/key-accounts/health-movers", "movers-table"),
            ("/key-accounts", "/key-accounts/"),
            ("/key-account-agreements", "通信服务框架协议"),
            ("/key-account-plans", "2026 计划"),
            ("/key-account-consumption", "key-account-consumption"),
            (f"/key-account-plans/{plan}", "2026 计划"),
        ):
            answer = page.get(path)
            assert answer.status_code == 200 and marker in answer.text, path
    with operator.client("rep1") as api:
        catalogue = api.get("/api/v1/reports").text
    for key in (
        "key_account.pareto",
        "key_account.renewals_by_month",
        "key_account.share_of_wallet",
    ):
        assert key in catalogue
    with operator.browser("mkt") as page:
        assert page.get("/key-accounts/pareto").status_code == 403


def test_enable_disable_enable_keeps_the_data(operator):
    c = operator.company("中国人保")
    operator.order(c, "100")
    agreement = operator.agreement(c, date(2026, 12, 31))
    operator.nightly()
    disable_plugin(operator.runtime, "key_account")
    assert "key_account_agreements" in inspect(operator.runtime.engine).get_table_names()
    enable_plugin(operator.runtime, "key_account")
    with operator.client("admin") as api:
        assert api.get(f"/api/v1/key-account-agreements/{agreement}").status_code == 200
        assert api.get("/api/v1/key-accounts").json()["total"] == 1
