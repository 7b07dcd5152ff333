"""The quota page: one grid per target type and period kind (rows: targets, columns: periods)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from litestar import Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from kht.context import Ctx, RequestCtx
from kht.errors import KhtError, NotAuthenticated
from kht.products.models import money_value
from kht.sales.quotas import periods, service
from kht.sales.quotas.models import PERIODS, TARGETS, Quota
from kht.sales.quotas.schemas import QuotaCreate, QuotaUpdate
from kht.web.i18n import N_
from kht.web.pages import render

TARGET_LABELS = {"user": N_("Users"), "department": N_("Departments"), "branch": N_("Branches")}
PERIOD_LABELS = {"month": N_("Month"), "quarter": N_("Quarter"), "year": N_("Year")}


def _choice(value: Any, allowed: tuple[str, ...], default: str) -> str:
    return value if value in allowed else default


def _year(value: Any, today: date) -> int:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 1900 <= int(text) <= 2999 else today.year


def _grid(ctx: Ctx, target: str, period: str, year: int) -> dict[str, Any]:
    starts = periods.starts_in_year(period, year)
    rows = service.list_quotas(ctx, target_type=target, period=period, year=year)
    cells = {(q.target_id, q.period_start): q for q in rows}
    targets = service.visible_targets(ctx, target)
    known = {target_id for target_id, _ in targets}
    # A quota whose target is no longer in the list (an inactive user) still shows.
    missing = {(target, q.target_id) for q in rows if q.target_id not in known}
    names = service.target_names(ctx, missing)
    targets += sorted(((i, n) for (_, i), n in names.items()), key=lambda pair: pair[1])
    totals = {
        target_id: sum(
            (cells[(target_id, s)].amount for s in starts if (target_id, s) in cells),
            Decimal("0.00"),
        )
        for target_id, _ in targets
    }
    return {
        "starts": [(s, periods.label(period, s)) for s in starts],
        "targets": targets,
        "cells": cells,
        "totals": totals,
    }


def _page(
    request: Request,
    ctx: Ctx,
    *,
    target: str,
    period: str,
    year: int,
    form: dict[str, Any] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Template:
    user = ctx.user
    can_edit = (
        user is not None and user.can(service.MODULE, "edit") and user.can(service.MODULE, "create")
    )
    return render(
        request,
        ctx,
        "quotas/grid.html",
        status_code=status_code,
        target=target,
        period=period,
        year=year,
        years=list(range(year - 2, year + 3)),
        target_labels=TARGET_LABELS,
        period_labels=PERIOD_LABELS,
        can_edit=can_edit,
        can_delete=user is not None and user.can(service.MODULE, "delete"),
        form=form or {},
        error=error,
        **_grid(ctx, target, period, year),
    )


@get("/quotas", sync_to_thread=True, include_in_schema=False)
def quota_grid(request: Request, ctx: RequestCtx) -> Template:
    """Quotas of users, departments or branches for the months, quarters or the whole of a year."""
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    params = request.query_params
    return _page(
        request,
        ctx,
        target=_choice(params.get("target"), TARGETS, "user"),
        period=_choice(params.get("period"), PERIODS, "quarter"),
        year=_year(params.get("year"), ctx.today()),
    )


def _save_cell(
    ctx: Ctx, target: str, period: str, key: str, value: str, version: str, existing: Quota | None
) -> None:
    _, target_text, start_text = key.split(":", 2)
    target_id, start = int(target_text), date.fromisoformat(start_text)
    value = value.strip().replace(",", "")
    if existing is None:
        if value:
            data = QuotaCreate(
                target_type=target,
                target_id=target_id,
                period=period,
                period_start=start,
                amount=_decimal(value),
            )
            service.create_quota(ctx, data)
        return
    if not value:
        service.delete_quota(ctx, existing.id)
        return
    amount = _decimal(value)
    if amount != existing.amount:
        stamp = int(version) if version.isdigit() else -1
        service.update_quota(ctx, existing.id, QuotaUpdate(version=stamp, amount=amount))


def _decimal(value: str) -> Decimal:
    return money_value("amount", value)


@post("/quotas", sync_to_thread=True, include_in_schema=False)
def save_grid(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Save the grid: a new number creates a quota, a changed one updates it (with the version
    the page was shown, so a stale save is a 409), an emptied cell deletes it."""
    target = _choice(data.get("target"), TARGETS, "user")
    period = _choice(data.get("period"), PERIODS, "quarter")
    year = _year(data.get("year"), ctx.today())
    existing = {
        (q.target_id, q.period_start): q
        for q in service.list_quotas(ctx, target_type=target, period=period, year=year)
    }
    form = {k: str(v) for k, v in data.items() if k.startswith("a:")}
    try:
        for key, value in form.items():
            parts = key.split(":", 2)
            if len(parts) != 3 or not parts[1].isdigit():
                continue
            try:
                start = date.fromisoformat(parts[2])
            except ValueError:
                continue
            current = existing.get((int(parts[1]), start))
            old = "" if current is None else str(current.amount)
            if value.strip().replace(",", "") == old:
                continue
            version = str(data.get("v:" + key[2:], ""))
            _save_cell(ctx, target, period, key, value, version, current)
    except KhtError as exc:
        ctx.session.rollback()
        return _page(
            request,
            ctx,
            target=target,
            period=period,
            year=year,
            form=form,
            error=exc.message,
            status_code=exc.status,
        )
    return Redirect(f"/quotas?target={target}&period={period}&year={year}", status_code=303)


ROUTES = [quota_grid, save_grid]
