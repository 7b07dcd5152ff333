"""Assigning the owner by rule (territory and field rules) and adding a customer to or
taking it out of static groups, as rule actions."""

from __future__ import annotations

import pytest

from kht import record_service as records
from kht.automation.models import DONE, FAILED
from kht.customers import groups
from kht.customers.service import SPEC
from tests.automation.conftest import custom_field, rule, runs


def _owner(team, customer_id: int) -> int | None:
    with team.ctx(None) as ctx:
        return ctx.session.get(SPEC.model, customer_id).owner_id


def _group(team, name: str) -> int:
    with team.ctx("admin") as ctx:
        return groups.create_group(ctx, name).id


def _members(team, group_id: int) -> set[int]:
    from sqlalchemy import select

    from kht.customers.models import customer_group_members as links

    with team.ctx(None) as ctx:
        query = select(links.c.customer_id).where(links.c.group_id == group_id)
        return set(ctx.session.scalars(query))


def _by_rule(*rules: tuple[list[str], int], fallback: int | None = None) -> dict:
    params = {"mode": "by_rule", "rules": [{"when": w, "user_id": u} for w, u in rules]}
    if fallback is not None:
        params["user_id"] = fallback
    return {"type": "assign_owner", "params": params}


def test_territory_rules_give_each_new_customer_to_its_region_s_rep(team):
    rep1, rep2 = team.users["rep1"], team.users["rep2"]
    rule_id = rule(
        team,
        "customer",
        "record_created",
        [_by_rule((["address:contains:上海"], rep1), (["address:contains:北京"], rep2))],
    )
    shanghai = team.customer("浦东贸易", address="上海市浦东新区")
    beijing = team.customer("海淀软件", address="北京市海淀区")
    elsewhere = team.customer("天河电子", address="广州市天河区")

    assert (_owner(team, shanghai), _owner(team, beijing)) == (rep1, rep2)
    # No rule matched and no fallback: the customer stays in the pool, the run says why.
    assert _owner(team, elsewhere) is None
    notes = {run.record_id: run.done[0]["note"] for run in runs(team, rule_id)}
    assert notes[elsewhere] == "no assignment rule matched"
    assert {run.status for run in runs(team, rule_id)} == {DONE}
    # The owner change is audited with the rule that made it.
    [entry] = [e for e in team.audit("customer", shanghai) if "rule" in e.changes]
    assert entry.changes["rule"] == [None, f"automation:{rule_id}"]


def test_the_first_matching_rule_wins_and_the_fallback_takes_the_rest(team):
    custom_field(team, "customer", "region", "single_choice", choices=("east", "north"))
    rep1, rep2, manager = team.users["rep1"], team.users["rep2"], team.users["east_mgr"]
    rule(
        team,
        "customer",
        "record_created",
        [
            _by_rule(
                (["ext.custom.region:eq:east", "kind:eq:company"], rep1),
                (["ext.custom.region:in:east,north"], rep2),
                fallback=manager,
            )
        ],
    )
    east_company = team.customer("华东公司", ext={"custom": {"region": "east"}})
    east_person = team.customer("华东个人", kind="person", ext={"custom": {"region": "east"}})
    unknown = team.customer("无区域公司")
    assert [_owner(team, i) for i in (east_company, east_person, unknown)] == [
        rep1,
        rep2,
        manager,
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"mode": "by_rule"}, "actions[0].params.rules"),
        (
            {"mode": "by_rule", "rules": [{"when": ["nosuch:eq:1"], "user_id": 1}]},
            "actions[0].params.rules[0].when",
        ),
        (
            {"mode": "by_rule", "rules": [{"when": ["name:eq:x"], "user_id": 999}]},
            "actions[0].params.rules[0].user_id",
        ),
        # A shape error names the setting (msgspec's path is cut at the top level).
        ({"mode": "by_rule", "rules": [{"when": [], "user_id": 1}]}, "actions[0].params.rules"),
    ],
)
def test_bad_assignment_rules_are_422_naming_the_rule(team, params, field):
    body = {
        "name": "r",
        "kind": "customer",
        "trigger": {"type": "record_created", "params": {}},
        "actions": [{"type": "assign_owner", "params": params}],
    }
    answer = team.client("admin").post("/api/v1/automation/rules", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


def test_a_rule_adds_customers_to_a_group_and_takes_them_out_of_another(team):
    vip, prospects = _group(team, "VIP"), _group(team, "潜在客户")
    customer_id = team.customer("大客户公司", owner="rep1")
    with team.ctx("admin") as ctx:
        groups.add_members(ctx, prospects, [customer_id])
    rule_id = rule(
        team,
        "customer",
        "record_updated",
        [{"type": "customer_group", "params": {"add_to": [vip], "remove_from": [prospects]}}],
        params={"fields": ["stage"]},
        conditions=["stage:eq:customer"],
    )
    with team.ctx("rep1") as ctx:
        record = records.get_record(ctx, SPEC, customer_id)
        records.update_record(ctx, SPEC, record, record.version, {"stage": "customer"})

    assert customer_id in _members(team, vip)
    assert customer_id not in _members(team, prospects)
    [run] = runs(team, rule_id)
    assert run.status == DONE and run.done[0]["note"] == "groups VIP"
    [entry] = [e for e in team.audit("customer", customer_id) if "groups" in e.changes]
    assert entry.changes["groups"] == [["潜在客户"], ["VIP"]]
    assert entry.changes["rule"] == [None, f"automation:{rule_id}"]


def test_a_group_deleted_after_the_rule_was_saved_fails_the_run_with_the_reason(team):
    vip = _group(team, "VIP")
    rule_id = rule(
        team,
        "customer",
        "record_created",
        [{"type": "customer_group", "params": {"add_to": [vip]}}],
    )
    with team.ctx("admin") as ctx:
        groups.delete_group(ctx, vip)
    customer_id = team.customer("晚到公司", owner="rep1")
    [run] = runs(team, rule_id)
    assert run.status == FAILED and run.attempts == 1
    assert f"group {vip} not found" in run.error
    # The user's save stands.
    assert _owner(team, customer_id) == team.users["rep1"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "actions[0].params.add_to"),
        ({"add_to": [999]}, "actions[0].params.add_to"),
        ({"remove_from": [999]}, "actions[0].params.remove_from"),
    ],
)
def test_bad_group_actions_are_422_naming_the_setting(team, params, field):
    body = {
        "name": "r",
        "kind": "customer",
        "trigger": {"type": "record_created", "params": {}},
        "actions": [{"type": "customer_group", "params": params}],
    }
    answer = team.client("admin").post("/api/v1/automation/rules", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


def test_groups_are_for_customers_only(team):
    vip = _group(team, "VIP")
    body = {
        "name": "r",
        "kind": "lead",
        "trigger": {"type": "record_created", "params": {}},
        "actions": [{"type": "customer_group", "params": {"add_to": [vip]}}],
    }
    answer = team.client("admin").post("/api/v1/automation/rules", json=body)
    assert answer.status_code == 422 and answer.json()["field"] == "actions[0].type"
