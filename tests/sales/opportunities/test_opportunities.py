"""Opportunities: created in the default process, moved through stages behind gates,
closed won or lost, scoped like every record, and locked optimistically."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kht.errors import Conflict, ValidationError
from kht.events import StageChanged
from kht.sales.opportunities import service
from kht.sales.processes import service as processes


def stages(team, login="rep1"):
    with team.ctx(login) as ctx:
        process = processes.default_process(ctx)
        return {s.key: s.id for s in process.stages}


def new(team, login="rep1", **values):
    body = {"name": "Scanner", "customer_id": team.customers[login], "amount": "1000.00", **values}
    response = team.client(login).post("/api/v1/opportunities", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def move(team, login, opp, stage_id, version=None):
    return team.client(login).post(
        f"/api/v1/opportunities/{opp['id']}/stage",
        json={"stage_id": stage_id, "version": opp["version"] if version is None else version},
    )


def test_a_new_opportunity_starts_in_the_first_stage_of_the_default_process(team):
    opp = new(team, expected_close="2026-12-31")
    assert opp["stage_key"] == "qualify"
    assert opp["status"] == "open"
    assert opp["probability"] == 10
    assert Decimal(opp["amount"]) == Decimal("1000.00")
    history = team.client("rep1").get(f"/api/v1/opportunities/{opp['id']}/stages").json()
    assert [h["stage_name_en"] for h in history] == ["Qualification"]


def test_moving_forward_records_time_in_stage_and_fires_stage_changed(team, monkeypatch):
    fired = []
    opp = new(team)
    ids = stages(team)
    original = service.StageChanged

    def spy(**kwargs):
        event = original(**kwargs)
        fired.append(event)
        return event

    monkeypatch.setattr(service, "StageChanged", spy)
    response = move(team, "rep1", opp, ids["needs"])
    assert response.status_code == 200, response.text
    moved = response.json()
    assert moved["stage_key"] == "needs" and moved["probability"] == 30
    assert moved["version"] == opp["version"] + 1
    assert isinstance(fired[0], StageChanged)
    assert (fired[0].from_stage, fired[0].to_stage) == ("qualify", "needs")
    history = team.client("rep1").get(f"/api/v1/opportunities/{opp['id']}/stages").json()
    assert history[0]["left_at"] is not None and history[0]["seconds_in_stage"] >= 0
    assert history[1]["stage_name_en"] == "Needs analysis" and history[1]["left_at"] is None


def test_a_gate_refuses_to_leave_a_stage_naming_the_missing_field(team):
    opp = new(team, amount="0.00")
    ids = stages(team)
    opp = move(team, "rep1", opp, ids["proposal"]).json()  # qualify has no gate
    refused = move(team, "rep1", opp, ids["negotiation"])
    assert refused.status_code == 422
    assert refused.json()["field"] == "stage_id"
    assert "amount must be filled before leaving Proposal" in refused.json()["message"]
    # Moving back is always allowed; nothing changed by the refusal.
    assert team.client("rep1").get(f"/api/v1/opportunities/{opp['id']}").json()["stage_key"] == (
        "proposal"
    )


def test_a_gate_on_a_required_action_opens_once_the_action_is_logged(team):
    admin = team.client("admin")
    process = admin.get("/api/v1/processes").json()[0]
    for stage in process["stages"]:
        if stage["key"] == "qualify":
            stage["required_actions"] = ["visit"]
    body = {
        k: process[k]
        for k in ("key", "name_zh", "name_en", "description", "is_default", "active", "version")
    }
    body["product_line_ids"] = process["product_line_ids"]
    body["stages"] = [
        {
            k: s[k]
            for k in (
                "key",
                "name_zh",
                "name_en",
                "probability",
                "outcome",
                "required_actions",
                "required_fields",
                "active",
            )
        }
        for s in process["stages"]
    ]
    saved = admin.patch(f"/api/v1/processes/{process['id']}", json=body)
    assert saved.status_code == 200, saved.text
    opp = new(team)
    ids = stages(team)
    refused = move(team, "rep1", opp, ids["needs"])
    assert refused.status_code == 422
    assert "a visit action must be logged" in refused.json()["message"]
    logged = team.client("rep1").post(
        "/api/v1/actions",
        json={"kind": "opportunity", "record_id": opp["id"], "type": "visit", "subject": "On site"},
    )
    assert logged.status_code == 201, logged.text
    assert move(team, "rep1", opp, ids["needs"]).status_code == 200


def test_two_people_moving_the_same_card_get_one_409(team):
    opp = new(team)
    ids = stages(team)
    first = move(team, "rep1", opp, ids["needs"])
    second = team.client("east_mgr").post(
        f"/api/v1/opportunities/{opp['id']}/stage",
        json={"stage_id": ids["proposal"], "version": opp["version"]},
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["field"] == "version"


def test_closing_lost_needs_a_reason_and_winning_sets_full_probability(team):
    opp = new(team)
    client = team.client("rep1")
    refused = client.post(
        f"/api/v1/opportunities/{opp['id']}/close", json={"won": False, "version": opp["version"]}
    )
    assert refused.status_code == 422 and refused.json()["field"] == "reason"
    lost = client.post(
        f"/api/v1/opportunities/{opp['id']}/close",
        json={"won": False, "version": opp["version"], "reason": "budget cut"},
    ).json()
    assert (lost["status"], lost["probability"], lost["close_reason"]) == ("lost", 0, "budget cut")
    other = new(team, amount="5000.00")
    won = client.post(
        f"/api/v1/opportunities/{other['id']}/close",
        json={"won": True, "version": other["version"], "reason": "price"},
    ).json()
    assert (won["status"], won["probability"]) == ("won", 100)
    assert won["closed_at"] is not None


def test_stage_changed_tells_a_listener_the_stages_and_the_outcome(team, monkeypatch):
    fired = []
    original = service.StageChanged
    monkeypatch.setattr(
        service, "StageChanged", lambda **kw: fired.append(original(**kw)) or fired[-1]
    )
    client = team.client("rep1")
    lost, won = new(team), new(team)
    client.post(
        f"/api/v1/opportunities/{lost['id']}/close",
        json={"won": False, "version": lost["version"], "reason": "budget cut"},
    )
    client.post(
        f"/api/v1/opportunities/{won['id']}/close", json={"won": True, "version": won["version"]}
    )
    seen = [(e.kind, e.record_id, e.from_stage, e.to_stage, e.outcome, e.cause) for e in fired]
    assert seen == [
        ("opportunity", lost["id"], "qualify", "lost", "lost", "lost"),
        ("opportunity", won["id"], "qualify", "won", "won", "won"),
    ]
    move(team, "rep1", new(team), stages(team)["needs"])
    assert (fired[-1].to_stage, fired[-1].outcome) == ("needs", "open")


def test_stage_and_status_cannot_be_set_by_an_edit_or_a_bulk_set(team):
    opp = new(team)
    ids = stages(team)
    client = team.client("rep1")
    patched = client.patch(
        f"/api/v1/opportunities/{opp['id']}",
        json={"version": opp["version"], "stage_id": ids["won"]},
    )
    assert patched.status_code == 422  # unknown field in the update schema
    with team.ctx("admin") as ctx:
        from kht.lists import bulk

        with pytest.raises(ValidationError) as refused:
            bulk.set_field(ctx, service.SPEC, service.columns(ctx), [opp["id"]], "status", "won")
        assert refused.value.field == "status"


def test_bad_input_is_a_422_naming_the_field(team):
    client = team.client("rep1")
    base = {"name": "X", "customer_id": team.customers["rep1"]}
    cases = [
        ({**base, "amount": "-1"}, "amount"),
        ({**base, "amount": "1.234"}, "amount"),
        ({**base, "customer_id": team.customers["rep2"]}, "customer_id"),  # not in scope
        ({**base, "customer_id": 999999}, "customer_id"),
        ({**base, "stage_id": 999999}, "stage_id"),
        ({**base, "process_id": 999999}, "process_id"),
        ({**base, "currency": "rmb"}, "currency"),
        ({**base, "name": ""}, "name"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/opportunities", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["field"] == field, (body, response.json())


def test_out_of_scope_opportunities_are_invisible_everywhere(team):
    mine = new(team, "rep1")
    theirs = new(team, "west_rep")
    rep = team.client("rep1")
    assert rep.get(f"/api/v1/opportunities/{theirs['id']}").status_code == 404
    assert move(team, "rep1", theirs, stages(team)["needs"]).status_code == 404
    listed = {o["id"] for o in rep.get("/api/v1/opportunities").json()["items"]}
    assert listed == {mine["id"]}
    board = rep.get("/api/v1/opportunities/board").json()
    on_board = {card["id"] for column in board["columns"] for card in column["cards"]}
    assert on_board == {mine["id"]}
    manager = team.client("east_mgr")  # Sales/East: sees rep1 and rep2, not the West
    board = manager.get("/api/v1/opportunities/board").json()
    on_board = {card["id"] for column in board["columns"] for card in column["cards"]}
    assert on_board == {mine["id"]}


def test_the_board_counts_and_sums_each_stage(team):
    ids = stages(team)
    a = new(team, amount="100.00")
    new(team, amount="250.50")
    move(team, "rep1", a, ids["needs"])
    board = team.client("rep1").get("/api/v1/opportunities/board").json()
    by_key = {c["key"]: c for c in board["columns"]}
    assert (by_key["qualify"]["count"], Decimal(by_key["qualify"]["amount"])) == (
        1,
        Decimal("250.50"),
    )
    assert (by_key["needs"]["count"], Decimal(by_key["needs"]["amount"])) == (1, Decimal("100.00"))
    assert [c["key"] for c in board["columns"]][-2:] == ["won", "lost"]


def test_handing_over_moves_the_department_with_the_owner(team):
    opp = new(team, "rep1")
    with team.ctx("admin") as ctx:
        from kht.lists import bulk

        bulk.assign(ctx, service.SPEC, [opp["id"]], team.users["west_rep"])
    with team.ctx("admin") as ctx:
        moved = service.get_opportunity(ctx, opp["id"])
        from kht.auth.models import User

        assert moved.department_id == ctx.session.get(User, team.users["west_rep"]).department_id


def test_converting_a_lead_can_open_an_opportunity(team):
    client = team.client("rep1")
    lead = client.post("/api/v1/leads", json={"name": "王工", "company": "同方电子"}).json()
    converted = client.post(
        f"/api/v1/leads/{lead['id']}/convert",
        json={"create_opportunity": True, "version": lead["version"]},
    )
    assert converted.status_code in (200, 201), converted.text
    found = client.get("/api/v1/opportunities", params={"q": "同方电子"}).json()["items"]
    assert len(found) == 1 and found[0]["source"] == "lead" and found[0]["lead_id"] == lead["id"]


def test_services_refuse_a_stale_version_directly(team):
    opp = new(team)
    ids = stages(team)
    with team.ctx("rep1") as ctx:
        with pytest.raises(Conflict):
            service.move_stage(ctx, opp["id"], ids["needs"], version=opp["version"] + 5)
