"""A small sales team with customers, contacts and leads, and helpers to search as one of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from litestar.testing import TestClient

from kht import record_service as records
from kht.auth.principal import load_principal
from kht.contacts.models import Contact
from kht.context import Ctx
from kht.customers.models import Customer
from kht.leads.models import Lead
from kht.plugin_types import RecordKind
from kht.search import service
from kht.testing import add_user, bearer, runtime_of

# The listener only needs the records' events, so contacts and leads are made through the
# generic record service (their own services add rules that do not matter here).
KINDS = {
    "customer": RecordKind(
        kind="customer", model=Customer, module="customers", label_zh="客户", label_en="Customers"
    ),
    "contact": RecordKind(
        kind="contact", model=Contact, module="contacts", label_zh="联系人", label_en="Contacts"
    ),
    "lead": RecordKind(kind="lead", model=Lead, module="leads", label_zh="线索", label_en="Leads"),
}
# login -> (role, department)
STAFF = {
    "admin": ("administrator", "HQ"),
    "manager": ("sales_manager", "Sales"),
    "rep": ("sales_rep", "Sales/East"),
    "other_rep": ("sales_rep", "Sales/West"),
    "service": ("service", "Service"),
}


@dataclass
class Team:
    app: Any
    runtime: Any
    users: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def as_user(self, login: str | None) -> Iterator[Ctx]:
        with self.runtime.ctx() as ctx:
            if login is not None:
                ctx.user = load_principal(ctx.session, self.users[login])
            yield ctx

    def create(self, record_kind: str, login: str = "rep", **values: Any) -> int:
        with self.as_user(login) as ctx:
            return records.create_record(ctx, KINDS[record_kind], values).id

    def update(self, kind: str, record_id: int, login: str = "admin", **changes: Any) -> None:
        with self.as_user(login) as ctx:
            record = records.get_record(ctx, KINDS[kind], record_id)
            records.update_record(ctx, KINDS[kind], record, None, changes)

    def delete(self, kind: str, record_id: int) -> None:
        with self.as_user("admin") as ctx:
            records.delete_record(ctx, KINDS[kind], records.get_record(ctx, KINDS[kind], record_id))

    def restore(self, kind: str, record_id: int) -> None:
        with self.as_user("admin") as ctx:
            record = records.get_record(ctx, KINDS[kind], record_id, deleted=True)
            records.restore_record(ctx, KINDS[kind], record)

    def find(self, q: str, login: str = "admin", kind: str | None = None) -> list[str]:
        """Titles of the hits, best first."""
        with self.as_user(login) as ctx:
            hits, _ = service.search(ctx, q, kind=kind)
        return [hit.title for hit in hits]

    def client(self, login: str) -> TestClient:
        client = TestClient(self.app)
        client.headers.update(bearer(self.runtime, login))
        return client


@pytest.fixture
def team(kht_app) -> Team:
    app = kht_app()
    runtime = runtime_of(app)
    built = Team(app=app, runtime=runtime)
    for login, (role, department) in STAFF.items():
        built.users[login] = add_user(runtime, login, role, department=department)
    return built
