"""The home page's scheduled-delivery form: mail me my dashboard (or stop a mail), thin over
kht.delivery.service."""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect

from kht.context import RequestCtx
from kht.delivery import service
from kht.delivery.schemas import SubscriptionIn


@post("/subscriptions", sync_to_thread=True, include_in_schema=False)
def subscribe_me(ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]) -> Redirect:
    """Mail the caller their dashboard (or a report, `report_key`) daily, weekly or monthly."""
    frequency = str(data.get("frequency") or "")
    key = str(data.get("report_key") or "")
    service.subscribe(ctx, SubscriptionIn(frequency=frequency, report_key=key))
    return Redirect("/", status_code=303)


@post("/subscriptions/{subscription_id:int}/end", sync_to_thread=True, include_in_schema=False)
def end_subscription(ctx: RequestCtx, subscription_id: FromPath[int]) -> Redirect:
    """Stop a mail the caller receives or set up."""
    service.unsubscribe(ctx, subscription_id)
    return Redirect("/", status_code=303)


ROUTES = [subscribe_me, end_subscription]
