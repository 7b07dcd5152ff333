"""The actions list is the generic record API of the declared kind, with the kind's own list
parameters: `status` and `mine` (the actions you own or take part in)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.actions.conftest import plan


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 2, 0, tzinfo=UTC)


def subjects(answer) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [item["subject"] for item in answer.json()["items"]]


def test_status_and_mine_narrow_the_list_latest_due_first(team):
    rep1_co = team.customer("Rep1 Co", owner="rep1")
    rep2_co = team.customer("Rep2 Co", owner="rep2")
    mgr_co = team.customer("Mgr Co", owner="east_mgr")
    plan(team, "rep1", rep1_co, "rep1 done", at(1), status="done")
    plan(team, "rep1", rep1_co, "joint visit", at(12), participant_ids=[team.users["east_mgr"]])
    plan(team, "rep2", rep2_co, "rep2 call", at(14))
    plan(team, "east_mgr", mgr_co, "mgr own", at(13))

    with team.client("east_mgr") as mgr:
        everything = mgr.get("/api/v1/actions")
        assert subjects(everything) == ["rep2 call", "mgr own", "joint visit", "rep1 done"]
        assert everything.json()["total"] == 4
        planned = mgr.get("/api/v1/actions", params={"status": "planned"})
        assert subjects(planned) == ["rep2 call", "mgr own", "joint visit"]
        # Mine: owned, or taking part in (rep1's joint visit).
        mine = mgr.get("/api/v1/actions", params={"mine": "true", "status": "planned"})
        assert subjects(mine) == ["mgr own", "joint visit"]
        assert mine.json()["items"][1]["participant_ids"] == [team.users["east_mgr"]]
        # The common list parameters apply too.
        found = mgr.get("/api/v1/actions", params={"mine": "true", "q": "joint"})
        assert subjects(found) == ["joint visit"]
        assert subjects(mgr.get("/api/v1/actions", params={"sort": "due_at"}))[0] == "rep1 done"
    with team.client("rep2") as rep2:
        assert subjects(rep2.get("/api/v1/actions", params={"mine": "true"})) == ["rep2 call"]


def test_bad_list_parameters_are_a_422_naming_them(team):
    with team.client("rep1") as rep:
        mine = rep.get("/api/v1/actions", params={"mine": "perhaps"})
        assert mine.status_code == 422 and mine.json()["field"] == "mine"
        sort = rep.get("/api/v1/actions", params={"sort": "nonsense"})
        assert sort.status_code == 422 and sort.json()["field"] == "sort"


def test_the_openapi_document_shows_the_kinds_own_list_parameters(team):
    with team.client("rep1") as rep:
        spec = rep.get("/api/schema/openapi.json").json()
    listing = spec["paths"]["/api/v1/actions"]["get"]
    names = {param["name"]: param for param in listing["parameters"]}
    assert {"status", "mine", "q", "f", "view", "sort", "page"} <= set(names)
    assert names["mine"]["schema"]["type"] == "boolean"
    assert "take part" in names["mine"]["description"]
    assert "/api/v1/actions/{action_id}" in spec["paths"]
    assert "/api/v1/actions/agenda" in spec["paths"]


def test_bulk_done_goes_through_the_actions_rules(team):
    customer = team.customer("Rep1 Co", owner="rep1")
    first = plan(team, "rep1", customer, "call one", at(12))
    second = plan(team, "rep1", customer, "call two", at(13))
    with team.client("rep1") as rep:
        done = rep.post(
            "/api/v1/actions/bulk",
            json={"action": "set", "ids": [first, second], "field": "status", "value": "done"},
        )
        assert done.status_code == 201, done.text
        assert done.json()["count"] == 2
        one = rep.get(f"/api/v1/actions/{first}").json()
        assert one["status"] == "done" and one["done_at"] is not None
        customer_row = rep.get(f"/api/v1/customers/{customer}").json()
        assert customer_row["last_contact_at"] is not None
        wrong = rep.post(
            "/api/v1/actions/bulk",
            json={"action": "set", "ids": [first], "field": "status", "value": "maybe"},
        )
        assert wrong.status_code == 422 and wrong.json()["field"] == "value"
        protected = rep.post(
            "/api/v1/actions/bulk",
            json={"action": "set", "ids": [first], "field": "customer_id", "value": "1"},
        )
        assert protected.status_code == 422 and protected.json()["field"] == "field"
