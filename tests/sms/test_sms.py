"""Template SMS through the fake carrier: signed as configured, receipts, costs, opt-out by
reply and through the API, quiet hours, a carrier that is down, bad input, permissions and
the gateway secret kept out of answers and logs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
import time_machine
from sqlalchemy import select

from kht.sms.models import SmsGateway, SmsMessage
from tests.sms.conftest import SECRET, configure, send_now, template


def _enc(value: str) -> str:
    return quote(value, safe="-_.~")


def aliyun_signature(form: dict[str, str], secret: str) -> str:
    """Aliyun's RPC signature written from its documentation, apart from kht's signer."""
    pairs = sorted((k, v) for k, v in form.items() if k != "Signature")
    canonical = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in pairs)
    to_sign = "POST&%2F&" + _enc(canonical)
    digest = hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def messages(team) -> list[SmsMessage]:
    with team.ctx(None) as ctx:
        return list(ctx.session.scalars(select(SmsMessage).order_by(SmsMessage.id)))


def send(team, login: str, template_id: int, record_id: int, **more):
    body = {"template_id": template_id, "kind": "customer", "record_id": record_id, **more}
    return team.client(login).post("/api/v1/sms/send", json=body)


def test_a_template_sms_goes_signed_and_its_receipt_sets_status_and_cost(team, carrier):
    gateway = configure(team, carrier)
    template_id = template(team)
    customer = team.customer("华东电器", owner="rep1", phone="138 0013 8000")

    answer = send(team, "rep1", template_id, customer)

    assert answer.status_code == 202, answer.text
    # Sent right after the commit of the request.
    [request] = carrier.requests
    assert request["Signature"] == aliyun_signature(request, SECRET)
    assert request["Signature"] != aliyun_signature(request, "another secret")
    assert request["AccessKeyId"] == "LTAIkey"
    assert request["PhoneNumbers"] == "13800138000"
    assert request["SignName"] == "客户通"
    assert request["TemplateCode"] == "SMS_123456"
    assert json.loads(request["TemplateParam"]) == {"name": "华东电器"}
    [message] = messages(team)
    assert request["OutId"] == str(message.id)
    assert (message.status, message.number, message.carrier_id) == (
        "sent",
        "+8613800138000",
        "biz0001",
    )

    receipt = carrier.receipt(carrier.accepted[0])
    with team.client("admin") as anyone:
        anyone.headers.pop("Authorization")  # the carrier has no token: the URL is its key
        answered = anyone.post(gateway["receipts_path"], json=receipt)
        assert answered.status_code == 200, answered.text
        assert answered.json()["count"] == 1
        wrong = gateway["receipts_path"].replace("/callbacks/", "/callbacks/x")
        assert anyone.post(wrong, json=receipt).status_code == 404
        assert anyone.post(gateway["receipts_path"], content=b"{not json").status_code == 422
    [message] = messages(team)
    assert message.status == "delivered" and message.cost == Decimal("0.0450")

    listed = team.client("rep1").get("/api/v1/sms/messages").json()
    assert listed["counts"] == {"delivered": 1} and Decimal(listed["cost"]) == Decimal("0.045")
    on_record = team.client("rep1").get(
        "/api/v1/sms/messages", params={"kind": "customer", "record_id": customer}
    )
    assert [m["id"] for m in on_record.json()["items"]] == [message.id]
    assert send_now(team) == 0  # nothing twice


def test_a_reply_td_opts_the_number_out_of_every_later_sms(team, carrier):
    gateway = configure(team, carrier)
    template_id = template(team)
    customer = team.customer("华东电器", owner="rep1", phone="13800138000")
    other = team.customer("华北电器", owner="rep1", phone="+86 139 0013 9000")
    carrier.status = 503  # the first message waits in the outbox
    assert send(team, "rep1", template_id, customer).status_code == 202

    reply = [{"phone_number": "13800138000", "content": " 退订 ", "send_time": "2026-12-07"}]
    chat = [{"phone_number": "13900139000", "content": "谢谢"}]
    with team.client("admin") as anyone:
        anyone.headers.pop("Authorization")
        assert anyone.post(gateway["replies_path"], json=reply).json()["count"] == 1
        assert anyone.post(gateway["replies_path"], json=chat).json()["count"] == 0

    carrier.status = 200
    later = datetime.now(UTC) + timedelta(hours=2)
    assert send_now(team, later) == 0
    assert carrier.accepted == []
    assert [m.status for m in messages(team)] == ["opted_out"]
    refused = send(team, "rep1", template_id, customer)
    assert refused.status_code == 422 and refused.json()["field"] == "number"
    assert send(team, "rep1", template_id, other).status_code == 202
    assert [r["PhoneNumbers"] for r in carrier.accepted] == ["13900139000"]

    # Through the API too, and an administrator can lift it.
    admin = team.client("admin")
    assert admin.post("/api/v1/sms/opt-outs", json={"number": "139-0013-9000"}).status_code == 201
    assert send(team, "rep1", template_id, other).status_code == 422
    numbers = [o["number"] for o in admin.get("/api/v1/sms/opt-outs").json()["items"]]
    assert sorted(numbers) == ["+8613800138000", "+8613900139000"]
    assert admin.delete("/api/v1/sms/opt-outs/+8613900139000").status_code == 204
    assert send(team, "rep1", template_id, other).status_code == 202


def test_messages_due_in_the_quiet_hours_wait_for_their_end(team, carrier):
    configure(team, carrier, quiet_start="21:00", quiet_end="08:00", time_zone="Asia/Shanghai")
    template_id = template(team)
    customer = team.customer("华东电器", owner="rep1", phone="13800138000")
    evening = datetime(2026, 12, 7, 14, 30, tzinfo=UTC)  # 22:30 in Shanghai
    with time_machine.travel(evening, tick=False):
        assert send(team, "rep1", template_id, customer).status_code == 202
        assert carrier.requests == []
    with time_machine.travel(evening + timedelta(hours=9), tick=False):  # 07:30
        assert send_now(team) == 0
    assert carrier.requests == []
    with time_machine.travel(evening + timedelta(hours=9, minutes=31), tick=False):  # 08:01
        assert send_now(team) == 1
    assert len(carrier.requests) == 1 and messages(team)[0].status == "sent"


def test_a_carrier_that_is_down_delays_the_sms_without_losing_or_doubling_it(team, carrier):
    configure(team, carrier)
    template_id = template(team)
    customer = team.customer("华东电器", owner="rep1", phone="13800138000")
    carrier.status = 503
    assert send(team, "rep1", template_id, customer).status_code == 202
    [waiting] = messages(team)
    assert (waiting.status, waiting.attempts, waiting.last_error) == ("queued", 1, "HTTP 503")
    assert send_now(team) == 0  # its wait is not over: not even tried
    assert len(carrier.requests) == 1

    carrier.status = 200
    assert send_now(team, waiting.next_attempt_at + timedelta(seconds=1)) == 1
    assert send_now(team, waiting.next_attempt_at + timedelta(hours=3)) == 0
    assert len(carrier.accepted) == 1
    [sent] = messages(team)
    assert (sent.status, sent.attempts) == ("sent", 2)

    # A carrier refusing the number for good: failed, not retried.
    carrier.code = "isv.MOBILE_NUMBER_ILLEGAL"
    assert send(team, "rep1", template_id, customer).status_code == 202
    failed = messages(team)[-1]
    assert (failed.status, failed.last_error) == ("failed", "isv.MOBILE_NUMBER_ILLEGAL")


def test_bad_input_is_a_422_naming_the_field(team, carrier):
    configure(team, carrier)
    template_id = template(team)
    customer = team.customer("华东电器", owner="rep1", phone="12345")
    bad_number = send(team, "rep1", template_id, customer)
    assert bad_number.status_code == 422 and bad_number.json()["field"] == "number"
    typed = send(team, "rep1", template_id, customer, number="not a phone")
    assert typed.status_code == 422 and typed.json()["field"] == "number"
    no_phone = team.customer("无电话", owner="rep1")
    assert send(team, "rep1", template_id, no_phone).json()["field"] == "number"
    admin = team.client("admin")
    broken = {"name": "坏", "code": "SMS_1", "params": {"name": "{{ customer.name "}}
    answer = admin.post("/api/v1/sms/templates", json=broken)
    assert answer.status_code == 422 and answer.json()["field"] == "params.name"
    unknown = template(team, name="未知字段", params={"x": "{{ customer.nope }}"})
    answer = send(team, "rep1", unknown, customer, number="13800138000")
    assert answer.status_code == 422 and answer.json()["field"] == "params.x"
    ssti = template(team, name="注入", params={"x": "{{ ''.__class__.__mro__ }}"})
    answer = send(team, "rep1", ssti, customer, number="13800138000")
    assert answer.status_code == 422 and answer.json()["field"] == "params.x"
    wrong = admin.post("/api/v1/sms/gateway", json={"gateway": "nope"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "gateway"
    zone = admin.post("/api/v1/sms/gateway", json={"gateway": "log", "time_zone": "Mars/Base"})
    assert zone.status_code == 422 and zone.json()["field"] == "time_zone"
    assert carrier.requests == []
    assert messages(team) == []


def test_permissions(team, carrier):
    configure(team, carrier)
    template_id = template(team)
    mine = team.customer("华东电器", owner="rep1", phone="13800138000")
    assert send(team, "rep1", template_id, mine).status_code == 202
    # A colleague cannot send to, nor read the messages of, a customer outside their scope.
    assert send(team, "rep2", template_id, mine).status_code == 404
    assert team.client("rep2").get("/api/v1/sms/messages").json()["items"] == []
    [message] = messages(team)
    assert team.client("rep2").get(f"/api/v1/sms/messages/{message.id}").status_code == 404
    assert team.client("east_mgr").get(f"/api/v1/sms/messages/{message.id}").status_code == 200
    # Only administrators set up the gateway and the templates.
    rep = team.client("rep1")
    assert rep.get("/api/v1/sms/gateway").status_code == 403
    assert rep.post("/api/v1/sms/gateway", json={"gateway": "log"}).status_code == 403
    body = {"name": "x", "code": "SMS_9", "params": {}}
    assert rep.post("/api/v1/sms/templates", json=body).status_code == 403
    assert rep.get(
        f"/api/v1/sms/templates/{template_id}/preview",
        params={"kind": "customer", "record_id": mine},
    ).json() == {"params": {"name": "华东电器"}}
    assert (
        team.client("rep2")
        .get(
            f"/api/v1/sms/templates/{template_id}/preview",
            params={"kind": "customer", "record_id": mine},
        )
        .status_code
        == 404
    )
    assert len(carrier.accepted) == 1


def test_the_gateway_secret_never_shows_in_answers_or_logs(team, carrier, caplog):
    caplog.set_level(logging.DEBUG)
    gateway = configure(team, carrier)
    assert SECRET not in json.dumps(gateway) and gateway["has_secret"] is True
    with team.ctx(None) as ctx:
        stored = ctx.session.scalar(select(SmsGateway.secret))
    assert stored and SECRET not in stored
    template_id = template(team)
    customer = team.customer("华东电器", owner="rep1", phone="13800138000")
    carrier.status = 503
    send(team, "rep1", template_id, customer)
    # Changing other settings without the secret keeps it.
    body = {
        "gateway": "http",
        "config": {"endpoint": carrier.endpoint},
        "quiet_start": "00:00",
        "quiet_end": "00:00",
    }
    again = team.client("admin").post("/api/v1/sms/gateway", json=body).json()
    assert again["has_secret"] is True and SECRET not in json.dumps(again)
    assert SECRET not in team.client("admin").get("/api/v1/sms/gateway").text
    assert SECRET not in team.client("admin").get("/api/v1/sms/messages").text
    assert SECRET not in caplog.text


def test_the_log_gateway_accepts_and_logs_without_parameter_values(team, caplog):
    caplog.set_level(logging.INFO, logger="kht.sms")
    admin = team.client("admin")
    body = {"gateway": "log", "quiet_start": "00:00", "quiet_end": "00:00"}
    assert admin.post("/api/v1/sms/gateway", json=body).status_code == 200
    template_id = template(team)
    customer = team.customer("华东电器", owner="rep1", phone="13800138000")
    assert send(team, "rep1", template_id, customer).status_code == 202
    [message] = messages(team)
    assert message.status == "sent" and message.cost == 0
    assert "SMS_123456" in caplog.text and "华东电器" not in caplog.text


def test_the_gateway_secret_is_sealed_under_its_own_label_and_older_ones_still_read(team, carrier):
    from kht import crypto
    from kht.sms.service import gateway_secret

    configure(team, carrier)
    settings = team.runtime.settings
    with team.ctx(None) as ctx:
        row = ctx.session.scalar(select(SmsGateway))
        assert crypto.unseal(settings, row.secret, crypto.SMS_SECRET) == SECRET
        with pytest.raises(crypto.UnreadableSecret):
            crypto.unseal(settings, row.secret, crypto.MAIL_PASSWORD)
        # A secret saved before SMS had its own label (sealed as mail passwords are).
        row.secret = crypto.seal(settings, SECRET, crypto.MAIL_PASSWORD)
    with team.ctx(None) as ctx:
        assert gateway_secret(settings, ctx.session.scalar(select(SmsGateway.secret))) == SECRET
    customer = team.customer("华东电器", owner="rep1", phone="13800138000")
    assert send(team, "rep1", template(team), customer).status_code == 202
    [request] = carrier.requests
    assert request["Signature"] == aliyun_signature(request, SECRET)
