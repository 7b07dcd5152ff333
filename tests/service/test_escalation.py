"""SLA escalation through the automation engine: a breached deadline escalates once (the
worker looks every minute), a near breach warns before it, a paused ticket never escalates;
the actions notify the queue's team lead, raise the priority and reassign in the queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
import time_machine
from sqlalchemy import select

from kht.actions.models import Notification
from kht.automation.engine import tick
from kht.automation.models import Run
from kht.automation.schemas import RuleCreate
from kht.automation.service import create_rule
from tests.service.conftest import MONDAY_10


def rule(desk, trigger: str, actions: list[dict], deadline: str = "response") -> int:
    data = msgspec.convert(
        {
            "name": trigger,
            "kind": "ticket",
            "trigger": {"type": trigger, "params": {"deadline": deadline}},
            "actions": actions,
        },
        RuleCreate,
    )
    with time_machine.travel(MONDAY_10, tick=False), desk.ctx("admin") as ctx:
        return create_rule(ctx, data).id


def runs(desk, rule_id: int) -> list[tuple[int, str, str]]:
    with desk.ctx(None) as ctx:
        rows = ctx.session.scalars(select(Run).where(Run.rule_id == rule_id).order_by(Run.id))
        return [(r.record_id, r.occurrence, r.status) for r in rows]


def lead_notes(desk) -> list[str]:
    with desk.ctx(None) as ctx:
        query = select(Notification.title).where(Notification.user_id == desk.users["lead"])
        return list(ctx.session.scalars(query.order_by(Notification.id)))


def worker_at(desk, moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        tick(desk.runtime)


def test_a_breach_escalates_once_notifying_the_lead_raising_priority_and_reassigning(desk):
    actions = [
        {"type": "ticket_notify_team_lead", "params": {"title": "请跟进"}},
        {"type": "ticket_raise_priority", "params": {}},
        {"type": "ticket_reassign", "params": {}},
    ]
    rule_id = rule(desk, "ticket_sla_breached", actions)
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = desk.ticket(priority="high", queue_id=desk.queues["Hardware"])  # 1 h to respond
        quiet = desk.ticket(priority="high", queue_id=desk.queues["Hardware"])
        desk.client("admin").post(f"/api/v1/tickets/{quiet['id']}/replies", json={"body": "在处理"})
    assert ticket["owner_id"] == desk.users["svc1"]
    worker_at(desk, MONDAY_10 + timedelta(minutes=59))
    assert runs(desk, rule_id) == []
    for minutes in (61, 62, 90, 300):  # the worker keeps looking: still one run
        worker_at(desk, MONDAY_10 + timedelta(minutes=minutes))
    assert runs(desk, rule_id) == [(ticket["id"], "response", "done")]
    assert len(lead_notes(desk)) == 1 and ticket["number"] in lead_notes(desk)[0]
    after = desk.get(ticket["id"])
    assert after["priority"] == "urgent" and after["owner_id"] == desk.users["svc2"]


def test_near_breach_warns_first_and_a_waiting_ticket_never_escalates(desk):
    near = rule(desk, "ticket_sla_near_breach", [{"type": "ticket_notify_team_lead", "params": {}}])
    breach = rule(
        desk,
        "ticket_sla_breached",
        [{"type": "ticket_notify_team_lead", "params": {}}],
        deadline="resolution",
    )
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = desk.ticket(priority="normal", queue_id=desk.queues["Hardware"])  # 4 h respond
        waiting = desk.ticket(priority="urgent", queue_id=desk.queues["Hardware"])
        desk.client("admin").post(
            f"/api/v1/tickets/{waiting['id']}/replies", json={"body": "请补充", "wait": True}
        )
    worker_at(desk, MONDAY_10 + timedelta(hours=2, minutes=59))  # 61 min before the deadline
    assert runs(desk, near) == []
    worker_at(desk, MONDAY_10 + timedelta(hours=3, minutes=1))  # 59 min before it
    assert runs(desk, near) == [(ticket["id"], "near:response", "done")]
    # Days later: the waiting ticket's clock is stopped, so it has breached nothing.
    worker_at(desk, datetime(2026, 12, 10, 2, 0, tzinfo=UTC))
    assert [r[0] for r in runs(desk, breach)] == [ticket["id"]]
