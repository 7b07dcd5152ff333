"""Webhook pages (`/admin/webhooks`): subscriptions, the secret shown once, "send test" and
the delivery log; thin over kht.webhooks.service, administrators only."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from kht.auth.permissions import require
from kht.auth.views_account import field, no_store
from kht.context import Ctx, RequestCtx
from kht.errors import KhtError, ValidationError
from kht.records import record_kinds
from kht.web.i18n import N_
from kht.web.pages import render
from kht.webhooks import service
from kht.webhooks.catalogue import EVENT_TYPES, TEST_TYPE
from kht.webhooks.schemas import WebhookCreate, WebhookUpdate

PAGE = "/admin/webhooks"
NOTICES = {
    "saved": N_("The changes have been saved."),
    "deleted": N_("Deleted."),
    "test": N_("A test message is on its way; its delivery appears below."),
}
STATUSES = {
    "queued": N_("Queued"),
    "delivered": N_("Delivered"),
    "failed": N_("Failed"),
}
# Service and sender messages the pages can show, so the catalogue translates them.
MESSAGES = (
    N_("url must be an http or https URL"),
    N_("url must not contain a user name or password"),
    N_("url points to a private or local address"),
    N_("the webhook was changed by someone else; reload it"),
    N_("pick at least one event"),
    N_("name is required"),
    N_("the host name does not resolve"),
    N_("the host resolves to a private or local address"),
    N_("the receiver did not answer in time"),
    N_("the receiver could not be reached"),
    N_("the receiver did not accept the message"),
    N_("the receiver redirected (redirects are not followed)"),
    N_("Test message"),
)


def _many(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    return [str(v).strip() for v in (value if isinstance(value, list) else [value]) if v]


def _choices(ctx: Ctx) -> dict[str, Any]:
    """The event types and record kinds a subscription can pick, labelled."""
    kinds = sorted(
        ((kind, spec.label(ctx.language)) for kind, spec in record_kinds(ctx).items()),
        key=lambda item: item[1],
    )
    events = [(key, label) for key, (_, label) in EVENT_TYPES.items()]
    return {"event_choices": events, "kind_choices": kinds, "kind_labels": dict(kinds)}


def _form(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": field(data, "name"),
        "url": field(data, "url"),
        "events": _many(data, "events"),
        "kinds": _many(data, "kinds"),
        "enabled": bool(field(data, "enabled")),
    }


def _struct(values: dict[str, Any], schema: type[Any]) -> Any:
    """The form as the API's Struct: the same checks, the first problem named."""
    if not values.get("events"):
        raise ValidationError("pick at least one event", "events")
    try:
        return msgspec.convert(values, schema)
    except msgspec.ValidationError as exc:  # "Expected ... - at `$.url`"
        message, _, where = str(exc).partition(" - at `$.")
        raise ValidationError(message, where.rstrip("`") or "name") from None


def _list_page(request: Request, ctx: Ctx, **values: Any) -> Template:
    values.setdefault("form", {"events": [], "kinds": [], "enabled": True})
    return render(
        request,
        ctx,
        "webhooks/list.html",
        subscriptions=service.list_subscriptions(ctx),
        labels={key: label for key, (_, label) in EVENT_TYPES.items()},
        notice=NOTICES.get(request.query_params.get("done", "")),
        **_choices(ctx),
        **values,
    )


@get(PAGE, sync_to_thread=True, include_in_schema=False)
def webhooks_page(request: Request, ctx: RequestCtx) -> Template:
    """Every subscription with its state, and the form for a new one."""
    return _list_page(request, ctx)


@post(PAGE, sync_to_thread=True, include_in_schema=False)
def create_webhook(request: Request, ctx: RequestCtx, data: URLEncodedBody[dict]) -> Template:
    """Create a subscription; the answer shows its secret this once (kept out of caches)."""
    values = _form(data)
    try:
        row, secret = service.create_subscription(ctx, _struct(values, WebhookCreate))
    except KhtError as exc:
        ctx.session.rollback()
        return _list_page(request, ctx, status_code=exc.status, error=exc.message, form=values)
    return no_store(_detail_page(request, ctx, row.id, new_secret=secret))


def _detail_page(request: Request, ctx: Ctx, webhook_id: int, **values: Any) -> Template:
    row = service.get_subscription(ctx, webhook_id)
    items, tries, total = service.deliveries(ctx, webhook_id, page=1, page_size=50)
    form = values.pop("form", None) or {
        "name": row.name,
        "url": row.url,
        "events": row.events,
        "kinds": row.kinds,
        "enabled": row.enabled,
    }
    labels = {key: label for key, (_, label) in EVENT_TYPES.items()} | {
        TEST_TYPE: N_("Test message")
    }
    return render(
        request,
        ctx,
        "webhooks/detail.html",
        subscription=row,
        form=form,
        deliveries=[(item, tries[item.id]) for item in items],
        total=total,
        labels=labels,
        statuses=STATUSES,
        notice=NOTICES.get(request.query_params.get("done", "")),
        **_choices(ctx),
        **values,
    )


@get(f"{PAGE}/{{webhook_id:int}}", sync_to_thread=True, include_in_schema=False)
def webhook_page(request: Request, ctx: RequestCtx, webhook_id: FromPath[int]) -> Template:
    """One subscription: its settings, "send test" and its delivery log."""
    return _detail_page(request, ctx, webhook_id)


@post(f"{PAGE}/{{webhook_id:int}}", sync_to_thread=True, include_in_schema=False)
def save_webhook(
    request: Request, ctx: RequestCtx, webhook_id: FromPath[int], data: URLEncodedBody[dict]
) -> Template | Redirect:
    """Save the settings form; a refusal shows it again with what was typed."""
    values = _form(data)
    version = field(data, "version")
    try:
        if not version.isdigit():
            raise ValidationError("version must be a number", "version")
        update = _struct({**values, "version": int(version)}, WebhookUpdate)
        service.update_subscription(ctx, webhook_id, update)
    except KhtError as exc:
        ctx.session.rollback()
        return _detail_page(
            request, ctx, webhook_id, status_code=exc.status, error=exc.message, form=values
        )
    return Redirect(f"{PAGE}/{webhook_id}?done=saved", status_code=303)


@post(f"{PAGE}/{{webhook_id:int}}/test", sync_to_thread=True, include_in_schema=False)
def test_webhook(ctx: RequestCtx, webhook_id: FromPath[int]) -> Redirect:
    """The "send test" button."""
    service.send_test(ctx, webhook_id)
    return Redirect(f"{PAGE}/{webhook_id}?done=test", status_code=303)


@post(f"{PAGE}/{{webhook_id:int}}/delete", sync_to_thread=True, include_in_schema=False)
def delete_webhook(ctx: RequestCtx, webhook_id: FromPath[int]) -> Redirect:
    """Delete a subscription and its delivery log."""
    require(ctx.user, "users", "admin")
    service.delete_subscription(ctx, webhook_id)
    return Redirect(f"{PAGE}?done=deleted", status_code=303)


ROUTES = [webhooks_page, create_webhook, webhook_page, save_webhook, test_webhook, delete_webhook]
