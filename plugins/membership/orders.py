"""The core's orders as member purchases: an order placed for a member's customer is a
purchase (`order:<id>`, counted once); a cancelled or deleted order refunds what is left of
it. Runs inside the order's transaction, as the system (the rep placing the order needs no
membership rights)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kht.plugin_api import Ctx
from plugins.membership.schemas import TransactionCreate
from plugins.membership.service import (
    _refunded,
    member_of_customer,
    record_transaction,
    transaction_by_key,
)


def order_placed(ctx: Ctx, event: Any) -> None:
    member = member_of_customer(ctx, event.customer_id)
    amount = Decimal(event.amount or "0")
    if member is None or amount <= 0:
        return
    txn = record_transaction(
        ctx,
        TransactionCreate(
            member_id=member.id,
            external_id=f"order:{event.record_id}",
            amount=amount,
            channel="phone",
            store=member.home_store,
        ),
        system=True,
    )
    txn.order_id = event.record_id
    ctx.session.flush()


def order_withdrawn(ctx: Ctx, order_id: int) -> None:
    purchase = transaction_by_key(ctx, f"order:{order_id}")
    if purchase is None:
        return
    left = purchase.amount + _refunded(ctx, purchase.id)
    if left <= 0:
        return
    record_transaction(
        ctx,
        TransactionCreate(
            member_id=purchase.member_id,
            external_id=f"order:{order_id}:withdrawn",
            amount=left,
            refund_of=purchase.external_id,
        ),
        system=True,
    )
