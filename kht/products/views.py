"""Product pages: the shared record pages (kht.recordpages) with the product lines, a
product's own page (the price lists that price it) and the price lists (pricing_views)."""

from __future__ import annotations

from typing import Any

import msgspec

from kht.context import Ctx
from kht.plugin_types import RecordAction, RecordPages
from kht.products import service
from kht.products.pricing_views import ROUTES


def _lines(ctx: Ctx) -> dict[str, dict[Any, str]]:
    """Product line names: for the list cells, the form's picker and the page."""
    return {"product_line_id": service.line_names(ctx)}


def _detail_context(ctx: Ctx, product: Any) -> dict[str, Any]:
    """The price lists that price the product (its own page, products/detail.html)."""
    from kht.products.pricing import lists_pricing

    if product is None:
        return {}
    line = service.line_names(ctx).get(product.product_line_id or 0, "—")
    return {"product": product, "line": line, "prices": lists_pricing(ctx, product.id)}


PAGES = RecordPages(
    list_actions=(
        RecordAction(
            key="price-lists", label_zh="价格表", label_en="Price lists", url="/price-lists"
        ),
    ),
    labels=_lines,
    detail_context=_detail_context,
    detail_template="products/detail.html",
)
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)

__all__ = ["ROUTES", "SPEC"]
