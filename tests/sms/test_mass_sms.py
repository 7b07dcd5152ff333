"""Mass SMS to a segment through the fake carrier: the sender's records only, one message
per number, opt-outs and the per-number daily limit honoured, bad input named."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import func, select

from kht.sms.models import SmsMessage
from tests.sms.conftest import configure, send_now, template


def mass(team, login: str, **body):
    return team.client(login).post("/api/v1/sms/mass", json={"kind": "customer", **body})


def test_a_mass_sms_reaches_each_number_of_the_senders_records_once(team, carrier):
    configure(team, carrier)
    template_id = template(team)
    team.customer("甲", owner="rep1", phone="13800138001")
    team.customer("乙", owner="rep1", phone="138 0013 8002")
    team.customer("乙分部", owner="rep1", phone="+86 13800138002")  # the same number
    team.customer("丙", owner="rep1", phone="12345")  # not a number
    team.customer("丁", owner="rep1")  # no number
    team.customer("戊", owner="rep1", phone="13800138005")
    team.customer("己", owner="rep2", phone="13800138006")  # not rep1's
    assert team.client("admin").post(
        "/api/v1/sms/opt-outs", json={"number": "13800138005"}
    ).status_code in (200, 201)
    answer = mass(team, "rep1", template_id=template_id)
    assert answer.status_code == 202, answer.text
    assert answer.json() == {
        "records": 6,
        "queued": 2,
        "no_number": 1,
        "invalid": 1,
        "duplicate": 1,
        "opted_out": 1,
        "limited": 0,
        "failed": 0,
    }
    assert sorted(r["PhoneNumbers"] for r in carrier.requests) == ["13800138001", "13800138002"]
    send_now(team)
    assert len(carrier.requests) == 2  # nothing twice


def test_the_daily_limit_per_number_is_strict_and_resets_the_next_day(team, carrier):
    configure(team, carrier, per_number_per_day=2)
    template_id = template(team)
    customer = team.customer("甲", owner="rep1", phone="13800138001")
    body = {"template_id": template_id, "kind": "customer", "record_id": customer}
    client = team.client("rep1")
    # 15:59 UTC is 23:59 in Shanghai (the gateway's clock): the day ends a minute later.
    with time_machine.travel(datetime(2026, 12, 7, 15, 59, tzinfo=UTC), tick=False):
        assert client.post("/api/v1/sms/send", json=body).status_code == 202
        assert client.post("/api/v1/sms/send", json=body).status_code == 202
        third = client.post("/api/v1/sms/send", json=body)
        assert third.status_code == 422 and third.json()["field"] == "number"
        limited = mass(team, "rep1", template_id=template_id).json()
        assert (limited["queued"], limited["limited"]) == (0, 1)
    with time_machine.travel(datetime(2026, 12, 7, 16, 1, tzinfo=UTC), tick=False):
        assert client.post("/api/v1/sms/send", json=body).status_code == 202
    with team.ctx(None) as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(SmsMessage)) == 3


def test_bad_mass_sms_input_names_the_field(team, carrier):
    configure(team, carrier)
    team.customer("甲", owner="rep1", phone="13800138001")
    broken = template(team, name="坏", params={"name": "{{ customer.nothing }}"})
    view = team.client("rep2").post(
        "/api/v1/views", json={"kind": "customer", "name": "mine", "filters": []}
    )
    assert view.status_code in (200, 201), view.text
    cases = [
        ({"template_id": broken}, "params.name"),
        ({"template_id": 999999}, "template_id"),
        ({"template_id": template(team), "filters": ["nope:eq:1"]}, "filters"),
    ]
    good = cases[2][0]["template_id"]
    cases.append(({"template_id": good, "view_id": view.json()["id"]}, "view_id"))
    for body, field in cases:
        answer = mass(team, "rep1", **body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["field"] == field, (body, answer.text)
    assert carrier.requests == []
