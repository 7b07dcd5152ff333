"""The pack's pages and JSON API, thin over the services: renewals due, the Pareto curve,
plan attainment, team activity, health movers; settings, the nightly run on demand, a
plan's objectives, reviews and key actions, an account's health trend."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import msgspec
from litestar import Request, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Template

from kht.plugin_api import (
    N_,
    Conflict,
    RequestCtx,
    ValidationError,
    get_record,
    render,
    require,
    translations,
)
from kht.settings.service import link_for
from plugins.key_account import health, plans, reports, service
from plugins.key_account.schemas import (
    KeyActionIn,
    ObjectiveIn,
    ReviewIn,
)

TAG = ["key_account"]


def _viewer(ctx: RequestCtx) -> None:
    require(ctx.user, service.MODULE, "view")


# ---------------------------------------------------------------------------- pages


@get("/key-accounts/renewals", sync_to_thread=True, include_in_schema=False)
def renewals_page(request: Request, ctx: RequestCtx, days: FromQuery[int] = 90) -> Template:
    """Active agreements whose notice date is within `days` (or passed): soonest first."""
    _viewer(ctx)
    found = service.renewals_due(ctx, days)
    names = _names(ctx, {a.customer_id for a in found})
    today = ctx.today()
    return render(
        request, ctx, "key_account/renewals.html", rows=found, names=names, days=days, today=today
    )


@get("/key-accounts/pareto", sync_to_thread=True, include_in_schema=False)
def pareto_page(request: Request, ctx: RequestCtx, level: FromQuery[str] = "group") -> Template:
    """The 20/80 curve: accounts by contribution with the cumulative share."""
    _viewer(ctx)
    rows = reports.pareto(ctx, level)
    chart = {
        "names": [r.name for r in rows],
        "revenue": [r.revenue for r in rows],
        "cumulative": [r.cumulative_pct for r in rows],
    }
    return render(
        request,
        ctx,
        "key_account/pareto.html",
        rows=rows,
        level=level,
        chart=chart,
        settings_url=link_for(ctx, service.NAME),
    )


@get("/key-accounts/plan-attainment", sync_to_thread=True, include_in_schema=False)
def attainment_page(request: Request, ctx: RequestCtx) -> Template:
    _viewer(ctx)
    rows = reports.attainment(ctx)
    names = _names(ctx, {r["plan"].customer_id for r in rows})
    return render(request, ctx, "key_account/attainment.html", rows=rows, names=names)


@get("/key-accounts/team-activity", sync_to_thread=True, include_in_schema=False)
def team_activity_page(request: Request, ctx: RequestCtx, days: FromQuery[int] = 90) -> Template:
    _viewer(ctx)
    rows = reports.team_activity(ctx, days)
    names = _names(ctx, {r["account"].customer_id for r in rows})
    users = dict(_users(ctx))
    return render(
        request,
        ctx,
        "key_account/team_activity.html",
        rows=rows,
        names=names,
        users=users,
        days=days,
    )


@get("/key-accounts/health-movers", sync_to_thread=True, include_in_schema=False)
def movers_page(request: Request, ctx: RequestCtx, days: FromQuery[int] = 30) -> Template:
    _viewer(ctx)
    rows = reports.movers(ctx, days)
    names = _names(ctx, {r["account"].customer_id for r in rows})
    return render(request, ctx, "key_account/movers.html", rows=rows, names=names, days=days)


def _names(ctx: RequestCtx, ids: set[int]) -> dict[int, str]:
    from kht.contacts.service import customer_names

    return customer_names(ctx, set(ids))


def _users(ctx: RequestCtx) -> list[tuple[int, str]]:
    from kht.value.service import active_users

    return active_users(ctx)


# ---------------------------------------------------------------------------- API


@post("/api/v1/key_account/nightly", sync_to_thread=True, tags=TAG)
def nightly_api(ctx: RequestCtx) -> dict[str, int]:
    """Run the nightly recalculation now: contributions, classes, key accounts, health."""
    require(ctx.user, service.MODULE, "admin")
    return health.run_nightly(ctx)


@get("/api/v1/key_account/pareto", sync_to_thread=True, tags=TAG)
def pareto_api(
    ctx: RequestCtx, level: FromQuery[str] = "group", limit: FromQuery[int] = 100
) -> list[reports.ParetoRow]:
    """Groups (or customers) in scope by contribution, with the company-wide cumulative share."""
    _viewer(ctx)
    return reports.pareto(ctx, level, limit)


@get("/api/v1/key_account/renewals", sync_to_thread=True, tags=TAG)
def renewals_api(ctx: RequestCtx, days: FromQuery[int] = 90) -> list[dict[str, Any]]:
    """Active agreements in scope needing notice within `days` (or overdue), soonest first."""
    _viewer(ctx)
    return [
        {
            "id": a.id,
            "number": a.number,
            "customer_id": a.customer_id,
            "title": a.title,
            "end_date": a.end_date.isoformat(),
            "notice_date": a.notice_date.isoformat(),
        }
        for a in service.renewals_due(ctx, days)
    ]


class TrendPoint(msgspec.Struct, kw_only=True):
    day: date
    score: int
    # Computed afterwards from that day's data (the back-filled history), not by its night.
    backfilled: bool = False


@get("/api/v1/key-accounts/{key_account_id:int}/health-trend", sync_to_thread=True, tags=TAG)
def trend_api(ctx: RequestCtx, key_account_id: FromPath[int]) -> list[TrendPoint]:
    """An account's health by day over the last 180 days (back-filled days marked)."""
    account = get_record(ctx, service.ACCOUNTS, key_account_id)
    points = health.trend_points(ctx, account.id)
    return [TrendPoint(day=d, score=s, backfilled=b) for d, s, b in points]


class ObjectiveOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    unit: str
    target: Decimal
    actual: Decimal
    attainment: Decimal


class PlanProgressOut(msgspec.Struct, kw_only=True):
    plan_id: int
    progress: Decimal | None
    objectives: list[ObjectiveOut]
    key_action_ids: list[int]


def _objective_out(row: Any) -> ObjectiveOut:
    return ObjectiveOut(
        id=row.id,
        name=row.name,
        unit=row.unit,
        target=row.target,
        actual=row.actual,
        attainment=plans.attainment(row),
    )


@get("/api/v1/key-account-plans/{key_account_plan_id:int}/progress", sync_to_thread=True, tags=TAG)
def progress_api(ctx: RequestCtx, key_account_plan_id: FromPath[int]) -> PlanProgressOut:
    """A plan's objectives with their attainment, its progress and its key actions."""
    plan_id = key_account_plan_id
    return PlanProgressOut(
        plan_id=plan_id,
        progress=plans.progress(ctx, plan_id),
        objectives=[_objective_out(o) for o in plans.objectives_of(ctx, plan_id)],
        key_action_ids=plans.key_action_ids(ctx, plan_id),
    )


@post(
    "/api/v1/key-account-plans/{key_account_plan_id:int}/objectives", sync_to_thread=True, tags=TAG
)
def add_objective_api(
    ctx: RequestCtx, key_account_plan_id: FromPath[int], data: JSONBody[ObjectiveIn]
) -> ObjectiveOut:
    """Add a measurable objective (target above 0)."""
    return _objective_out(plans.add_objective(ctx, key_account_plan_id, data))


class ActualIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    actual: Decimal


@patch(
    "/api/v1/key-account-plans/{key_account_plan_id:int}/objectives/{objective_id:int}",
    sync_to_thread=True,
    tags=TAG,
)
def set_actual_api(
    ctx: RequestCtx,
    key_account_plan_id: FromPath[int],
    objective_id: FromPath[int],
    data: JSONBody[ActualIn],
) -> ObjectiveOut:
    """Record an objective's actual so far."""
    return _objective_out(plans.set_actual(ctx, key_account_plan_id, objective_id, data.actual))


class ReviewOut(msgspec.Struct, kw_only=True):
    id: int
    held_on: date
    minutes: str


@post("/api/v1/key-account-plans/{key_account_plan_id:int}/reviews", sync_to_thread=True, tags=TAG)
def add_review_api(
    ctx: RequestCtx, key_account_plan_id: FromPath[int], data: JSONBody[ReviewIn]
) -> ReviewOut:
    """Record a review meeting and its minutes."""
    row = plans.add_review(ctx, key_account_plan_id, data)
    return ReviewOut(id=row.id, held_on=row.held_on, minutes=row.minutes)


@get("/api/v1/key-account-plans/{key_account_plan_id:int}/reviews", sync_to_thread=True, tags=TAG)
def reviews_api(ctx: RequestCtx, key_account_plan_id: FromPath[int]) -> list[ReviewOut]:
    return [
        ReviewOut(id=r.id, held_on=r.held_on, minutes=r.minutes)
        for r in plans.reviews_of(ctx, key_account_plan_id)
    ]


@post(
    "/api/v1/key-account-plans/{key_account_plan_id:int}/key-actions", sync_to_thread=True, tags=TAG
)
def add_key_action_api(
    ctx: RequestCtx, key_account_plan_id: FromPath[int], data: JSONBody[KeyActionIn]
) -> dict[str, int]:
    """Plan a key action: a planned action on the account's customer (in agendas)."""
    return {"action_id": plans.add_key_action(ctx, key_account_plan_id, data).id}


# ---------------------------------------------------------------------------- plan page forms

PLAN_PAGE = "/key-account-plans/{key_account_plan_id:int}"


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value).strip()


def _said(ctx: RequestCtx, message: str) -> str:
    """A refusal of the page's forms in the reader's language (the pack's catalogue)."""
    return translations(ctx.language or "en").gettext(message)


def _decimal(ctx: RequestCtx, data: dict[str, Any], key: str) -> Decimal:
    try:
        return Decimal(_text(data, key))
    except InvalidOperation:
        raise ValidationError(_said(ctx, N_("enter an amount such as 1200.50")), key) from None


def _built(schema: type, values: dict[str, Any]) -> Any:
    """A form's values as the API's input Struct (the same checks, the field named)."""
    try:
        return msgspec.convert(values, schema, strict=False)
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = message.split("$.", 1)[1].split("`", 1)[0] if "$." in message else ""
        raise ValidationError(message, field or "form") from None


def _on_plan(ctx: RequestCtx, plan_id: int, act: Any) -> Redirect:
    """Run a form's change, then back to the plan's page; a refusal (bad input, a stale
    plan) shows there, named, with nothing saved. Out of scope: 404, no right: 403."""
    get_record(ctx, plans.PLANS, plan_id)
    try:
        act()
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        field = f"&field={quote(exc.field)}" if exc.field else ""
        url = f"/key-account-plans/{plan_id}?error={quote(exc.message)}{field}"
        return Redirect(url, status_code=303)
    return Redirect(f"/key-account-plans/{plan_id}", status_code=303)


@post(f"{PLAN_PAGE}/objectives", sync_to_thread=True, include_in_schema=False)
def objective_form(
    ctx: RequestCtx, key_account_plan_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """The plan page's "add objective" form: name, target, unit."""

    def act() -> None:
        values = {"name": _text(data, "name"), "unit": _text(data, "unit")}
        values["target"] = _decimal(ctx, data, "target")
        plans.add_objective(ctx, key_account_plan_id, _built(ObjectiveIn, values))

    return _on_plan(ctx, key_account_plan_id, act)


@post(f"{PLAN_PAGE}/objectives/{{objective_id:int}}", sync_to_thread=True, include_in_schema=False)
def actual_form(
    ctx: RequestCtx,
    key_account_plan_id: FromPath[int],
    objective_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Redirect:
    """An objective's actual so far, typed on the plan page."""

    def act() -> None:
        plans.set_actual(ctx, key_account_plan_id, objective_id, _decimal(ctx, data, "actual"))

    return _on_plan(ctx, key_account_plan_id, act)


@post(f"{PLAN_PAGE}/reviews", sync_to_thread=True, include_in_schema=False)
def review_form(
    ctx: RequestCtx, key_account_plan_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """A review meeting held on a day, with its minutes."""

    def act() -> None:
        values = {"held_on": _text(data, "held_on"), "minutes": _text(data, "minutes")}
        plans.add_review(ctx, key_account_plan_id, _built(ReviewIn, values))

    return _on_plan(ctx, key_account_plan_id, act)


@post(f"{PLAN_PAGE}/key-actions", sync_to_thread=True, include_in_schema=False)
def key_action_form(
    ctx: RequestCtx, key_account_plan_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """A key action: subject, type and when it is due (the user's local time)."""

    def act() -> None:
        raw = _text(data, "due_at")
        try:
            due = datetime.fromisoformat(raw).replace(tzinfo=ctx.zone) if raw else None
        except ValueError:
            message = _said(ctx, N_("enter a date and time"))
            raise ValidationError(message, "due_at") from None
        values = {"subject": _text(data, "subject"), "type": _text(data, "type") or "task"}
        values["due_at"] = due
        plans.add_key_action(ctx, key_account_plan_id, _built(KeyActionIn, values))

    return _on_plan(ctx, key_account_plan_id, act)


class OrderLinkIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    order_id: int


@post(
    "/api/v1/key-account-agreements/{key_account_agreement_id:int}/orders",
    sync_to_thread=True,
    tags=TAG,
)
def link_order_api(
    ctx: RequestCtx, key_account_agreement_id: FromPath[int], data: JSONBody[OrderLinkIn]
) -> list[int]:
    """Link an order placed under the agreement; answers the linked orders' ids."""
    service.link_order(ctx, key_account_agreement_id, data.order_id)
    return service.linked_orders(ctx, key_account_agreement_id)


@get(
    "/api/v1/key-account-agreements/{key_account_agreement_id:int}/orders",
    sync_to_thread=True,
    tags=TAG,
)
def linked_orders_api(ctx: RequestCtx, key_account_agreement_id: FromPath[int]) -> list[int]:
    """Ids of the orders (in the user's scope) placed under the agreement."""
    return service.linked_orders(ctx, key_account_agreement_id)


ROUTES = [
    objective_form,
    actual_form,
    review_form,
    key_action_form,
    link_order_api,
    linked_orders_api,
    renewals_page,
    pareto_page,
    attainment_page,
    team_activity_page,
    movers_page,
    nightly_api,
    pareto_api,
    renewals_api,
    trend_api,
    progress_api,
    add_objective_api,
    set_actual_api,
    add_review_api,
    reviews_api,
    add_key_action_api,
]
