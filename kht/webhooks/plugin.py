"""The webhooks module's hook implementations: events into the outbox, API, pages, menu."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem, admin_menu


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
