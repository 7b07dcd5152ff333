"""Service fixtures: an administrator, a team lead and service reps in two queues (Hardware:
svc1, svc2; Software: svc3), SLA policies, and helpers to make tickets through the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from litestar.testing import TestClient
from sqlalchemy import select

from kht.service.models import Ticket
from kht.testing import acting_as, add_user, bearer, runtime_of

STAFF = {
    "admin": ("administrator", "HQ"),
    "lead": ("service", "Service"),
    "svc1": ("service", "Service"),
    "svc2": ("service", "Service"),
    "svc3": ("service", "Service"),
}
# A Monday, 10:00 in Shanghai.
MONDAY_10 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@dataclass
class Desk:
    app: Any
    runtime: Any
    users: dict[str, int] = field(default_factory=dict)
    queues: dict[str, int] = field(default_factory=dict)

    def client(self, login: str) -> TestClient:
        client = TestClient(self.app)
        client.headers.update(bearer(self.runtime, login))
        return client

    def ctx(self, login: str | None) -> Any:
        return acting_as(self.runtime, login)

    def ticket(self, login: str = "admin", **body: Any) -> dict[str, Any]:
        payload = {"subject": "打印机卡纸", "priority": "normal", **body}
        response = self.client(login).post("/api/v1/tickets", json=payload)
        assert response.status_code == 201, response.text
        return response.json()

    def get(self, ticket_id: int, login: str = "admin") -> dict[str, Any]:
        response = self.client(login).get(f"/api/v1/tickets/{ticket_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def row(self, ticket_id: int) -> Ticket:
        with self.ctx(None) as ctx:
            found = ctx.session.scalar(select(Ticket).where(Ticket.id == ticket_id))
            ctx.session.expunge(found)
            return found


def build_desk(kht_app, **settings: Any) -> Desk:
    app = kht_app(**settings)
    desk = Desk(app=app, runtime=runtime_of(app))
    for login, (role, department) in STAFF.items():
        desk.users[login] = add_user(desk.runtime, login, role, department=department)
    admin = desk.client("admin")
    u = desk.users
    for name, members, strategy in (
        ("Hardware", ["svc1", "svc2"], "round_robin"),
        ("Software", ["svc3"], "manual"),
    ):
        body = {
            "name": name,
            "strategy": strategy,
            "lead_id": u["lead"],
            "member_ids": [u[m] for m in members],
        }
        response = admin.post("/api/v1/service/queues", json=body)
        assert response.status_code == 201, response.text
        desk.queues[name] = response.json()["id"]
    for priority, response_minutes, resolution_minutes in (
        ("normal", 4 * 60, 16 * 60),
        ("high", 60, 8 * 60),
        ("urgent", 30, 4 * 60),
    ):
        body = {
            "name": f"{priority} policy",
            "priority": priority,
            "first_response_minutes": response_minutes,
            "resolution_minutes": resolution_minutes,
        }
        response = admin.post("/api/v1/service/policies", json=body)
        assert response.status_code == 201, response.text
    return desk


@pytest.fixture
def desk(kht_app) -> Desk:
    with time_machine.travel(MONDAY_10, tick=False):
        return build_desk(kht_app)
