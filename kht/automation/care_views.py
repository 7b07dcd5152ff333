"""The care page (/care): care strategies listed, switched on and off, and added."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht.automation import care, care_report, service
from kht.automation.builtin import date_expr
from kht.automation.registry import field_of
from kht.context import Ctx, RequestCtx
from kht.errors import KhtError, ValidationError
from kht.lists.service import visible_views
from kht.records import record_kind
from kht.web.pages import render


def _date_fields(ctx: RequestCtx) -> list[tuple[str, str]]:
    spec = record_kind(ctx, "customer")
    found = []
    for key, column in spec.columns(ctx).items():
        try:
            date_expr(ctx, spec, key, "field")
        except ValidationError:
            continue
        found.append((key, column.label(ctx.language)))
    return found


def _page(
    request: Request,
    ctx: RequestCtx,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    error_field: str = "",
    status: int = 200,
) -> Template:
    rules = care.strategies(ctx)
    segments = {
        kind: visible_views(ctx, kind, segments_only=True) for kind in ("customer", "contact")
    }
    return render(
        request,
        ctx,
        "automation/care.html",
        status_code=status,
        strategies=[(rule, service.describe(ctx, rule)) for rule in rules],
        moments=care.MOMENTS,
        channels=care.CHANNELS,
        mail_templates=_mail_templates(ctx),
        sms_templates=_sms_templates(ctx),
        segments=segments,
        date_fields=_date_fields(ctx),
        form=form or {},
        error=error,
        error_field=error_field,
    )


def _mail_templates(ctx: Ctx) -> list[Any]:
    from kht.mail.templating import list_templates

    return list_templates(ctx) if ctx.user is not None and ctx.user.can("mail", "view") else []


def _sms_templates(ctx: Ctx) -> list[Any]:
    from kht.sms.service import list_templates

    return list_templates(ctx) if ctx.user is not None and ctx.user.can("sms", "view") else []


@get("/care", sync_to_thread=True, include_in_schema=False)
def care_page(request: Request, ctx: RequestCtx) -> Template:
    return _page(request, ctx)


def _care_in(form: dict[str, Any]) -> care.CareIn:
    moment = str(form.get("moment") or "")
    segment = str(form.get(f"segment_{care.kind_of(moment)}") or "")
    template = str(form.get("template_id") or "")
    sms_template = str(form.get("sms_template_id") or "")
    values: dict[str, Any] = {
        "name": str(form.get("name") or "").strip(),
        "moment": moment,
        "channel": str(form.get("channel") or "task"),
        "subject": str(form.get("subject") or "").strip(),
        "template_id": int(template) if template.isdigit() else None,
        "sms_template_id": int(sms_template) if sms_template.isdigit() else None,
        "message": str(form.get("message") or ""),
        "segment_id": int(segment) if segment.isdigit() else None,
        "filters": [line for line in str(form.get("filters") or "").splitlines() if line.strip()],
        "days": str(form.get("days") or "0").strip() or "0",
        "field": str(form.get("field") or ""),
        "at": str(form.get("at") or "09:00"),
    }
    if str(form.get("on") or "").strip():
        values["on"] = str(form.get("on")).strip()
    try:
        return msgspec.convert(values, care.CareIn, strict=False)
    except msgspec.ValidationError as exc:
        raise ValidationError(str(exc), field_of(exc) or "name") from None


@post("/care", sync_to_thread=True, include_in_schema=False)
def add_care(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    care.strategies(ctx)  # managers and administrators only
    try:
        care.create_care(ctx, _care_in(data))
    except KhtError as exc:
        if exc.status in (401, 403):
            raise
        ctx.session.rollback()
        return _page(request, ctx, data, exc.message, exc.field or "", exc.status)
    return Redirect("/care?saved=1")


@post("/care/{rule_id:int}/switch", sync_to_thread=True, include_in_schema=False)
def switch_care(
    ctx: RequestCtx, rule_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    care.set_enabled(ctx, rule_id, data.get("enabled") == "1")
    return Redirect("/care")


def _period(ctx: Ctx, since: date | None, until: date | None) -> tuple[date, date]:
    """The report's days: by default the reader's last 90 days."""
    until = until or ctx.today()
    if since is None:
        since = until - timedelta(days=89) if until > date(1900, 4, 1) else until
    return since, until


class CareReportOut(msgspec.Struct, kw_only=True):
    since: date
    until: date
    window_days: int
    rows: list[dict[str, Any]]


class CareReportController(Controller):
    path = "/api/v1/care/effectiveness"
    tags = ["automation"]

    @get("/", sync_to_thread=True)
    def effectiveness(
        self,
        ctx: RequestCtx,
        since: FromQuery[date | None] = None,
        until: FromQuery[date | None] = None,
        window_days: FromQuery[int] = 30,
    ) -> CareReportOut:
        """Per care strategy: cared, failed, skipped, delivered, customers, followed up,
        ordered and churned (moved to the lifecycle stage `lost`) within `window_days`; the
        last row (`rule_id` null) is the customers no strategy cared for. Default period:
        the reader's last 90 days."""
        since, until = _period(ctx, since, until)
        rows = care_report.effectiveness(ctx, since, until, window_days)
        return CareReportOut(
            since=since,
            until=until,
            window_days=window_days,
            rows=[
                {
                    **msgspec.to_builtins(row),
                    "followed_up_rate": row.followed_up_rate,
                    "ordered_rate": row.ordered_rate,
                    "churned_rate": row.churned_rate,
                }
                for row in rows
            ],
        )


@get("/care/effectiveness", sync_to_thread=True, include_in_schema=False)
def effectiveness_page(
    request: Request,
    ctx: RequestCtx,
    since: FromQuery[str] = "",
    until: FromQuery[str] = "",
    window_days: FromQuery[str] = "30",
) -> Template:
    try:
        first = date.fromisoformat(since) if since else None
        last = date.fromisoformat(until) if until else None
    except ValueError:
        raise ValidationError("a day is YYYY-MM-DD", "since") from None
    window = int(window_days) if window_days.isdigit() else 0
    first, last = _period(ctx, first, last)
    rows = care_report.effectiveness(ctx, first, last, window)
    return render(
        request,
        ctx,
        "automation/care_report.html",
        rows=rows,
        since=first,
        until=last,
        window_days=window,
        channels=care.CHANNELS,
    )


ROUTES = [care_page, add_care, switch_care, effectiveness_page, CareReportController]
