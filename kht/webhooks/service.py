"""Webhook subscriptions: created, changed, tested and deleted by administrators, audited.

Every change is written to the audit log as kind `webhook` (never the secret). The signing
secret (`whsec_` + base64 of 32 random bytes, the Standard Webhooks form) is returned by
`create_subscription` only; it is kept to sign (an HMAC needs the secret itself, so it cannot
be hashed like a token), loaded only by the sender and never shown again. Deliveries are the
outbox's (`kht.webhooks.outbox`); its `enqueue` and `deliver`, and `record_as_api`, are part of
this module's public surface for other modules and plugins (an automation rule's "call a
webhook" action).
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

import msgspec
from sqlalchemy import func, select

from kht.audit.service import record_action
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Conflict, NotFound, ValidationError
from kht.webhooks import outbox
from kht.webhooks.catalogue import TEST_TYPE, body, record_as_api
from kht.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from kht.webhooks.net import check_url
from kht.webhooks.outbox import deliver, enqueue
from kht.webhooks.schemas import WebhookCreate, WebhookUpdate

KIND = "webhook"
SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks marker, not a secret
AUDITED = ("name", "url", "events", "kinds", "enabled")


def _admin(ctx: Ctx) -> None:
    require(ctx.user, "users", "admin")


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _check_kinds(ctx: Ctx, kinds: list[str]) -> list[str]:
    from kht.records import record_kinds

    known = record_kinds(ctx)
    for index, kind in enumerate(kinds):
        if kind not in known:
            raise ValidationError(
                f"kinds[{index}] must be one of {', '.join(sorted(known))}", f"kinds[{index}]"
            )
    return sorted(set(kinds))


def _checked_url(ctx: Ctx, url: str) -> str:
    check_url(url, ctx.settings.webhook_allow_hosts)
    return url.strip()


def create_subscription(ctx: Ctx, data: WebhookCreate) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret (the only time the secret leaves the service)."""
    _admin(ctx)
    secret = new_secret()
    row = WebhookSubscription(
        name=data.name.strip() or data.url,
        url=_checked_url(ctx, data.url),
        events=sorted(set(data.events)),
        kinds=_check_kinds(ctx, data.kinds),
        secret=secret,
        enabled=data.enabled,
        created_by_id=ctx.user_id,
        updated_by_id=ctx.user_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    outbox.forget_subscriptions(ctx)
    record_action(ctx, KIND, row.id, "create", {k: [None, getattr(row, k)] for k in AUDITED})
    return row, secret


def get_subscription(ctx: Ctx, webhook_id: int) -> WebhookSubscription:
    """One subscription, or NotFound (administrators only)."""
    _admin(ctx)
    row = ctx.session.get(WebhookSubscription, webhook_id)
    if row is None:
        raise NotFound(f"webhook {webhook_id} not found")
    return row


def list_subscriptions(ctx: Ctx) -> list[WebhookSubscription]:
    """Every subscription, by name (administrators only)."""
    _admin(ctx)
    query = select(WebhookSubscription).order_by(WebhookSubscription.name, WebhookSubscription.id)
    return list(ctx.session.scalars(query))


def _new_values(ctx: Ctx, data: WebhookUpdate) -> dict[str, Any]:
    values = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    values.pop("version")
    if "url" in values:
        values["url"] = _checked_url(ctx, values["url"])
    if "events" in values:
        values["events"] = sorted(set(values["events"]))
    if "kinds" in values:
        values["kinds"] = _check_kinds(ctx, values["kinds"])
    if "name" in values:
        values["name"] = values["name"].strip() or values.get("url", "")
        if not values["name"]:
            raise ValidationError("name is required", "name")
    return values


def update_subscription(ctx: Ctx, webhook_id: int, data: WebhookUpdate) -> WebhookSubscription:
    """Change a subscription (409 when `data.version` is stale). Enabling it again clears
    the failures that disabled it."""
    row = get_subscription(ctx, webhook_id)
    if data.version != row.version:
        raise Conflict("the webhook was changed by someone else; reload it", "version")
    changes = {}
    for key, value in _new_values(ctx, data).items():
        if getattr(row, key) != value:
            changes[key] = [getattr(row, key), value]
            setattr(row, key, value)
    if changes.get("enabled") == [False, True]:
        row.failures, row.disabled_at, row.disabled_reason = 0, None, ""
    if changes:
        row.updated_by_id = ctx.user_id
        ctx.session.flush()
        outbox.forget_subscriptions(ctx)
        record_action(ctx, KIND, row.id, "update", changes)
    return row


def delete_subscription(ctx: Ctx, webhook_id: int) -> None:
    """Delete a subscription with its deliveries and their log."""
    row = get_subscription(ctx, webhook_id)
    record_action(ctx, KIND, row.id, "purge", {"name": [row.name, None], "url": [row.url, None]})
    ctx.session.delete(row)
    ctx.session.flush()
    outbox.forget_subscriptions(ctx)


def send_test(ctx: Ctx, webhook_id: int) -> WebhookDelivery:
    """Queue a `webhook.test` message to the subscription (even a disabled one: it is how an
    administrator checks a receiver is back); the worker sends it after the commit."""
    row = get_subscription(ctx, webhook_id)
    data = {"webhook_id": row.id, "name": row.name, "sent_by": ctx.user_id}
    payload = body(TEST_TYPE, data, ctx.now())
    delivery = outbox.add(ctx, row.id, TEST_TYPE, payload, is_test=True)
    ctx.session.flush()
    return delivery


def deliveries(
    ctx: Ctx, webhook_id: int, *, page: int = 1, page_size: int = 50
) -> tuple[list[WebhookDelivery], dict[int, list[WebhookAttempt]], int]:
    """The delivery log of a subscription, newest first: one page of deliveries, the tries
    of each (newest first) and the total."""
    row = get_subscription(ctx, webhook_id)
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == row.id)
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    shown = ctx.session.scalars(
        query.order_by(WebhookDelivery.id.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    items = list(shown)
    tries: dict[int, list[WebhookAttempt]] = {item.id: [] for item in items}
    attempts = select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(list(tries)))
    for attempt in ctx.session.scalars(attempts.order_by(WebhookAttempt.id.desc())):
        tries[attempt.delivery_id].append(attempt)
    return items, tries, total


__all__ = [
    "create_subscription",
    "deliver",
    "deliveries",
    "delete_subscription",
    "enqueue",
    "get_subscription",
    "list_subscriptions",
    "new_secret",
    "record_as_api",
    "send_test",
    "update_subscription",
]
