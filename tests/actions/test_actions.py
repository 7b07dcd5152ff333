"""Actions: logging against records in scope, last contact, ActionLogged, the timeline."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.events import ActionLogged
from kht.hookspecs import hookimpl
from kht.testing import add_user, bearer, runtime_of


@pytest.fixture
def world(kht_app):
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "rep", "sales_rep", department="Sales/East")
    add_user(runtime, "other", "sales_rep", department="Sales/West")
    add_user(runtime, "mgr", "sales_manager", department="Sales/East")
    return app, runtime


def client_for(world, login):
    app, runtime = world
    client = TestClient(app)
    client.headers.update(bearer(runtime, login))
    return client


def test_logging_a_note_shows_on_the_timeline_and_updates_last_contact(world):
    with client_for(world, "rep") as rep:
        customer = rep.post("/api/v1/customers", json={"name": "清华同方"}).json()
        assert customer["version"] == 1
        note = rep.post(
            "/api/v1/actions",
            json={
                "kind": "customer",
                "record_id": customer["id"],
                "subject": "首次拜访",
                "body": "谈了需求",
            },
        )
        assert note.status_code == 201
        assert note.json()["done_at"] is not None and note.json()["customer_id"] == customer["id"]
        timeline = rep.get(f"/api/v1/timeline/customer/{customer['id']}").json()
        assert [item["title"] for item in timeline] == ["首次拜访"]
        after = rep.get(f"/api/v1/customers/{customer['id']}").json()
        assert after["version"] == 1  # last contact is derived, not an edit


def test_a_planned_task_can_be_completed_with_the_version_it_was_shown(world):
    with client_for(world, "rep") as rep:
        customer = rep.post("/api/v1/customers", json={"name": "Acme"}).json()
        task = rep.post(
            "/api/v1/actions",
            json={
                "kind": "customer",
                "record_id": customer["id"],
                "type": "task",
                "subject": "Send brochure",
                "status": "planned",
                "due_at": "2026-12-01T09:00:00+08:00",
            },
        ).json()
        assert task["done_at"] is None and task["due_at"] == "2026-12-01T01:00:00Z"
        done = rep.patch(f"/api/v1/actions/{task['id']}", json={"version": 1, "status": "done"})
        assert done.status_code == 200 and done.json()["done_at"] is not None
        stale = rep.patch(f"/api/v1/actions/{task['id']}", json={"version": 1, "outcome": "x"})
        assert stale.status_code == 409


def test_actions_on_records_outside_the_scope_are_refused(world):
    with client_for(world, "other") as other:
        theirs = other.post("/api/v1/customers", json={"name": "West Co"}).json()
    with client_for(world, "rep") as rep:
        answer = rep.post(
            "/api/v1/actions",
            json={"kind": "customer", "record_id": theirs["id"], "subject": "sneaky"},
        )
        assert answer.status_code == 422 and answer.json()["field"] == "record_id"
        assert rep.get(f"/api/v1/timeline/customer/{theirs['id']}").status_code == 404
        unknown = rep.post(
            "/api/v1/actions", json={"kind": "spaceship", "record_id": 1, "subject": "x"}
        )
        assert unknown.status_code == 422 and unknown.json()["field"] == "kind"
        bad_type = rep.post(
            "/api/v1/actions",
            json={"kind": "customer", "record_id": 1, "subject": "x", "type": "party"},
        )
        assert bad_type.status_code == 422 and bad_type.json()["field"] == "type"


def test_a_manager_sees_the_reps_timeline(world):
    with client_for(world, "rep") as rep:
        customer = rep.post("/api/v1/customers", json={"name": "East Co"}).json()
        rep.post(
            "/api/v1/actions",
            json={
                "kind": "customer",
                "record_id": customer["id"],
                "subject": "call",
                "type": "call",
            },
        )
    with client_for(world, "mgr") as mgr:
        items = mgr.get(f"/api/v1/timeline/customer/{customer['id']}").json()
        assert [item["type"] for item in items] == ["call"]


def test_action_logged_is_fired_in_the_transaction(kht_app):
    app = kht_app(fresh=True)
    runtime = runtime_of(app)
    add_user(runtime, "rep", "sales_rep")
    seen: list = []

    class Spy:
        @staticmethod
        @hookimpl
        def kht_on_event(ctx, event):
            if isinstance(event, ActionLogged):
                seen.append((event.kind, event.action_type))

    app.state.plugins.pm.register(Spy, name="spy")
    with TestClient(app) as client:
        client.headers.update(bearer(runtime, "rep"))
        customer = client.post("/api/v1/customers", json={"name": "Spy Co"}).json()
        client.post(
            "/api/v1/actions",
            json={
                "kind": "customer",
                "record_id": customer["id"],
                "subject": "hello",
                "type": "visit",
            },
        )
    assert seen == [("customer", "visit")]


def test_the_timeline_shows_times_in_the_users_time_zone(kht_app):
    from datetime import UTC, datetime

    from kht.web.core_plugin import local_time

    class Reader:
        time_zone = "Europe/London"

    moment = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert local_time(moment, Reader()) == "2026-07-01 13:00"
    assert local_time(moment, None) == "2026-07-01 20:00"  # Asia/Shanghai
    assert local_time(None, None) == ""
