"""Visit plans (by hand, suggested from grade frequency and last visit, submitted, approved)
and who sees what: a rep their own outlets and visits, a manager the territory tree."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kht.plugin_api import Conflict, Forbidden, NotFound, ValidationError
from plugins.promotion import service, visits
from plugins.promotion.models import Outlet
from plugins.promotion.schemas import PlanCreate, StopIn, TerritoryIn
from tests.plugins.promotion.conftest import TODAY


def test_a_suggested_plan_takes_the_outlets_due_most_overdue_first(field):
    # Grade A: 4 visits a month (every 7 days); B: 2 (every 15); C: 1 (every 30).
    a_due = field.outlet("A 已到期", "rep1", grade="A")
    b_fresh = field.outlet("B 刚拜访", "rep1", grade="B")
    c_never = field.outlet("C 从未拜访", "rep1", grade="C")
    field.outlet("别人的店", "rep2", grade="A")
    with field.at("admin") as ctx:
        ctx.session.get(Outlet, a_due).last_visit_on = TODAY - timedelta(days=10)
        ctx.session.get(Outlet, b_fresh).last_visit_on = TODAY - timedelta(days=3)
    with field.at("rep1") as ctx:
        assert visits.suggest(ctx, TODAY) == [c_never, a_due]
        plan = visits.create_plan(ctx, PlanCreate(start_on=TODAY, suggest=True))
        stops = visits.stops(ctx, plan.id)
        assert [s.outlet_id for s in stops] == [c_never, a_due]
        # Planned times follow the order: 09:00, 09:45 in Shanghai.
        assert [ctx.local(s.planned_at).strftime("%H:%M") for s in stops] == ["09:00", "09:45"]
        assert visits.suggest(ctx, TODAY) == []  # already planned


def test_the_rep_orders_submits_and_the_manager_approves(field):
    a, b = field.outlet("甲", "rep1"), field.outlet("乙", "rep1")
    plan = field.plan("rep1", [a, b])
    with field.at("rep1") as ctx:
        second = visits.stops(ctx, plan)[1]
        visits.move_stop(ctx, second.id, -1)
        assert [s.outlet_id for s in visits.stops(ctx, plan)] == [b, a]
        with pytest.raises(ValidationError) as refused:
            visits.add_stop(ctx, plan, StopIn(outlet_id=a, planned_on=TODAY + timedelta(days=3)))
        assert refused.value.field == "planned_on"
        visits.submit_plan(ctx, plan)
        with pytest.raises(Conflict):
            visits.add_stop(ctx, plan, StopIn(outlet_id=a))  # submitted: the manager's now
        with pytest.raises(Forbidden):
            visits.decide_plan(ctx, plan, True)
    with field.at("east_mgr") as ctx:
        visits.add_stop(ctx, plan, StopIn(outlet_id=a))  # the manager edits
        approved = visits.decide_plan(ctx, plan, True)
        assert approved.status == "approved" and approved.approved_by_id == field.users["east_mgr"]
    with field.at("west_rep") as ctx, pytest.raises(NotFound):
        visits.get_plan(ctx, plan)


def test_an_empty_plan_cannot_be_submitted(field):
    with field.at("rep1") as ctx:
        plan = visits.create_plan(ctx, PlanCreate(start_on=TODAY))
        with pytest.raises(ValidationError) as refused:
            visits.submit_plan(ctx, plan.id)
    assert refused.value.field == "outlets"


def test_a_rep_sees_their_own_outlets_and_visits_only(field):
    mine = field.outlet("我的店", "rep1")
    theirs = field.outlet("同事的店", "rep2")
    field.plan("rep2", [theirs])
    with field.at("rep1") as ctx:
        names = {o.name for o in ctx.session.scalars(service.outlets_in_scope(ctx))}
        assert names == {"我的店"}
        with pytest.raises(NotFound):
            service.get_outlet(ctx, theirs)
        with pytest.raises(NotFound):
            visits.start_unplanned(ctx, theirs)
        assert visits.todays_stops(ctx) == []
        assert service.get_outlet(ctx, mine).name == "我的店"
    with field.at("rep2") as ctx:
        assert len(visits.todays_stops(ctx)) == 1


def test_a_manager_sees_the_territory_tree_a_rep_their_branch(field):
    field.outlet("店1", "rep1")
    field.outlet("店2", "rep2", territory_id=field.territory["徐汇"])
    with field.at("east_mgr") as ctx:
        rows = service.territories(ctx)
        assert [t.name for t in rows] == ["华东", "上海", "徐汇", "静安", "西南"]
        assert [service.depth(rows)[t.id] for t in rows] == [0, 1, 2, 2, 0]
        assert {o.name for o in ctx.session.scalars(service.outlets_in_scope(ctx))} == {
            "店1",
            "店2",
        }
    with field.at("rep1") as ctx:
        assert [t.name for t in service.territories(ctx)] == ["华东", "上海", "静安"]
        with pytest.raises(Forbidden):
            service.create_territory(ctx, TerritoryIn(name="私设", level="region"))


def test_the_tree_keeps_its_levels(field):
    with field.at("east_mgr") as ctx:
        with pytest.raises(ValidationError) as refused:
            bad = TerritoryIn(name="错层", level="district", parent_id=field.territory["华东"])
            service.create_territory(ctx, bad)
        assert refused.value.field == "parent_id"


def test_new_outlets_go_to_their_territorys_rep(field):
    customer = field.customer("新网点", owner="rep2")
    half = field.customer("半坐标")
    from plugins.promotion.schemas import OutletCreate

    with field.at("admin") as ctx:
        data = OutletCreate(customer_id=customer, territory_id=field.territory["徐汇"])
        outlet = service.create_outlet(ctx, data)
        assert outlet.owner_id == field.users["rep2"] and outlet.name == "新网点"
        with pytest.raises(Conflict):
            service.create_outlet(ctx, data)
        with pytest.raises(ValidationError) as refused:
            service.create_outlet(ctx, OutletCreate(customer_id=half, latitude=31.0))
        assert refused.value.field == "longitude"


def test_contact_history_says_who_was_store_manager_when(field):
    from plugins.promotion.schemas import ContactIn

    outlet = field.outlet("联华", "rep1")
    with field.at("rep1") as ctx:
        service.set_contact(ctx, outlet, ContactIn(name="张店长", valid_from=date(2026, 1, 1)))
        service.set_contact(ctx, outlet, ContactIn(name="李店长", valid_from=date(2026, 4, 1)))
        assert service.contact_on(ctx, outlet, "store_manager", date(2026, 3, 31)).name == "张店长"
        assert service.contact_on(ctx, outlet, "store_manager", date(2026, 4, 1)).name == "李店长"
        history = service.contact_history(ctx, outlet)
        assert [(c.name, c.valid_to) for c in history] == [
            ("李店长", None),
            ("张店长", date(2026, 3, 31)),
        ]
        with pytest.raises(ValidationError):
            service.set_contact(ctx, outlet, ContactIn(name="早了", valid_from=date(2026, 2, 1)))
