"""Customer business rules: the only code that creates, changes or deletes customers."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import Select, func, or_, select

from kht.auth.permissions import require
from kht.auth.scope import restrict
from kht.context import Ctx
from kht.customers.models import Customer
from kht.customers.schemas import CustomerCreate, CustomerUpdate
from kht.db.custom_fields import validate_ext
from kht.errors import Conflict, NotFound, ValidationError
from kht.events import RecordCreated, RecordDeleted, RecordUpdated
from kht.fields import fields_for
from kht.plugin_types import Problem

KIND = "customer"
MODULE = "customers"
SORTABLE = {
    "name": Customer.name,
    "created_at": Customer.created_at,
    "updated_at": Customer.updated_at,
    "id": Customer.id,
}


def _check_plugins(ctx: Ctx, record: Customer | None, changes: dict[str, Any]) -> None:
    results = ctx.hook.kht_validate(ctx=ctx, kind=KIND, record=record, changes=changes)
    problems: list[Problem] = [p for batch in results if batch for p in batch]
    if problems:
        first = problems[0]
        message = "; ".join(f"{p.field}: {p.message}" for p in problems)
        raise ValidationError(message, first.field)


def create_customer(ctx: Ctx, data: CustomerCreate) -> Customer:
    """Create a customer owned by the acting user; validates custom fields and fires events."""
    require(ctx.user, MODULE, "create")
    values = msgspec.structs.asdict(data)
    values["ext"] = validate_ext(fields_for(ctx, KIND), {}, data.ext)
    values["name"] = data.name.strip()
    if not values["name"]:
        raise ValidationError("name is required", "name")
    _check_plugins(ctx, None, values)
    customer = Customer(
        **values, owner_id=ctx.user_id, created_by_id=ctx.user_id, updated_by_id=ctx.user_id
    )
    ctx.session.add(customer)
    ctx.session.flush()
    ctx.fire(
        RecordCreated(kind=KIND, record_id=customer.id, user_id=ctx.user_id, values=_plain(values))
    )
    return customer


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return msgspec.to_builtins(values)


def scoped_query(ctx: Ctx) -> Select[tuple[Customer]]:
    """Customers the acting user may see (not deleted): every read starts here."""
    query = select(Customer).where(Customer.deleted_at.is_(None))
    return restrict(query, ctx.user, Customer, MODULE)


def get_customer(ctx: Ctx, customer_id: int) -> Customer:
    """One customer in scope, or NotFound."""
    customer = ctx.session.scalar(scoped_query(ctx).where(Customer.id == customer_id))
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    return customer


def list_customers(
    ctx: Ctx, *, page: int = 1, page_size: int = 50, q: str = "", sort: str = "-updated_at"
) -> tuple[list[Customer], int]:
    """A page of customers in scope, filtered by `q` (name, phone, email) and sorted."""
    require(ctx.user, MODULE, "view")
    query = scoped_query(ctx)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(
            or_(Customer.name.like(like), Customer.phone.like(like), Customer.email.like(like))
        )
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    column = SORTABLE.get(sort.lstrip("-"))
    if column is None:
        raise ValidationError(f"sort must be one of: {', '.join(SORTABLE)}", "sort")
    order = column.desc() if sort.startswith("-") else column.asc()
    rows = ctx.session.scalars(
        query.order_by(order, Customer.id.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return list(rows), total


def update_customer(ctx: Ctx, customer_id: int, data: CustomerUpdate) -> Customer:
    """Apply a partial update; a stale `version` raises Conflict and changes nothing."""
    customer = get_customer(ctx, customer_id)
    require(ctx.user, MODULE, "edit")
    if data.version != customer.version:
        raise Conflict(f"customer {customer_id} was changed by someone else; reload it", "version")
    changes = {
        k: v
        for k, v in msgspec.structs.asdict(data).items()
        if v is not msgspec.UNSET and k != "version"
    }
    if "ext" in changes:
        changes["ext"] = validate_ext(fields_for(ctx, KIND), customer.ext, changes["ext"])
    _check_plugins(ctx, customer, changes)
    diff = {k: [getattr(customer, k), v] for k, v in changes.items() if getattr(customer, k) != v}
    for key, value in changes.items():
        setattr(customer, key, value)
    customer.updated_by_id = ctx.user_id
    ctx.session.flush()
    if diff:
        ctx.fire(
            RecordUpdated(
                kind=KIND, record_id=customer.id, user_id=ctx.user_id, changes=_plain(diff)
            )
        )
    return customer


def delete_customer(ctx: Ctx, customer_id: int) -> None:
    """Move a customer to the recycle bin."""
    customer = get_customer(ctx, customer_id)
    require(ctx.user, MODULE, "delete")
    customer.deleted_at = ctx.now()
    customer.updated_by_id = ctx.user_id
    ctx.session.flush()
    ctx.fire(RecordDeleted(kind=KIND, record_id=customer.id, user_id=ctx.user_id))
