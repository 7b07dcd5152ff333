"""Leads through the JSON API: capture, scope, clean-up (qualify, discard) and transitions."""

from __future__ import annotations

import pytest

from kht.leads.schemas import LeadCreate
from kht.leads.service import create_lead


def test_a_rep_captures_a_lead_that_starts_new_and_is_theirs(office):
    lead = office.lead_of(
        "rep",
        name=" 王建国 ",
        company="清华同方",
        phone="13901012345",
        source="展会",
        email="wangjg@example.cn",
        notes="展会名片",
    )
    assert lead["name"] == "王建国"
    assert lead["status"] == "new"
    assert lead["owner_id"] == office.users["rep"]
    assert lead["version"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "  "}, "name"),
        ({"name": "x", "email": "x@"}, "email"),
        ({"name": "x", "status": "qualified"}, "status"),
        ({"name": "x", "owner_id": 1}, "owner_id"),
        ({"name": "x", "source": "s" * 51}, "source"),
        ({"name": "x", "ext": {"custom": {"nope": 1}}}, "ext.custom.nope"),
    ],
)
def test_bad_input_is_refused_with_422_naming_the_field(office, body, field):
    with office.client("rep") as client:
        response = client.post("/api/v1/leads", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_reps_see_their_own_leads_and_the_pool_managers_their_tree(office):
    mine = office.lead_of("rep", name="A")
    theirs = office.lead_of("other_rep", name="B")
    with office.runtime.ctx() as ctx:
        office.as_user(ctx, "boss")
        pooled = {"id": create_lead(ctx, LeadCreate(name="C"), owner_id=None).id}
    with office.client("rep") as client:
        seen = {lead["id"] for lead in client.get("/api/v1/leads").json()["items"]}
        assert client.get(f"/api/v1/leads/{theirs['id']}").status_code == 404
        assert client.get(f"/api/v1/leads/{theirs['id']}/duplicates").status_code == 404
        assert client.post(f"/api/v1/leads/{theirs['id']}/qualify", json={}).status_code == 404
    with office.client("manager") as client:
        managed = {lead["id"] for lead in client.get("/api/v1/leads").json()["items"]}
    assert seen == {mine["id"], pooled["id"]}
    assert managed == {mine["id"], theirs["id"], pooled["id"]}


def test_service_staff_cannot_see_leads(office):
    with office.client("svc") as client:
        assert client.get("/api/v1/leads").status_code == 403
        assert client.post("/api/v1/leads", json={"name": "x"}).status_code == 403


def test_the_list_filters_by_status_and_searches(office):
    office.lead_of("rep", name="Alpha", company="Acme", source="展会")
    second = office.lead_of("rep", name="Beta", company="Globex", source="官网")
    with office.client("rep") as client:
        client.post(f"/api/v1/leads/{second['id']}/qualify", json={})
        qualified = client.get("/api/v1/leads", params={"f": "status:eq:qualified"}).json()
        fair = client.get("/api/v1/leads", params={"f": "source:eq:展会"}).json()
        found = client.get("/api/v1/leads", params={"q": "glob"}).json()
        bad = client.get("/api/v1/leads", params={"f": "status:eq:hot"})
    assert [lead["name"] for lead in qualified["items"]] == ["Beta"]
    assert [lead["name"] for lead in fair["items"]] == ["Alpha"]
    assert [lead["name"] for lead in found["items"]] == ["Beta"]
    assert (bad.status_code, bad.json()["field"]) == (422, "status")


def test_an_edit_with_a_stale_version_is_a_409(office):
    lead = office.lead_of("rep", name="A")
    url = f"/api/v1/leads/{lead['id']}"
    with office.client("rep") as client:
        ok = client.patch(url, json={"version": 1, "company": "Acme", "status": "working"})
        stale = client.patch(url, json={"version": 1, "company": "Globex"})
        shown = client.get(url).json()
    assert ok.status_code == 200
    assert stale.status_code == 409
    assert (shown["company"], shown["status"]) == ("Acme", "working")


def test_qualify_then_discard_with_a_reason_then_reopen(office):
    lead = office.lead_of("rep", name="A")
    base = f"/api/v1/leads/{lead['id']}"
    with office.client("rep") as client:
        qualified = client.post(f"{base}/qualify", json={"version": 1})
        twice = client.post(f"{base}/qualify", json={})
        no_reason = client.post(f"{base}/discard", json={"reason": "  "})
        discarded = client.post(f"{base}/discard", json={"reason": "预算不足", "version": 2})
        requalify = client.post(f"{base}/qualify", json={})
        reopened = client.post(f"{base}/reopen", json={})
        history = client.get("/api/v1/audit", params={"kind": "lead", "record_id": lead["id"]})
    assert qualified.json()["status"] == "qualified"
    assert twice.status_code == 409
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    assert (discarded.json()["status"], discarded.json()["discard_reason"]) == (
        "discarded",
        "预算不足",
    )
    assert requalify.status_code == 409
    assert "discarded" in requalify.json()["message"]
    assert (reopened.json()["status"], reopened.json()["discard_reason"]) == ("working", "")
    statuses = [e["changes"]["status"] for e in history.json() if "status" in e["changes"]]
    assert statuses[0] == ["discarded", "working"]


def test_a_missing_reason_is_a_422_naming_reason(office):
    lead = office.lead_of("rep", name="A")
    with office.client("rep") as client:
        response = client.post(f"/api/v1/leads/{lead['id']}/discard", json={})
    assert response.status_code == 422
    assert "reason" in response.json()["message"]


def test_a_stale_version_on_qualify_is_a_409(office):
    lead = office.lead_of("rep", name="A")
    with office.client("rep") as client:
        response = client.post(f"/api/v1/leads/{lead['id']}/qualify", json={"version": 5})
    assert response.status_code == 409


def test_a_converted_lead_cannot_be_qualified_discarded_or_edited_back(office):
    lead = office.lead_of("rep", name="A", company="Acme")
    base = f"/api/v1/leads/{lead['id']}"
    with office.client("rep") as client:
        client.post(f"{base}/convert", json={"version": 1})
        refused = [
            client.post(f"{base}/qualify", json={}),
            client.post(f"{base}/discard", json={"reason": "late"}),
            client.post(f"{base}/reopen", json={}),
            client.patch(base, json={"version": 2, "status": "working"}),
        ]
    assert [r.status_code for r in refused] == [409, 409, 409, 409]
    assert all(r.json()["message"] for r in refused)


def test_delete_and_restore(office):
    lead = office.lead_of("rep", name="A")
    url = f"/api/v1/leads/{lead['id']}"
    with office.client("manager") as client:
        assert client.delete(url).status_code == 204
        assert client.get(url).status_code == 404
        assert client.post(f"{url}/restore").status_code == 200
        assert client.get(url).status_code == 200
