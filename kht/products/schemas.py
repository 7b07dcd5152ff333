"""Product and price-list API types: money travels as decimal strings ("1234.50")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from kht.records.schemas import RecordOut, update_schema
from kht.types import Ext, Id

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
ListName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Unit = Annotated[str, msgspec.Meta(max_length=20)]
Category = Annotated[str, msgspec.Meta(max_length=100)]
Text = Annotated[str, msgspec.Meta(max_length=20000)]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]


class ProductCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new catalogue entry; `tax_rate` is a fraction (0.13 for 13 %)."""

    code: Code
    name: Name
    unit: Unit = ""
    category: Category = ""
    product_line_id: Id | None = None
    list_price: Decimal = Decimal("0.00")
    tax_rate: Decimal = Decimal("0.13")
    active: bool = True
    description: Text = ""
    ext: Ext = {}


ProductUpdate = update_schema(
    ProductCreate,
    "ProductUpdate",
    "A partial update; `version` is the one the client was shown (409 when stale).",
)


class ProductOut(RecordOut, kw_only=True):
    """A product as the API returns it."""

    code: str
    name: str
    unit: str
    category: str
    product_line_id: int | None
    list_price: Decimal
    tax_rate: Decimal
    active: bool
    description: str
    tags: list[str]
    deleted_at: datetime | None


class PriceListCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A price list for one customer category, or one branch, or (neither) everyone."""

    name: ListName
    currency: Currency = "CNY"
    valid_from: date | None = None
    valid_to: date | None = None
    customer_category_id: Id | None = None
    branch_id: Id | None = None
    active: bool = True
    description: Text = ""


PriceListUpdate = update_schema(
    PriceListCreate,
    "PriceListUpdate",
    "A partial update of a price list's heading; its items are replaced on their own.",
)


class ItemIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A product's price from `min_quantity` up."""

    product_id: Id
    price: Decimal
    min_quantity: Decimal = Decimal("1")


class ItemOut(msgspec.Struct, kw_only=True):
    id: int
    product_id: int
    product_code: str
    product_name: str
    price: Decimal
    min_quantity: Decimal


class PriceListOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    currency: str
    valid_from: date | None
    valid_to: date | None
    customer_category_id: int | None
    branch_id: int | None
    active: bool
    description: str
    version: int
    items: list[ItemOut]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class PriceOut(msgspec.Struct, kw_only=True):
    """The price a customer pays for a quantity on a date, and where it came from."""

    product_id: int
    customer_id: int | None
    quantity: Decimal
    date: date
    unit_price: Decimal
    currency: str
    tax_rate: Decimal
    source: str  # "price_list" or "list_price"
    price_list_id: int | None
    price_list_name: str | None
    matched_by: str  # "customer_category", "branch", "default" or "list_price"
