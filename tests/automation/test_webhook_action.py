"""The "call a webhook" action: queued through the webhooks' outbox in the run's own
transaction, so the receiver gets one signed message per run, with the record as the API
shows it; an unknown subscription is a 422 naming the action's setting."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from kht.webhooks.models import WebhookDelivery
from tests.automation.conftest import FLAKY, rule, runs, worker_tick
from tests.jobs.conftest import own_queue  # noqa: F401 - a huey queue of each test's own
from tests.team import build_team
from tests.webhooks.conftest import LOCAL, receiver, send, verify  # noqa: F401 - fixtures


@pytest.fixture
def team(kht_app):
    return build_team(kht_app, plugins=["flaky"], extra=[FLAKY], webhook_allow_hosts=LOCAL)


def _subscribe(team, url: str) -> tuple[int, str]:
    body = {"name": "ERP", "url": url, "events": ["record.deleted"], "kinds": ["lead"]}
    created = team.client("admin").post("/api/v1/webhooks", json=body)
    assert created.status_code == 201, created.text
    return created.json()["info"]["id"], created.json()["secret"]


def test_a_rule_calls_a_webhook_once_signed_with_the_record(team, receiver):  # noqa: F811
    webhook_id, secret = _subscribe(team, receiver.url)
    rule_id = rule(
        team,
        "customer",
        "record_created",
        [
            {
                "type": "call_webhook",
                "params": {"webhook_id": webhook_id, "event_type": "crm.new_customer"},
            }
        ],
    )
    customer_id = team.customer("接口客户", owner="rep1")
    [run] = runs(team, rule_id)
    assert run.done[0]["type"] == "call_webhook"
    worker_tick(team)  # nothing more to run: still one message
    with team.ctx(None) as ctx:
        assert len(list(ctx.session.scalars(select(WebhookDelivery)))) == 1
    assert send(team) == 1
    [message] = receiver.requests
    assert verify(secret, message.headers, message.body)
    payload = json.loads(message.body)
    assert payload["type"] == "crm.new_customer"
    shown = team.client("admin").get(f"/api/v1/customers/{customer_id}").json()
    assert payload["data"]["record"] == shown
    assert payload["data"]["rule_id"] == rule_id


def test_an_unknown_webhook_is_refused_when_the_rule_is_saved(team):
    answer = team.client("admin").post(
        "/api/v1/automation/rules",
        json={
            "name": "x",
            "kind": "customer",
            "trigger": {"type": "record_created"},
            "actions": [{"type": "call_webhook", "params": {"webhook_id": 999}}],
        },
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "actions[0].params.webhook_id"
