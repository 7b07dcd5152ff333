"""Reading customer values: one customer's values with their parts, and the list columns
that show, filter, sort and report them (kht.value.customer computes them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select, type_coerce

from kht.context import Ctx
from kht.customers.models import Customer
from kht.db.base import Money
from kht.lists.engine import Column
from kht.value.customer import apply_pending, peer_fields
from kht.value.models import CustomerValue, CustomerValuePeers
from kht.value.schemas import CustomerValueOut

V, P = CustomerValue, CustomerValuePeers


def _model_of(value: Any, peers: Any) -> Any:
    """The average established value of the *other* customers of a class (None alone)."""
    others = (peers.established_total - value.established) / (peers.customers - 1)
    return type_coerce(case((peers.customers > 1, func.round(others, 2))), Money)


def _stored(expr: Any) -> Any:
    return (
        select(expr)
        .select_from(V)
        .outerjoin(P, P.peer_key == V.peer_key)
        .where(V.customer_id == Customer.id)
        .scalar_subquery()
    )


def value_columns(ctx: Ctx) -> list[Column]:
    """The customer list's value columns: shown, filtered, sorted and summed in reports."""
    model = _model_of(V, P)
    return [
        Column(key=key, label_zh=zh, label_en=en, type="number", expr=_stored(expr))
        for key, zh, en, expr in (
            ("value_established", "既成价值", "Established value", V.established),
            ("value_potential", "潜在价值", "Potential value", V.potential),
            ("value_model", "模型价值", "Model value", model),
            (
                "value_hidden",
                "隐藏潜力",
                "Hidden potential",
                type_coerce(model - V.established, Money),
            ),
        )
    ]


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def value_of(ctx: Ctx, customer_id: int) -> CustomerValueOut:
    """A customer's values with their parts; the customer must be in the reader's scope
    (else NotFound). Not computed yet: zeros and `computed_at` None."""
    from kht.customers.service import get_customer

    get_customer(ctx, customer_id)
    apply_pending(ctx)
    query = (
        select(V, P.customers, _model_of(V, P))
        .outerjoin(P, P.peer_key == V.peer_key)
        .where(V.customer_id == customer_id)
    )
    row = ctx.session.execute(query).first()
    fields = peer_fields(ctx)
    if row is None:
        zero = "0.00"
        return CustomerValueOut(
            customer_id=customer_id, established=zero, received=zero, receivable=zero,
            orders=0, potential=zero, pipeline=zero, weighted=zero, wallet=None,
            wallet_gap=zero, model=None, peers=0, hidden=None, peer_fields=fields,
            computed_at=None,
        )  # fmt: skip
    value, members, model = row
    return CustomerValueOut(
        customer_id=customer_id,
        established=_text(value.established),
        received=_text(value.received),
        receivable=_text(value.established - value.received),
        orders=value.orders,
        potential=_text(value.potential),
        pipeline=_text(value.pipeline),
        weighted=_text(value.weighted),
        wallet=_text(value.wallet),
        wallet_gap=_text(value.wallet_gap),
        model=_text(model),
        peers=max((members or 1) - 1, 0),
        hidden=None if model is None else _text(model - value.established),
        peer_fields=fields,
        computed_at=value.computed_at,
    )
