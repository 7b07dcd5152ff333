"""Service reports compute what happened: SLA attainment, average working hours to the
first reply, satisfaction per agent; a service rep's reports cover their queues only."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from kht.service import survey
from kht.service.models import Ticket
from kht.service.schemas import SurveyIn
from tests.service.conftest import MONDAY_10


def row_of(result: dict, key) -> dict:
    [row] = [r for r in result["rows"] if r["keys"][0] == key]
    measures = [m["key"] for m in result["measures"]]
    return dict(zip(measures, row["values"], strict=True))


def test_attainment_times_and_satisfaction(desk):
    hardware = desk.queues["Hardware"]
    with time_machine.travel(MONDAY_10, tick=False):
        fast = desk.ticket(priority="high", queue_id=hardware)  # svc1, 1 h to respond
        slow = desk.ticket(priority="high", queue_id=hardware)  # svc2
    with time_machine.travel(MONDAY_10 + timedelta(minutes=30), tick=False):
        desk.client("svc1").post(f"/api/v1/tickets/{fast['id']}/replies", json={"body": "好"})
    with time_machine.travel(MONDAY_10 + timedelta(hours=2), tick=False):
        desk.client("svc2").post(f"/api/v1/tickets/{slow['id']}/replies", json={"body": "晚了"})
        desk.client("svc1").post(
            f"/api/v1/tickets/{fast['id']}/move/resolved", json={"resolution": "ok"}
        )
    with desk.ctx(None) as ctx:
        ticket = ctx.session.get(Ticket, fast["id"])
        token = survey.link(ctx, ticket).rsplit("/", 1)[1]
        survey.answer(ctx, fast["id"], token, SurveyIn(score=4))
    admin = desk.client("admin")
    sla = admin.get("/api/v1/reports/service.sla_by_priority").json()
    high = row_of(sla, "high")
    assert (high["response_measured"], high["response_on_time"]) == (2, 1)
    assert float(high["response_rate"]) == 50.0
    times = row_of(admin.get("/api/v1/reports/service.times_by_agent").json(), desk.users["svc2"])
    assert float(times["avg_response"]) == 2.0
    happy = admin.get("/api/v1/reports/service.satisfaction_by_agent").json()
    assert float(row_of(happy, desk.users["svc1"])["avg_satisfaction"]) == 4.0
    # svc3 works Software only: Hardware's tickets are not in their reports.
    assert desk.client("svc3").get("/api/v1/reports/service.sla_by_priority").json()["rows"] == []
