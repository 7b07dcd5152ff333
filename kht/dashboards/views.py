"""The dashboard on the home page: its context, and the edits the page makes (reorder by
dragging, add, resize, remove, back to the role's default, publish as a role's default),
thin over kht.dashboards.service."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Response
from sqlalchemy import select

from kht.auth.models import Role
from kht.context import Ctx, RequestCtx
from kht.dashboards import lists, service
from kht.dashboards.kpi import KPI_PERIODS
from kht.dashboards.schemas import DashboardIn, Widget
from kht.errors import KhtError, NotFound, ValidationError
from kht.reports import service as reports
from kht.reports.views import chart_data
from kht.web.i18n import N_

PERIOD_LABELS = {
    "week": N_("This week"),
    "month": N_("This month"),
    "quarter": N_("This quarter"),
    "year": N_("This year"),
}
TYPE_LABELS = {
    "report": N_("Report chart or table"),
    "kpi": N_("KPI with change"),
    "list": N_("Short list"),
}


def home_context(ctx: Ctx) -> dict[str, Any]:
    """What the home page's dashboard shows: the widgets with their data and the choices of
    the add form (reports the viewer may open, lists, sizes)."""
    layout, widgets = service.board(ctx)
    charts = {
        data.widget.id: chart_data(data.report)
        for data in widgets
        if data.report is not None and data.report.rows and data.widget.view == "chart"
    }
    roles: list[Any] = []
    if ctx.user is not None and ctx.user.can("users", "admin"):
        roles = list(ctx.session.scalars(select(Role).order_by(Role.id)))
    return {
        "layout": layout,
        "widgets": widgets,
        "widget_charts": charts,
        "report_choices": [r for r in reports.catalogue(ctx) if r.url == f"/reports/{r.key}"],
        "list_choices": [(key, label) for key, (label, *_) in lists.LISTS.items()],
        "period_labels": PERIOD_LABELS,
        "kpi_periods": KPI_PERIODS,
        "type_labels": TYPE_LABELS,
        "widths": service.WIDTHS,
        "heights": service.HEIGHTS,
        "publish_roles": roles,
    }


def _text(data: dict[str, Any], key: str) -> str:
    return str(data.get(key) or "").strip()


def _saved(ctx: RequestCtx, widgets: list[Widget]) -> None:
    service.save_mine(ctx, DashboardIn(widgets=widgets))


def _find(widgets: list[Widget], widget_id: str) -> int:
    for index, widget in enumerate(widgets):
        if widget.id == widget_id:
            return index
    raise NotFound(f"widget {widget_id!r} not found", "widget")


def _number(data: dict[str, Any], key: str, default: int) -> int:
    value = _text(data, key)
    if not value:
        return default
    if not value.isdigit():
        raise ValidationError(f"{key} must be a number", key)
    return int(value)


@post("/dashboard/order", sync_to_thread=True, include_in_schema=False, status_code=200)
def reorder(ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]) -> Response[dict[str, Any]]:
    """A widget dragged to another place: `order` is every widget id, comma-separated, in
    the new order. JSON back so the page can keep or undo the move."""
    try:
        widgets = service.mine(ctx).widgets
        ids = [part for part in _text(data, "order").split(",") if part]
        if sorted(ids) != sorted(w.id for w in widgets):
            raise ValidationError("order must name every widget once", "order")
        by_id = {w.id: w for w in widgets}
        _saved(ctx, [by_id[i] for i in ids])
    except KhtError as exc:
        ctx.session.rollback()
        return Response({"ok": False, "message": exc.message, "field": exc.field}, exc.status)
    return Response({"ok": True, "order": ids})


@post("/dashboard/widgets", sync_to_thread=True, include_in_schema=False)
def add_widget(ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]) -> Redirect:
    """The add form: a report (chart or table), a KPI or a short list, at the end."""
    kind = _text(data, "type")
    key = _text(data, "list_key") if kind == "list" else _text(data, "key")
    widget = Widget(
        id="",
        type=kind,
        key=key,
        w=_number(data, "w", 6),
        view=_text(data, "view") or "chart",
        period=_text(data, "period") or "month",
    )
    _saved(ctx, [*service.mine(ctx).widgets, widget])
    return Redirect("/", status_code=303)


@post("/dashboard/widgets/{widget_id:str}/size", sync_to_thread=True, include_in_schema=False)
def resize_widget(
    ctx: RequestCtx, widget_id: FromPath[str], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """A widget's size menu: its width (grid columns) and height (rows)."""
    widgets = service.mine(ctx).widgets
    index = _find(widgets, widget_id)
    widgets[index] = msgspec.structs.replace(
        widgets[index],
        w=_number(data, "w", widgets[index].w),
        h=_number(data, "h", widgets[index].h),
    )
    _saved(ctx, widgets)
    return Redirect("/", status_code=303)


@post("/dashboard/widgets/{widget_id:str}/remove", sync_to_thread=True, include_in_schema=False)
def remove_widget(ctx: RequestCtx, widget_id: FromPath[str]) -> Redirect:
    """A widget's remove button."""
    widgets = service.mine(ctx).widgets
    del widgets[_find(widgets, widget_id)]
    _saved(ctx, widgets)
    return Redirect("/", status_code=303)


@post("/dashboard/reset", sync_to_thread=True, include_in_schema=False)
def reset(ctx: RequestCtx) -> Redirect:
    """Back to the role's default dashboard."""
    service.reset_mine(ctx)
    return Redirect("/", status_code=303)


@post("/dashboard/publish", sync_to_thread=True, include_in_schema=False)
def publish(ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]) -> Redirect:
    """An administrator makes the dashboard they see the default of a role."""
    widgets = service.mine(ctx).widgets
    service.set_role_default(ctx, _text(data, "role"), DashboardIn(widgets=widgets))
    return Redirect("/", status_code=303)


ROUTES = [reorder, add_widget, resize_widget, remove_widget, reset, publish]
