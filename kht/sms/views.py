"""SMS pages: /admin/sms (gateway settings, templates, mass SMS to a segment, the send log)
and /sms/send (a template SMS to one record, from its page's button). Thin over kht.sms's
services."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht import record_service as records
from kht.auth.permissions import require
from kht.contacts.ui import text, to_struct, values
from kht.context import Ctx, RequestCtx
from kht.errors import KhtError, NotFound, ValidationError
from kht.lists.segments import segment_choices
from kht.mail.views import kind_choices
from kht.records import record_kind
from kht.sms import mass, service
from kht.sms.api import CALLBACKS
from kht.sms.schemas import GatewayIn, MassIn, TemplateIn
from kht.sms.timeline import STATUS
from kht.web.pages import render

GATEWAY_FIELDS = (
    "gateway",
    "signature",
    "default_region",
    "quiet_start",
    "quiet_end",
    "time_zone",
    "rate_per_minute",
    "per_number_per_day",
)
CONFIG_FIELDS = ("endpoint", "access_key_id", "region", "signer")


def _admin_page(request: Request, ctx: Ctx, status_code: int = 200, **more: Any) -> Template:
    gateway = service.get_gateway(ctx)
    messages = service.list_messages(ctx)[:100]
    counts, cost = service.totals(messages)
    sends = mass.list_sends(ctx, limit=20)
    return render(
        request,
        ctx,
        "sms/admin.html",
        status_code=status_code,
        gateway=gateway,
        gateways=sorted(service.gateways(ctx.plugins)),
        has_secret=service.has_secret(ctx.session, gateway),
        callbacks=f"{CALLBACKS}/{gateway.callback_token}",
        templates=service.list_templates(ctx),
        messages=messages,
        counts=counts,
        cost=cost,
        statuses=STATUS,
        kinds=kind_choices(ctx),
        views=segment_choices(ctx, tuple(service.PHONE_FIELDS)),
        mass_sends=sends,
        mass_stats=mass.stats(ctx, sends),
        form=more.pop("form", {}),
        error_field=more.pop("error_field", ""),
        **more,
    )


@get("/admin/sms", sync_to_thread=True, include_in_schema=False)
def admin_page(request: Request, ctx: RequestCtx) -> Template:
    """The gateway, the templates, mass SMS and the latest messages (SMS administrators)."""
    require(ctx.user, service.MODULE, "admin")
    return _admin_page(request, ctx)


def _refused(request: Request, ctx: Ctx, exc: KhtError, form: dict[str, Any]) -> Template:
    ctx.session.rollback()
    return _admin_page(
        request, ctx, exc.status, form=form, error=exc.message, error_field=exc.field or ""
    )


@post("/admin/sms/gateway", sync_to_thread=True, include_in_schema=False)
def save_gateway(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Save the gateway settings; an empty secret keeps the stored one."""
    form: dict[str, Any] = {key: text(data, key) for key in GATEWAY_FIELDS}
    config = {key: text(data, f"config_{key}") for key in CONFIG_FIELDS}
    raw = {key: value for key, value in form.items() if value != ""}
    raw["config"] = {key: value for key, value in config.items() if value}
    if text(data, "secret"):
        raw["secret"] = text(data, "secret")
    try:
        service.configure_gateway(ctx, to_struct(raw, GatewayIn, strict=False))
    except KhtError as exc:
        return _refused(
            request, ctx, exc, {**form, **{f"config_{k}": v for k, v in config.items()}}
        )
    return Redirect("/admin/sms")


@post("/admin/sms/templates", sync_to_thread=True, include_in_schema=False)
def add_template(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Add a template; `params` is a JSON object of parameter name -> merge text."""
    form = {key: text(data, key) for key in ("name", "code", "content", "params")}
    try:
        params = json.loads(form["params"] or "{}")
    except ValueError:
        return _refused(request, ctx, ValidationError("params: give a JSON object", "params"), form)
    try:
        service.create_template(ctx, to_struct({**form, "params": params}, TemplateIn))
    except KhtError as exc:
        return _refused(request, ctx, exc, form)
    return Redirect("/admin/sms")


@post("/admin/sms/mass", sync_to_thread=True, include_in_schema=False)
def mass_sms(request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]) -> Template:
    """Start a mass SMS to a segment's numbers; the page shows how many it has."""
    require(ctx.user, service.MODULE, "admin")
    form = {key: text(data, key) for key in ("template_id", "kind", "view_id")}
    raw: dict[str, Any] = {key: value for key, value in form.items() if value}
    raw["filters"] = values(data, "filters")
    try:
        send = mass.send_mass(ctx, to_struct(raw, MassIn, strict=False))
    except KhtError as exc:
        return _refused(request, ctx, exc, form)
    outcome = msgspec.structs.asdict(mass.stats(ctx, [send])[send.id])
    return _admin_page(request, ctx, form=form, mass_outcome=outcome)


# ---------------------------------------------------------------- one record


def _record(ctx: Ctx, kind: str, record_id: int) -> tuple[Any, Any]:
    if kind not in service.PHONE_FIELDS:
        raise NotFound(f"{kind} has no SMS")
    spec = record_kind(ctx, kind)
    return spec, records.get_record(ctx, spec, record_id)


def _send_page(
    request: Request, ctx: Ctx, kind: str, record_id: int, status_code: int = 200, **more: Any
) -> Template:
    spec, record = _record(ctx, kind, record_id)
    templates = service.list_templates(ctx)
    chosen = more.pop("template_id", None) or (templates[0].id if templates else None)
    preview, error = {}, more.pop("error", "")
    if chosen is not None and not error:
        try:
            preview = service.render_params(ctx, service.get_template(ctx, chosen), kind, record_id)
        except KhtError as exc:
            error = exc.message
    number = next(
        (getattr(record, f) for f in service.PHONE_FIELDS[kind] if getattr(record, f, "")), ""
    )
    return render(
        request,
        ctx,
        "sms/send.html",
        status_code=status_code,
        kind=kind,
        record=record,
        record_url=f"/{spec.plural}/{record.id}",
        templates=templates,
        chosen=chosen,
        preview=preview,
        number=more.pop("number", number),
        error=error,
        **more,
    )


@get("/sms/send", sync_to_thread=True, include_in_schema=False)
def send_page(
    request: Request,
    ctx: RequestCtx,
    kind: FromQuery[str],
    record_id: FromQuery[int],
    template_id: FromQuery[int | None] = None,
) -> Template:
    """Pick a template, see its parameters filled in for the record, send."""
    require(ctx.user, service.MODULE, "create")
    return _send_page(request, ctx, kind, record_id, template_id=template_id)


@post("/sms/send", sync_to_thread=True, include_in_schema=False)
def send_one(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Queue the SMS and go back to the record (it shows on the timeline)."""
    kind, record_id = text(data, "kind"), text(data, "record_id")
    template_id = text(data, "template_id")
    if not record_id.isdigit() or not template_id.isdigit():
        raise ValidationError("pick a record and a template", "template_id")
    number = text(data, "number") or None
    try:
        service.send_template(ctx, int(template_id), kind, int(record_id), number=number)
    except ValidationError as exc:
        ctx.session.rollback()
        return _send_page(
            request,
            ctx,
            kind,
            int(record_id),
            422,
            template_id=int(template_id),
            number=number or "",
            error=exc.message,
            error_field=exc.field or "",
        )
    spec, record = _record(ctx, kind, int(record_id))
    return Redirect(f"/{spec.plural}/{record.id}")


ROUTES = [admin_page, save_gateway, add_template, mass_sms, send_page, send_one]
