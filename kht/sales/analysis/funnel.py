"""The sales funnel (销售漏斗): per stage of a process, how many opportunities entered it in a
period, how many of those went further, how many are in it now, and how long stays last.

Everything comes from the stage history (one row per stay in a stage): an opportunity
"reached" a stage in the period when one of its stays in that stage began in the period
(counted once however often it came back). It "advanced" when, from that stay on, it also
entered a later stage that is not a lost stage (skipping stages counts; it may happen after
the period). Conversion is advanced / reached.
The average time in a stage is over the stays that began in the period; a stay still going
counts until now. `current` counts open opportunities sitting in the
stage now; for won and lost stages, those closed in the period. Dates are the user's days:
`end` is the last day included. Only opportunities the user may see count.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import aliased

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.sales.analysis import common
from kht.sales.analysis.schemas import (
    ConversionCell,
    ConversionMonth,
    ConversionOverTime,
    Funnel,
    FunnelStage,
    StageName,
)
from kht.sales.opportunities.models import Opportunity, OpportunityStageChange
from kht.sales.processes.models import Process
from kht.sales.quotas import periods

MAX_MONTHS = 36
DAY = Decimal(86400)


def _process(ctx: Ctx, process_id: int | None) -> Process:
    if process_id is not None:
        process = ctx.session.get(Process, process_id)
        if process is None:
            raise NotFound(f"process {process_id} not found", "process_id")
        return process
    # The default *sales* process: campaigns and packs' projects have processes of their own.
    process = ctx.session.scalar(
        select(Process)
        .where(Process.active, Process.kind == "opportunity")
        .order_by(Process.is_default.desc(), Process.id)
    )
    if process is None:
        raise NotFound("no sales process exists", "process_id")
    return process


def _range(ctx: Ctx, start: date, end: date) -> tuple[datetime, datetime]:
    if end < start:
        raise ValidationError("end is before start", "end")
    return ctx.day_start(start), ctx.day_start(end + timedelta(days=1))


def _name(ctx: Ctx, item: Any) -> str:
    return item.name_zh if ctx.language.startswith("zh") else item.name_en


def _epoch(ctx: Ctx, expr: Any) -> Any:
    if ctx.session.get_bind().dialect.name == "sqlite":
        return cast(func.strftime("%s", expr), Integer)
    return func.extract("epoch", expr)


def _stays_between(process: Process, low: datetime, high: datetime) -> list[Any]:
    """Stage-history rows of `process` that began in [low, high).

    Naming the process's stages lets ix_opportunity_stage_history_stage (stage_id,
    entered_at) find them by range instead of reading the whole history.
    """
    h = OpportunityStageChange
    return [
        Opportunity.process_id == process.id,
        h.stage_id.in_([item.id for item in process.stages]),
        h.entered_at >= low,
        h.entered_at < high,
    ]


def _month_of(ctx: Ctx, column: Any, low: datetime) -> Any:
    """'YYYY-MM' of a stored UTC time, in the user's time zone.

    SQLite knows no time zones: it shifts by the zone's offset at the start of the range
    (exact for zones without daylight saving, such as China's).
    """
    if ctx.session.get_bind().dialect.name == "sqlite":
        offset = ctx.zone.utcoffset(low.replace(tzinfo=None))
        minutes = int(offset.total_seconds() // 60) if offset else 0
        return func.strftime("%Y-%m", column, f"{minutes:+d} minutes")
    return func.to_char(func.timezone(ctx.zone.key, column), "YYYY-MM")


def _reached(
    ctx: Ctx,
    process: Process,
    low: datetime,
    high: datetime,
    clauses: list[Any],
    *,
    monthly: bool = False,
) -> dict[tuple[str, int], tuple[int, Decimal, int]]:
    """(month or "", stage id) -> (opportunities that entered the stage in [low, high) (in
    that month when `monthly`), their amount on entry, how many of them advanced)."""
    h = OpportunityStageChange
    sums = common.Sums(ctx)
    positions = {item.id: item.position for item in process.stages}
    on_track = [item.id for item in process.stages if item.outcome != "lost"]
    months = [_month_of(ctx, h.entered_at, low).label("month")] if monthly else []
    reached = (
        select(
            *months,
            h.stage_id,
            h.opportunity_id,
            func.min(h.entered_at).label("first"),
            func.max(sums.cents(h.amount)).label("amount"),
        )
        .join(Opportunity, Opportunity.id == h.opportunity_id)
        .where(*clauses, *_stays_between(process, low, high))
        .group_by(*months, h.stage_id, h.opportunity_id)
        .subquery()
    )
    # Went on: from its first stay here in the window, a stay in a later, not lost stage.
    later = aliased(h)
    went_on = exists(
        select(later.id).where(
            later.opportunity_id == reached.c.opportunity_id,
            later.entered_at >= reached.c.first,
            later.stage_id.in_(on_track),
            case(positions, value=later.stage_id) > case(positions, value=reached.c.stage_id),
        )
    )
    keys = [reached.c.month, reached.c.stage_id] if monthly else [reached.c.stage_id]
    query = select(
        *keys,
        func.count().label("reached"),
        func.sum(reached.c.amount).label("amount"),
        func.sum(case((went_on, 1), else_=0)).label("advanced"),
    ).group_by(*keys)
    return {
        (row.month if monthly else "", row.stage_id): (
            int(row.reached),
            sums.value(row.amount),
            int(row.advanced or 0),
        )
        for row in ctx.session.execute(query)
    }


def _current(
    ctx: Ctx, process: Process, low: datetime, high: datetime, clauses: list[Any]
) -> dict[int, tuple[int, Decimal]]:
    o = Opportunity
    sums = common.Sums(ctx)
    query = (
        select(o.stage_id, func.count().label("n"), func.sum(sums.cents(o.amount)).label("amount"))
        .where(
            *clauses,
            o.process_id == process.id,
            o.stage_id.in_([item.id for item in process.stages]),
            or_(o.status == "open", and_(o.closed_at >= low, o.closed_at < high)),
        )
        .group_by(o.stage_id)
    )
    return {
        row.stage_id: (int(row.n), sums.value(row.amount)) for row in ctx.session.execute(query)
    }


def _stays(
    ctx: Ctx, process: Process, low: datetime, high: datetime, clauses: list[Any]
) -> dict[int, Decimal | None]:
    """stage id -> average days of the stays that began in [low, high)."""
    h = OpportunityStageChange
    done = h.left_at.is_not(None)
    query = (
        select(
            h.stage_id,
            func.sum(case((done, h.seconds_in_stage), else_=0)).label("seconds"),
            func.sum(case((done, 1), else_=0)).label("finished"),
            func.sum(case((done, 0), else_=1)).label("going"),
            func.sum(case((done, 0), else_=_epoch(ctx, h.entered_at))).label("since"),
        )
        .join(Opportunity, Opportunity.id == h.opportunity_id)
        .where(*clauses, *_stays_between(process, low, high))
        .group_by(h.stage_id)
    )
    now = Decimal(int(ctx.now().timestamp()))
    out: dict[int, Decimal | None] = {}
    for row in ctx.session.execute(query):
        finished, going = int(row.finished or 0), int(row.going or 0)
        seconds = Decimal(row.seconds or 0) + going * now - Decimal(row.since or 0)
        out[row.stage_id] = common.ratio(max(seconds, Decimal(0)), (finished + going) * DAY, "0.1")
    return out


def funnel(
    ctx: Ctx,
    start: date,
    end: date,
    owner_id: int | None = None,
    department_id: int | None = None,
    product_line_id: int | None = None,
    process_id: int | None = None,
) -> Funnel:
    """The funnel of one process (default: the default process) from `start` to `end`."""
    require(ctx.user, common.MODULE, "view")
    low, high = _range(ctx, start, end)
    process = _process(ctx, process_id)
    clauses = common.filters(
        ctx, owner_id=owner_id, department_id=department_id, product_line_id=product_line_id
    )
    reached = _reached(ctx, process, low, high, clauses)
    current = _current(ctx, process, low, high, clauses)
    stays = _stays(ctx, process, low, high, clauses)
    stages = []
    for stage in process.stages:
        if not stage.active and stage.id not in reached and stage.id not in current:
            continue
        count, amount, advanced = reached.get(("", stage.id), (0, Decimal(0), 0))
        now_count, now_amount = current.get(stage.id, (0, Decimal(0)))
        is_open = stage.outcome == "open"
        stages.append(
            FunnelStage(
                stage_id=stage.id,
                key=stage.key,
                name=_name(ctx, stage),
                position=stage.position,
                outcome=stage.outcome,
                reached=count,
                amount=common.money(amount),
                advanced=advanced if is_open else 0,
                conversion=common.ratio(advanced * 100, count, "0.1") if is_open else None,
                current=now_count,
                current_amount=common.money(now_amount),
                avg_days=stays.get(stage.id) if is_open else None,
            )
        )
    return Funnel(
        process_id=process.id,
        process_name=_name(ctx, process),
        start=start,
        end=end,
        stages=stages,
    )


def stage_conversion_over_time(
    ctx: Ctx,
    start: date,
    end: date,
    owner_id: int | None = None,
    department_id: int | None = None,
    product_line_id: int | None = None,
    process_id: int | None = None,
) -> ConversionOverTime:
    """Per calendar month from `start` to `end` (at most 36): for each open stage, of the
    opportunities that entered it that month, how many went further (conversion in %).

    One grouped query for all months.
    """
    require(ctx.user, common.MODULE, "view")
    first = periods.period_of("month", start)
    count = (end.year - first.year) * 12 + end.month - first.month + 1
    if count > MAX_MONTHS:
        raise ValidationError(f"at most {MAX_MONTHS} months at a time", "end")
    process = _process(ctx, process_id)
    clauses = common.filters(
        ctx, owner_id=owner_id, department_id=department_id, product_line_id=product_line_id
    )
    stages = [s for s in process.stages if s.active and s.outcome == "open"]
    low, high = _range(ctx, start, end)
    reached = _reached(ctx, process, low, high, clauses, monthly=True)
    months = []
    for offset in range(count):
        month = periods.add_months(first, offset)
        label = periods.label("month", month)
        cells = []
        for stage in stages:
            n, _, advanced = reached.get((label, stage.id), (0, Decimal(0), 0))
            cells.append(
                ConversionCell(
                    stage_id=stage.id,
                    reached=n,
                    advanced=advanced,
                    conversion=common.ratio(advanced * 100, n, "0.1"),
                )
            )
        months.append(ConversionMonth(month=month, label=label, stages=cells))
    return ConversionOverTime(
        process_id=process.id,
        stages=[StageName(stage_id=s.id, name=_name(ctx, s)) for s in stages],
        months=months,
    )
