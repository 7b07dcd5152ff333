"""The pack's settings page (/standard_product/settings) and its JSON API; thin over service."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post, put
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from kht.context import RequestCtx
from kht.errors import Forbidden, ValidationError
from kht.value.service import active_users
from kht.web.i18n import N_
from kht.web.pages import render
from plugins.standard_product import fields, reports, service
from plugins.standard_product.schemas import Settings

URL = "/standard_product/settings"
NOTICES = {"saved": N_("The lead scoring settings have been saved.")}
TARGETS = (
    ("target_industries", N_("Industries"), fields.INDUSTRIES),
    ("target_sizes", N_("Company sizes"), fields.SIZES),
    ("target_timeframes", N_("Purchase timeframes"), fields.TIMEFRAMES),
    ("target_budgets", N_("Budget ranges"), fields.BUDGETS),
    ("target_products", N_("Product interest"), fields.PRODUCTS),
)


def _many(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    return [
        str(v).strip() for v in (value if isinstance(value, list) else [value]) if str(v).strip()
    ]


def _one(data: dict[str, Any], key: str) -> str:
    values = _many(data, key)
    return values[-1] if values else ""


def _ids(values: list[str], field: str) -> list[int]:
    if not all(v.isdigit() for v in values):
        raise ValidationError("choose users from the list", field)
    return [int(v) for v in values]


def form_settings(data: dict[str, Any]) -> Settings:
    """The submitted form as settings (the same checks as the API's PUT)."""
    threshold = _one(data, "threshold")
    if not threshold.isdigit():
        raise ValidationError("the threshold must be a whole number from 0 to 100", "threshold")
    territories = {}
    for province in fields.PROVINCES:
        chosen = _one(data, f"territory.{province}")
        if chosen:
            territories[province] = _ids([chosen], "territories")[0]
    values = {
        **{name: _many(data, name) for name, _, _ in TARGETS},
        "threshold": int(threshold),
        "nurture_tag": _one(data, "nurture_tag"),
        "routing": _one(data, "routing") or "none",
        "reps": _ids(_many(data, "reps"), "reps"),
        "territories": territories,
    }
    return _convert(values)


def _convert(values: Any) -> Settings:
    try:
        return msgspec.convert(values, Settings)
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = (
            message.split("$.", 1)[1].split("`", 1)[0].split("[", 1)[0] if "$." in message else None
        )
        raise ValidationError(message, field or "settings") from None


def _page(request: Request, ctx: RequestCtx, settings: Settings, **values: Any) -> Template:
    if not service.can_manage(ctx):
        raise Forbidden("only an administrator of the standard product pack may change this")
    return render(
        request,
        ctx,
        "standard_product/settings.html",
        settings=settings,
        targets=TARGETS,
        provinces=fields.PROVINCES,
        users=active_users(ctx),
        notice=NOTICES.get(request.query_params.get("done", "")),
        fit_points=service.FIT_POINTS,
        action_points=service.ACTION_POINTS,
        **values,
    )


@get(URL, sync_to_thread=True, include_in_schema=False)
def settings_page(request: Request, ctx: RequestCtx) -> Template:
    """The target profile, nurture threshold and routing rule."""
    return _page(request, ctx, service.get_settings(ctx))


@post(URL, sync_to_thread=True, include_in_schema=False)
def save_settings_page(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict]
) -> Template | Redirect:
    try:
        service.save_settings(ctx, form_settings(data))
    except ValidationError as exc:
        ctx.session.rollback()
        shown = service.get_settings(ctx)
        return _page(
            request, ctx, shown, status_code=exc.status, error=exc.message, field=exc.field
        )
    return Redirect(f"{URL}?done=saved", status_code=303)


@get("/api/v1/standard_product/settings", sync_to_thread=True, tags=["standard_product"])
def settings_api(ctx: RequestCtx) -> Settings:
    """The pack's settings (administrators of the pack)."""
    if not service.can_manage(ctx):
        raise Forbidden("only an administrator of the standard product pack may read this")
    return service.get_settings(ctx)


@put("/api/v1/standard_product/settings", sync_to_thread=True, tags=["standard_product"])
def save_settings_api(ctx: RequestCtx, data: dict[str, Any]) -> Settings:
    """Replace the pack's settings; a bad value is a 422 naming its field."""
    return service.save_settings(ctx, _convert(data))


# ---- reports ---------------------------------------------------------------------------------


def _days(value: str | None) -> int:
    text = (value or "30").strip()
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise ValidationError("days must be a whole number from 1 to 3650", "days")
    return int(text)


def _section(build: Any) -> Any:
    """A report the user may not see (no view right on its module) is left out, not a 403."""
    try:
        return build()
    except Forbidden:
        return None


@get("/standard_product/reports", sync_to_thread=True, include_in_schema=False)
def reports_page(request: Request, ctx: RequestCtx) -> Template:
    """Lead source quality, quote win rate by product line, rep activity vs results."""
    if ctx.user is None or not ctx.user.can("leads", "view"):
        raise Forbidden("your role may not view leads")
    days = _days(request.query_params.get("days"))
    return render(
        request,
        ctx,
        "standard_product/reports.html",
        days=days,
        threshold=service.get_settings(ctx).threshold,
        sources=_section(lambda: reports.lead_source_quality(ctx)),
        lines=_section(lambda: reports.quote_win_rate(ctx)),
        reps=_section(lambda: reports.rep_activity(ctx, days)),
    )


@get(
    "/api/v1/standard_product/reports/lead-sources", sync_to_thread=True, tags=["standard_product"]
)
def lead_sources_api(ctx: RequestCtx) -> list[reports.SourceRow]:
    """Lead source quality over the leads in your scope."""
    return reports.lead_source_quality(ctx)


@get(
    "/api/v1/standard_product/reports/quote-win-rate",
    sync_to_thread=True,
    tags=["standard_product"],
)
def quote_win_rate_api(ctx: RequestCtx) -> list[reports.LineRow]:
    """Quote win rate by product line over the quotes in your scope."""
    return reports.quote_win_rate(ctx)


@get(
    "/api/v1/standard_product/reports/rep-activity", sync_to_thread=True, tags=["standard_product"]
)
def rep_activity_api(ctx: RequestCtx, days: str = "30") -> list[reports.RepRow]:
    """Per owner in your scope: done actions, new leads and wins over the last `days`."""
    return reports.rep_activity(ctx, _days(days))


ROUTES = [
    settings_page,
    save_settings_page,
    settings_api,
    save_settings_api,
    reports_page,
    lead_sources_api,
    quote_win_rate_api,
    rep_activity_api,
]
