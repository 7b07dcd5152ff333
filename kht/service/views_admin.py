"""Service setup pages (`/admin/service`, administrators of tickets): queues with their
members, lead and strategy, and SLA policies — forms over the same services the API uses
(kht.service.queues, kht.service.settings)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select

from kht.auth.models import User
from kht.auth.permissions import require
from kht.contacts.ui import text, to_struct, values
from kht.context import Ctx, RequestCtx
from kht.customers.models import CustomerCategory
from kht.errors import KhtError
from kht.service import queues
from kht.service import settings as service_settings
from kht.service.kind import PRIORITY_LABELS
from kht.service.schemas import PolicyIn, QueueIn
from kht.web.i18n import N_
from kht.web.pages import render

STRATEGY_LABELS = {
    "round_robin": N_("Round robin"),
    "least_open": N_("Fewest open tickets"),
    "manual": N_("Manual (tickets wait to be taken)"),
}
NOTICES = {"saved": N_("Saved."), "created": N_("Added.")}


def _page(request: Request, ctx: Ctx, **shown: Any) -> Template:
    require(ctx.user, queues.MODULE, "admin")
    zh = ctx.language.startswith("zh")
    users = ctx.session.execute(
        select(User.id, User.name).where(User.active).order_by(User.name)
    ).all()
    categories = ctx.session.execute(
        select(CustomerCategory.id, CustomerCategory.name).order_by(CustomerCategory.name)
    ).all()
    shown.setdefault("form", {})
    return render(
        request,
        ctx,
        "service/admin.html",
        status_code=shown.pop("status_code", 200),
        queues=[queues.queue_out(ctx, q) for q in queues.list_queues(ctx)],
        policies=[service_settings.policy_out(p) for p in service_settings.list_policies(ctx)],
        users=users,
        categories=categories,
        strategies=STRATEGY_LABELS,
        priorities={key: zh_en[0] if zh else zh_en[1] for key, zh_en in PRIORITY_LABELS.items()},
        notice=NOTICES.get(request.query_params.get("done", "")),
        **shown,
    )


def _refused(
    request: Request, ctx: Ctx, exc: KhtError, where: str, data: dict[str, Any]
) -> Template:
    # The page again with the message next to the form that was sent (`where`), its values
    # kept, and the status of the refusal.
    ctx.session.rollback()
    form = {key: text(data, key) for key in data}
    form["member_ids"] = values(data, "member_ids")
    return _page(
        request,
        ctx,
        status_code=exc.status,
        error=exc.message,
        error_field=exc.field or "",
        error_form=where,
        form=form,
    )


def _queue_in(data: dict[str, Any]) -> QueueIn:
    lead = text(data, "lead_id")
    raw = {
        "name": text(data, "name"),
        "strategy": text(data, "strategy") or "round_robin",
        "lead_id": int(lead) if lead.isdigit() else None,
        "member_ids": [int(v) for v in values(data, "member_ids") if v.isdigit()],
    }
    return to_struct(raw, QueueIn)


def _policy_in(data: dict[str, Any]) -> PolicyIn:
    category = text(data, "category_id")
    raw = {
        "name": text(data, "name"),
        "priority": text(data, "priority"),
        "category_id": int(category) if category.isdigit() else None,
        "first_response_minutes": text(data, "first_response_minutes"),
        "resolution_minutes": text(data, "resolution_minutes"),
    }
    return to_struct(raw, PolicyIn, strict=False)


@get("/admin/service", sync_to_thread=True, include_in_schema=False)
def service_admin(request: Request, ctx: RequestCtx) -> Template:
    """Queues and SLA policies."""
    return _page(request, ctx)


@post("/admin/service/queues", sync_to_thread=True, include_in_schema=False)
def add_queue(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    try:
        queues.save_queue(ctx, _queue_in(data))
    except KhtError as exc:
        return _refused(request, ctx, exc, "new-queue", data)
    return Redirect("/admin/service?done=created", status_code=303)


@post("/admin/service/queues/{queue_id:int}", sync_to_thread=True, include_in_schema=False)
def save_queue(
    request: Request, ctx: RequestCtx, queue_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    try:
        queues.save_queue(ctx, _queue_in(data), queue_id)
    except KhtError as exc:
        return _refused(request, ctx, exc, f"queue-{queue_id}", data)
    return Redirect("/admin/service?done=saved", status_code=303)


@post("/admin/service/policies", sync_to_thread=True, include_in_schema=False)
def add_policy(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    try:
        service_settings.save_policy(ctx, _policy_in(data))
    except KhtError as exc:
        return _refused(request, ctx, exc, "new-policy", data)
    return Redirect("/admin/service?done=created", status_code=303)


@post("/admin/service/policies/{policy_id:int}", sync_to_thread=True, include_in_schema=False)
def save_policy(
    request: Request,
    ctx: RequestCtx,
    policy_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    try:
        service_settings.save_policy(ctx, _policy_in(data), policy_id)
    except KhtError as exc:
        return _refused(request, ctx, exc, f"policy-{policy_id}", data)
    return Redirect("/admin/service?done=saved", status_code=303)


ROUTES = [service_admin, add_queue, save_queue, add_policy, save_policy]
