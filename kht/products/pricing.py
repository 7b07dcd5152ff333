"""Price lists and their items, and `price_for`: the price a customer pays on a date.

A price list applies to one customer category, or one branch, or (neither) to everyone,
between optional dates. For a customer, a quantity and a date, `price_for` takes the lists
that are active, valid that day and price the product at that quantity; a customer-category
list beats a branch list, which beats a default list; among equals the latest-starting list
wins (then the newest); inside a list the highest quantity tier reached. Without any, the
product's list price. A customer's branch is its owner's branch (the acting user's for a
customer in the shared pool, or when no customer is given).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import and_, false, or_, select

from kht import record_service as records
from kht.auth.models import User
from kht.auth.permissions import require
from kht.context import Ctx
from kht.customers.models import CustomerCategory
from kht.errors import NotFound, ValidationError
from kht.events import RecordUpdated
from kht.org.models import Branch
from kht.plugin_types import RecordKind
from kht.products import service as products
from kht.products.models import PriceList, PriceListItem, money_value
from kht.products.schemas import ItemIn, PriceListCreate, PriceListUpdate

KIND = "price_list"
RANKS = {"customer_category": 3, "branch": 2, "default": 1}


class Price(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of `price_for`."""

    unit_price: Decimal
    currency: str
    tax_rate: Decimal
    source: str
    matched_by: str
    price_list_id: int | None = None
    price_list_name: str | None = None


def _check(ctx: Ctx, values: dict[str, Any], current: PriceList | None = None) -> dict[str, Any]:
    """Name required; a list targets a category or a branch, not both; dates in order."""
    if isinstance(values.get("name"), str):
        values["name"] = values["name"].strip()
        if not values["name"]:
            raise ValidationError("name is required", "name")

    def final(key: str) -> Any:
        return values[key] if key in values else getattr(current, key, None)

    category, branch = final("customer_category_id"), final("branch_id")
    if category is not None and branch is not None:
        raise ValidationError(
            "a price list applies to a customer category or a branch, not both", "branch_id"
        )
    if category is not None and ctx.session.get(CustomerCategory, category) is None:
        raise ValidationError(
            f"customer category {category} does not exist", "customer_category_id"
        )
    if branch is not None and ctx.session.get(Branch, branch) is None:
        raise ValidationError(f"branch {branch} does not exist", "branch_id")
    start, end = final("valid_from"), final("valid_to")
    if start is not None and end is not None and end < start:
        raise ValidationError("valid_to is before valid_from", "valid_to")
    return values


def create_price_list(ctx: Ctx, data: PriceListCreate) -> PriceList:
    """A new (empty) price list; shared like products."""
    require(ctx.user, products.MODULE, "create")
    return records.create_record(ctx, SPEC, _check(ctx, records.changes_of(data)), owner_id=None)


def get_price_list(ctx: Ctx, list_id: int, *, deleted: bool = False) -> PriceList:
    """One price list, or NotFound."""
    return records.get_record(ctx, SPEC, list_id, deleted=deleted)


def list_price_lists(ctx: Ctx, *, deleted: bool = False) -> list[PriceList]:
    """Every price list, the latest-starting first."""
    require(ctx.user, products.MODULE, "view")
    query = records.visible(ctx, SPEC, deleted=deleted)
    order = (PriceList.valid_from.desc().nulls_last(), PriceList.id.desc())
    return list(ctx.session.scalars(query.order_by(*order)))


def update_price_list(ctx: Ctx, list_id: int, data: PriceListUpdate) -> PriceList:
    """Change a list's header; a stale `version` is a 409."""
    price_list = get_price_list(ctx, list_id)
    changes = _check(ctx, records.changes_of(data), price_list)
    return records.update_record(ctx, SPEC, price_list, data.version, changes)


def delete_price_list(ctx: Ctx, list_id: int) -> None:
    """Move a price list to the recycle bin (it no longer prices anything)."""
    records.delete_record(ctx, SPEC, get_price_list(ctx, list_id))


def restore_price_list(ctx: Ctx, list_id: int) -> PriceList:
    price_list = get_price_list(ctx, list_id, deleted=True)
    records.restore_record(ctx, SPEC, price_list)
    return price_list


def items_of(ctx: Ctx, list_id: int) -> list[PriceListItem]:
    """A list's items by product and quantity tier."""
    query = select(PriceListItem).where(PriceListItem.price_list_id == list_id)
    order = (PriceListItem.product_id, PriceListItem.min_quantity)
    return list(ctx.session.scalars(query.order_by(*order)))


def _quantity(value: Any, key: str = "min_quantity") -> Decimal:
    number = money_value(key, value)
    if number <= 0:
        raise ValidationError(f"{key} must be more than 0", key)
    return number


def _item_label(ctx: Ctx, item: PriceListItem) -> str:
    code = products.product_names(ctx, {item.product_id}).get(item.product_id, ("?", ""))[0]
    return f"item {code} ≥ {item.min_quantity}"


def _touched(ctx: Ctx, price_list: PriceList, label: str, old: Any, new: Any) -> None:
    """Bump the list's version and audit an item change on the list's history."""
    price_list.updated_by_id = ctx.user_id
    price_list.updated_at = ctx.now()
    ctx.session.flush()
    change = {label: [old, new]}
    ctx.fire(
        RecordUpdated(
            kind=KIND, record_id=price_list.id, user_id=ctx.user_id, changes=records.plain(change)
        )
    )


def set_item(ctx: Ctx, list_id: int, data: ItemIn) -> PriceListItem:
    """Price a product in a list from a quantity up (replaces that tier's price if present)."""
    require(ctx.user, products.MODULE, "edit")
    price_list = get_price_list(ctx, list_id)
    _live(ctx, data.product_id)
    price = money_value("price", data.price)
    minimum = _quantity(data.min_quantity)
    item = ctx.session.scalar(
        select(PriceListItem).where(
            PriceListItem.price_list_id == list_id,
            PriceListItem.product_id == data.product_id,
            PriceListItem.min_quantity == minimum,
        )
    )
    old = item.price if item is not None else None
    if item is None:
        item = PriceListItem(
            price_list_id=list_id, product_id=data.product_id, price=price, min_quantity=minimum
        )
        ctx.session.add(item)
    item.price = price
    ctx.session.flush()
    if old != price:
        _touched(ctx, price_list, _item_label(ctx, item), old, price)
    return item


def _live(ctx: Ctx, product_id: int) -> None:
    """A live product must have this id; else a 422 naming `product_id`."""
    try:
        products.get_product(ctx, product_id)
    except NotFound:
        raise ValidationError(f"product {product_id} does not exist", "product_id") from None


def remove_item(ctx: Ctx, list_id: int, item_id: int) -> None:
    """Take a price out of a list."""
    require(ctx.user, products.MODULE, "edit")
    price_list = get_price_list(ctx, list_id)
    item = ctx.session.get(PriceListItem, item_id)
    if item is None or item.price_list_id != list_id:
        raise NotFound(f"price list item {item_id} not found")
    label, old = _item_label(ctx, item), item.price
    ctx.session.delete(item)
    _touched(ctx, price_list, label, old, None)


def lists_pricing(ctx: Ctx, product_id: int) -> list[tuple[PriceList, PriceListItem]]:
    """Every live price list's tiers for one product (for the product's page)."""
    require(ctx.user, products.MODULE, "view")
    query = (
        select(PriceList, PriceListItem)
        .join(PriceListItem, PriceListItem.price_list_id == PriceList.id)
        .where(PriceListItem.product_id == product_id, PriceList.deleted_at.is_(None))
        .order_by(PriceList.id, PriceListItem.min_quantity)
    )
    return [(row[0], row[1]) for row in ctx.session.execute(query)]


# ---------------------------------------------------------------------------- pricing


def _branch_of(ctx: Ctx, owner_id: int | None) -> int | None:
    if owner_id is not None:
        return ctx.session.scalar(select(User.branch_id).where(User.id == owner_id))
    return getattr(ctx.user, "branch_id", None)


def _audience(ctx: Ctx, customer_id: int | None) -> tuple[int | None, int | None]:
    """(customer category, branch) a customer is priced by; 404 for customers out of scope."""
    if customer_id is None:
        return None, _branch_of(ctx, None)
    from kht.customers.service import get_customer

    customer = get_customer(ctx, customer_id)
    return customer.category_id, _branch_of(ctx, customer.owner_id)


def _match(category_id: int | None, branch_id: int | None) -> Any:
    default = and_(PriceList.customer_category_id.is_(None), PriceList.branch_id.is_(None))
    by_category = (
        PriceList.customer_category_id == category_id if category_id is not None else false()
    )
    by_branch = PriceList.branch_id == branch_id if branch_id is not None else false()
    return or_(by_category, by_branch, default)


def _matched_by(price_list: PriceList) -> str:
    if price_list.customer_category_id is not None:
        return "customer_category"
    return "branch" if price_list.branch_id is not None else "default"


def price_for(
    ctx: Ctx, product_id: int, customer_id: int | None, quantity: Any, on_date: date
) -> Price:
    """The unit price (before tax) of `quantity` of a product for a customer on a date.

    See the module docstring for the rules. Unknown or deleted products and customers out of
    the acting user's scope are 404; a quantity that is not more than 0 is a 422.
    """
    require(ctx.user, products.MODULE, "view")
    product = products.get_product(ctx, product_id)
    amount = _quantity(quantity, "quantity")
    category_id, branch_id = _audience(ctx, customer_id)
    query = (
        select(PriceListItem, PriceList)
        .join(PriceList, PriceList.id == PriceListItem.price_list_id)
        .where(
            PriceListItem.product_id == product.id,
            PriceListItem.min_quantity <= amount,
            PriceList.deleted_at.is_(None),
            PriceList.active,
            or_(PriceList.valid_from.is_(None), PriceList.valid_from <= on_date),
            or_(PriceList.valid_to.is_(None), PriceList.valid_to >= on_date),
            _match(category_id, branch_id),
        )
    )
    candidates = ctx.session.execute(query).all()
    if not candidates:
        return Price(
            unit_price=product.list_price,
            currency="CNY",
            tax_rate=product.tax_rate,
            source="list_price",
            matched_by="list_price",
        )
    item, chosen = max(
        candidates,
        key=lambda row: (
            RANKS[_matched_by(row[1])],
            row[1].valid_from or date.min,
            row[1].id,
            row[0].min_quantity,
        ),
    )
    return Price(
        unit_price=item.price,
        currency=chosen.currency,
        tax_rate=product.tax_rate,
        source="price_list",
        matched_by=_matched_by(chosen),
        price_list_id=chosen.id,
        price_list_name=chosen.name,
    )


SPEC = RecordKind(
    kind=KIND,
    model=PriceList,
    module=products.MODULE,
    label_zh="价格表",
    label_en="Price lists",
    open_filter=false,  # shared records: a hand-over never moves price lists
)

__all__ = [
    "SPEC",
    "Price",
    "create_price_list",
    "delete_price_list",
    "get_price_list",
    "items_of",
    "lists_pricing",
    "list_price_lists",
    "price_for",
    "remove_item",
    "restore_price_list",
    "set_item",
    "update_price_list",
]
