"""Turning entered lines into priced line values, for quotes and orders alike."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import msgspec
from sqlalchemy import delete, func, select

from kht.context import Ctx
from kht.customers.models import Customer
from kht.customers.service import scoped_query
from kht.errors import NotFound, ValidationError
from kht.products import service as products
from kht.products.pricing import price_for
from kht.records.schemas import out_of
from kht.sales.quotes.pricing import (
    Totals,
    check_money,
    check_quantity,
    check_rate,
    document_totals,
    line_figures,
)
from kht.sales.quotes.schemas import LineOut

MAX_LINES = 500
LINE_FIELDS = (
    "position",
    "product_id",
    "description",
    "unit",
    "quantity",
    "unit_price",
    "discount_rate",
    "tax_rate",
    "net",
    "tax",
    "total",
)


def visible_customer(ctx: Ctx, customer_id: int) -> Customer:
    """The customer of a quote or order: it must be in the caller's scope (else 422)."""
    customer = ctx.session.scalar(scoped_query(ctx).where(Customer.id == customer_id))
    if customer is None:
        raise ValidationError(f"customer {customer_id} not found", "customer_id")
    return customer


def check_contact(ctx: Ctx, contact_id: int | None, customer_id: int) -> None:
    """A contact given must be one of the customer's in the caller's scope (else 422)."""
    from kht.contacts.service import check_contact_of

    check_contact_of(ctx, contact_id, customer_id)


def check_opportunity(ctx: Ctx, opportunity_id: int | None, customer_id: int) -> None:
    """An opportunity given must be visible to the caller and be the same customer's."""
    if opportunity_id is None:
        return
    from kht.record_service import scoped
    from kht.sales.opportunities.models import Opportunity
    from kht.sales.opportunities.service import SPEC

    query = scoped(
        ctx,
        SPEC,
        select(Opportunity.customer_id).where(
            Opportunity.id == opportunity_id, Opportunity.deleted_at.is_(None)
        ),
    )
    found = ctx.session.scalar(query)
    if found is None:
        raise ValidationError(f"opportunity {opportunity_id} not found", "opportunity_id")
    if found != customer_id:
        raise ValidationError(
            f"opportunity {opportunity_id} belongs to another customer", "opportunity_id"
        )


def priced_lines(
    ctx: Ctx, customer_id: int, lines: Sequence[Any], on_date: date
) -> tuple[list[dict[str, Any]], int | None]:
    """Values of every line, priced; and the price list that priced them (if any).

    A line naming a product takes its description, unit and tax rate from the catalogue
    when not given, and its unit price from `price_for` (the customer's price list, the
    quantity tier, the date). Every bad value is a 422 naming `lines[i].<field>`.
    """
    if len(lines) > MAX_LINES:
        raise ValidationError(f"at most {MAX_LINES} lines", "lines")
    rows: list[dict[str, Any]] = []
    price_list_id: int | None = None
    for index, line in enumerate(lines):
        at = f"lines[{index}]"
        quantity = check_quantity(line.quantity, f"{at}.quantity")
        discount = check_rate(line.discount_rate, f"{at}.discount_rate")
        description, unit = line.description.strip(), line.unit.strip()
        unit_price, tax_rate = line.unit_price, line.tax_rate
        if line.product_id is not None:
            try:
                product = products.get_product(ctx, line.product_id)
            except NotFound:
                raise ValidationError(
                    f"product {line.product_id} does not exist", f"{at}.product_id"
                ) from None
            description = description or product.name
            unit = unit or product.unit
            if unit_price is None:
                price = price_for(ctx, product.id, customer_id, quantity, on_date)
                unit_price = price.unit_price
                price_list_id = price_list_id or price.price_list_id
            if tax_rate is None:
                tax_rate = product.tax_rate
        if not description:
            raise ValidationError(f"{at}.description is required", f"{at}.description")
        if unit_price is None:
            raise ValidationError(f"{at}.unit_price is required", f"{at}.unit_price")
        unit_price = check_money(unit_price, f"{at}.unit_price")
        tax_rate = check_rate(tax_rate if tax_rate is not None else "0", f"{at}.tax_rate")
        figures = line_figures(quantity, unit_price, discount, tax_rate)
        rows.append(
            {
                "position": index + 1,
                "product_id": line.product_id,
                "description": description[:300],
                "unit": unit[:20],
                "quantity": quantity,
                "unit_price": unit_price,
                "discount_rate": discount,
                "tax_rate": tax_rate,
                "net": figures.net,
                "tax": figures.tax,
                "total": figures.total,
            }
        )
    return rows, price_list_id


def lines_to_replace(changes: dict[str, Any], has_lines: bool) -> Any:
    """Take `lines` and `clear_lines` out of `changes`: the new lines, or UNSET to keep them.

    An empty list never removes a document's lines on its own: a broken form (its script
    never ran) posts no lines, and that must not destroy data.  `clear_lines: true` says
    "remove every line" explicitly (422 naming `lines` for an empty list without it, and
    for `clear_lines` beside lines to keep).
    """
    raw_lines = changes.pop("lines", msgspec.UNSET)
    if not changes.pop("clear_lines", False):
        if has_lines and raw_lines is not msgspec.UNSET and not raw_lines:
            raise ValidationError(
                "an empty lines list would remove every line; send clear_lines: true to do so",
                "lines",
            )
        return raw_lines
    if raw_lines:
        raise ValidationError("clear_lines removes every line: send it without lines", "lines")
    return []


def totals_of(rows: Sequence[Any]) -> Totals:
    """Totals of priced line values (dicts) or line rows."""

    class _Line:
        def __init__(self, row: Any) -> None:
            get = row.get if isinstance(row, dict) else lambda key: getattr(row, key)
            self.quantity = get("quantity")
            self.unit_price = get("unit_price")
            self.discount_rate = get("discount_rate")
            self.tax_rate = get("tax_rate")

    return document_totals(_Line(row) for row in rows)


def totals_values(totals: Totals) -> dict[str, Any]:
    return {
        "subtotal": totals.subtotal,
        "discount_total": totals.discount_total,
        "tax_total": totals.tax_total,
        "total": totals.total,
    }


def line_values(line: Any) -> dict[str, Any]:
    """A stored line's values, to copy it to another quote or order."""
    return {key: getattr(line, key) for key in LINE_FIELDS}


def lines_summary(rows: Sequence[Any]) -> str:
    """A short text of lines for the audit trail ("3 x AJ-6550 @ 168000.00; ...")."""
    parts = []
    for row in rows:
        get = row.get if isinstance(row, dict) else lambda key, r=row: getattr(r, key)
        parts.append(
            f"{get('quantity').normalize():f} x {get('description')} @ {get('unit_price')}"
        )
    return "; ".join(parts)


def next_number(ctx: Ctx, column: Any, prefix: str) -> str:
    """The next free `<prefix><6 digits>` after the highest stored one with that prefix.

    Call `lock_numbers` first: two creators must not read the same highest number (the
    unique index would refuse the second one's insert).
    """
    highest = ctx.session.scalar(select(func.max(column)).where(column.like(f"{prefix}%")))
    tail = highest[len(prefix) :] if highest else ""
    following = int(tail) + 1 if tail.isdigit() else 1
    return f"{prefix}{following:06d}"


def lock_numbers(ctx: Ctx, key: int) -> None:
    """Serialise number generation on PostgreSQL until the transaction ends.

    SQLite writers already hold the database's write lock (BEGIN IMMEDIATE).
    """
    if ctx.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text

        ctx.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


# Fields anyone may change on a quote or an order outside its service (bulk edits of custom
# fields, assignment, hand-over); everything else goes through the service's rules.
FREE_FIELDS = frozenset({"ext", "owner_id"})
WRITING = "kht.sales.document_write"


@contextmanager
def service_write(ctx: Ctx, kind: str, record_id: int) -> Iterator[None]:
    """Mark a write as made by the quote or order service (the `kht_validate` guard lets it
    through); generic writers such as bulk "set a field" may only touch FREE_FIELDS."""
    ctx.extra[WRITING] = (kind, record_id)
    try:
        yield
    finally:
        ctx.extra.pop(WRITING, None)


def guard_problems(ctx: Ctx, kind: str, record: Any, changes: dict[str, Any]) -> list[Any] | None:
    """Problems with a write to a quote or order that bypasses its service."""
    from kht.plugin_types import Problem

    if record is None or ctx.extra.get(WRITING) == (kind, record.id):
        return None
    locked = sorted(set(changes) - FREE_FIELDS)
    if not locked:
        return None
    return [
        Problem(field=name, message=f"change a {kind}'s {name} through its own page or API")
        for name in locked
    ]


def line_out(line: Any) -> LineOut:
    """A quote or order line as the API returns it (both carry the same priced columns)."""
    return out_of(LineOut, line)


def fresh(record: Any, version: int | None, noun: str) -> None:
    """409 naming `version` when a person acted on a stale version of a quote or order."""
    from kht.errors import Conflict

    if version is not None and version != record.version:
        raise Conflict(f"{noun} {record.id} was changed by someone else; reload it", "version")


def replace_lines(
    ctx: Ctx, record: Any, rows: list[dict[str, Any]], line_model: Any, key: str
) -> tuple[str, str]:
    """Put `rows` in place of a quote's or order's stored lines; the lines before and after
    as audit text."""
    column = getattr(line_model, key)
    before = lines_summary(stored_lines(ctx, line_model, column, record.id))
    ctx.session.execute(delete(line_model).where(column == record.id))
    ctx.session.add_all(line_model(**{key: record.id}, **row) for row in rows)
    ctx.session.flush()
    return before, lines_summary(rows)


def save_document(
    ctx: Ctx, spec: Any, record: Any, version: int | None, changes: dict[str, Any], lines: Any
) -> Any:
    """Write a quote's or order's changes as its service (`service_write`); when its lines
    changed (`lines`: the before and after of `replace_lines`) the version moves even if no
    column did, and the change of lines is audited."""
    from kht import record_service as records
    from kht.events import RecordUpdated

    before = record.version
    with service_write(ctx, spec.kind, record.id):
        records.update_record(ctx, spec, record, version, changes)
    old, new = lines
    if old != new:
        if record.version == before:
            record.updated_at = ctx.now()
            record.updated_by_id = ctx.user_id
            ctx.session.flush()
        ctx.fire(
            RecordUpdated(
                kind=spec.kind,
                record_id=record.id,
                user_id=ctx.user_id,
                changes={"lines": [old, new]},
            )
        )
    return record


def stored_lines(ctx: Ctx, line_model: Any, column: Any, record_id: int) -> list[Any]:
    """A quote's or order's stored lines in order (`column`: the line's key to it)."""
    query = select(line_model).where(column == record_id)
    return list(ctx.session.scalars(query.order_by(line_model.position, line_model.id)))


def documents_of(
    ctx: Ctx, query: Any, dated: Any, customer_id: int | None, opportunity_id: int | None
) -> list[Any]:
    """The quotes or orders of `query` (scoped) of one customer or one opportunity, newest
    (by the `dated` column) first."""
    model = query.column_descriptions[0]["entity"]
    if customer_id is not None:
        query = query.where(model.customer_id == customer_id)
    if opportunity_id is not None:
        query = query.where(model.opportunity_id == opportunity_id)
    return list(ctx.session.scalars(query.order_by(dated.desc(), model.id.desc())))
