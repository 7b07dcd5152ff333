"""Participants, reminders and completing an action through the API."""

from __future__ import annotations

from kht.customers.models import Customer
from kht.events import ActionLogged
from kht.hookspecs import hookimpl


def _customer(team, owner: str = "rep1") -> int:
    return team.customer(f"{owner} 客户", owner=owner)


def test_participants_are_set_shown_and_changed(team):
    customer = _customer(team)
    with team.client("rep1") as rep:
        created = rep.post(
            "/api/v1/actions",
            json={
                "kind": "customer",
                "record_id": customer,
                "type": "visit",
                "subject": "联合拜访",
                "status": "planned",
                "due_at": "2026-12-01T09:00:00+08:00",
                "remind_at": "2026-12-01T08:00:00+08:00",
                "participant_ids": [team.users["west_rep"], team.users["rep2"], team.users["rep2"]],
            },
        )
        assert created.status_code == 201, created.text
        action = created.json()
        assert action["participant_ids"] == sorted([team.users["rep2"], team.users["west_rep"]])
        assert action["remind_at"] == "2026-12-01T00:00:00Z" and action["reminded_at"] is None
        changed = rep.patch(
            f"/api/v1/actions/{action['id']}",
            json={"version": 1, "participant_ids": [team.users["rep2"]]},
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["participant_ids"] == [team.users["rep2"]]
    # A participant outside the owner's scope may open the action they take part in...
    with team.client("west_rep") as west:
        assert west.get(f"/api/v1/actions/{action['id']}").status_code == 404  # removed again
    with team.client("rep2") as rep2:
        assert rep2.get(f"/api/v1/actions/{action['id']}").status_code == 200
        # ...but not delete it (deleting needs the owner in scope and the delete right).
        assert rep2.delete(f"/api/v1/actions/{action['id']}").status_code in (403, 404)


def test_bad_participants_and_reminders_are_refused_naming_the_field(team):
    customer = _customer(team)
    base = {"kind": "customer", "record_id": customer, "subject": "x", "status": "planned"}
    with team.client("rep1") as rep:
        unknown = rep.post("/api/v1/actions", json={**base, "participant_ids": [99999]})
        assert unknown.status_code == 422 and unknown.json()["field"] == "participant_ids"
        assert "99999" in unknown.json()["message"]
        wrong_type = rep.post("/api/v1/actions", json={**base, "participant_ids": ["bob"]})
        assert wrong_type.status_code == 422
        assert wrong_type.json()["field"].startswith("participant_ids")
        naive = rep.post("/api/v1/actions", json={**base, "remind_at": "2026-12-01T08:00:00"})
        assert naive.status_code == 422 and naive.json()["field"] == "remind_at"
        garbage = rep.post("/api/v1/actions", json={**base, "remind_at": "tomorrow"})
        assert garbage.status_code == 422 and garbage.json()["field"] == "remind_at"
        # A reminder after the due time, or already past, is the user's choice.
        late = rep.post(
            "/api/v1/actions",
            json={
                **base,
                "due_at": "2026-12-01T09:00:00Z",
                "remind_at": "2026-12-02T09:00:00Z",
            },
        )
        assert late.status_code == 201
        action = late.json()
        bad_patch = rep.patch(
            f"/api/v1/actions/{action['id']}", json={"version": 1, "participant_ids": [0]}
        )
        assert bad_patch.status_code == 422 and bad_patch.json()["field"] == "participant_ids"
        assert rep.get(f"/api/v1/actions/{action['id']}").json()["version"] == 1


def test_a_new_reminder_time_arms_the_reminder_again(team):
    from kht.actions.models import Action

    customer = _customer(team)
    with team.client("rep1") as rep:
        action = rep.post(
            "/api/v1/actions",
            json={
                "kind": "customer",
                "record_id": customer,
                "subject": "call back",
                "status": "planned",
                "due_at": "2026-01-01T09:00:00Z",
                "remind_at": "2026-01-01T08:00:00Z",
            },
        ).json()
    with team.ctx(None) as ctx:
        ctx.session.get(Action, action["id"]).reminded_at = ctx.now()
    with team.client("rep1") as rep:
        reminded = rep.get(f"/api/v1/actions/{action['id']}").json()
        assert reminded["reminded_at"] is not None
        moved = rep.patch(
            f"/api/v1/actions/{action['id']}",
            json={"version": reminded["version"], "remind_at": "2026-01-02T08:00:00Z"},
        )
        assert moved.status_code == 200 and moved.json()["reminded_at"] is None


def test_marking_done_records_the_outcome_touches_the_customer_and_fires_action_logged(kht_app):
    from tests.team import build_team

    team = build_team(kht_app, fresh=True)
    seen: list = []

    class Spy:
        @staticmethod
        @hookimpl
        def kht_on_event(ctx, event):
            if isinstance(event, ActionLogged):
                seen.append(event.action_id)

    team.app.state.plugins.pm.register(Spy, name="spy")
    customer = _customer(team)
    with team.client("rep1") as rep:
        action = rep.post(
            "/api/v1/actions",
            json={
                "kind": "customer",
                "record_id": customer,
                "subject": "demo",
                "status": "planned",
                "type": "visit",
                "due_at": "2026-12-01T09:00:00Z",
            },
        ).json()
        assert action["done_at"] is None
        done = rep.patch(
            f"/api/v1/actions/{action['id']}",
            json={
                "version": action["version"],
                "status": "done",
                "outcome": "客户认可方案",
                "next_step": "下周发报价",
            },
        )
        assert done.status_code == 200, done.text
        body = done.json()
        assert body["done_at"] is not None
        assert (body["outcome"], body["next_step"]) == ("客户认可方案", "下周发报价")
        again = rep.patch(
            f"/api/v1/actions/{action['id']}", json={"version": body["version"], "body": "notes"}
        )
        assert again.status_code == 200
    assert seen == [action["id"], action["id"]]  # logged (planned), then completed once
    with team.ctx(None) as ctx:
        assert ctx.session.get(Customer, customer).last_contact_at is not None
