"""Event rules: queued with the change, carried out once after its commit; no loops; a
failing action retries and ends failed without touching the user's change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from kht import record_service as records
from kht.automation import engine
from kht.automation.models import DONE, FAILED, PENDING, SKIPPED
from kht.customers.models import Customer
from kht.customers.service import SPEC
from kht.tags.service import tags_of
from tests.automation.conftest import custom_field, plan, planned, rule, runs, worker_tick


def _update(team, customer_id: int, login: str = "rep1", **changes) -> None:
    with team.ctx(login) as ctx:
        record = records.get_record(ctx, SPEC, customer_id)
        records.update_record(ctx, SPEC, record, record.version, changes)


def test_created_rule_plans_a_task_for_the_owner_once(team):
    rule_id = rule(
        team, "customer", "record_created", [plan("Welcome call", type="call", due_in_days=2)]
    )
    customer_id = team.customer("同方科技", owner="rep1")
    tasks = planned(team, "Welcome call")
    assert [(t.record_id, t.owner_id, t.type, t.status) for t in tasks] == [
        (customer_id, team.users["rep1"], "call", "planned")
    ]
    assert tasks[0].due_at - tasks[0].created_at >= timedelta(days=2) - timedelta(seconds=5)
    [run] = runs(team, rule_id)
    assert (run.status, run.record_id, run.attempts) == (DONE, customer_id, 1)
    assert run.done[0]["type"] == "plan_action"
    # Edits are not creations; the worker's sweep finds nothing left to do.
    _update(team, customer_id, notes="edited")
    assert worker_tick(team) == {}
    assert len(planned(team, "Welcome call")) == 1
    assert len(runs(team, rule_id)) == 1


def test_a_rolled_back_save_queues_nothing(team):
    rule_id = rule(team, "customer", "record_created", [plan("Never")])
    try:
        with team.ctx("admin") as ctx:
            records.create_record(ctx, SPEC, {"name": "回滚公司"})
            raise RuntimeError("the request failed after the insert")
    except RuntimeError:
        pass
    assert runs(team, rule_id) == [] and planned(team, "Never") == []


def test_updated_rule_only_when_the_watched_custom_field_changes(team):
    custom_field(team, "customer", "level", "single_choice", choices=("gold", "silver"))
    rule_id = rule(
        team,
        "customer",
        "record_updated",
        [{"type": "tag", "params": {"add": ["VIP"]}}],
        params={"fields": ["ext.custom.level"]},
        conditions=["ext.custom.level:eq:gold"],
    )
    customer_id = team.customer("金牌客户", owner="rep1")
    _update(team, customer_id, notes="no level change")
    assert runs(team, rule_id) == []
    _update(team, customer_id, ext={"custom": {"level": "silver"}})
    [skipped] = runs(team, rule_id)  # the field changed, but the condition does not hold
    assert skipped.status == SKIPPED and "conditions" in skipped.error
    _update(team, customer_id, ext={"custom": {"level": "gold"}})
    assert [r.status for r in runs(team, rule_id)] == [SKIPPED, DONE]
    with team.ctx(None) as ctx:
        assert tags_of(ctx, "customer", [customer_id])[customer_id] == ["VIP"]


def test_a_rule_changing_its_own_trigger_field_runs_once(team):
    rule_id = rule(
        team,
        "customer",
        "record_updated",
        [{"type": "set_field", "params": {"field": "notes", "value": "touched"}}],
    )
    customer_id = team.customer("自触发", owner="rep1")
    _update(team, customer_id, phone="13800138000")
    [run] = runs(team, rule_id)
    assert run.status == DONE
    with team.ctx(None) as ctx:
        assert ctx.session.get(Customer, customer_id).notes == "touched"


def test_a_chain_of_rules_stops_at_the_depth_limit_with_a_reason(team):
    # Two rules flipping a tag back and forth would trigger each other for ever.
    ping = rule(
        team,
        "customer",
        "record_updated",
        [{"type": "tag", "params": {"add": ["a"], "remove": ["b"]}}],
        params={"fields": ["phone", "tags"]},
        name="ping",
    )
    pong = rule(
        team,
        "customer",
        "record_updated",
        [{"type": "tag", "params": {"add": ["b"], "remove": ["a"]}}],
        params={"fields": ["tags"]},
        name="pong",
    )
    customer_id = team.customer("乒乓", owner="rep1")
    _update(team, customer_id, phone="13800138000")
    every = sorted(runs(team, ping) + runs(team, pong), key=lambda r: r.id)
    assert [r.depth for r in every] == list(range(engine.MAX_DEPTH + 2))
    assert [r.status for r in every] == [DONE] * (engine.MAX_DEPTH + 1) + [SKIPPED]
    assert "deeper than" in every[-1].error
    assert worker_tick(team) == {}


def test_a_failing_action_retries_with_backoff_then_fails_keeping_the_users_change(team):
    rule_id = rule(
        team,
        "customer",
        "record_updated",
        [
            {"type": "tag", "params": {"add": ["half-done"]}},
            {"type": "flaky.explode", "params": {"message": "gateway down"}},
        ],
    )
    customer_id = team.customer("失败客户", owner="rep1")
    start = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        _update(team, customer_id, notes="the user's change")
        [run] = runs(team, rule_id)
        assert (run.status, run.attempts, run.error) == (PENDING, 1, "gateway down")
        assert run.next_attempt_at - start == timedelta(minutes=1)
        assert worker_tick(team) == {}  # not due yet
        waits = []
        for step in range(1, engine.MAX_ATTEMPTS):
            clock.shift(timedelta(minutes=10))
            worker_tick(team)
            [run] = runs(team, rule_id)
            if run.status == PENDING:
                waits.append(run.next_attempt_at - (start + timedelta(minutes=10 * step)))
    assert waits == [timedelta(minutes=2), timedelta(minutes=4)]  # doubling
    assert (run.status, run.attempts) == (FAILED, engine.MAX_ATTEMPTS)
    assert run.error == "gateway down"
    with team.ctx(None) as ctx:
        customer = ctx.session.get(Customer, customer_id)
        assert customer.notes == "the user's change"
        # Each try was rolled back whole: the first action's tag never stayed.
        assert tags_of(ctx, "customer", [customer_id]).get(customer_id, []) == []
