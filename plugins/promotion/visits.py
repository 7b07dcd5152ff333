"""Visit plans and visits: the rep's route (made by hand or suggested from the visit
frequency of each outlet's grade and its last visit), the manager's approval, the plan
calendar's events, and the visit itself — check-in from the phone's position, photos,
check-out.

A stop of a plan is a visit in status `planned`; checking in makes it `in_store`, checking
out `done`. A visit without a plan is allowed and flagged `unplanned`. A check-in is refused
(422) without a position; it is flagged, never refused, when the fix is poor, outside the
outlet's radius, or too far from the rep's previous check-in for the time between them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from kht.files.service import list_files, upload
from kht.plugin_api import (
    N_,
    Choice,
    Conflict,
    Ctx,
    FieldDef,
    RecordKind,
    RecordPages,
    ValidationError,
    changes_of,
    create_record,
    get_record,
    require,
    require_change,
    update_record,
    visible,
)
from plugins.promotion import geo, photos
from plugins.promotion.models import Outlet, Visit, VisitPlan
from plugins.promotion.schemas import (
    CheckIn,
    PlanCreate,
    PlanOut,
    PlanUpdate,
    StopIn,
    VisitCreate,
    VisitOut,
    VisitUpdate,
)
from plugins.promotion.service import (
    MANAGE,
    MODULE,
    OUTLETS,
    get_outlet,
    outlet_names,
    outlets_in_scope,
    rep_names,
    settings,
)

PLAN_KIND = "promotion_plan"
VISIT_KIND = "promotion_visit"
STATUS_LABELS = {
    "planned": N_("Planned"),
    "in_store": N_("In store"),
    "done": N_("Done"),
    "missed": N_("Missed"),
}
PLAN_LABELS = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
}
FLAG_LABELS = {
    "unplanned": N_("Unplanned"),
    "outside_radius": N_("Outside the radius"),
    "impossible_travel": N_("Impossible travel"),
    "poor_accuracy": N_("Poor position fix"),
    "outlet_unlocated": N_("Outlet has no position"),
    "short_visit": N_("Short visit"),
}
FIRST_STOP = time(9, 0)
STOP_MINUTES = 45


# ---------------------------------------------------------------------------- plans


def create_plan(ctx: Ctx, data: PlanCreate) -> VisitPlan:
    """A draft plan of the acting rep: the outlets given, in order, or (`suggest`) the
    outlets due for a visit."""
    require(ctx.user, MODULE, "create")
    values = {"name": data.name, "start_on": data.start_on, "days": data.days, "note": data.note}
    plan = create_record(ctx, PLANS, {**values, "ext": data.ext})
    outlet_ids = suggest(ctx, data.start_on, data.days) if data.suggest else data.outlets
    for index, outlet_id in enumerate(outlet_ids):
        day = data.start_on + timedelta(days=index * data.days // max(len(outlet_ids), 1))
        add_stop(ctx, plan.id, StopIn(outlet_id=outlet_id, planned_on=day))
    return plan


def get_plan(ctx: Ctx, plan_id: int) -> VisitPlan:
    return get_record(ctx, PLANS, plan_id)


def update_plan(ctx: Ctx, plan_id: int, data: PlanUpdate) -> VisitPlan:
    plan = get_plan(ctx, plan_id)
    return update_record(ctx, PLANS, plan, data.version, changes_of(data))


def stops(ctx: Ctx, plan_id: int) -> list[Visit]:
    """A plan's stops in visiting order."""
    get_plan(ctx, plan_id)
    query = select(Visit).where(Visit.plan_id == plan_id, Visit.deleted_at.is_(None))
    return list(ctx.session.scalars(query.order_by(Visit.planned_on, Visit.seq)))


def _editable(ctx: Ctx, plan: VisitPlan) -> None:
    """The rep edits a draft (or a rejected plan); a manager edits any plan in scope."""
    if plan.status in ("draft", "rejected") or ctx.user.can(MANAGE, "edit"):
        require_change(ctx, PLANS, plan)
        return
    raise Conflict("a submitted plan is changed by the manager only", "status")


def add_stop(ctx: Ctx, plan_id: int, data: StopIn) -> Visit:
    """Add an outlet to the end of the plan's day, at the next free time if none is given."""
    plan = get_plan(ctx, plan_id)
    _editable(ctx, plan)
    outlet = get_outlet(ctx, data.outlet_id)
    day = data.planned_on or plan.start_on
    if not plan.start_on <= day < plan.start_on + timedelta(days=plan.days):
        raise ValidationError("the day is outside the plan", "planned_on")
    count = ctx.session.scalar(
        select(func.count(Visit.id)).where(Visit.plan_id == plan.id, Visit.planned_on == day)
    )
    at = data.planned_at or ctx.day_start(day) + timedelta(
        hours=FIRST_STOP.hour, minutes=count * STOP_MINUTES
    )
    values = {
        "outlet_id": outlet.id,
        "territory_id": outlet.territory_id,
        "plan_id": plan.id,
        "seq": count,
        "planned_on": day,
        "planned_at": at,
        "ext": {},
    }
    return create_record(ctx, VISITS, values, owner_id=plan.owner_id)


def remove_stop(ctx: Ctx, visit_id: int) -> None:
    visit = get_visit(ctx, visit_id)
    if visit.plan_id is None or visit.status != "planned":
        raise Conflict("only a planned stop not yet visited can be removed", "status")
    _editable(ctx, get_plan(ctx, visit.plan_id))
    visit.deleted_at = ctx.now()
    _renumber(ctx, visit.plan_id, visit.planned_on)


def move_stop(ctx: Ctx, visit_id: int, offset: int) -> None:
    """Move a stop up (-1) or down (+1) within its day; planned times follow the order."""
    visit = get_visit(ctx, visit_id)
    if visit.plan_id is None:
        raise ValidationError("the visit is not part of a plan", "visit_id")
    _editable(ctx, get_plan(ctx, visit.plan_id))
    day = [s for s in stops(ctx, visit.plan_id) if s.planned_on == visit.planned_on]
    index = day.index(visit)
    target = min(max(index + offset, 0), len(day) - 1)
    day.insert(target, day.pop(index))
    times = sorted(s.planned_at for s in day if s.planned_at is not None)
    for seq, stop in enumerate(day):
        stop.seq = seq
        if len(times) == len(day):
            stop.planned_at = times[seq]
    ctx.session.flush()


def _renumber(ctx: Ctx, plan_id: int, day: date) -> None:
    for seq, stop in enumerate(s for s in stops(ctx, plan_id) if s.planned_on == day):
        stop.seq = seq
    ctx.session.flush()


def submit_plan(ctx: Ctx, plan_id: int) -> VisitPlan:
    """The rep sends the plan for approval (it needs at least one stop)."""
    plan = get_plan(ctx, plan_id)
    if plan.status not in ("draft", "rejected"):
        raise Conflict("the plan was already submitted", "status")
    if not stops(ctx, plan_id):
        raise ValidationError("add at least one outlet before submitting", "outlets")
    return update_record(ctx, PLANS, plan, None, {"status": "submitted"})


def decide_plan(ctx: Ctx, plan_id: int, approve: bool) -> VisitPlan:
    """The manager approves (or sends back) a plan of their team."""
    require(ctx.user, MANAGE, "edit")
    plan = get_plan(ctx, plan_id)
    if plan.status != "submitted":
        raise Conflict("only a submitted plan is approved or rejected", "status")
    changes: dict[str, Any] = {"status": "approved" if approve else "rejected"}
    if approve:
        changes |= {"approved_by_id": ctx.user_id, "approved_at": ctx.now()}
    return update_record(ctx, PLANS, plan, None, changes)


def due_outlets(ctx: Ctx, on: date) -> list[tuple[Outlet, int]]:
    """The caller's outlets with how many days overdue they are on `on`: an outlet of a
    grade visited n times a month is due every 30/n days after its last visit (never
    visited: due since long ago)."""
    per_month = settings(ctx).visits_per_month
    rows = ctx.session.scalars(outlets_in_scope(ctx).where(Outlet.owner_id == ctx.user_id))
    due = []
    for outlet in rows:
        times = per_month.get(outlet.grade, 0)
        if not times:
            continue
        interval = 30 // times
        last = outlet.last_visit_on or on - timedelta(days=365)
        overdue = (on - last).days - interval
        if overdue >= 0:
            due.append((outlet, overdue))
    return sorted(due, key=lambda pair: (-pair[1], pair[0].grade, pair[0].id))


def suggest(ctx: Ctx, on: date, days: int = 1, per_day: int = 8) -> list[int]:
    """The outlets most overdue (then best graded), `per_day` for each day of the plan,
    not already planned on those days."""
    planned = set(
        ctx.session.scalars(
            select(Visit.outlet_id).where(
                Visit.owner_id == ctx.user_id,
                Visit.planned_on >= on,
                Visit.planned_on < on + timedelta(days=days),
                Visit.deleted_at.is_(None),
            )
        )
    )
    due = [outlet.id for outlet, _ in due_outlets(ctx, on) if outlet.id not in planned]
    return due[: per_day * days]


def todays_stops(ctx: Ctx, day: date | None = None) -> list[Visit]:
    """The acting rep's visits of the day (planned and unplanned), in order."""
    day = day or ctx.today()
    query = visible(ctx, VISITS).where(Visit.owner_id == ctx.user_id, Visit.planned_on == day)
    return list(ctx.session.scalars(query.order_by(Visit.unplanned, Visit.seq, Visit.id)))


# ---------------------------------------------------------------------------- calendar

CALENDAR_LIMIT = 500
# Bootstrap's colours: blue to do, orange in the store, green done/approved, red missed/sent
# back, grey a draft, yellow waiting for the manager.
COLOURS = {
    "planned": "#0d6efd",
    "in_store": "#fd7e14",
    "done": "#198754",
    "missed": "#dc3545",
    "draft": "#6c757d",
    "submitted": "#ffc107",
    "approved": "#198754",
    "rejected": "#dc3545",
}


def calendar_events(ctx: Ctx, start: date, end: date, team: bool = False) -> list[dict[str, Any]]:
    """The plan calendar's events meeting [start, end) (FullCalendar's range), times as
    wall-clock times of the user's zone: the acting rep's own stops (each at its planned
    time, linking to the visit), or with `team` the plans in the caller's scope as all-day
    events over their days (rep, stop count and status, linking to the plan)."""
    require(ctx.user, MODULE, "view")
    if end <= start:
        raise ValidationError("the calendar ends before it starts", "end")
    return _plan_events(ctx, start, end) if team else _stop_events(ctx, start, end)


def _wall(ctx: Ctx, moment: datetime) -> str:
    return ctx.local(moment).replace(tzinfo=None).isoformat(timespec="minutes")


def _stop_events(ctx: Ctx, start: date, end: date) -> list[dict[str, Any]]:
    query = visible(ctx, VISITS).where(
        Visit.owner_id == ctx.user_id, Visit.planned_on >= start, Visit.planned_on < end
    )
    rows = list(ctx.session.scalars(query.order_by(Visit.planned_on, Visit.seq, Visit.id)))
    names = outlet_names(ctx, {visit.outlet_id for visit in rows[:CALENDAR_LIMIT]})
    return [_stop_event(ctx, visit, names) for visit in rows[:CALENDAR_LIMIT]]


def _stop_event(ctx: Ctx, visit: Visit, names: dict[int, str]) -> dict[str, Any]:
    begins = visit.planned_at or visit.checkin_at
    open_ = visit.status in ("planned", "in_store")
    event: dict[str, Any] = {
        "id": visit.id,
        "title": names.get(visit.outlet_id, f"#{visit.outlet_id}"),
        "url": f"/promotion/visits/{visit.id}/do" if open_ else f"/visits/{visit.id}",
        "color": COLOURS.get(visit.status),
        "classNames": [f"promotion-stop-{visit.status}"],
        "extendedProps": {"status": visit.status, "unplanned": visit.unplanned},
    }
    if begins is None:
        return event | {"start": visit.planned_on.isoformat(), "allDay": True}
    ends = visit.checkout_at or begins + timedelta(minutes=STOP_MINUTES)
    return event | {"start": _wall(ctx, begins), "end": _wall(ctx, ends), "allDay": False}


def _plan_events(ctx: Ctx, start: date, end: date) -> list[dict[str, Any]]:
    # A plan meets the range when it starts before its end and ends (start + days) after
    # its start; at most a week long, so looking 7 days back finds every one.
    query = visible(ctx, PLANS).where(
        VisitPlan.start_on < end, VisitPlan.start_on > start - timedelta(days=7)
    )
    plans = [
        p
        for p in ctx.session.scalars(query.order_by(VisitPlan.start_on, VisitPlan.id))
        if p.start_on + timedelta(days=p.days) > start
    ][:CALENDAR_LIMIT]
    counts = _stop_counts(ctx, [plan.id for plan in plans])
    reps = rep_names(ctx)
    return [
        {
            "id": plan.id,
            "title": " · ".join(filter(None, (reps.get(plan.owner_id, ""), plan.name)))
            + f" ({counts.get(plan.id, 0)})",
            "start": plan.start_on.isoformat(),
            "end": (plan.start_on + timedelta(days=plan.days)).isoformat(),
            "allDay": True,
            "url": f"/promotion/plans/{plan.id}",
            "color": COLOURS.get(plan.status),
            "classNames": [f"promotion-plan-{plan.status}"],
            "extendedProps": {"status": plan.status, "stops": counts.get(plan.id, 0)},
        }
        for plan in plans
    ]


def _stop_counts(ctx: Ctx, plan_ids: list[int]) -> dict[int, int]:
    if not plan_ids:
        return {}
    query = (
        select(Visit.plan_id, func.count(Visit.id))
        .where(Visit.plan_id.in_(plan_ids), Visit.deleted_at.is_(None))
        .group_by(Visit.plan_id)
    )
    return dict(ctx.session.execute(query).all())


# ---------------------------------------------------------------------------- visits


def get_visit(ctx: Ctx, visit_id: int) -> Visit:
    return get_record(ctx, VISITS, visit_id)


def create_visit(ctx: Ctx, data: VisitCreate) -> Visit:
    """The API's create: an unplanned visit."""
    return start_unplanned(ctx, data.outlet_id)


def start_unplanned(ctx: Ctx, outlet_id: int) -> Visit:
    """A visit of an outlet not on today's plan: allowed, and flagged."""
    outlet = get_outlet(ctx, outlet_id)
    values = {
        "outlet_id": outlet.id,
        "territory_id": outlet.territory_id,
        "planned_on": ctx.today(),
        "unplanned": True,
        "flags": "unplanned",
        "ext": {},
    }
    return create_record(ctx, VISITS, values)


def check_in(ctx: Ctx, visit_id: int, fix: CheckIn | None) -> Visit:
    """Check in at the visit's outlet with the phone's fix; 422 naming `latitude` without a
    position. Computes the distance to the outlet and sets the flags (see module doc)."""
    visit = get_visit(ctx, visit_id)
    require_change(ctx, VISITS, visit)
    if visit.status != "planned":
        raise Conflict("this visit was already checked in", "status")
    if fix is None:
        raise ValidationError("no position: allow location access and try again", "latitude")
    _no_open_visit(ctx, visit)
    now = ctx.now()
    outlet = ctx.session.get(Outlet, visit.outlet_id)
    rules = settings(ctx)
    flags = set(filter(None, visit.flags.split(",")))
    values: dict[str, Any] = {
        "status": "in_store",
        "checkin_at": now,
        "checkin_lat": Decimal(str(round(fix.latitude, 6))),
        "checkin_lng": Decimal(str(round(fix.longitude, 6))),
        "accuracy_m": round(fix.accuracy),
    }
    if fix.accuracy > rules.poor_accuracy_m:
        flags.add("poor_accuracy")
    values |= _distance(outlet, fix, rules.radius_m, flags)
    values["impossible_travel"] = _impossible(ctx, visit, fix, now, rules.max_speed_kmh)
    if values["impossible_travel"]:
        flags.add("impossible_travel")
    if visit.planned_at is not None:
        late = abs((now - visit.planned_at).total_seconds()) / 60
        values["on_time"] = late <= rules.on_time_minutes
    values["flags"] = ",".join(sorted(flags))
    return update_record(ctx, VISITS, visit, None, values)


def _no_open_visit(ctx: Ctx, visit: Visit) -> None:
    query = select(Visit.id).where(
        Visit.owner_id == visit.owner_id,
        Visit.status == "in_store",
        Visit.deleted_at.is_(None),
        Visit.id != visit.id,
    )
    if ctx.session.scalar(query) is not None:
        raise Conflict("check out of the current outlet first", "status")


def _distance(outlet: Outlet, fix: CheckIn, radius: int, flags: set[str]) -> dict[str, Any]:
    if outlet.latitude is None or outlet.longitude is None:
        flags.add("outlet_unlocated")
        return {"distance_m": None, "in_radius": None}
    metres = geo.distance_m(
        float(outlet.latitude), float(outlet.longitude), fix.latitude, fix.longitude
    )
    inside = geo.within(metres, radius)
    if not inside:
        flags.add("outside_radius")
    return {"distance_m": round(metres), "in_radius": inside}


def _impossible(ctx: Ctx, visit: Visit, fix: CheckIn, now: datetime, max_kmh: int) -> bool:
    """Whether the trip from the rep's previous check-in is faster than any vehicle."""
    query = (
        select(Visit.checkin_lat, Visit.checkin_lng, Visit.checkin_at)
        .where(
            Visit.owner_id == visit.owner_id,
            Visit.checkin_at.is_not(None),
            Visit.checkin_at <= now,
            Visit.id != visit.id,
            Visit.deleted_at.is_(None),
        )
        .order_by(Visit.checkin_at.desc())
        .limit(1)
    )
    previous = ctx.session.execute(query).first()
    if previous is None or previous.checkin_lat is None:
        return False
    metres = geo.distance_m(
        float(previous.checkin_lat), float(previous.checkin_lng), fix.latitude, fix.longitude
    )
    return geo.impossible(metres, previous.checkin_at, now, max_kmh)


def check_out(ctx: Ctx, visit_id: int) -> Visit:
    """Leave the outlet: time in store, the outlet's last visit date, a short stay flagged."""
    visit = get_visit(ctx, visit_id)
    if visit.status != "in_store":
        raise Conflict("check in before checking out", "status")
    now = ctx.now()
    minutes = max(int((now - visit.checkin_at).total_seconds() // 60), 0)
    flags = set(filter(None, visit.flags.split(",")))
    if minutes < settings(ctx).short_visit_minutes:
        flags.add("short_visit")
    changes = {
        "status": "done",
        "checkout_at": now,
        "minutes_in_store": minutes,
        "flags": ",".join(sorted(flags)),
    }
    update_record(ctx, VISITS, visit, None, changes)
    outlet = ctx.session.get(Outlet, visit.outlet_id)
    day = ctx.local(now).date()
    if outlet.last_visit_on is None or outlet.last_visit_on < day:
        update_record(ctx, OUTLETS, outlet, None, {"last_visit_on": day}, operation=None)
    return visit


def add_photo(ctx: Ctx, visit_id: int, filename: str, data: bytes) -> Any:
    """A photo of the visit, cleaned (resized, no EXIF) and attached to the visit as a file;
    422 naming `photo` when it is not an image."""
    visit = get_visit(ctx, visit_id)
    if visit.status == "planned":
        raise Conflict("check in before taking photos", "status")
    clean = photos.cleaned(data)
    stem = (filename or "photo").rsplit(".", 1)[0][:80] or "photo"
    file = upload(ctx, VISIT_KIND, visit.id, f"{stem}.jpg", clean)
    visit.photos += 1
    ctx.session.flush()
    return file


def photos_of(ctx: Ctx, visit_id: int) -> list[Any]:
    return list_files(ctx, VISIT_KIND, visit_id)


def miss_overdue(ctx: Ctx, before: date) -> int:
    """Mark planned stops of days before `before` as missed (the nightly run)."""
    query = select(Visit).where(
        Visit.status == "planned", Visit.planned_on < before, Visit.deleted_at.is_(None)
    )
    count = 0
    for visit in ctx.session.scalars(query):
        visit.status = "missed"
        count += 1
    ctx.session.flush()
    return count


# ---------------------------------------------------------------------------- the kinds


def _f(name: str, type_: str, zh: str, en: str, **more: Any) -> FieldDef:
    return FieldDef(name=name, type=type_, label_zh=zh, label_en=en, namespace="", **more)


def _choices(labels: dict[str, str], zh: dict[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(key=k, label_zh=zh[k], label_en=v) for k, v in labels.items())


STATUS_ZH = {"planned": "计划", "in_store": "在店", "done": "已完成", "missed": "未拜访"}
PLAN_ZH = {"draft": "草稿", "submitted": "待审批", "approved": "已批准", "rejected": "已退回"}

PLAN_FIELDS = (
    _f("name", "text", "名称", "Name"),
    _f("start_on", "date", "开始日期", "Starts on", required=True),
    _f("days", "number", "天数", "Days"),
    _f("status", "single_choice", "状态", "Status", choices=_choices(PLAN_LABELS, PLAN_ZH)),
    _f("approved_by_id", "user", "批准人", "Approved by"),
    _f("note", "long_text", "备注", "Note"),
)
VISIT_FIELDS = (
    _f("outlet_id", "number", "网点", "Outlet", required=True),
    _f("territory_id", "number", "片区", "Territory"),
    _f("plan_id", "number", "拜访计划", "Visit plan"),
    _f("planned_on", "date", "日期", "Day"),
    _f("seq", "number", "顺序", "Order"),
    _f("status", "single_choice", "状态", "Status", choices=_choices(STATUS_LABELS, STATUS_ZH)),
    _f("unplanned", "boolean", "计划外", "Unplanned"),
    _f("distance_m", "number", "距离(米)", "Distance (m)"),
    _f("in_radius", "boolean", "在范围内", "In radius"),
    _f("on_time", "boolean", "准时", "On time"),
    _f("impossible_travel", "boolean", "异常位移", "Impossible travel"),
    _f("minutes_in_store", "number", "在店分钟", "Minutes in store"),
    _f("audited", "boolean", "已检查", "Audited"),
    _f("photos", "number", "照片", "Photos"),
    _f("flags", "text", "异常", "Flags"),
)


def _visit_refs(ctx: Ctx, rows: list[Any]) -> dict[str, Any]:
    from plugins.promotion.service import territory_names

    ids = {row.outlet_id for row in rows if row is not None}
    names = outlet_names(ctx, ids)
    return {"refs": {"outlet_id": names, "territory_id": territory_names(ctx)}}


def _visit_detail(ctx: Ctx, visit: Any) -> dict[str, Any]:
    return _visit_refs(ctx, [visit])


PLANS = RecordKind(
    kind=PLAN_KIND,
    model=VisitPlan,
    module=MODULE,
    label_zh="拜访计划",
    label_en="Visit plans",
    plural="visit-plans",
    fields=PLAN_FIELDS,
    searchable=("name", "note"),
    default_sort="-start_on",
    create_schema=PlanCreate,
    update_schema=PlanUpdate,
    out_schema=PlanOut,
    create=create_plan,
    update=update_plan,
    inline_edit=False,
)

VISITS = RecordKind(
    kind=VISIT_KIND,
    model=Visit,
    module=MODULE,
    label_zh="拜访",
    label_en="Visits",
    plural="visits",
    fields=VISIT_FIELDS,
    default_sort="-planned_on",
    list_defaults=("planned_on", "outlet_id", "status", "distance_m", "flags", "owner_id"),
    create_schema=VisitCreate,
    update_schema=VisitUpdate,
    out_schema=VisitOut,
    create=create_visit,
    inline_edit=False,
    pages=RecordPages(
        badge="status",
        list_filters=("status", "planned_on", "territory_id", "outlet_id"),
        list_context=_visit_refs,
        detail_context=_visit_detail,
    ),
)
