"""Import test fixtures: a small company, clients per login, and real CSV / .xlsx files."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

import pytest
import xlsxwriter
from litestar.testing import TestClient
from sqlalchemy import select

from kht.auth.principal import load_principal
from kht.customers.models import Customer
from kht.testing import add_user, bearer, runtime_of

STAFF = {
    "boss": ("administrator", "HQ"),
    "mgr": ("sales_manager", "Sales/East"),
    "west": ("sales_manager", "Sales/West"),
    "rep": ("sales_rep", "Sales/East"),
}


@dataclass
class World:
    app: object
    runtime: object
    users: dict[str, int] = field(default_factory=dict)

    def client(self, login: str) -> TestClient:
        client = TestClient(self.app)
        client.headers.update(bearer(self.runtime, login))
        return client

    def ctx_as(self, login: str):
        """A service context acting as `login` (use as a context manager)."""
        runtime, user_id = self.runtime, self.users[login]

        class _Acting:
            def __enter__(self):
                self.manager = runtime.ctx()
                ctx = self.manager.__enter__()
                ctx.user = load_principal(ctx.session, user_id)
                return ctx

            def __exit__(self, *exc):
                return self.manager.__exit__(*exc)

        return _Acting()

    def customers(self) -> list[Customer]:
        with self.runtime.ctx() as ctx:
            query = select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.id)
            return list(ctx.session.scalars(query))

    def names(self) -> list[str]:
        return [c.name for c in self.customers()]


@pytest.fixture
def world(kht_app) -> World:
    app = kht_app()
    runtime = runtime_of(app)
    built = World(app=app, runtime=runtime)
    for login, (role, department) in STAFF.items():
        built.users[login] = add_user(runtime, login, role, department=department)
    return built


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("客户")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
            elif value is not None:
                sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def upload(client: TestClient, name: str, data: bytes, kind: str = "customer"):
    return client.post(
        "/api/v1/imports",
        files={"file": (name, data, "application/octet-stream")},
        data={"kind": kind},
    )


def run(client: TestClient, import_id: int, **options):
    return client.post(f"/api/v1/imports/{import_id}/run", json=options)


def add_field(world: World, name: str, type_: str, label_zh: str, label_en: str, **more) -> None:
    """An administrator-defined custom field on customers."""
    from kht.db.custom_fields import CustomField

    with world.runtime.ctx() as ctx:
        ctx.session.add(
            CustomField(
                kind=more.pop("kind", "customer"),
                name=name,
                type=type_,
                label_zh=label_zh,
                label_en=label_en,
                **more,
            )
        )
