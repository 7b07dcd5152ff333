"""Dashboards: which layout a user sees, saving their own, the roles' defaults, and each
widget's data in the viewer's scope.

A user sees their own layout once they arranged one; until then their role's default (set
by an administrator; `kht demo` ships kht.dashboards.defaults), else kht's standard one for
the role. Every widget's data is computed for the viewer - the report service and the
records' scoped queries - so a layout shared by a role shows each user their own numbers.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import msgspec
from sqlalchemy import select

from kht.auth.models import Role
from kht.auth.permissions import require
from kht.context import Ctx
from kht.dashboards import defaults, lists
from kht.dashboards.kpi import KPI_PERIODS, date_field, kpi
from kht.dashboards.models import Dashboard
from kht.dashboards.schemas import DashboardIn, DashboardOut, Widget, WidgetData
from kht.errors import Conflict, KhtError, NotAuthenticated, NotFound, ValidationError
from kht.reports import service as reports
from kht.web.i18n import translations

TYPES = ("report", "kpi", "list")
WIDTHS = (3, 4, 6, 8, 12)
HEIGHTS = (1, 2, 3)
VIEWS = ("chart", "table")
MAX_WIDGETS = 40
_ID = re.compile(r"^[a-z0-9]{1,16}$")


def _field(index: int, name: str) -> str:
    return f"widgets[{index}].{name}"


def _choice(value: Any, allowed: tuple[Any, ...], index: int, name: str) -> None:
    if value not in allowed:
        shown = ", ".join(str(a) for a in allowed)
        raise ValidationError(f"{name} must be one of {shown}, not {value!r}", _field(index, name))


def _check_report(ctx: Ctx, widget: Widget, index: int) -> None:
    try:
        item = reports.report_def(ctx, widget.key)
    except (NotFound, KhtError) as exc:
        raise ValidationError(
            f"unknown report {widget.key!r} ({exc.message})", _field(index, "key")
        ) from None
    if item.url:
        raise ValidationError(
            f"report {widget.key!r} has a page of its own and cannot be a widget",
            _field(index, "key"),
        )
    if widget.type == "kpi":
        _choice(widget.period, KPI_PERIODS, index, "period")
        try:
            date_field(ctx, item, widget.date_field)
        except ValidationError as exc:
            raise ValidationError(exc.message, _field(index, "date_field")) from None


def checked(ctx: Ctx, given: list[Widget]) -> list[Widget]:
    """`given` widgets checked for `ctx`'s user: known types, reports they may open, list
    keys, sizes; each keeps its id (a new widget gets one). A 422 names the field, e.g.
    `widgets[2].w`."""
    if len(given) > MAX_WIDGETS:
        raise ValidationError(f"at most {MAX_WIDGETS} widgets", "widgets")
    seen: set[str] = set()
    out = []
    for index, widget in enumerate(given):
        _choice(widget.type, TYPES, index, "type")
        _choice(widget.w, WIDTHS, index, "w")
        _choice(widget.h, HEIGHTS, index, "h")
        _choice(widget.view, VIEWS, index, "view")
        if widget.type == "list":
            _choice(widget.key, tuple(lists.LISTS), index, "key")
        else:
            _check_report(ctx, widget, index)
        if len(widget.title) > 100:
            raise ValidationError("a title has at most 100 characters", _field(index, "title"))
        wid = widget.id if _ID.match(widget.id) and widget.id not in seen else _new_id()
        seen.add(wid)
        out.append(msgspec.structs.replace(widget, id=wid))
    return out


def _new_id() -> str:
    return uuid.uuid4().hex[:8]


def _stored(rows: list[dict[str, Any]]) -> list[Widget]:
    """Stored widgets (or a standard layout) as Widgets; standard ones get stable ids."""
    widgets = []
    for index, row in enumerate(rows):
        data = {"id": f"w{index}", **row}
        widgets.append(msgspec.convert(data, Widget))
    return widgets


def _own(ctx: Ctx, user_id: int | None) -> Dashboard | None:
    return ctx.session.scalar(select(Dashboard).where(Dashboard.user_id == user_id))


def _of_role(ctx: Ctx, role_key: str) -> Dashboard | None:
    return ctx.session.scalar(select(Dashboard).where(Dashboard.role_key == role_key))


def _me(ctx: Ctx) -> Any:
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    return ctx.user


def for_role(ctx: Ctx, role_key: str | None) -> DashboardOut:
    """The default layout of `role_key`: the administrator's, else kht's standard one."""
    row = _of_role(ctx, role_key) if role_key else None
    if row is not None:
        return DashboardOut(
            widgets=_stored(row.widgets), source="role", role=role_key, version=row.version
        )
    return DashboardOut(
        widgets=_stored(defaults.standard(role_key)), source="standard", role=role_key
    )


def mine(ctx: Ctx) -> DashboardOut:
    """The layout the acting user sees on their home page."""
    user = _me(ctx)
    row = _own(ctx, user.id)
    if row is not None:
        return DashboardOut(widgets=_stored(row.widgets), source="own", version=row.version)
    return for_role(ctx, user.role_key)


def _write(ctx: Ctx, row: Dashboard, widgets: list[Widget], version: int | None) -> None:
    if version is not None and row.version and version != row.version:
        raise Conflict("the dashboard was changed elsewhere: reload it", "version")
    row.widgets = [msgspec.structs.asdict(w) for w in widgets]
    row.version = (row.version or 0) + 1
    ctx.session.flush()


def save_mine(ctx: Ctx, data: DashboardIn) -> DashboardOut:
    """Store the acting user's own layout (from then on their home page shows it)."""
    user = _me(ctx)
    widgets = checked(ctx, data.widgets)
    row = _own(ctx, user.id)
    if row is None:
        row = Dashboard(user_id=user.id, widgets=[], version=0)
        ctx.session.add(row)
    _write(ctx, row, widgets, data.version)
    return mine(ctx)


def reset_mine(ctx: Ctx) -> DashboardOut:
    """Forget the acting user's own layout: they see their role's default again."""
    row = _own(ctx, _me(ctx).id)
    if row is not None:
        ctx.session.delete(row)
        ctx.session.flush()
    return mine(ctx)


def _role(ctx: Ctx, role_key: str) -> str:
    require(ctx.user, "users", "admin")
    if ctx.session.scalar(select(Role.id).where(Role.key == role_key)) is None:
        raise NotFound(f"role {role_key!r} not found", "role")
    return role_key


def role_default(ctx: Ctx, role_key: str) -> DashboardOut:
    """A role's default layout (administrators only)."""
    return for_role(ctx, _role(ctx, role_key))


def set_role_default(ctx: Ctx, role_key: str, data: DashboardIn) -> DashboardOut:
    """Set the default layout of a role (administrators only): every user of the role who
    has not arranged their own sees it."""
    _role(ctx, role_key)
    widgets = checked(ctx, data.widgets)
    row = _of_role(ctx, role_key)
    if row is None:
        row = Dashboard(role_key=role_key, widgets=[], version=0)
        ctx.session.add(row)
    _write(ctx, row, widgets, data.version)
    return for_role(ctx, role_key)


def ship_standard_defaults(ctx: Ctx) -> list[str]:
    """Make kht's standard dashboards the defaults of the built-in roles that have none yet
    (`kht demo`; idempotent); returns the roles it set. Administrators only."""
    done = []
    for role_key, rows in defaults.STANDARD.items():
        exists = ctx.session.scalar(select(Role.id).where(Role.key == role_key))
        if exists is None or _of_role(ctx, role_key) is not None:
            continue
        set_role_default(ctx, role_key, DashboardIn(widgets=_stored(rows)))
        done.append(role_key)
    return done


# ------------------------------------------------------------------------ data


def _title(ctx: Ctx, widget: Widget) -> tuple[str, str]:
    """The widget's title in the viewer's language, and the page it opens."""
    if widget.type == "list":
        label, _, url, _ = lists.LISTS.get(widget.key, (widget.key, "", "", None))
        return widget.title or translations(ctx.language).gettext(label), url
    item = reports.find_report(ctx, widget.key)
    title = item.title(ctx.language) if item else widget.key
    return widget.title or title, reports.page_url(item) if item else ""


def widget_data(ctx: Ctx, widget: Widget) -> WidgetData:
    """One widget's data for the viewer; a widget they may not see (a report on records
    their role may not view, a report that vanished with its pack) carries the reason."""
    title, url = _title(ctx, widget)
    out = WidgetData(widget=widget, title=title, url=url)
    try:
        if widget.type == "report":
            out.report = reports.run_report(ctx, widget.key)
        elif widget.type == "kpi":
            out.kpi = kpi(ctx, widget)
        elif widget.key in lists.LISTS:
            out.items = lists.rows(ctx, widget.key)
        else:
            raise NotFound(f"unknown list {widget.key!r}", "key")
    except KhtError as exc:
        out.error = exc.message
    return out


def board(ctx: Ctx) -> tuple[DashboardOut, list[WidgetData]]:
    """The viewer's layout and every widget's data."""
    layout = mine(ctx)
    return layout, [widget_data(ctx, widget) for widget in layout.widgets]


__all__ = [
    "board",
    "checked",
    "for_role",
    "mine",
    "reset_mine",
    "role_default",
    "save_mine",
    "set_role_default",
    "ship_standard_defaults",
    "widget_data",
]
