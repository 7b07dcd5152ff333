"""Tickets through the API: numbers, the status flow, SLA deadlines on the ticket (across a
weekend), the clock pausing while waiting for the customer, queue assignment (round robin,
least open, manual reassign), the team scope (404 on another queue's ticket), bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from kht.testing import put_settings
from tests.service.conftest import MONDAY_10

# Friday 4 Dec 2026, 17:00 in Shanghai.
FRIDAY_17 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def test_a_ticket_gets_a_number_and_its_deadlines_skip_the_weekend(desk):
    with time_machine.travel(FRIDAY_17, tick=False):
        ticket = desk.ticket(subject="屏幕不亮", priority="normal")
    assert ticket["number"] == f"T{ticket['id']:06d}"
    assert ticket["status"] == "new" and ticket["owner_id"] is None
    # 4 working hours for the first response: Friday 17-18, then Monday 09-12.
    assert ticket["response_due_at"] == "2026-12-07T04:00:00Z"
    # 16 working hours to resolve: 1 + 9 (Monday) + 6 (Tuesday until 15:00).
    assert ticket["resolution_due_at"] == "2026-12-08T07:00:00Z"
    with time_machine.travel(datetime(2026, 12, 7, 2, 0, tzinfo=UTC), tick=False):  # Mon 10:00
        shown = desk.get(ticket["id"])
    assert shown["response_left_seconds"] == 2 * 3600
    assert shown["resolution_left_seconds"] == 14 * 3600


def test_the_clock_pauses_while_waiting_for_the_customer(desk):
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = desk.ticket(priority="normal")  # resolution due Tuesday 17:00
        assert ticket["resolution_due_at"] == "2026-12-08T09:00:00Z"
        reply = desk.client("admin").post(
            f"/api/v1/tickets/{ticket['id']}/replies", json={"body": "请提供型号", "wait": True}
        )
        assert reply.status_code == 201, reply.text
        waiting = desk.get(ticket["id"])
    assert waiting["status"] == "waiting" and waiting["paused"] is True
    assert waiting["first_response_at"] == "2026-12-07T02:00:00Z"
    # A day later the remaining time has not moved.
    with time_machine.travel(datetime(2026, 12, 8, 2, 0, tzinfo=UTC), tick=False):
        assert desk.get(ticket["id"])["resolution_left_seconds"] == 16 * 3600
        moved = desk.client("admin").post(
            f"/api/v1/tickets/{ticket['id']}/move/in_progress", json={}
        )
        assert moved.status_code == 200, moved.text
    resumed = moved.json()
    # Nine working hours waited (Monday 10:00 to Tuesday 10:00): the deadline moves by them.
    assert resumed["paused"] is False
    assert resumed["resolution_due_at"] == "2026-12-09T09:00:00Z"
    assert resumed["resolution_left_seconds"] == 16 * 3600


def test_the_flow_refuses_a_skipped_step_and_resolving_needs_a_resolution(desk):
    ticket = desk.ticket()
    admin = desk.client("admin")
    url = f"/api/v1/tickets/{ticket['id']}"
    refused = admin.post(f"{url}/move/resolved", json={})
    assert refused.status_code == 422 and refused.json()["field"] == "resolution"
    done = admin.post(f"{url}/move/resolved", json={"resolution": "更换硒鼓"})
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert admin.post(f"{url}/move/waiting", json={}).status_code == 409
    closed = admin.post(f"{url}/move/closed", json={})
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]
    reopened = admin.post(f"{url}/move/in_progress", json={})
    assert reopened.json()["status"] == "in_progress"
    assert reopened.json()["resolved_at"] is None and reopened.json()["closed_at"] is None
    stale = admin.patch(url, json={"version": 1, "priority": "high"})
    assert stale.status_code == 409


def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(desk):
    admin = desk.client("admin")
    for body, field in (
        ({"subject": ""}, "subject"),
        ({"subject": "x", "priority": "whenever"}, "priority"),
        ({"subject": "x", "queue_id": 999}, "queue_id"),
        ({"subject": "x", "requester_email": "not an address"}, "requester_email"),
        ({"subject": "x", "channel": "fax"}, "channel"),
    ):
        response = admin.post("/api/v1/tickets", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["field"] == field, (body, response.json())
    assert admin.get("/api/v1/tickets").json()["total"] == 0
    policy = {"name": "p", "priority": "low", "first_response_minutes": 60}
    bad = admin.post("/api/v1/service/policies", json={**policy, "resolution_minutes": 30})
    assert bad.status_code == 422 and bad.json()["field"] == "resolution_minutes"
    hours = put_settings(admin, "service", {"work_start": "18:00", "work_end": "09:00"})
    assert hours.status_code == 422 and hours.json()["field"] == "work_end"


def test_round_robin_hands_tickets_out_in_turn_and_a_rep_sees_only_their_queues(desk):
    u, q = desk.users, desk.queues
    made = [desk.ticket(queue_id=q["Hardware"]) for _ in range(3)]
    ids = [t["id"] for t in made]
    assert [t["owner_id"] for t in made] == [u["svc1"], u["svc2"], u["svc1"]]
    assert desk.get(ids[0])["status"] == "assigned"
    software = desk.ticket(queue_id=q["Software"])  # manual: waits to be taken
    assert software["owner_id"] is None and software["status"] == "new"
    # svc3 works Software only: Hardware's tickets are not there for them.
    svc3 = desk.client("svc3")
    assert svc3.get("/api/v1/tickets/1").status_code == 404
    assert (
        svc3.patch("/api/v1/tickets/1", json={"version": 1, "priority": "low"}).status_code == 404
    )
    assert [t["id"] for t in svc3.get("/api/v1/tickets").json()["items"]] == [software["id"]]
    # svc2 sees the whole Hardware queue (svc1's tickets too), not Software's.
    listed = desk.client("svc2").get("/api/v1/tickets?sort=id").json()["items"]
    assert [t["id"] for t in listed] == ids
    assert desk.client("svc2").get(f"/api/v1/tickets/{software['id']}").status_code == 404
    # svc3 takes the Software ticket; a second take by someone else is refused.
    taken = svc3.post(f"/api/v1/tickets/{software['id']}/take", json={})
    assert taken.status_code == 200 and taken.json()["owner_id"] == u["svc3"]
    assert taken.json()["status"] == "assigned"
    again = desk.client("admin").post(f"/api/v1/tickets/{software['id']}/take", json={})
    assert again.status_code == 409


def test_least_open_and_manual_reassign_within_the_queue(desk):
    u, q = desk.users, desk.queues
    admin = desk.client("admin")
    body = {"name": "Hardware", "strategy": "least_open", "member_ids": [u["svc1"], u["svc2"]]}
    assert admin.put(f"/api/v1/service/queues/{q['Hardware']}", json=body).status_code == 200
    first = desk.ticket(queue_id=q["Hardware"])
    second = desk.ticket(queue_id=q["Hardware"])
    assert [first["owner_id"], second["owner_id"]] == [u["svc1"], u["svc2"]]
    admin.post(f"/api/v1/tickets/{first['id']}/move/resolved", json={"resolution": "ok"})
    assert desk.ticket(queue_id=q["Hardware"])["owner_id"] == u["svc1"]  # fewer open now
    url = f"/api/v1/tickets/{second['id']}/assign"
    outsider = admin.post(url, json={"owner_id": u["svc3"]})
    assert outsider.status_code == 422 and outsider.json()["field"] == "owner_id"
    moved = admin.post(url, json={"owner_id": u["svc3"], "queue_id": q["Software"]})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["owner_id"], moved.json()["queue_id"]) == (u["svc3"], q["Software"])


def test_replies_and_notes_make_the_timeline(desk):
    ticket = desk.ticket(queue_id=desk.queues["Hardware"])
    svc1 = desk.client("svc1")
    url = f"/api/v1/tickets/{ticket['id']}"
    assert svc1.post(f"{url}/notes", json={"body": "先查保修"}).status_code == 201
    assert svc1.post(f"{url}/replies", json={"body": "已安排上门"}).status_code == 201
    assert svc1.post(f"{url}/replies", json={"body": ""}).json()["field"] == "body"
    entries = svc1.get(f"{url}/entries").json()
    assert [(e["kind"], e["body"]) for e in entries] == [
        ("note", "先查保修"),
        ("reply", "已安排上门"),
    ]
    assert desk.get(ticket["id"])["status"] == "in_progress"


def test_bulk_edits_may_not_skip_the_flow_or_touch_the_clocks(desk):
    ticket = desk.ticket()
    admin = desk.client("admin")
    for field, value in (("status", "closed"), ("response_due_at", "2030-01-01")):
        body = {"action": "set", "ids": [ticket["id"]], "field": field, "value": value}
        refused = admin.post("/api/v1/tickets/bulk", json=body)
        assert refused.status_code == 422, (field, refused.text)
    shown = desk.get(ticket["id"])
    assert shown["status"] == "new" and shown["response_due_at"] == ticket["response_due_at"]
    body = {"action": "set", "ids": [ticket["id"]], "field": "category", "value": "保修"}
    assert admin.post("/api/v1/tickets/bulk", json=body).status_code == 201
    assert desk.get(ticket["id"])["category"] == "保修"
