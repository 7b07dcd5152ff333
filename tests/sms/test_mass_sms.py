"""Mass SMS to a segment through the worker's batches and the fake carrier: the sender's
records only, one message per number, the send's rate, quiet hours, opt-outs and the
per-number daily limit honoured, a worker that dies mid-batch resumed without duplicates,
figures per send, bad input named and permissions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from kht.sms import mass_batches
from kht.sms.models import SmsMessage
from kht.testing import add_user
from tests.sms.conftest import configure, template

# 10:00 in Shanghai (the gateway's clock): outside the default quiet hours.
MORNING = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)


def mass(team, login: str, **body):
    return team.client(login).post("/api/v1/sms/mass", json={"kind": "customer", **body})


def figures(team, send_id: int, login: str = "admin") -> dict:
    answer = team.client(login).get(f"/api/v1/sms/mass/{send_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def worker(team, now: datetime) -> int:
    """What the worker does every minute: prepare the due batches, send what is due."""
    runtime = team.runtime
    return mass_batches.run(runtime.engine, runtime.settings, runtime.plugins(), now)


def numbers(carrier) -> list[str]:
    return sorted(r["PhoneNumbers"] for r in carrier.requests)


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def test_a_mass_sms_reaches_each_number_of_the_senders_records_once(team, carrier, frozen):
    configure(team, carrier)
    template_id = template(team)
    team.customer("甲", owner="rep1", phone="13800138001")
    team.customer("乙", owner="rep1", phone="138 0013 8002")
    team.customer("乙分部", owner="rep1", phone="+86 13800138002")  # the same number
    team.customer("丙", owner="rep1", phone="12345")  # not a number
    team.customer("丁", owner="rep1")  # no number
    team.customer("戊", owner="rep1", phone="13800138005")
    team.customer("己", owner="rep2", phone="13800138006")  # not rep1's
    opted = team.client("admin").post("/api/v1/sms/opt-outs", json={"number": "13800138005"})
    assert opted.status_code in (200, 201)

    answer = mass(team, "rep1", template_id=template_id, name="双十二")

    assert answer.status_code == 202, answer.text
    send = answer.json()
    assert (send["name"], send["status"], send["rate_per_minute"]) == ("双十二", "preparing", 60)
    # The first batch is prepared and sent right after the request's commit.
    assert numbers(carrier) == ["13800138001", "13800138002"]
    worker(team, MORNING + timedelta(minutes=1))
    assert len(carrier.requests) == 2  # nothing twice
    stats = figures(team, send["id"])["stats"]
    assert stats == {
        **stats,
        "records": 6,
        "no_number": 1,
        "invalid": 1,
        "duplicate": 1,
        "recipients": 3,
        "pending": 0,
        "queued": 0,
        "sent": 2,
        "opted_out": 1,
        "limited": 0,
        "failed": 0,
    }
    assert figures(team, send["id"])["status"] == "done"
    # Receipts: delivered, with the carrier's fee.
    for request in carrier.accepted:
        carrier.receipts_url = ""
        gateway = team.client("admin").get("/api/v1/sms/gateway").json()
        posted = team.client("admin").post(gateway["receipts_path"], json=carrier.receipt(request))
        assert posted.status_code == 200
    stats = figures(team, send["id"])["stats"]
    assert (stats["sent"], stats["delivered"], stats["cost"]) == (2, 2, "0.0900")


def test_the_worker_sends_at_the_sends_rate_and_resumes_after_dying_mid_batch(
    team, carrier, frozen, monkeypatch
):
    configure(team, carrier)
    template_id = template(team)
    for i in range(5):
        team.customer(f"客户{i}", owner="rep1", phone=f"1380013810{i}")
    real = mass_batches.write_message
    calls = {"n": 0}

    def dies_on_the_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the worker was killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(mass_batches, "write_message", dies_on_the_second)
    send = mass(team, "rep1", template_id=template_id, rate_per_minute=2).json()
    # The first batch died half-way: its chunk rolled back, nothing went, nothing is lost.
    assert carrier.requests == []
    assert figures(team, send["id"])["stats"]["pending"] == 5
    monkeypatch.setattr(mass_batches, "write_message", real)

    worker(team, MORNING + timedelta(seconds=30))  # this minute's batch was taken already
    assert carrier.requests == []
    for minute in (1, 2, 3, 4):
        worker(team, MORNING + timedelta(minutes=minute))
        assert len(carrier.requests) == min(5, 2 * minute)
    assert numbers(carrier) == [f"1380013810{i}" for i in range(5)]  # each once
    with team.ctx(None) as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(SmsMessage)) == 5
    assert figures(team, send["id"])["status"] == "done"


def test_nothing_is_prepared_or_sent_in_the_quiet_hours(team, carrier):
    configure(team, carrier, quiet_start="21:00", quiet_end="08:00")
    template_id = template(team)
    team.customer("甲", owner="rep1", phone="13800138001")
    night = datetime(2026, 12, 8, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
    with time_machine.travel(night, tick=False):
        send = mass(team, "rep1", template_id=template_id).json()
        worker(team, night + timedelta(hours=1))
        assert carrier.requests == []
        assert figures(team, send["id"])["stats"]["pending"] == 1
    morning = datetime(2026, 12, 9, 0, 1, tzinfo=UTC)  # 08:01 in Shanghai
    worker(team, morning)
    assert numbers(carrier) == ["13800138001"]
    with team.ctx(None) as ctx:
        [message] = ctx.session.scalars(select(SmsMessage))
        assert message.created_at == morning  # counted on the day it went


def test_opt_outs_and_the_daily_limit_apply_when_each_batch_is_prepared(team, carrier, frozen):
    configure(team, carrier, per_number_per_day=1)
    template_id = template(team)
    for i in range(3):
        team.customer(f"客户{i}", owner="rep1", phone=f"1380013810{i}")
    # 13800138102 had today's one message already.
    single = {"template_id": template_id, "kind": "customer"}
    customer = team.customer("单发", owner="rep1", phone="13800138102")
    sent = team.client("rep1").post("/api/v1/sms/send", json={**single, "record_id": customer})
    assert sent.status_code == 202
    send = mass(team, "rep1", template_id=template_id, rate_per_minute=1).json()
    assert numbers(carrier) == ["13800138100", "13800138102"]
    # 13800138101 replies TD to something else before its batch: it gets nothing.
    gateway = team.client("admin").get("/api/v1/sms/gateway").json()
    reply = [{"phone_number": "13800138101", "content": "TD", "send_time": "2026-12-08 10:00:30"}]
    assert team.client("admin").post(gateway["replies_path"], json=reply).status_code == 200
    for minute in (1, 2, 3):
        worker(team, MORNING + timedelta(minutes=minute))
    assert numbers(carrier) == ["13800138100", "13800138102"]
    stats = figures(team, send["id"])["stats"]
    assert (stats["recipients"], stats["sent"], stats["opted_out"], stats["limited"]) == (
        3,
        1,
        1,
        1,
    )


def test_bad_input_names_the_field_and_others_sends_are_out_of_reach(team, carrier, frozen):
    configure(team, carrier)
    team.customer("甲", owner="rep1", phone="13800138001")
    team.customer("乙", owner="rep2")
    broken = template(team, name="坏", params={"name": "{{ customer.nothing }}"})
    good = template(team)
    view = team.client("rep2").post(
        "/api/v1/views", json={"kind": "customer", "name": "mine", "filters": []}
    )
    assert view.status_code in (200, 201), view.text
    cases = [
        ("rep1", {"template_id": broken}, "params.name"),
        ("rep1", {"template_id": 999999}, "template_id"),
        ("rep1", {"template_id": good, "filters": ["nope:eq:1"]}, "filters"),
        ("rep1", {"template_id": good, "view_id": view.json()["id"]}, "view_id"),
        ("rep1", {"template_id": good, "rate_per_minute": 0}, "rate_per_minute"),
        # The segment is empty of numbers: rep2's one customer has none.
        ("rep2", {"template_id": good}, "filters"),
        ("rep1", {"template_id": good, "campaign_id": 999999}, "campaign_id"),
    ]
    for login, body, field in cases:
        answer = mass(team, login, **body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["field"] == field, (body, answer.text)
    assert carrier.requests == []
    # Somebody without the SMS right may not send; another rep cannot see rep1's send.
    add_user(team.runtime, "svc", "service", department="Service")
    assert mass(team, "svc", template_id=good).status_code == 403
    send = mass(team, "rep1", template_id=good).json()
    assert team.client("rep2").get(f"/api/v1/sms/mass/{send['id']}").status_code == 404
    assert [s["id"] for s in team.client("rep2").get("/api/v1/sms/mass").json()["items"]] == []
    assert [s["id"] for s in team.client("east_mgr").get("/api/v1/sms/mass").json()["items"]] == [
        send["id"]
    ]
