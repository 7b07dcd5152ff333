"""Customer value (客户价值): every customer's established, potential and model value.

- **Established** value: what the customer has bought — the totals of its orders that are
  not cancelled (with what of it has been received, and how many orders).
- **Potential** value: the open pipeline weighted by its stages' probabilities, plus the
  gap between the wallet an administrator estimates for the customer's category
  (`customer_categories.wallet`) and what is bought or weighted already (never below 0).
- **Model** value: the average established value of the *other* customers of its class
  (same category and the same values of the similarity fields an administrator picks,
  e.g. industry, size, region), so `model - established` shows potential the customer's
  own history hides. No other customer in the class: no model value.

Computed set-based — one INSERT … SELECT over grouped orders and opportunities — into
`customer_values`, with `customer_value_peers` holding each class's count and total so a
model value is one row to read. Kept up to date by the order, payment, opportunity and
customer events (kht.value.plugin) for the customers they touch, and recomputed whole
every night (task `kht.customer_value`) and when an administrator changes a wallet or the
similarity fields. Values are the same whoever looks; reading them goes through the
reader's scope (a customer they may not see is a 404).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, String, case, cast, delete, func, insert, literal, select
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kht.auth.permissions import require
from kht.context import Ctx
from kht.customers.models import Customer, CustomerCategory
from kht.errors import ValidationError
from kht.lists.engine import Column
from kht.sales.opportunities.models import Opportunity
from kht.sales.orders.models import Order
from kht.value.models import CustomerValue, CustomerValuePeers

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# Field types that name a class of customers (a date or free number would make classes of one).
PEER_TYPES = ("choice", "text", "ref", "boolean")
MAX_PEER_FIELDS = 5
# The list columns kht.value adds to the customer list (and so to filters and reports).
COLUMN_KEYS = ("value_established", "value_potential", "value_model", "value_hidden")


# ---------------------------------------------------------------------------- similarity


def peer_fields(ctx: Ctx) -> list[str]:
    """The list columns that, with the category, make customers similar (company setting)."""
    from kht.org.company import current

    return list(current(ctx).value_peer_fields or [])


def _customer_columns(ctx: Ctx) -> dict[str, Column]:
    from kht.customers.service import SPEC

    return SPEC.columns(ctx)


def similarity_choices(ctx: Ctx) -> list[tuple[str, str]]:
    """(key, label) of the customer fields an administrator may pick as similarity fields:
    choices, references, yes/no and the custom and packs' fields (industry, size, region)."""
    return [
        (key, column.label(ctx.language))
        for key, column in _customer_columns(ctx).items()
        if column.expr is not None
        and column.type in PEER_TYPES
        and key not in (*COLUMN_KEYS, "category_id", "id", "tag")
        and (column.type != "text" or key.startswith("ext.") or key == "source")
    ]


def check_peer_fields(ctx: Ctx, fields: Iterable[str]) -> list[str]:
    """The similarity fields, checked: customer list columns of a kind that names a class
    (choice, text, reference, yes/no), at most five; a bad one is a 422 naming it."""
    columns, found = _customer_columns(ctx), []
    for index, key in enumerate(fields):
        column = columns.get(key)
        where = f"peer_fields[{index}]"
        if column is None or column.expr is None or key in COLUMN_KEYS:
            raise ValidationError(f"unknown customer field {key!r}", where)
        if column.type not in PEER_TYPES:
            raise ValidationError(f"{key!r} is a {column.type} field: it makes no class", where)
        if key != "category_id" and key not in found:
            found.append(key)
    if len(found) > MAX_PEER_FIELDS:
        raise ValidationError(f"at most {MAX_PEER_FIELDS} similarity fields", "peer_fields")
    return found


def set_peer_fields(ctx: Ctx, fields: list[str]) -> list[str]:
    """Change the similarity fields (administrators of customers) and recompute every
    customer's class; returns the fields kept."""
    from kht.org.company import _stored

    require(ctx.user, "customers", "admin")
    checked = check_peer_fields(ctx, fields)
    _stored(ctx).value_peer_fields = checked
    ctx.session.flush()
    recompute_all(ctx)
    return checked


def count(ctx: Ctx) -> int:
    """How many customers have values."""
    return int(ctx.session.scalar(select(func.count()).select_from(CustomerValue)) or 0)


def _peer_key(ctx: Ctx) -> Any:
    """The SQL text naming a customer's class: its category and similarity fields' values."""
    columns = _customer_columns(ctx)
    parts = [Customer.category_id] + [columns[k].expr for k in peer_fields(ctx) if k in columns]
    key: Any = literal("")
    for index, part in enumerate(parts):
        text = func.coalesce(cast(part, String), "")
        key = text if index == 0 else key + "|" + text
    return func.substr(key, 1, 500)


# ---------------------------------------------------------------------------- computing


def _bought() -> Any:
    return (
        select(
            Order.customer_id.label("customer_id"),
            func.sum(Order.total).label("total"),
            func.sum(Order.paid_total).label("paid"),
            func.count().label("orders"),
        )
        .where(Order.deleted_at.is_(None), Order.status != "cancelled")
        .group_by(Order.customer_id)
    )


def _open_pipeline() -> Any:
    return (
        select(
            Opportunity.customer_id.label("customer_id"),
            func.sum(Opportunity.amount).label("amount"),
            func.sum(Opportunity.amount * Opportunity.probability / 100).label("weighted"),
        )
        .where(Opportunity.deleted_at.is_(None), Opportunity.status == "open")
        .group_by(Opportunity.customer_id)
    )


def _money(value: Any) -> Any:
    return func.round(func.coalesce(value, 0), 2)


def _values(ctx: Ctx, where: Any) -> Select[Any]:
    """One row per live customer matching `where` (None: all) with its values, in the
    columns of `customer_values`."""
    bought, pipeline = _bought(), _open_pipeline()
    if where is not None:
        ids = select(Customer.id).where(where)
        bought = bought.where(Order.customer_id.in_(ids))
        pipeline = pipeline.where(Opportunity.customer_id.in_(ids))
    o, p = bought.subquery(), pipeline.subquery()
    established, weighted = _money(o.c.total), _money(p.c.weighted)
    gap = CustomerCategory.wallet - established - weighted
    wallet_gap = case((gap > 0, func.round(gap, 2)), else_=0)
    query = (
        select(
            Customer.id,
            established,
            _money(o.c.paid),
            func.coalesce(o.c.orders, 0),
            _money(p.c.amount),
            weighted,
            CustomerCategory.wallet,
            wallet_gap,
            weighted + wallet_gap,
            _peer_key(ctx),
            literal(ctx.now()),
        )
        .outerjoin(o, o.c.customer_id == Customer.id)
        .outerjoin(p, p.c.customer_id == Customer.id)
        .outerjoin(CustomerCategory, CustomerCategory.id == Customer.category_id)
        .where(Customer.deleted_at.is_(None))
    )
    return query if where is None else query.where(where)


STORED = (
    "customer_id",
    "established",
    "received",
    "orders",
    "pipeline",
    "weighted",
    "wallet",
    "wallet_gap",
    "potential",
    "peer_key",
    "computed_at",
)


def _classes(ctx: Ctx, where: Any) -> list[tuple[str, int, Decimal]]:
    """(peer key, customers, established total) of the stored values matching `where`."""
    query = select(
        CustomerValue.peer_key, func.count(), func.coalesce(func.sum(CustomerValue.established), 0)
    ).group_by(CustomerValue.peer_key)
    if where is not None:
        query = query.where(where)
    return [(k, int(n), Decimal(str(total))) for k, n, total in ctx.session.execute(query)]


def _add_to_classes(ctx: Ctx, rows: list[tuple[str, int, Decimal]], sign: int) -> None:
    """Add (or, with sign -1, take away) customers and their value to their classes, as
    one upsert per class (concurrent changes of one class add up, none is lost)."""
    make = pg_insert if ctx.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = CustomerValuePeers.__table__
    for key, count, total in rows:
        statement = make(table).values(
            peer_key=key, customers=sign * count, established_total=sign * total
        )
        ctx.session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.peer_key],
                set_={
                    "customers": table.c.customers + statement.excluded.customers,
                    "established_total": table.c.established_total
                    + statement.excluded.established_total,
                },
            )
        )


def refresh(ctx: Ctx, customer_ids: Iterable[int]) -> None:
    """Recompute the values of these customers (inside the caller's transaction), and move
    their difference into their classes' totals."""
    ids = sorted({int(i) for i in customer_ids if i is not None})
    if not ids:
        return
    ctx.session.flush()
    mine = CustomerValue.customer_id.in_(ids)
    _add_to_classes(ctx, _classes(ctx, mine), -1)
    ctx.session.execute(delete(CustomerValue).where(mine))
    table = CustomerValue.__table__
    rows = _values(ctx, Customer.id.in_(ids))
    ctx.session.execute(insert(table).from_select([table.c[k] for k in STORED], rows))
    _add_to_classes(ctx, _classes(ctx, mine), 1)


def recompute_all(ctx: Ctx, where: Any = None) -> int:
    """Recompute every customer's values (or those matching `where`, a clause on Customer)
    set-based; returns how many customers have values."""
    if where is not None:
        ids = list(ctx.session.scalars(select(Customer.id).where(where)))
        refresh(ctx, ids)
        return len(ids)
    ctx.session.flush()
    ctx.session.execute(delete(CustomerValue))
    ctx.session.execute(delete(CustomerValuePeers))
    table = CustomerValue.__table__
    ctx.session.execute(insert(table).from_select([table.c[k] for k in STORED], _values(ctx, None)))
    peers = select(
        CustomerValue.peer_key, func.count(), func.coalesce(func.sum(CustomerValue.established), 0)
    ).group_by(CustomerValue.peer_key)
    target = CustomerValuePeers.__table__
    ctx.session.execute(
        insert(target).from_select(["peer_key", "customers", "established_total"], peers)
    )
    return count(ctx)


def run_nightly(runtime: Any) -> str:
    """The worker's nightly recomputation (periodic task `kht.customer_value`)."""
    with runtime.ctx() as ctx:
        count = recompute_all(ctx)
    return f"customer values: {count}"


# ---------------------------------------------------------------------------- keeping in step

_PENDING = "kht.value.customer.pending"  # ctx.extra: customers whose values are stale


def defer(ctx: Ctx, customer_ids: Iterable[int]) -> None:
    """Mark customers' values stale; they are recomputed together just before the
    transaction commits (an import of a thousand rows is one set-based refresh, not a
    thousand), or when read in the same transaction (`apply_pending`)."""
    pending: set[int] | None = ctx.extra.get(_PENDING)
    if pending is None:
        pending = ctx.extra[_PENDING] = set()
        found = pending
        sa_event.listen(ctx.session, "before_commit", lambda _session: apply_pending(ctx))
        sa_event.listen(ctx.session, "after_rollback", lambda _session: found.clear())
    pending.update(int(i) for i in customer_ids if i is not None)


def apply_pending(ctx: Ctx) -> None:
    """Recompute the customers marked stale in this transaction (if any)."""
    pending: set[int] | None = ctx.extra.get(_PENDING)
    if pending:
        ids = list(pending)
        pending.clear()
        refresh(ctx, ids)
