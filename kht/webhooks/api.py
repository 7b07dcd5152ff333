"""Webhook subscriptions JSON API (`/api/v1/webhooks`): thin over kht.webhooks.service."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody, Parameter

from kht.context import RequestCtx
from kht.records.schemas import out_of
from kht.webhooks import service
from kht.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from kht.webhooks.schemas import (
    AttemptOut,
    DeliveryOut,
    DeliveryPage,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookPage,
    WebhookUpdate,
)

PAGE = Parameter(ge=1, le=1_000_000, default=1)
PAGE_SIZE = Parameter(ge=1, le=200, default=50)


def webhook_out(row: WebhookSubscription) -> WebhookOut:
    return out_of(WebhookOut, row, events=list(row.events), kinds=list(row.kinds))


def delivery_out(row: WebhookDelivery, tries: list[WebhookAttempt]) -> DeliveryOut:
    return out_of(
        DeliveryOut,
        row,
        last_response_status=row.last_status_code,
        tries=[
            AttemptOut(
                at=t.at, response_status=t.status_code, duration_ms=t.duration_ms, error=t.error
            )
            for t in tries
        ],
    )


class WebhookController(Controller):
    path = "/api/v1/webhooks"
    tags = ["webhooks"]

    @get("/", sync_to_thread=True)
    def list_webhooks(
        self, ctx: RequestCtx, page: int = PAGE, page_size: int = PAGE_SIZE
    ) -> WebhookPage:
        """Every subscription (administrators); never their secrets."""
        rows = service.list_subscriptions(ctx)
        shown = rows[(page - 1) * page_size : page * page_size]
        items = [webhook_out(row) for row in shown]
        return WebhookPage(items=items, total=len(rows), page=page, page_size=page_size)

    @post("/", sync_to_thread=True)
    def create_webhook(self, ctx: RequestCtx, data: JSONBody[WebhookCreate]) -> WebhookCreated:
        """A new subscription; `secret` (`whsec_…`) signs its messages and is shown this once."""
        row, secret = service.create_subscription(ctx, data)
        return WebhookCreated(secret=secret, info=webhook_out(row))

    @get("/{webhook_id:int}", sync_to_thread=True)
    def get_webhook(self, ctx: RequestCtx, webhook_id: FromPath[int]) -> WebhookOut:
        """One subscription."""
        return webhook_out(service.get_subscription(ctx, webhook_id))

    @patch("/{webhook_id:int}", sync_to_thread=True)
    def update_webhook(
        self, ctx: RequestCtx, webhook_id: FromPath[int], data: JSONBody[WebhookUpdate]
    ) -> WebhookOut:
        """Change a subscription (409 when `version` is stale); `enabled: true` starts a
        disabled one again."""
        return webhook_out(service.update_subscription(ctx, webhook_id, data))

    @delete("/{webhook_id:int}", sync_to_thread=True)
    def delete_webhook(self, ctx: RequestCtx, webhook_id: FromPath[int]) -> None:
        """Delete a subscription with its delivery log."""
        service.delete_subscription(ctx, webhook_id)

    @post("/{webhook_id:int}/test", status_code=202, sync_to_thread=True)
    def send_test(self, ctx: RequestCtx, webhook_id: FromPath[int]) -> DeliveryOut:
        """Queue a signed `webhook.test` message; the worker sends it."""
        return delivery_out(service.send_test(ctx, webhook_id), [])

    @get("/{webhook_id:int}/deliveries", sync_to_thread=True)
    def list_deliveries(
        self,
        ctx: RequestCtx,
        webhook_id: FromPath[int],
        page: int = PAGE,
        page_size: int = PAGE_SIZE,
    ) -> DeliveryPage:
        """The delivery log, newest first: each message with its tries (status code,
        duration, error)."""
        items, tries, total = service.deliveries(ctx, webhook_id, page=page, page_size=page_size)
        out = [delivery_out(item, tries[item.id]) for item in items]
        return DeliveryPage(items=out, total=total, page=page, page_size=page_size)
