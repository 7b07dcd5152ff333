"""The account plan's record page (the generated page plus its blocks): objectives with
target, actual and attainment, key actions (planned core actions, in the agenda) and review
meetings, each added from the page; bad input comes back on the page naming the field,
nothing saved; a plan out of the user's scope is a 404."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from kht.actions.models import Action
from kht.testing import csrf_token
from plugins.key_account import plans
from plugins.key_account.models import Objective, Review
from plugins.key_account.schemas import PlanCreate


def a_plan(operator) -> tuple[int, int]:
    customer = operator.company("中国人保", owner="rep1")
    with operator.on() as ctx:
        data = PlanCreate(
            customer_id=customer,
            title="2026 年度客户计划",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            status="active",
        )
        return customer, plans.create_plan(ctx, data).id


def test_objectives_key_actions_and_reviews_are_added_on_the_plan_page(operator):
    customer, plan = a_plan(operator)
    url = f"/key-account-plans/{plan}"
    with operator.browser("rep1") as page:
        shown = page.get(url)
        assert shown.status_code == 200
        for block in ("plan-objectives", "plan-key-actions", "plan-reviews", "objective-form"):
            assert f'id="{block}"' in shown.text
        token = {"_csrf_token": csrf_token(page)}
        added = page.post(
            f"{url}/objectives",
            data={"name": "专线收入", "target": "1000", "unit": "万元", **token},
            follow_redirects=False,
        )
        assert added.status_code == 303 and added.headers["location"] == url
        with operator.on() as ctx:
            [objective] = ctx.session.scalars(select(Objective).where(Objective.plan_id == plan))
        page.post(f"{url}/objectives/{objective.id}", data={"actual": "250", **token})
        page.post(
            f"{url}/reviews", data={"held_on": "2026-06-10", "minutes": "复盘：专线扩容", **token}
        )
        page.post(
            f"{url}/key-actions",
            data={"subject": "拜访总经理", "type": "visit", "due_at": "2026-07-01T09:30", **token},
        )
        html = page.get(url).text
    assert 'data-progress="25.0"' in html and "专线收入" in html and "25.0%" in html
    assert "复盘：专线扩容" in html and "拜访总经理" in html
    with operator.on() as ctx:
        [action] = ctx.session.scalars(select(Action).where(Action.subject == "拜访总经理"))
        assert (action.status, action.type, action.record_id) == ("planned", "visit", customer)
        assert action.due_at.astimezone(UTC) == datetime(2026, 7, 1, 1, 30, tzinfo=UTC)
        assert action.owner_id == operator.users["rep1"]
        assert plans.progress(ctx, plan) == Decimal("25.0")


def test_bad_input_on_the_plan_page_is_named_and_saves_nothing(operator):
    _, plan = a_plan(operator)
    url = f"/key-account-plans/{plan}"
    with operator.browser("rep1") as page:
        token = {"_csrf_token": csrf_token(page)}
        for path, data, field in (
            ("objectives", {"name": "收入", "target": "很多"}, "target"),
            ("objectives", {"name": "收入", "target": "0"}, "target"),
            ("objectives", {"name": "", "target": "10"}, "name"),
            ("reviews", {"held_on": "下周", "minutes": "x"}, "held_on"),
            ("key-actions", {"subject": "拜访", "due_at": ""}, "due_at"),
            ("key-actions", {"subject": "拜访", "due_at": "明天"}, "due_at"),
            (
                "key-actions",
                {"subject": "拜访", "type": "party", "due_at": "2026-07-01T09:00"},
                "type",
            ),
            ("objectives/999999", {"actual": "5"}, ""),
        ):
            answer = page.post(f"{url}/{path}", data={**data, **token})
            if not field:
                assert answer.status_code == 404, path
                continue
            assert answer.status_code == 200, (path, answer.status_code)
            assert f'id="plan-error" data-field="{field}"' in answer.text, (path, field)
    with operator.on() as ctx:
        assert plans.objectives_of(ctx, plan) == [] and plans.reviews_of(ctx, plan) == []
        assert plans.key_action_ids(ctx, plan) == []
        assert ctx.session.scalar(select(Review.id)) is None
    with operator.browser("west_rep") as outsider:  # another branch: not in scope
        token = {"_csrf_token": csrf_token(outsider)}
        assert outsider.get(url).status_code == 404
        refused = outsider.post(f"{url}/objectives", data={"name": "x", "target": "1", **token})
        assert refused.status_code == 404
