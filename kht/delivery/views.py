"""Scheduled delivery in the UI, thin over kht.delivery.service: subscribe me (or, with the
right, a role) to a report or my dashboard from its page, stop a mail, and the
administrators' page of role subscriptions."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select

from kht.auth.models import Role
from kht.auth.permissions import require
from kht.context import RequestCtx
from kht.delivery import service
from kht.delivery.schemas import SubscriptionIn
from kht.errors import KhtError
from kht.reports import service as reports
from kht.web.pages import render


def _next(data: dict[str, Any], default: str = "/") -> str:
    """Where to go back to: a local path the form named, else `default`."""
    value = data.get("next") or ""
    target = str(value[-1] if isinstance(value, list) else value)
    return target if target.startswith("/") and not target.startswith("//") else default


@post("/subscriptions", sync_to_thread=True, include_in_schema=False)
def subscribe_me(ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]) -> Redirect:
    """Mail the caller their dashboard (or a report, `report_key`) daily, weekly or monthly;
    with `role`, every user of that role (needs the right to create reports)."""
    frequency = str(data.get("frequency") or "")
    key = str(data.get("report_key") or "")
    role = str(data.get("role") or "") or None
    service.subscribe(ctx, SubscriptionIn(frequency=frequency, report_key=key, role=role))
    return Redirect(_next(data), status_code=303)


@post("/subscriptions/{subscription_id:int}/end", sync_to_thread=True, include_in_schema=False)
def end_subscription(
    ctx: RequestCtx, subscription_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """Stop a mail the caller receives or set up."""
    service.unsubscribe(ctx, subscription_id)
    return Redirect(_next(data), status_code=303)


def _roles(ctx: RequestCtx) -> list[tuple[str, str]]:
    rows = ctx.session.execute(select(Role.key, Role.name_zh, Role.name_en).order_by(Role.id))
    zh = ctx.language.startswith("zh")
    return [(key, name_zh if zh else name_en) for key, name_zh, name_en in rows]


def _admin_page(request: Request, ctx: RequestCtx, **values: Any) -> Template:
    require(ctx.user, "reports", "create")
    return render(
        request,
        ctx,
        "delivery/admin.html",
        subscriptions=[s for s in service.subscriptions(ctx) if s.role],
        reports=[r for r in reports.catalogue(ctx) if r.url.startswith("/reports/")],
        roles=_roles(ctx),
        role_names=dict(_roles(ctx)),
        frequency_labels=service.FREQUENCY_LABELS,
        **values,
    )


@get("/admin/subscriptions", sync_to_thread=True, include_in_schema=False)
def subscriptions_page(request: Request, ctx: RequestCtx) -> Template:
    """The role subscriptions: which role gets which report or dashboard, how often."""
    return _admin_page(request, ctx)


@post("/admin/subscriptions", sync_to_thread=True, include_in_schema=False)
def add_role_subscription(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Subscribe a role; a bad choice shows the page again with the message."""
    body = SubscriptionIn(
        frequency=str(data.get("frequency") or ""),
        report_key=str(data.get("report_key") or ""),
        role=str(data.get("role") or "") or "-",
    )
    try:
        service.subscribe(ctx, body)
    except KhtError as exc:
        ctx.session.rollback()
        return _admin_page(
            request, ctx, status_code=exc.status, error=exc.message, error_field=exc.field
        )
    return Redirect("/admin/subscriptions", status_code=303)


ROUTES = [subscribe_me, end_subscription, subscriptions_page, add_role_subscription]
