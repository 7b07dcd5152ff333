"""The service demo: queues, policies and a ticket in every status, once."""

from __future__ import annotations

from sqlalchemy import func, select

from kht.demo import load_demo
from kht.service.models import STATUSES, Queue, Ticket, TicketEntry


def test_the_demo_has_queues_and_a_ticket_in_every_status_and_runs_twice(kht_runtime):
    runtime = kht_runtime()
    load_demo(runtime, size=0)
    load_demo(runtime, size=0)
    with runtime.ctx() as ctx:
        statuses = ctx.session.scalars(select(Ticket.status)).all()
        assert sorted(statuses) == sorted(STATUSES)
        assert ctx.session.scalar(select(func.count()).select_from(Queue)) == 2
        assert ctx.session.scalar(select(func.count()).select_from(TicketEntry)) >= 4
        resolved = ctx.session.scalar(select(Ticket).where(Ticket.status == "resolved"))
        assert resolved.resolution and resolved.survey_nonce
