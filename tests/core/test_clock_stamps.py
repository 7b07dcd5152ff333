"""Default times of rows come from the context's clock (`ctx.now()`), not the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from kht.audit.models import AuditEntry
from kht.auth.principal import load_principal
from kht.customers.models import Customer
from kht.customers.schemas import CustomerCreate, CustomerUpdate
from kht.customers.service import create_customer, get_customer, update_customer
from kht.testing import add_user

FROZEN = datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)


def test_created_and_updated_at_follow_a_frozen_clock(kht_runtime):
    runtime = kht_runtime()
    rep = add_user(runtime, "rep", "sales_rep")
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, rep)
        ctx.clock = lambda: FROZEN
        customer_id = create_customer(ctx, CustomerCreate(name="冻结时钟公司")).id
    later = FROZEN + timedelta(days=2)
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, rep)
        ctx.clock = lambda: later
        version = get_customer(ctx, customer_id).version
        update_customer(ctx, customer_id, CustomerUpdate(version=version, notes="两天后"))
    with runtime.ctx() as ctx:
        customer = ctx.session.get(Customer, customer_id)
        audit = select(AuditEntry.at).where(
            AuditEntry.kind == "customer", AuditEntry.record_id == customer_id
        )
        entries = ctx.session.scalars(audit.order_by(AuditEntry.id)).all()
    assert (customer.created_at, customer.updated_at) == (FROZEN, later)
    assert entries == [FROZEN, later]


def test_without_a_frozen_clock_rows_get_the_current_time(kht_runtime):
    runtime = kht_runtime()
    rep = add_user(runtime, "rep", "sales_rep")
    before = datetime.now(UTC)
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, rep)
        customer = create_customer(ctx, CustomerCreate(name="现在公司"))
        ctx.session.flush()
        assert before <= customer.created_at <= datetime.now(UTC)
