"""The "send an SMS template" action and the SMS care channel: queued through the SMS
outbox in the run's own transaction and sent once to the fake carrier after it commits; a
record without a mobile number, or a number that opted out, ends the run failed with the
reason at once; an unknown template is a 422 naming the action's setting."""

from __future__ import annotations

from kht.automation.engine import FAILED
from kht.testing import page_client
from tests.automation.conftest import rule, runs, worker_tick
from tests.sms.conftest import carrier, configure, send_now, template  # noqa: F401
from tests.team import build_team


def _team(kht_app, carrier):  # noqa: F811 - the fixture
    team = build_team(kht_app)
    configure(team, carrier)
    return team


def _sms_rule(team, template_id: int) -> int:
    action = {"type": "send_sms", "params": {"template_id": template_id}}
    return rule(team, "customer", "record_created", [action])


def test_a_rule_sends_the_sms_template_once(kht_app, carrier):  # noqa: F811
    team = _team(kht_app, carrier)
    rule_id = _sms_rule(team, template(team))

    team.customer("华润", owner="rep1", phone="13800138000")

    [run] = runs(team, rule_id)
    assert run.status == "done" and run.done[0]["type"] == "send_sms"
    send_now(team)  # whatever the hand-over after the commit did not send yet
    worker_tick(team)  # evaluated again: nothing more is queued
    assert send_now(team) == 0
    [sent] = carrier.requests
    assert sent["PhoneNumbers"] == "13800138000"
    assert sent["TemplateCode"] == "SMS_123456"
    assert "华润" in sent["TemplateParam"]


def test_a_record_without_a_mobile_number_fails_the_run_with_the_reason(kht_app, carrier):  # noqa: F811
    team = _team(kht_app, carrier)
    rule_id = _sms_rule(team, template(team))

    team.customer("无电话客户", owner="rep1")

    [run] = runs(team, rule_id)
    assert run.status == FAILED
    assert run.error == "没有可发送短信的手机号码"  # the author's language, at once
    assert send_now(team) == 0 and carrier.requests == []


def test_a_number_that_opted_out_fails_the_run_and_gets_nothing(kht_app, carrier):  # noqa: F811
    team = _team(kht_app, carrier)
    rule_id = _sms_rule(team, template(team))
    opted = team.client("admin").post("/api/v1/sms/opt-outs", json={"number": "13900139000"})
    assert opted.status_code == 201

    team.customer("已退订客户", owner="rep1", phone="139-0013-9000")

    [run] = runs(team, rule_id)
    assert run.status == FAILED and run.error == "该号码已退订短信"
    assert send_now(team) == 0 and carrier.requests == []


def test_an_unknown_sms_template_is_refused_when_the_rule_is_saved(kht_app, carrier):  # noqa: F811
    team = _team(kht_app, carrier)

    answer = team.client("admin").post(
        "/api/v1/automation/rules",
        json={
            "name": "x",
            "kind": "customer",
            "trigger": {"type": "record_created"},
            "actions": [{"type": "send_sms", "params": {"template_id": 999}}],
        },
    )

    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "actions[0].params.template_id"


def test_the_care_page_offers_an_sms_channel_with_its_template(kht_app, carrier):  # noqa: F811
    team = _team(kht_app, carrier)
    template_id = template(team)
    manager = page_client(team.app, "admin")
    page = manager.get("/care")
    assert 'id="care-sms-template"' in page.text and "回访" in page.text

    missing = manager.post(
        "/care", data={"name": "生日短信", "moment": "birthday", "channel": "sms"}
    )
    assert missing.status_code == 422
    assert 'is-invalid" id="care-sms-template"' in missing.text

    saved = manager.post(
        "/care",
        data={
            "name": "生日短信",
            "moment": "birthday",
            "channel": "sms",
            "sms_template_id": str(template_id),
        },
        follow_redirects=False,
    )
    assert saved.status_code in (302, 303), saved.text
    assert "生日短信" in manager.get("/care").text
