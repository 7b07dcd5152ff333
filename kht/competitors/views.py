"""Competitor pages (the shared record pages) and the Competitors block of an opportunity."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect

from kht import record_service as records
from kht.competitors import service
from kht.context import Ctx, RequestCtx
from kht.plugin_types import Panel, RecordPages

PAGES = RecordPages(
    form_fields=("name", "price_positioning", "products", "strengths", "weaknesses"),
    detail_fields=("price_positioning", "products", "strengths", "weaknesses", "updated_at"),
    list_filters=("price_positioning",),
)
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)


def opportunity_panel(ctx: Ctx, opportunity: Any) -> Panel:
    """The block on an opportunity's page: its competitors; add and remove when the user
    may edit the opportunity."""
    from kht.sales.opportunities.service import SPEC as OPPORTUNITIES

    names = service.competitor_names(ctx)
    linked = service.linked_ids(ctx, opportunity.id)
    can_edit = records.may_change(ctx, OPPORTUNITIES, opportunity)
    return Panel(
        key="competitors",
        title_zh="竞争对手",
        title_en="Competitors",
        template="competitors/panel.html",
        order=60,
        context={
            "opportunity_id": opportunity.id,
            "linked": [(i, names.get(i, f"#{i}")) for i in linked],
            "choices": [(i, n) for i, n in names.items() if i not in linked] if can_edit else [],
            "can_edit": can_edit,
        },
    )


def _chosen(data: dict[str, Any]) -> int:
    # Nothing chosen is 0, which the service refuses (422) after checking the opportunity:
    # out of scope stays a 404 whatever the form holds.
    value = str(data.get("competitor_id") or "").strip()
    return int(value) if value.isdigit() else 0


@post(
    "/opportunities/{opportunity_id:int}/competitors", sync_to_thread=True, include_in_schema=False
)
def add_to_opportunity(
    ctx: RequestCtx, opportunity_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    from kht.sales.opportunities.service import link_competitor

    link_competitor(ctx, opportunity_id, _chosen(data))
    return Redirect(f"/opportunities/{opportunity_id}", status_code=303)


@post(
    "/opportunities/{opportunity_id:int}/competitors/{competitor_id:int}/remove",
    sync_to_thread=True,
    include_in_schema=False,
)
def remove_from_opportunity(
    ctx: RequestCtx, opportunity_id: FromPath[int], competitor_id: FromPath[int]
) -> Redirect:
    from kht.sales.opportunities.service import unlink_competitor

    unlink_competitor(ctx, opportunity_id, competitor_id)
    return Redirect(f"/opportunities/{opportunity_id}", status_code=303)


ROUTES = [add_to_opportunity, remove_from_opportunity]
