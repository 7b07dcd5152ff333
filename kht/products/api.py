"""Product and price-list JSON API: thin controllers over kht.products services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from kht.context import Ctx, RequestCtx
from kht.errors import ValidationError
from kht.products import pricing, service
from kht.products.models import PriceList, PriceListItem
from kht.products.schemas import (
    ItemIn,
    ItemOut,
    PriceListCreate,
    PriceListOut,
    PriceListUpdate,
    PriceOut,
)
from kht.records.schemas import out_of


def list_out(ctx: Ctx, price_list: PriceList) -> PriceListOut:
    items = pricing.items_of(ctx, price_list.id)
    names = service.product_names(ctx, {item.product_id for item in items})
    return out_of(PriceListOut, price_list, items=[item_out(item, names) for item in items])


def item_out(item: PriceListItem, names: dict[int, tuple[str, str]]) -> ItemOut:
    code, name = names.get(item.product_id, ("", ""))
    return out_of(ItemOut, item, product_code=code, product_name=name)


def _date(text: str, today: dt.date) -> dt.date:
    if not text:
        return today
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError("date must look like YYYY-MM-DD", "date") from None


@get("/api/v1/products/{product_id:int}/price", sync_to_thread=True, tags=["products"])
def price(
    ctx: RequestCtx,
    product_id: FromPath[int],
    customer_id: FromQuery[int | None] = None,
    quantity: FromQuery[str] = "1",
    date: FromQuery[str] = "",
) -> PriceOut:
    """The unit price for a customer, quantity and date (default today), and its source."""
    on = _date(date, ctx.today())
    found = pricing.price_for(ctx, product_id, customer_id, quantity, on)
    return out_of(
        PriceOut,
        found,
        product_id=product_id,
        customer_id=customer_id,
        quantity=Decimal(quantity.strip()),
        date=on,
    )


class PriceListController(Controller):
    path = "/api/v1/price-lists"
    tags = ["products"]

    @get("/", sync_to_thread=True)
    def list_price_lists(
        self, ctx: RequestCtx, deleted: FromQuery[bool] = False
    ) -> list[PriceListOut]:
        return [list_out(ctx, item) for item in pricing.list_price_lists(ctx, deleted=deleted)]

    @post("/", sync_to_thread=True)
    def create_price_list(self, ctx: RequestCtx, data: JSONBody[PriceListCreate]) -> PriceListOut:
        return list_out(ctx, pricing.create_price_list(ctx, data))

    @get("/{list_id:int}", sync_to_thread=True)
    def get_price_list(self, ctx: RequestCtx, list_id: FromPath[int]) -> PriceListOut:
        return list_out(ctx, pricing.get_price_list(ctx, list_id))

    @patch("/{list_id:int}", sync_to_thread=True)
    def update_price_list(
        self, ctx: RequestCtx, list_id: FromPath[int], data: JSONBody[PriceListUpdate]
    ) -> PriceListOut:
        return list_out(ctx, pricing.update_price_list(ctx, list_id, data))

    @delete("/{list_id:int}", sync_to_thread=True)
    def delete_price_list(self, ctx: RequestCtx, list_id: FromPath[int]) -> None:
        pricing.delete_price_list(ctx, list_id)

    @post("/{list_id:int}/restore", sync_to_thread=True)
    def restore_price_list(self, ctx: RequestCtx, list_id: FromPath[int]) -> PriceListOut:
        return list_out(ctx, pricing.restore_price_list(ctx, list_id))

    @post("/{list_id:int}/items", sync_to_thread=True)
    def set_item(self, ctx: RequestCtx, list_id: FromPath[int], data: JSONBody[ItemIn]) -> ItemOut:
        """Price a product from `min_quantity` up (the same tier again replaces its price)."""
        item = pricing.set_item(ctx, list_id, data)
        return item_out(item, service.product_names(ctx, {item.product_id}))

    @delete("/{list_id:int}/items/{item_id:int}", sync_to_thread=True)
    def remove_item(self, ctx: RequestCtx, list_id: FromPath[int], item_id: FromPath[int]) -> None:
        pricing.remove_item(ctx, list_id, item_id)


# The products' own API comes from their declaration (kht.records.api).
ROUTES = [price, PriceListController]
