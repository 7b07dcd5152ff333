"""Delivery: signed messages that verify with an independent implementation of the spec,
queued in the transaction of the event, retried with growing waits, logged, and a receiver
that keeps failing disables its subscription."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from kht.actions.models import Notification
from kht.db.base import utcnow
from kht.errors import NotFound, ValidationError
from kht.webhooks import outbox
from kht.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tests.webhooks.conftest import send, verify


def subscribe(team, url, events=("record.created",), kinds=("customer",)) -> tuple[int, str]:
    with team.client("admin") as admin:
        body = {"name": "ERP", "url": url, "events": list(events), "kinds": list(kinds)}
        created = admin.post("/api/v1/webhooks", json=body)
    assert created.status_code == 201, created.text
    return created.json()["info"]["id"], created.json()["secret"]


def deliveries(team, webhook_id: int) -> list[WebhookDelivery]:
    with team.ctx(None) as ctx:
        query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == webhook_id)
        return list(ctx.session.scalars(query.order_by(WebhookDelivery.id)))


def test_a_subscribed_event_arrives_signed_with_the_record_as_the_api_shows_it(team, receiver):
    webhook_id, secret = subscribe(team, receiver.url)
    assert secret.startswith("whsec_")
    with team.client("admin") as admin:
        created = admin.post("/api/v1/customers", json={"name": "华东电器"})
        customer = admin.get(f"/api/v1/customers/{created.json()['id']}").json()
    [queued] = deliveries(team, webhook_id)
    assert queued.status == "queued" and queued.attempts == 0

    assert send(team) == 1

    [message] = receiver.requests
    assert message.path == "/hooks/kht"
    assert verify(secret, message.headers, message.body)
    assert not verify("whsec_" + "A" * 44, message.headers, message.body)
    assert message.headers["webhook-id"] == queued.message_id
    assert abs(int(message.headers["webhook-timestamp"]) - time.time()) < 60
    assert message.headers["content-type"] == "application/json"
    payload = json.loads(message.body)
    assert payload["type"] == "record.created"
    assert payload["data"]["kind"] == "customer"
    assert payload["data"]["record_id"] == customer["id"]
    assert payload["data"]["event"]["type"] == "RecordCreated"
    assert payload["data"]["record"] == customer
    [done] = deliveries(team, webhook_id)
    assert done.status == "delivered" and done.attempts == 1 and done.last_status_code == 200
    with team.ctx(None) as ctx:
        [attempt] = ctx.session.scalars(select(WebhookAttempt))
    assert attempt.status_code == 200 and attempt.duration_ms >= 0 and attempt.error == ""


def test_only_the_picked_events_and_kinds_are_queued_and_a_rollback_queues_nothing(team, receiver):
    webhook_id, _ = subscribe(team, receiver.url, events=("record.updated",))
    with team.client("admin") as admin:
        customer = admin.post("/api/v1/customers", json={"name": "甲"}).json()
        admin.post("/api/v1/leads", json={"name": "乙"})
        assert deliveries(team, webhook_id) == []  # created: not picked; a lead: not a customer
        changed = admin.patch(
            f"/api/v1/customers/{customer['id']}",
            json={"version": customer["version"], "name": "丙"},
        )
        assert changed.status_code == 200
        stale = admin.patch(
            f"/api/v1/customers/{customer['id']}",
            json={"version": customer["version"], "name": "丁"},
        )
        assert stale.status_code == 409  # rolled back: its event queued nothing
    [update] = deliveries(team, webhook_id)
    assert update.event_type == "record.updated" and update.record_id == customer["id"]
    send(team)
    payload = json.loads(receiver.requests[0].body)
    assert payload["data"]["event"]["changes"]["name"] == ["甲", "丙"]
    assert payload["data"]["record"]["name"] == "丙"


def test_a_disabled_subscription_gets_no_new_messages(team, receiver):
    webhook_id, _ = subscribe(team, receiver.url)
    with team.client("admin") as admin:
        version = admin.get(f"/api/v1/webhooks/{webhook_id}").json()["version"]
        off = admin.patch(
            f"/api/v1/webhooks/{webhook_id}", json={"version": version, "enabled": False}
        )
        assert off.status_code == 200 and off.json()["enabled"] is False
        admin.post("/api/v1/customers", json={"name": "甲"})
    assert deliveries(team, webhook_id) == []


def test_a_failing_receiver_is_retried_with_growing_waits_then_the_failure_is_recorded(
    kht_app, receiver
):
    from tests.team import build_team

    team = build_team(kht_app, webhook_allow_hosts=("127.0.0.1",), webhook_max_attempts=3)
    receiver.status = 500
    webhook_id, _ = subscribe(team, receiver.url)
    team.customer("甲", "rep1")
    start = utcnow()

    assert send(team, start) == 0
    [first] = deliveries(team, webhook_id)
    assert first.status == "queued" and first.attempts == 1 and first.last_status_code == 500
    assert first.next_attempt_at == start + timedelta(minutes=1)

    send(team, start + timedelta(seconds=59))  # not yet due
    assert len(receiver.requests) == 1
    send(team, start + timedelta(minutes=1))
    [second] = deliveries(team, webhook_id)
    assert second.attempts == 2
    assert second.next_attempt_at == start + timedelta(minutes=1 + 4)  # the wait grew ×4

    send(team, start + timedelta(minutes=5))
    [last] = deliveries(team, webhook_id)
    assert last.status == "failed" and last.attempts == 3 and last.next_attempt_at is None
    send(team, start + timedelta(days=1))
    assert len(receiver.requests) == 3  # the same message each time
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    with team.client("admin") as admin:
        log = admin.get(f"/api/v1/webhooks/{webhook_id}/deliveries").json()
    [entry] = log["items"]
    assert entry["status"] == "failed"
    assert [t["response_status"] for t in entry["tries"]] == [500, 500, 500]
    assert all(t["duration_ms"] >= 0 and t["error"] for t in entry["tries"])


def test_a_receiver_that_keeps_failing_disables_its_subscription_and_tells_admins(
    kht_app, receiver
):
    from tests.team import build_team

    team = build_team(kht_app, webhook_allow_hosts=("127.0.0.1",), webhook_disable_after=3)
    receiver.status = 503
    webhook_id, _ = subscribe(team, receiver.url)
    for name in ("甲", "乙", "丙", "丁"):
        team.customer(name, "rep1")

    send(team)

    assert len(receiver.requests) == 3  # the fourth waits for the subscription
    with team.ctx(None) as ctx:
        sub = ctx.session.get(WebhookSubscription, webhook_id)
        assert not sub.enabled and sub.failures == 3 and sub.disabled_at is not None
        notes = list(
            ctx.session.scalars(select(Notification).where(Notification.kind == "webhook"))
        )
    assert {n.user_id for n in notes} == {team.users["admin"]}
    assert notes[0].url == f"/admin/webhooks/{webhook_id}"
    with team.browser("admin") as page:
        shown = page.get(f"/admin/webhooks/{webhook_id}")
        assert 'id="disabled-notice"' in shown.text

    # A test still goes (so the administrator can check the receiver), then enabling it
    # again sends what waited.
    receiver.status = 200
    with team.client("admin") as admin:
        assert admin.post(f"/api/v1/webhooks/{webhook_id}/test").status_code == 202
        send(team, utcnow() + timedelta(minutes=1))
        assert json.loads(receiver.requests[-1].body)["type"] == "webhook.test"
        assert len(receiver.requests) == 4
        version = admin.get(f"/api/v1/webhooks/{webhook_id}").json()["version"]
        on = admin.patch(
            f"/api/v1/webhooks/{webhook_id}", json={"version": version, "enabled": True}
        )
        assert on.json()["failures"] == 0 and on.json()["disabled_at"] is None
    send(team, utcnow() + timedelta(hours=1))
    assert {d.status for d in deliveries(team, webhook_id)} == {"delivered"}


def test_a_redirect_is_not_followed(team, receiver):
    receiver.status, receiver.location = 302, "http://169.254.169.254/latest/meta-data/"
    webhook_id, _ = subscribe(team, receiver.url)
    team.customer("甲", "rep1")
    send(team)
    assert len(receiver.requests) == 1
    [delivery] = deliveries(team, webhook_id)
    assert delivery.status == "queued" and delivery.last_status_code == 302
    assert "redirect" in delivery.last_error


def test_enqueue_is_the_public_service_for_other_modules(team, receiver):
    webhook_id, secret = subscribe(team, receiver.url)
    customer_id = team.customer("甲", "rep1")
    with team.ctx("admin") as ctx:
        from kht.webhooks.service import enqueue, record_as_api

        record = record_as_api(ctx, "customer", customer_id)
        delivery = enqueue(
            ctx,
            webhook_id,
            "automation.rule",
            {"rule": 7, "record": record},
            kind="customer",
            record_id=customer_id,
        )
        assert delivery.id is not None
        with pytest.raises(NotFound):
            outbox.enqueue(ctx, 999_999, "automation.rule", {})
        with pytest.raises(ValidationError):
            outbox.enqueue(ctx, webhook_id, "", {})
    send(team)
    message = receiver.requests[-1]
    assert verify(secret, message.headers, message.body)
    data = json.loads(message.body)["data"]
    assert data["rule"] == 7 and data["record"]["name"] == "甲"


def test_the_readme_receiver_snippet_verifies_a_real_message(team, receiver):
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    section = readme[readme.index("A receiver in Python") :]
    snippet = section[section.index("```python") + len("```python") : section.index("```\n\n")]
    namespace: dict = {}
    exec(snippet, namespace)  # noqa: S102 - our own README's example
    _, secret = subscribe(team, receiver.url)
    team.customer("甲", "rep1")
    send(team)
    message = receiver.requests[-1]
    assert namespace["verify"](secret, message.headers, message.body)
    tampered = message.body.replace("甲".encode(), "乙".encode())
    assert not namespace["verify"](secret, message.headers, tampered)
