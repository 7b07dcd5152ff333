"""The pack's phone pages and JSON API, thin over the services: today's route, a visit
(check-in, audit with photos, check-out), visit plans, the territory tree, rep discipline,
claim decisions. A refused input shows on its page with a 4xx, naming the field."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Request, get, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Response, Template

from kht.plugin_api import (
    N_,
    Conflict,
    KhtError,
    RequestCtx,
    ValidationError,
    render,
    require,
)
from kht.settings.service import link_for
from plugins.promotion import audits, discipline, observations, promotions, service, visits
from plugins.promotion.schemas import (
    AuditAnswer,
    AuditIn,
    CheckIn,
    ContactIn,
    ObservationIn,
    ObservationOut,
    OutletsIn,
    PlanCreate,
    SaleIn,
    StopIn,
    TerritoryIn,
    TerritoryOut,
    Uplift,
    VisitOut,
)

TAG = ["promotion"]
# Service messages the pages show, so the catalogue translates them.
MESSAGES = (
    N_("no position: allow location access and try again"),
    N_("check in before taking the audit"),
    N_("check in before taking photos"),
    N_("check in before checking out"),
    N_("check out of the current outlet first"),
    N_("this visit was already checked in"),
    N_("this visit was already audited"),
    N_("answer at least one question"),
    N_("the file is not a photo (JPEG, PNG, WebP, HEIF...)"),
    N_("the photo is empty"),
    N_("the photo is too large"),
    N_("the photo is larger than 12 MB"),
    N_("take or choose a photo"),
    N_("enter a number"),
    N_("check in before recording competitors"),
    N_("a territory with territories below keeps its level"),
    N_("a territory cannot be its own parent"),
    N_("choose a rep of your team"),
    N_("this territory is worked by reps outside your team"),
    N_("choose a competitor or type its name"),
    N_("the price is from 0 to 100000"),
    N_("the shelf share is a percentage from 0 to 100"),
    N_("a competitor not on the shelf has no price"),
    N_("a competitor not on the shelf has no shelf share"),
    N_("a competitor not on the shelf has no activity"),
)
OBSERVATION_FIELDS = ("competitor_id", "competitor_name", "price", "shelf_share", "activity")
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
PHOTO_LIMIT = 12 * 1024 * 1024


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return "" if isinstance(value, UploadFile) else str(value).strip()


def _built(schema: type, values: dict[str, Any]) -> Any:
    """A form's values as the API's input Struct (the same checks, the field named)."""
    try:
        return msgspec.convert(values, schema, strict=False)
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = message.split("$.", 1)[1].split("`", 1)[0] if "$." in message else ""
        raise ValidationError(message, field or "form") from None


def _back(url: str, exc: KhtError) -> Redirect:
    sep = "&" if "?" in url else "?"
    field = f"&field={quote(exc.field)}" if exc.field else ""
    return Redirect(f"{url}{sep}error={quote(exc.message)}{field}", status_code=303)


def _fix(data: dict[str, Any]) -> CheckIn | None:
    """The phone's position from the check-in form (None when the browser gave none)."""
    if not _text(data, "latitude") or not _text(data, "longitude"):
        return None
    values = {k: _text(data, k) or "0" for k in ("latitude", "longitude", "accuracy")}
    return _built(CheckIn, values)


def _photos(data: dict[str, Any]) -> list[UploadFile]:
    found = data.get("photo")
    items = found if isinstance(found, list) else [found]
    return [item for item in items if isinstance(item, UploadFile) and item.filename]


def _read(upload: UploadFile) -> bytes:
    content = upload.file.read(PHOTO_LIMIT + 1)
    if len(content) > PHOTO_LIMIT:
        raise ValidationError("the photo is larger than 12 MB", "photo")
    return content


# ---------------------------------------------------------------------------- today


@get("/promotion/today", sync_to_thread=True, include_in_schema=False)
def today_page(request: Request, ctx: RequestCtx, error: FromQuery[str] = "") -> Template:
    """The rep's route of the day, in order, with what is left to do."""
    require(ctx.user, service.MODULE, "view")
    stops = visits.todays_stops(ctx)
    names = visits._visit_refs(ctx, stops)["refs"]["outlet_id"]
    return render(
        request,
        ctx,
        "promotion/today.html",
        stops=stops,
        names=names,
        day=ctx.today(),
        labels=visits.STATUS_LABELS,
        flag_labels=visits.FLAG_LABELS,
        error=error,
    )


@post("/promotion/outlets/{outlet_id:int}/visit", sync_to_thread=True, include_in_schema=False)
def unplanned_form(ctx: RequestCtx, outlet_id: FromPath[int]) -> Redirect:
    """Start a visit of an outlet that is not on today's plan (flagged unplanned)."""
    visit = visits.start_unplanned(ctx, outlet_id)
    return Redirect(f"/promotion/visits/{visit.id}/do", status_code=303)


def _visit_context(ctx: RequestCtx, visit_id: int) -> dict[str, Any]:
    visit = visits.get_visit(ctx, visit_id)
    outlet = service.get_outlet(ctx, visit.outlet_id)
    return {
        "visit": visit,
        "outlet": outlet,
        "form": audits.form_for(ctx, outlet.outlet_type),
        "values": audits.values_of(ctx, visit.id) if visit.audited else [],
        "photos": visits.photos_of(ctx, visit.id),
        "labels": visits.STATUS_LABELS,
        "flag_labels": visits.FLAG_LABELS,
        "metric_labels": {c.key: c for c in audits.METRIC_CHOICES},
        "radius": service.settings(ctx).radius_m,
        "observations": observations.of_visit(ctx, visit.id),
        "competitors": observations.competitor_names(ctx),
        "activity_labels": {c.key: c for c in observations.ACTIVITY_CHOICES},
        "observation_fields": OBSERVATION_FIELDS,
    }


@get("/promotion/visits/{visit_id:int}/do", sync_to_thread=True, include_in_schema=False)
def visit_page(
    request: Request,
    ctx: RequestCtx,
    visit_id: FromPath[int],
    error: FromQuery[str] = "",
    field: FromQuery[str] = "",
) -> Template:
    """One visit on the phone: check in, audit with photos, check out."""
    values = _visit_context(ctx, visit_id)
    status = 422 if error else 200
    return render(
        request, ctx, "promotion/visit.html", error=error, field=field, status_code=status, **values
    )


def _visit_action(request: Request, ctx: RequestCtx, visit_id: int, action: Any) -> Any:
    """Run an action of the visit page; a refusal re-renders the page with the message (its
    4xx status, the field named), nothing half-written."""
    try:
        action()
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        values = _visit_context(ctx, visit_id)
        return render(
            request,
            ctx,
            "promotion/visit.html",
            error=exc.message,
            field=exc.field or "",
            status_code=exc.status,
            **values,
        )
    return Redirect(f"/promotion/visits/{visit_id}/do", status_code=303)


@post("/promotion/visits/{visit_id:int}/check-in", sync_to_thread=True, include_in_schema=False)
def check_in_form(
    request: Request, ctx: RequestCtx, visit_id: FromPath[int], data: URLEncodedBody[dict]
) -> Any:
    return _visit_action(request, ctx, visit_id, lambda: visits.check_in(ctx, visit_id, _fix(data)))


@post("/promotion/visits/{visit_id:int}/check-out", sync_to_thread=True, include_in_schema=False)
def check_out_form(request: Request, ctx: RequestCtx, visit_id: FromPath[int]) -> Any:
    return _visit_action(request, ctx, visit_id, lambda: visits.check_out(ctx, visit_id))


def _answers(ctx: RequestCtx, visit_id: int, data: dict[str, Any]) -> AuditIn:
    """The audit form's inputs (`n<i>` numbers, `f<i>` yes/no) as answers to the form's
    items; an item left empty is not answered."""
    visit = visits.get_visit(ctx, visit_id)
    outlet = service.get_outlet(ctx, visit.outlet_id)
    answers = []
    for index, item in enumerate(audits.form_for(ctx, outlet.outlet_type)):
        base = {"metric": item.metric, "brand": item.brand, "sku": item.sku, "own": item.own}
        if item.metric in audits.NUMERIC:
            raw = _text(data, f"n{index}")
            if raw:
                try:
                    answers.append(AuditAnswer(**base, number=Decimal(raw)))
                except InvalidOperation:
                    raise ValidationError("enter a number", f"n{index}") from None
        elif _text(data, f"f{index}") in ("yes", "no"):
            answers.append(AuditAnswer(**base, flag=_text(data, f"f{index}") == "yes"))
    return AuditIn(answers=answers)


@post(
    "/promotion/visits/{visit_id:int}/audit",
    request_max_body_size=4 * PHOTO_LIMIT,
    sync_to_thread=True,
    include_in_schema=False,
)
def audit_form(request: Request, ctx: RequestCtx, visit_id: FromPath[int], data: Multipart) -> Any:
    """The audit's answers and the photos taken with it, in one post."""

    def act() -> None:
        answers = _answers(ctx, visit_id, data)
        for photo in _photos(data):
            visits.add_photo(ctx, visit_id, photo.filename, _read(photo))
        audits.submit_audit(ctx, visit_id, answers)

    return _visit_action(request, ctx, visit_id, act)


@post(
    "/promotion/visits/{visit_id:int}/photos",
    request_max_body_size=4 * PHOTO_LIMIT,
    sync_to_thread=True,
    include_in_schema=False,
)
def photos_form(request: Request, ctx: RequestCtx, visit_id: FromPath[int], data: Multipart) -> Any:
    def act() -> None:
        found = _photos(data)
        if not found:
            raise ValidationError("take or choose a photo", "photo")
        for photo in found:
            visits.add_photo(ctx, visit_id, photo.filename, _read(photo))

    return _visit_action(request, ctx, visit_id, act)


def _decimal(data: dict[str, Any], key: str) -> Decimal | None:
    raw = _text(data, key).replace(",", ".")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValidationError("enter a number", key) from None


def _observation(data: dict[str, Any]) -> ObservationIn:
    """The competitor form's inputs as the API's input (`absent` ticked: not present)."""
    values = {
        "competitor_id": _text(data, "competitor_id") or None,
        "competitor_name": _text(data, "competitor_name"),
        "product": _text(data, "product"),
        "present": _text(data, "absent") != "on",
        "activity": _text(data, "activity"),
        "note": _text(data, "note"),
    }
    found = _built(ObservationIn, values)
    found.price, found.shelf_share = _decimal(data, "price"), _decimal(data, "shelf_share")
    return found


@post(
    "/promotion/visits/{visit_id:int}/competitors",
    request_max_body_size=4 * PHOTO_LIMIT,
    sync_to_thread=True,
    include_in_schema=False,
)
def observe_form(
    request: Request, ctx: RequestCtx, visit_id: FromPath[int], data: Multipart
) -> Any:
    """A competitor seen at the visit's outlet, with the photos taken of it, in one post."""

    def act() -> None:
        observation = observations.record_observation(ctx, visit_id, _observation(data))
        for photo in _photos(data):
            observations.add_photo(ctx, observation.id, photo.filename, _read(photo))

    return _visit_action(request, ctx, visit_id, act)


# ---------------------------------------------------------------------------- plans


@get("/promotion/plans", sync_to_thread=True, include_in_schema=False)
def plans_page(request: Request, ctx: RequestCtx, error: FromQuery[str] = "") -> Template:
    """The caller's plans (a manager: the team's, those waiting for approval first)."""
    require(ctx.user, service.MODULE, "view")
    from kht.plugin_api import visible
    from plugins.promotion.models import VisitPlan

    query = visible(ctx, visits.PLANS).order_by(VisitPlan.start_on.desc()).limit(100)
    plans = sorted(ctx.session.scalars(query), key=lambda p: p.status != "submitted")
    return render(
        request,
        ctx,
        "promotion/plans.html",
        plans=plans,
        names=service.rep_names(ctx),
        labels=visits.PLAN_LABELS,
        today=ctx.today(),
        error=error,
        status_code=422 if error else 200,
    )


@get("/promotion/plans/calendar", sync_to_thread=True, include_in_schema=False)
def plan_calendar_page(
    request: Request, ctx: RequestCtx, team: FromQuery[bool] = False
) -> Template:
    """The plans on a calendar (the core's FullCalendar): my stops, or the team's plans."""
    require(ctx.user, service.MODULE, "view")
    wall_now = ctx.local().replace(tzinfo=None).isoformat("T", "seconds")
    feed = "/promotion/plans/calendar/events" + ("?team=1" if team else "")
    return render(request, ctx, "promotion/plan_calendar.html", team=team, feed=feed, now=wall_now)


def _day(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        raise ValidationError(f"{field} must be a date (YYYY-MM-DD)", field) from None


@get("/promotion/plans/calendar/events", sync_to_thread=True, include_in_schema=False)
def plan_calendar_feed(
    ctx: RequestCtx,
    start: FromQuery[str] = "",
    end: FromQuery[str] = "",
    team: FromQuery[bool] = False,
) -> Response[Any]:
    """The plan calendar's feed over FullCalendar's [start, end); a bad date is a 422."""
    try:
        first, last = _day(start, "start"), _day(end, "end")
        events = visits.calendar_events(ctx, first, last, team=team)
    except KhtError as exc:
        body = {"status": exc.status, "message": exc.message, "field": exc.field}
        return Response(body, status_code=exc.status)
    return Response(events)


@post("/promotion/plans", sync_to_thread=True, include_in_schema=False)
def create_plan_form(ctx: RequestCtx, data: URLEncodedBody[dict]) -> Redirect:
    try:
        values = {
            "start_on": _text(data, "start_on"),
            "days": _text(data, "days") or "1",
            "name": _text(data, "name"),
            "suggest": _text(data, "suggest") == "on",
        }
        plan = visits.create_plan(ctx, _built(PlanCreate, values))
    except ValidationError as exc:
        ctx.session.rollback()
        return _back("/promotion/plans", exc)
    return Redirect(f"/promotion/plans/{plan.id}", status_code=303)


@get("/promotion/plans/{visit_plan_id:int}", sync_to_thread=True, include_in_schema=False)
def plan_page(
    request: Request, ctx: RequestCtx, visit_plan_id: FromPath[int], error: FromQuery[str] = ""
) -> Template:
    """A plan's stops, day by day in order, with editing and approval."""
    plan = visits.get_plan(ctx, visit_plan_id)
    stops = visits.stops(ctx, plan.id)
    days = [plan.start_on + timedelta(days=i) for i in range(plan.days)]
    return render(
        request,
        ctx,
        "promotion/plan.html",
        plan=plan,
        days=days,
        stops=stops,
        names=visits._visit_refs(ctx, stops)["refs"]["outlet_id"],
        due=visits.due_outlets(ctx, plan.start_on)[:30] if ctx.user_id == plan.owner_id else [],
        labels=visits.PLAN_LABELS,
        status_labels=visits.STATUS_LABELS,
        manager=ctx.user.can(service.MANAGE, "edit"),
        rep=service.rep_names(ctx).get(plan.owner_id, ""),
        error=error,
        status_code=422 if error else 200,
    )


def _plan_action(visit_plan_id: int, action: Any) -> Redirect:
    url = f"/promotion/plans/{visit_plan_id}"
    try:
        action()
    except (ValidationError, Conflict) as exc:
        return _back(url, exc)
    return Redirect(url, status_code=303)


@post("/promotion/plans/{visit_plan_id:int}/stops", sync_to_thread=True, include_in_schema=False)
def add_stop_form(
    ctx: RequestCtx, visit_plan_id: FromPath[int], data: URLEncodedBody[dict]
) -> Redirect:
    def act() -> None:
        values = {
            "outlet_id": _text(data, "outlet_id"),
            "planned_on": _text(data, "planned_on") or None,
        }
        visits.add_stop(ctx, visit_plan_id, _built(StopIn, values))

    return _plan_action(visit_plan_id, act)


@post("/promotion/stops/{visit_id:int}/{move:str}", sync_to_thread=True, include_in_schema=False)
def stop_form(ctx: RequestCtx, visit_id: FromPath[int], move: FromPath[str]) -> Redirect:
    """Move a stop up or down, or remove it."""
    visit = visits.get_visit(ctx, visit_id)
    if visit.plan_id is None:
        raise ValidationError("the visit is not part of a plan", "visit_id")
    actions = {
        "up": lambda: visits.move_stop(ctx, visit_id, -1),
        "down": lambda: visits.move_stop(ctx, visit_id, 1),
        "remove": lambda: visits.remove_stop(ctx, visit_id),
    }
    if move not in actions:
        raise ValidationError("up, down or remove", "move")
    return _plan_action(visit.plan_id, actions[move])


@post(
    "/promotion/plans/{visit_plan_id:int}/{step:str}", sync_to_thread=True, include_in_schema=False
)
def plan_step_form(ctx: RequestCtx, visit_plan_id: FromPath[int], step: FromPath[str]) -> Redirect:
    """Submit (the rep), approve or reject (the manager)."""
    actions = {
        "submit": lambda: visits.submit_plan(ctx, visit_plan_id),
        "approve": lambda: visits.decide_plan(ctx, visit_plan_id, True),
        "reject": lambda: visits.decide_plan(ctx, visit_plan_id, False),
    }
    if step not in actions:
        raise ValidationError("submit, approve or reject", "step")
    return _plan_action(visit_plan_id, actions[step])


# ---------------------------------------------------------------------------- territories


@get("/promotion/territories", sync_to_thread=True, include_in_schema=False)
def territories_page(
    request: Request,
    ctx: RequestCtx,
    error: FromQuery[str] = "",
    field: FromQuery[str] = "",
    edit: FromQuery[int] = 0,
) -> Template:
    """The territory tree with reps, outlet counts and coverage targets; a manager edits a
    node in place (`edit` opens its form again after a refusal)."""
    rows = service.territories(ctx)
    return render(
        request,
        ctx,
        "promotion/territories.html",
        rows=rows,
        depth=service.depth(rows),
        reps=service.rep_names(ctx),
        counts=service.outlet_counts(ctx),
        levels=service.LEVEL_LABELS,
        manager=ctx.user.can(service.MANAGE, "edit"),
        edit=edit,
        settings_url=link_for(ctx, service.NAME),
        error=error,
        field=field,
        status_code=422 if error else 200,
    )


def _territory_in(data: dict[str, Any]) -> TerritoryIn:
    values = {
        "name": _text(data, "name"),
        "level": _text(data, "level"),
        "parent_id": _text(data, "parent_id") or None,
        "rep_id": _text(data, "rep_id") or None,
        "coverage_target": _text(data, "coverage_target") or "90",
    }
    return _built(TerritoryIn, values)


@post("/promotion/territories", sync_to_thread=True, include_in_schema=False)
def territory_form(ctx: RequestCtx, data: URLEncodedBody[dict]) -> Redirect:
    try:
        service.create_territory(ctx, _territory_in(data))
    except ValidationError as exc:
        ctx.session.rollback()
        return _back("/promotion/territories", exc)
    return Redirect("/promotion/territories", status_code=303)


@post("/promotion/territories/{territory_id:int}", sync_to_thread=True, include_in_schema=False)
def territory_edit_form(
    ctx: RequestCtx, territory_id: FromPath[int], data: URLEncodedBody[dict]
) -> Redirect:
    """Save a territory's edit form (name, level, parent, rep, coverage target)."""
    try:
        service.update_territory(ctx, territory_id, _territory_in(data))
    except ValidationError as exc:
        ctx.session.rollback()
        return _back(f"/promotion/territories?edit={territory_id}", exc)
    return Redirect("/promotion/territories", status_code=303)


# ---------------------------------------------------------------------------- discipline


def _period(start: str, end: str, today: date) -> tuple[date, date]:
    try:
        first = date.fromisoformat(start) if start else today.replace(day=1)
        last = date.fromisoformat(end) if end else today
    except ValueError:
        raise ValidationError("dates are YYYY-MM-DD", "start") from None
    if last < first:
        raise ValidationError("the period ends before it starts", "end")
    return first, last


@get("/promotion/discipline", sync_to_thread=True, include_in_schema=False)
def discipline_page(
    request: Request, ctx: RequestCtx, start: FromQuery[str] = "", end: FromQuery[str] = ""
) -> Template:
    """Planned vs done, on time, in radius, time in store, audits: per rep and the team."""
    first, last = _period(start, end, ctx.today())
    rows, team = discipline.discipline(ctx, first, last)
    return render(
        request,
        ctx,
        "promotion/discipline.html",
        rows=rows,
        team=team,
        start=first,
        end=last,
        exceptions=discipline.exceptions(ctx, first, last, limit=50),
        flag_labels={**visits.FLAG_LABELS, "missed": visits.STATUS_LABELS["missed"]},
    )


# ---------------------------------------------------------------------------- claims


@post("/promotion/claims/{claim_id:int}/{step:str}", sync_to_thread=True, include_in_schema=False)
def claim_form(ctx: RequestCtx, claim_id: FromPath[int], step: FromPath[str]) -> Redirect:
    if step not in ("approve", "reject"):
        raise ValidationError("approve or reject", "step")
    claim = promotions.decide_claim(ctx, claim_id, step == "approve")
    return Redirect(f"/promotions/{claim.promotion_id}", status_code=303)


@post(
    "/promotion/promotions/{promotion_id:int}/uplift", sync_to_thread=True, include_in_schema=False
)
def uplift_form(ctx: RequestCtx, promotion_id: FromPath[int]) -> Redirect:
    promotions.refresh_uplift(ctx, promotion_id)
    return Redirect(f"/promotions/{promotion_id}", status_code=303)


# ---------------------------------------------------------------------------- API


def _visit_out(ctx: RequestCtx, visit: Any) -> VisitOut:
    values = {n: getattr(visit, n) for n in VisitOut.__struct_fields__ if n not in ("ext", "tags")}
    return VisitOut(**values, ext=visit.ext or {}, tags=[])


@post("/api/v1/promotion/visits/{visit_id:int}/check-in", sync_to_thread=True, tags=TAG)
def check_in_api(ctx: RequestCtx, visit_id: FromPath[int], data: JSONBody[CheckIn]) -> VisitOut:
    """Check in with the phone's position: distance, radius, travel and accuracy flags."""
    return _visit_out(ctx, visits.check_in(ctx, visit_id, data))


@post("/api/v1/promotion/visits/{visit_id:int}/check-out", sync_to_thread=True, tags=TAG)
def check_out_api(ctx: RequestCtx, visit_id: FromPath[int]) -> VisitOut:
    """Check out: time in store, the outlet's last visit."""
    return _visit_out(ctx, visits.check_out(ctx, visit_id))


@post("/api/v1/promotion/visits/{visit_id:int}/audit", sync_to_thread=True, tags=TAG)
def audit_api(ctx: RequestCtx, visit_id: FromPath[int], data: JSONBody[AuditIn]) -> dict[str, int]:
    """The audit's answers as structured values (once per visit)."""
    return {"values": len(audits.submit_audit(ctx, visit_id, data))}


@post(
    "/api/v1/promotion/visits/{visit_id:int}/photos",
    request_max_body_size=2 * PHOTO_LIMIT,
    sync_to_thread=True,
    tags=TAG,
)
def photo_api(ctx: RequestCtx, visit_id: FromPath[int], data: Multipart) -> dict[str, Any]:
    """A photo (multipart field `photo`): resized, EXIF stripped, attached to the visit."""
    visits.get_visit(ctx, visit_id)  # out of scope: the 404 of a missing visit, body unread
    found = _photos(data)
    if not found:
        raise ValidationError("take or choose a photo", "photo")
    file = visits.add_photo(ctx, visit_id, found[0].filename, _read(found[0]))
    return {"id": file.id, "filename": file.filename, "size": file.size}


def _observation_out(record: Any) -> ObservationOut:
    names = (n for n in ObservationOut.__struct_fields__ if n not in ("ext", "tags"))
    return ObservationOut(**{n: getattr(record, n) for n in names}, ext=record.ext or {}, tags=[])


@post("/api/v1/promotion/visits/{visit_id:int}/competitors", sync_to_thread=True, tags=TAG)
def observe_api(
    ctx: RequestCtx, visit_id: FromPath[int], data: JSONBody[ObservationIn]
) -> ObservationOut:
    """A competitor seen at the visit's outlet: presence, product, price, shelf share,
    activity (`competitor_id`, or `competitor_name` to find or add one)."""
    return _observation_out(observations.record_observation(ctx, visit_id, data))


@post(
    "/api/v1/promotion/competitor-observations/{observation_id:int}/photos",
    request_max_body_size=2 * PHOTO_LIMIT,
    sync_to_thread=True,
    tags=TAG,
)
def observation_photo_api(
    ctx: RequestCtx, observation_id: FromPath[int], data: Multipart
) -> dict[str, Any]:
    """A photo of a competitor observation (multipart field `photo`): resized, EXIF
    stripped, attached to the observation."""
    observations.get_observation(ctx, observation_id)  # out of scope: 404, body unread
    found = _photos(data)
    if not found:
        raise ValidationError("take or choose a photo", "photo")
    file = observations.add_photo(ctx, observation_id, found[0].filename, _read(found[0]))
    return {"id": file.id, "filename": file.filename, "size": file.size}


@get("/api/v1/promotion/audits/summary", sync_to_thread=True, tags=TAG)
def audit_summary_api(
    ctx: RequestCtx, start: FromQuery[date], end: FromQuery[date]
) -> dict[str, Any]:
    """Shelf share, out-of-stock rate, average price and price index over a period."""
    require(ctx.user, service.MODULE, "view")
    return audits.aggregates(ctx, start, end)


@get("/api/v1/promotion/promotions/{promotion_id:int}/uplift", sync_to_thread=True, tags=TAG)
def uplift_api(ctx: RequestCtx, promotion_id: FromPath[int], source: FromQuery[str] = "") -> Uplift:
    """Sell-through before / during / after against the control outlets, from the
    promotion's source or `source` (`reported` outlet sales, `orders`)."""
    return promotions.uplift(ctx, promotion_id, source or None)


@put("/api/v1/promotion/promotions/{promotion_id:int}/outlets", sync_to_thread=True, tags=TAG)
def outlets_api(
    ctx: RequestCtx, promotion_id: FromPath[int], data: JSONBody[OutletsIn]
) -> OutletsIn:
    """Replace the promotion's outlets."""
    promotions.set_outlets(ctx, promotion_id, data.outlet_ids)
    return OutletsIn(outlet_ids=promotions.outlet_ids(ctx, promotion_id))


@post("/api/v1/promotion/claims/{claim_id:int}/{step:str}", sync_to_thread=True, tags=TAG)
def claim_api(ctx: RequestCtx, claim_id: FromPath[int], step: FromPath[str]) -> dict[str, str]:
    """Approve or reject a cost claim (a manager)."""
    if step not in ("approve", "reject"):
        raise ValidationError("approve or reject", "step")
    return {"status": promotions.decide_claim(ctx, claim_id, step == "approve").status}


@post("/api/v1/promotion/sales", sync_to_thread=True, tags=TAG)
def sale_api(ctx: RequestCtx, data: JSONBody[SaleIn]) -> dict[str, str]:
    """An outlet's reported sell-through on a day."""
    sale = promotions.report_sale(ctx, data)
    return {"amount": str(sale.amount)}


@post("/api/v1/promotion/outlets/{outlet_id:int}/contacts", sync_to_thread=True, tags=TAG)
def contact_api(
    ctx: RequestCtx, outlet_id: FromPath[int], data: JSONBody[ContactIn]
) -> dict[str, Any]:
    """A new holder of a role at the outlet (the previous one's term ends)."""
    contact = service.set_contact(ctx, outlet_id, data)
    return {"id": contact.id}


@get("/api/v1/promotion/territories", sync_to_thread=True, tags=TAG)
def territories_api(ctx: RequestCtx) -> list[TerritoryOut]:
    """The territory tree, depth first (a rep: their own territories and their parents)."""
    return [_territory_out(t) for t in service.territories(ctx)]


def _territory_out(t: Any) -> TerritoryOut:
    return TerritoryOut(
        id=t.id,
        name=t.name,
        level=t.level,
        parent_id=t.parent_id,
        rep_id=t.rep_id,
        coverage_target=t.coverage_target,
    )


@post("/api/v1/promotion/territories", sync_to_thread=True, tags=TAG)
def create_territory_api(ctx: RequestCtx, data: JSONBody[TerritoryIn]) -> dict[str, int]:
    """A new territory (a manager)."""
    return {"id": service.create_territory(ctx, data).id}


@put("/api/v1/promotion/territories/{territory_id:int}", sync_to_thread=True, tags=TAG)
def update_territory_api(
    ctx: RequestCtx, territory_id: FromPath[int], data: JSONBody[TerritoryIn]
) -> TerritoryOut:
    """Replace a territory's name, level, parent, rep and coverage target (a manager)."""
    return _territory_out(service.update_territory(ctx, territory_id, data))


@post("/api/v1/promotion/plans/{visit_plan_id:int}/stops", sync_to_thread=True, tags=TAG)
def add_stop_api(ctx: RequestCtx, visit_plan_id: FromPath[int], data: JSONBody[StopIn]) -> VisitOut:
    """Add an outlet to a plan."""
    return _visit_out(ctx, visits.add_stop(ctx, visit_plan_id, data))


@post("/api/v1/promotion/plans/{visit_plan_id:int}/{step:str}", sync_to_thread=True, tags=TAG)
def plan_step_api(
    ctx: RequestCtx, visit_plan_id: FromPath[int], step: FromPath[str]
) -> dict[str, str]:
    """Submit, approve or reject a plan."""
    actions = {
        "submit": lambda: visits.submit_plan(ctx, visit_plan_id),
        "approve": lambda: visits.decide_plan(ctx, visit_plan_id, True),
        "reject": lambda: visits.decide_plan(ctx, visit_plan_id, False),
    }
    if step not in actions:
        raise ValidationError("submit, approve or reject", "step")
    return {"status": actions[step]().status}


ROUTES = [
    today_page,
    unplanned_form,
    visit_page,
    check_in_form,
    check_out_form,
    audit_form,
    photos_form,
    observe_form,
    plans_page,
    plan_calendar_page,
    plan_calendar_feed,
    create_plan_form,
    plan_page,
    add_stop_form,
    stop_form,
    plan_step_form,
    territories_page,
    territory_form,
    territory_edit_form,
    discipline_page,
    claim_form,
    uplift_form,
    check_in_api,
    check_out_api,
    audit_api,
    photo_api,
    observe_api,
    observation_photo_api,
    audit_summary_api,
    uplift_api,
    outlets_api,
    claim_api,
    sale_api,
    contact_api,
    territories_api,
    create_territory_api,
    update_territory_api,
    add_stop_api,
    plan_step_api,
]
