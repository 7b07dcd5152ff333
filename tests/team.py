"""A small sales team (reps and a manager in Sales/East, one in the West) for pool, lifecycle,
merge and files tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from kht import record_service as records
from kht.audit.models import AuditEntry
from kht.context import Ctx
from kht.customers.service import SPEC
from kht.testing import acting_as, add_user, bearer, log_in, runtime_of

STAFF = {
    "admin": ("administrator", "HQ"),
    "east_mgr": ("sales_manager", "Sales/East"),
    "rep1": ("sales_rep", "Sales/East"),
    "rep2": ("sales_rep", "Sales/East"),
    "west_rep": ("sales_rep", "Sales/West"),
    "mkt": ("marketing", "Marketing"),
}


@dataclass
class Team:
    app: Any
    runtime: Any
    users: dict[str, int] = field(default_factory=dict)

    def client(self, login: str) -> TestClient:
        client = TestClient(self.app)
        client.headers.update(bearer(self.runtime, login))
        return client

    @contextmanager
    def browser(self, login: str) -> Iterator[TestClient]:
        """A client logged in as `login` through the login form, as the UI pages need."""
        with TestClient(self.app) as client:
            log_in(client, login)
            yield client

    @contextmanager
    def ctx(self, login: str | None) -> Iterator[Ctx]:
        """A service context acting as `login` (None: the system, as the worker runs)."""
        with acting_as(self.runtime, login) as ctx:
            yield ctx

    def audit(self, kind: str, record_id: int) -> list[AuditEntry]:
        """The audit rows of one record, newest first."""
        with self.ctx(None) as ctx:
            query = select(AuditEntry).where(
                AuditEntry.kind == kind, AuditEntry.record_id == record_id
            )
            return list(ctx.session.scalars(query.order_by(AuditEntry.id.desc())))

    def customer(self, name: str, owner: str | None = None, **values: Any) -> int:
        """A customer owned by `owner`, or waiting in the pool when `owner` is None."""
        with self.ctx("admin") as ctx:
            owner_id = self.users[owner] if owner else None
            record = records.create_record(ctx, SPEC, {"name": name, **values}, owner_id=owner_id)
            return record.id


def build_team(kht_app, **settings: Any) -> Team:
    app = kht_app(**settings)
    team = Team(app=app, runtime=runtime_of(app))
    for login, (role, department) in STAFF.items():
        team.users[login] = add_user(team.runtime, login, role, department=department)
    return team


@pytest.fixture
def team(kht_app) -> Team:
    return build_team(kht_app)
