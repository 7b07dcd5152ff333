"""The core's orders as member purchases (placed, cancelled, deleted), and the pack enabled
on a database with customers and orders, disabled (nothing lost) and enabled again."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import inspect, select

from kht.auth.principal import load_principal
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.sales.orders.schemas import OrderCreate, OrderUpdate
from kht.sales.orders.service import create_order, delete_order, get_order, update_order
from kht.sales.quotes.schemas import LineIn
from kht.testing import add_user, disable_plugin, enable_plugin
from plugins.membership import points, service
from plugins.membership.models import Member, Transaction
from plugins.membership.schemas import MemberCreate


def order(ctx, customer_id, amount):
    line = LineIn(description="商品", unit_price=Decimal(amount), tax_rate=Decimal(0))
    return create_order(ctx, OrderCreate(customer_id=customer_id, lines=[line])).id


def test_a_members_order_is_a_purchase_and_cancelling_it_refunds(club):
    m = club.member("王小明")
    customer = club.get(m).customer_id
    other = club.customer("非会员", owner="rep1")
    with club.on(login="rep1") as ctx:  # the rep has no say over points: the pack acts
        first = order(ctx, customer, "800")
        second = order(ctx, customer, "300")
        order(ctx, other, "999")  # no member: nothing
    got = club.get(m)
    assert (got.points_balance, got.purchase_count, got.total_spend) == (1100, 2, Decimal(1100))
    with club.on(login="east_mgr") as ctx:
        placed = get_order(ctx, first)
        update_order(ctx, first, OrderUpdate(version=placed.version, status="cancelled"))
        delete_order(ctx, second)
        delete_order(ctx, first)  # already refunded: nothing more
    with club.on() as ctx:
        rows = ctx.session.execute(
            select(Transaction.external_id, Transaction.amount, Transaction.order_id).order_by(
                Transaction.id
            )
        ).all()
        assert points.ledger_sum(ctx, m) == (0, 0)
    assert [(r[0], r[1]) for r in rows] == [
        (f"order:{first}", Decimal("800.00")),
        (f"order:{second}", Decimal("300.00")),
        (f"order:{first}:withdrawn", Decimal("-800.00")),
        (f"order:{second}:withdrawn", Decimal("-300.00")),
    ]
    assert rows[0][2] == first
    assert club.get(m).total_spend == Decimal(0)


def test_enable_on_a_database_with_data_disable_keeps_it_enable_again(kht_runtime):
    runtime = kht_runtime()
    admin = add_user(runtime, "admin", "administrator")
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        customer = create_customer(ctx, CustomerCreate(name="老客户", kind="person")).id
        order(ctx, customer, "500")
    assert "membership_members" not in inspect(runtime.engine).get_table_names()

    assert enable_plugin(runtime, "membership") == ["membership"]
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        assert [t.key for t in service.tiers(ctx)] == ["standard", "silver", "gold", "diamond"]
        member = service.create_member(ctx, MemberCreate(customer_id=customer)).id
        order(ctx, customer, "700")  # the old order is history; this one counts
        assert ctx.session.get(Member, member).points_balance == 700

    disable_plugin(runtime, "membership")
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        order(ctx, customer, "900")  # the pack is off: no purchase recorded
        assert ctx.session.get(Member, member).points_balance == 700  # the data stays
        assert "membership_member" not in {
            k
            for batch in ctx.hook.kht_register_record_kinds()
            for k in (item.kind for item in batch or [])
        }

    assert enable_plugin(runtime, "membership") == ["membership"]
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin)
        assert service.get_member(ctx, member).points_balance == 700
        assert len(service.tiers(ctx)) == 4  # seeded once, not again
