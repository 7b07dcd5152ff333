"""The duplicate lookups of an import are served by the expression indexes of migration 0009."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kht.customers.models import Customer
from kht.db.engine import is_sqlite
from kht.importing.kinds import key_sql


@pytest.mark.parametrize(
    ("field", "index"),
    [
        ("name", "ix_customers_key_name"),
        ("phone", "ix_customers_key_phone"),
        ("email", "ix_customers_key_email"),
    ],
)
def test_each_natural_key_lookup_uses_its_index(kht_runtime, field, index):
    runtime = kht_runtime()
    if not is_sqlite(runtime.engine):
        pytest.skip("SQLite's plan is stable on an empty table; PostgreSQL's is not")
    key = key_sql(field, getattr(Customer, field))
    query = select(Customer.id).where(key.in_(["a", "b"]))
    compiled = query.compile(runtime.engine, compile_kwargs={"render_postcompile": True})
    with runtime.engine.connect() as connection:
        plan = connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params.values())
        ).all()
    assert any(index in row[-1] for row in plan), plan
