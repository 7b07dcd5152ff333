"""The approval gate of a process stage: a user with the stage's role approves or rejects
(with a comment), the decision is audited and notified, and leaving the stage waits for it."""

from __future__ import annotations

from sqlalchemy import select

from kht.actions.models import Notification


def _approval_process(team):
    """The standard process with `needs` waiting for a sales manager's approval."""
    admin = team.client("admin")
    process = admin.get("/api/v1/processes").json()[0]
    keep = ("key", "name_zh", "name_en", "probability", "outcome", "required_actions")
    stages = [
        {
            **{k: s[k] for k in keep},
            "required_fields": [],
            "approval_role": "sales_manager" if s["key"] == "needs" else "",
        }
        for s in process["stages"]
    ]
    body = {"key": "standard", "name_zh": "标准", "name_en": "Standard", "stages": stages}
    saved = admin.patch(
        f"/api/v1/processes/{process['id']}", json={**body, "version": process["version"]}
    )
    assert saved.status_code == 200, saved.text
    return {s["key"]: s["id"] for s in saved.json()["stages"]}


def _opportunity(team):
    body = {"name": "Scanner", "customer_id": team.customers["rep1"], "amount": "1000.00"}
    return team.client("rep1").post("/api/v1/opportunities", json=body).json()


def _move(team, opp, stage_id):
    current = team.client("rep1").get(f"/api/v1/opportunities/{opp['id']}").json()
    return team.client("rep1").post(
        f"/api/v1/opportunities/{opp['id']}/stage",
        json={"stage_id": stage_id, "version": current["version"]},
    )


def _decide(team, login, opp, decision, comment=""):
    body = {"kind": "opportunity", "record_id": opp["id"], "decision": decision}
    return team.client(login).post("/api/v1/approvals", json={**body, "comment": comment})


def test_a_stage_with_an_approval_role_holds_the_record_until_that_role_approves(team):
    ids = _approval_process(team)
    opp = _opportunity(team)
    assert _move(team, opp, ids["needs"]).status_code == 200
    with team.ctx(None) as ctx:
        asked = ctx.session.scalars(
            select(Notification.user_id).where(Notification.record_id == opp["id"])
        ).all()
    assert asked == [team.users["east_mgr"]]  # the sales manager is told it waits

    refused = _move(team, opp, ids["proposal"])
    assert refused.status_code == 422 and refused.json()["field"] == "stage_id"
    assert "approval by sales_manager is needed" in refused.json()["message"]
    # The rep may not approve their own deal; a rejection needs a reason.
    assert _decide(team, "rep1", opp, "approved").status_code == 403
    no_reason = _decide(team, "east_mgr", opp, "rejected")
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "comment"
    assert _decide(team, "east_mgr", opp, "rejected", "价格太低").status_code == 201
    still = _move(team, opp, ids["proposal"])
    assert still.status_code == 422 and "价格太低" in still.json()["message"]

    approved = _decide(team, "east_mgr", opp, "approved", "OK")
    assert approved.status_code == 201 and approved.json()["decision"] == "approved"
    assert _move(team, opp, ids["proposal"]).status_code == 200
    decisions = team.client("rep1").get(
        "/api/v1/approvals", params={"kind": "opportunity", "record_id": opp["id"]}
    )
    assert [d["decision"] for d in decisions.json()] == ["approved", "rejected"]
    actions = [row.action for row in team.audit("opportunity", opp["id"])]
    assert "approved" in actions and "rejected" in actions
    with team.ctx(None) as ctx:
        told = ctx.session.scalars(
            select(Notification.title).where(Notification.user_id == team.users["rep1"])
        ).all()
    assert len(told) == 2  # the owner hears of the rejection and of the approval


def test_an_approval_role_must_be_a_known_role(team):
    admin = team.client("admin")
    process = admin.get("/api/v1/processes").json()[0]
    stages = [
        {k: s[k] for k in ("key", "name_zh", "name_en", "outcome")} for s in process["stages"]
    ]
    stages[0]["approval_role"] = "nobody"
    body = {"key": "standard", "name_zh": "标准", "name_en": "Standard", "stages": stages}
    refused = admin.patch(f"/api/v1/processes/{process['id']}", json=body)
    assert refused.status_code == 422 and refused.json()["field"] == "approval_role"


def test_a_process_of_a_kind_without_stages_is_refused_naming_kind(team):
    stages = [
        {"key": "a", "name_zh": "甲", "name_en": "A"},
        {"key": "z", "name_zh": "乙", "name_en": "Z", "outcome": "closed"},
    ]
    body = {"key": "x", "name_zh": "x", "name_en": "x", "kind": "customer", "stages": stages}
    refused = team.client("admin").post("/api/v1/processes", json=body)
    assert refused.status_code == 422 and refused.json()["field"] == "kind"
