"""The delivery JSON API: subscriptions to scheduled reports and dashboards, thin over
kht.delivery.service."""

from __future__ import annotations

from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody

from kht.context import RequestCtx
from kht.delivery import service
from kht.delivery.schemas import SubscriptionIn, SubscriptionOut


class SubscriptionController(Controller):
    path = "/api/v1/subscriptions"
    tags = ["reports"]

    @get("/", sync_to_thread=True)
    def list_subscriptions(self, ctx: RequestCtx) -> list[SubscriptionOut]:
        """The subscriptions the caller receives or set up (administrators: all)."""
        return service.subscriptions(ctx)

    @post("/", sync_to_thread=True)
    def create_subscription(
        self, ctx: RequestCtx, data: JSONBody[SubscriptionIn]
    ) -> SubscriptionOut:
        """Mail a report (or, without `report_key`, the recipient's dashboard) daily, weekly
        or monthly to the caller, a user or a role; each recipient gets their own data.
        Mailing others needs the right to create reports. An unknown report, user, role or
        frequency is a 422 naming it."""
        return service.subscribe(ctx, data)

    @delete("/{subscription_id:int}", sync_to_thread=True)
    def delete_subscription(self, ctx: RequestCtx, subscription_id: FromPath[int]) -> None:
        """End a subscription the caller receives or set up."""
        service.unsubscribe(ctx, subscription_id)


ROUTES = [SubscriptionController]
