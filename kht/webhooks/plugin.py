"""The webhooks module's hook implementations: events into the outbox, API, pages, menu."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem, PeriodicTask, admin_menu


@hookimpl
def kht_on_event(ctx: Any, event: Any) -> None:
    """Queue the event for the subscriptions to it, in the transaction of the change."""
    from kht.webhooks.outbox import on_event

    on_event(ctx, event)


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.webhooks.api import WebhookController
    from kht.webhooks.views import ROUTES

    return [WebhookController, *ROUTES]


def _retry_webhooks(runtime: Any) -> str:
    from kht.webhooks.outbox import run_deliveries

    return f"deliveries: {run_deliveries(runtime)}"


@hookimpl
def kht_register_periodic_tasks() -> list[PeriodicTask]:
    return [
        PeriodicTask(
            key="kht.retry_webhooks",
            cron="* * * * *",
            run=_retry_webhooks,
            description="webhook retries whose wait is over, and what a hand-over missed",
        )
    ]


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    return admin_menu(
        ctx,
        "users",
        key="admin_webhooks",
        label_zh="Webhook 推送",
        label_en="Webhooks",
        url="/admin/webhooks",
        icon="broadcast",
        order=840,
    )
