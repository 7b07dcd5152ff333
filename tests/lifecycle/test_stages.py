"""Lifecycle moves: allowed ones are recorded and announced, the others refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kht.lifecycle import service
from kht.lifecycle.models import StageChange
from tests.lifecycle import listener_plugin
from tests.lifecycle.conftest import build_team

LISTENER = "tests.lifecycle.listener_plugin"


def move(client, customer_id: int, to_stage: str, cause: str = "", version: int | None = None):
    body = {"to_stage": to_stage, "cause": cause}
    if version is not None:
        body["version"] = version
    return client.post(f"/api/v1/customers/{customer_id}/stage", json=body)


def changes_of(team, customer_id: int) -> list[StageChange]:
    with team.ctx(None) as ctx:
        query = ctx.session.query(StageChange).filter_by(kind="customer", record_id=customer_id)
        return query.order_by(StageChange.id).all()


def test_an_allowed_move_changes_the_stage_records_it_and_audits_it(team):
    customer_id = team.customer("清华同方", owner="rep1")
    with team.client("rep1") as client:
        answer = move(client, customer_id, "prospect", "首次拜访", version=1)
        assert answer.status_code == 200
        assert answer.json()["stage"] == "prospect" and answer.json()["version"] == 2
    [change] = changes_of(team, customer_id)
    assert (change.from_stage, change.to_stage, change.cause) == ("target", "prospect", "首次拜访")
    assert change.user_id == team.users["rep1"]
    audit = team.audit("customer", customer_id)[0]
    assert audit.changes["stage"] == ["target", "prospect"]
    assert "stage_changed_at" in audit.changes


def test_a_move_the_matrix_does_not_allow_is_refused_naming_both_stages(team):
    customer_id = team.customer("跳级客户", owner="rep1")
    with team.client("rep1") as client:
        refused = move(client, customer_id, "active")
        assert refused.status_code == 422
        assert refused.json()["field"] == "to_stage"
        assert "'target'" in refused.json()["message"] and "'active'" in refused.json()["message"]
        assert move(client, customer_id, "nonsense").status_code == 422
        assert move(client, customer_id, "target").status_code == 422
    assert changes_of(team, customer_id) == []


def test_a_stale_version_is_a_conflict(team):
    customer_id = team.customer("并发客户", owner="rep1")
    with team.client("rep1") as client:
        client.patch(f"/api/v1/customers/{customer_id}", json={"version": 1, "phone": "1"})
        stale = move(client, customer_id, "prospect", version=1)
        assert stale.status_code == 409 and stale.json()["field"] == "version"


def test_out_of_scope_is_404_and_view_only_roles_are_403(team):
    customer_id = team.customer("别人的客户", owner="rep2")
    with team.client("rep1") as client:
        assert move(client, customer_id, "prospect").status_code == 404
        assert client.get(f"/api/v1/customers/{customer_id}/stages").status_code == 404
    with team.client("mkt") as client:
        assert move(client, customer_id, "prospect").status_code == 403
        assert client.get(f"/api/v1/customers/{customer_id}/stages").status_code == 200


def test_a_retired_stage_cannot_be_entered(team):
    customer_id = team.customer("休眠前", owner="rep1")
    with team.client("admin") as client:
        config = client.get("/api/v1/lifecycle").json()
        for stage in config["stages"]:
            stage["active"] = stage["key"] != "prospect"
        assert client.put("/api/v1/lifecycle", json=config).status_code == 200
    with team.client("rep1") as client:
        refused = move(client, customer_id, "prospect")
        assert refused.status_code == 422 and "no longer in use" in refused.json()["message"]


@pytest.fixture
def listening_team(kht_app):
    listener_plugin.SEEN.clear()
    yield build_team(kht_app, plugins=["stage_listener"], extra=[LISTENER])
    listener_plugin.SEEN.clear()


def test_stage_changed_is_fired_to_plugins_with_from_to_and_cause(listening_team):
    team = listening_team
    customer_id = team.customer("事件客户", owner="rep1")
    with team.client("rep1") as client:
        move(client, customer_id, "prospect", "展会获客")
    [event] = listener_plugin.SEEN
    assert (event.kind, event.record_id) == ("customer", customer_id)
    assert (event.from_stage, event.to_stage, event.cause) == ("target", "prospect", "展会获客")
    assert event.user_id == team.users["rep1"]


def test_a_plugin_moves_a_stage_on_its_own_event_through_the_public_service(listening_team):
    team = listening_team
    customer_id = team.customer("上线客户", owner="rep1", stage="signed")
    with team.client("rep1") as client:
        changed = client.patch(
            f"/api/v1/customers/{customer_id}", json={"version": 1, "notes": "go live"}
        )
        assert changed.status_code == 200
        assert (
            client.get(f"/api/v1/customers/{customer_id}/stages").json()["items"][-1]["cause"]
            == "went live (plugin)"
        )
    assert [e.to_stage for e in listener_plugin.SEEN] == ["active"]


def test_the_history_shows_each_stage_with_its_time(team):
    customer_id = team.customer("历史客户", owner="rep1")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with team.ctx(None) as ctx:
        from kht.customers.models import Customer

        ctx.session.get(Customer, customer_id).created_at = start
    for days, stage in ((10, "prospect"), (25, "signed")):
        with team.ctx("rep1") as ctx:
            ctx.clock = lambda days=days: start + timedelta(days=days)
            service.change_stage(ctx, "customer", customer_id, stage, f"day {days}")
    with team.ctx("rep1") as ctx:
        ctx.clock = lambda: start + timedelta(days=30)
        history = service.stage_history(ctx, "customer", customer_id)
    assert [(h.stage, h.seconds // 86400, h.cause) for h in history] == [
        ("target", 10, ""),
        ("prospect", 15, "day 10"),
        ("signed", 5, "day 25"),
    ]
    assert history[-1].left_at is None and history[0].entered_at == start


def test_stage_conversion_counts_moves_in_the_callers_scope(team):
    mine = [team.customer(f"mine {n}", owner="rep1") for n in range(3)]
    theirs = team.customer("theirs", owner="west_rep")
    with team.ctx("admin") as ctx:
        for customer_id in [*mine, theirs]:
            service.change_stage(ctx, "customer", customer_id, "prospect", "")
        service.change_stage(ctx, "customer", mine[0], "signed", "")
    since = datetime.now(UTC) - timedelta(hours=1)
    until = datetime.now(UTC) + timedelta(hours=1)
    with team.ctx("east_mgr") as ctx:
        counts = service.stage_conversion(ctx, since, until)
    assert [(c.from_stage, c.to_stage, c.count) for c in counts] == [
        ("target", "prospect", 3),
        ("prospect", "signed", 1),
    ]
    with team.client("admin") as client:
        answer = client.get(
            "/api/v1/lifecycle/conversion",
            params={"since": since.isoformat(), "until": until.isoformat()},
        )
        assert answer.json()[0] == {"from_stage": "target", "to_stage": "prospect", "count": 4}
