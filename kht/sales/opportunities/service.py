"""Opportunity business rules: create, edit, move through the process's stages, close.

A stage move checks the gate of the stage being left (required actions and fields) when
moving forward, records the stay in the stage history, updates status and probability from
the new stage, is audited, fires `StageChanged`, and honours optimistic locking: a move made
on a stale version (two people dragging the same card) is a 409 and changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, insert, or_, select, update

from kht import record_service as records
from kht.actions.models import Action
from kht.auth.models import User
from kht.auth.permissions import require
from kht.auth.scope import owned_by_visible
from kht.competitors import service as competitors
from kht.contacts.service import check_contact_of
from kht.context import Ctx
from kht.customers.models import Customer
from kht.customers.service import get_customer
from kht.errors import Conflict, NotFound, ValidationError
from kht.events import StageChanged
from kht.fields import builtin
from kht.lists.engine import Column, Filter, days_between
from kht.org.models import BusinessLine, Department
from kht.plugin_types import RecordKind
from kht.processes import approvals
from kht.records.schemas import out_of
from kht.sales.fields import col, shared, with_common_columns
from kht.sales.opportunities.models import Opportunity, OpportunityStageChange
from kht.sales.opportunities.schemas import (
    Board,
    BoardCard,
    BoardColumn,
    OpportunityCreate,
    OpportunityOut,
    OpportunityUpdate,
)
from kht.sales.processes import service as processes
from kht.sales.processes.models import Process, ProcessStage

KIND = "opportunity"
MODULE = "opportunities"
# Changed only by a stage move (gates, history, events), never by an edit or a bulk "set".
STAGE_FIELDS = frozenset(
    {"stage_id", "process_id", "status", "probability", "closed_at", "stage_entered_at"}
)
MOVING = "kht.opportunity_stage_move"
BOARD_CARDS = 50
CLOSED_DAYS_ON_BOARD = 30


def columns(ctx: Ctx) -> dict[str, Column]:
    """Every column an opportunity list can show, filter and sort by."""
    o = Opportunity
    built_in = [
        col("name", "名称", "Name", "text", o.name, True),
        col("customer_id", "客户", "Customer", "ref", o.customer_id, True),
        col("stage_id", "阶段", "Stage", "ref", o.stage_id, True),
        col("amount", "金额", "Amount", "number", o.amount, True),
        col("probability", "赢率%", "Probability %", "number", o.probability),
        col("expected_close", "预计成交", "Expected close", "date", o.expected_close, True),
        col("status", "状态", "Status", "text", o.status, True),
        col("owner_id", "负责人", "Owner", "ref", o.owner_id, True),
        col("forecast_category", "预测类别", "Forecast category", "text", o.forecast_category),
        col("product_line_id", "产品线", "Product line", "ref", o.product_line_id),
        col("process_id", "销售流程", "Process", "ref", o.process_id),
        col("source", "来源", "Source", "text", o.source),
        col("competitors", "竞争对手", "Competitors", "text", o.competitors),
        col("close_reason", "赢单/丢单原因", "Close reason", "text", o.close_reason),
        col("currency", "币种", "Currency", "text", o.currency),
        col("closed_at", "关闭时间", "Closed", "date", o.closed_at),
        col("stage_entered_at", "进入阶段时间", "In stage since", "date", o.stage_entered_at),
        col("last_action_at", "最近行动", "Last activity", "date", last_action_at(o.id)),
        col(
            "days_to_close",
            "成交周期（天）",
            "Days to close",
            "number",
            days_between(o.created_at, o.closed_at),
        ),
    ]
    return with_common_columns(ctx, o, KIND, built_in)


def last_action_at(opportunity_id: Any) -> Any:
    """When the latest done action on the opportunity (`opportunity_id`: its id column) was
    done, as a correlated subquery (NULL: none yet)."""
    return (
        select(func.max(Action.done_at))
        .where(
            Action.kind == KIND,
            Action.record_id == opportunity_id,
            Action.status == "done",
            Action.deleted_at.is_(None),
        )
        .scalar_subquery()
    )


def filtered(
    ctx: Ctx, *, q: str = "", filters: list[Filter] | None = None, deleted: bool = False
) -> Select[tuple[Opportunity]]:
    """Opportunities in scope matching the quick search `q` (name, competitors) and filters."""
    search = (Opportunity.name, Opportunity.competitors)
    return records.searched(ctx, SPEC, q=q, search=search, filters=filters, deleted=deleted)


def list_opportunities(ctx: Ctx, **options: Any) -> tuple[list[Opportunity], int]:
    """A page of opportunities in scope, filtered and sorted, and the total count (the options of
    `record_service.page_of`: page, page_size, q, sort, filters, deleted)."""
    return records.page_of(ctx, SPEC, **options)


def get_opportunity(ctx: Ctx, opportunity_id: int, *, deleted: bool = False) -> Opportunity:
    """One opportunity in scope (404 when missing, deleted or out of scope)."""
    return records.get_record(ctx, SPEC, opportunity_id, deleted=deleted)


def _department_of(ctx: Ctx, user_id: int | None) -> int | None:
    if user_id is None:
        return None
    return ctx.session.scalar(select(User.department_id).where(User.id == user_id))


def _visible_customer(ctx: Ctx, customer_id: int) -> Customer:
    try:
        return get_customer(ctx, customer_id)
    except NotFound:
        raise ValidationError(f"customer {customer_id} not found", "customer_id") from None


def _check_refs(ctx: Ctx, values: dict[str, Any], customer_id: int) -> None:
    check_contact_of(ctx, values.get("contact_id"), customer_id)
    line = values.get("product_line_id")
    if line is not None and ctx.session.get(BusinessLine, line) is None:
        raise ValidationError(f"product line {line} does not exist", "product_line_id")
    if "name" in values:
        values["name"] = values["name"].strip()
        if not values["name"]:
            raise ValidationError("name is required", "name")


def _start_stage(ctx: Ctx, data: OpportunityCreate) -> tuple[Process, ProcessStage]:
    if data.process_id is not None:
        process = ctx.session.get(Process, data.process_id)
        if process is None or not process.active:
            raise ValidationError(f"process {data.process_id} is not in use", "process_id")
    else:
        process = processes.default_process(ctx, data.product_line_id)
    if data.stage_id is None:
        return process, processes.first_stage(process)
    stage = ctx.session.get(ProcessStage, data.stage_id)
    if stage is None or stage.process_id != process.id or not stage.active:
        raise ValidationError(f"stage {data.stage_id} is not a stage of {process.key}", "stage_id")
    if stage.outcome != "open":
        raise ValidationError("a new opportunity starts in an open stage", "stage_id")
    return process, stage


def create_opportunity(ctx: Ctx, data: OpportunityCreate) -> Opportunity:
    """Open an opportunity for a customer the user can see, in its process's first stage."""
    require(ctx.user, MODULE, "create")
    _visible_customer(ctx, data.customer_id)
    values = records.changes_of(data)
    _check_refs(ctx, values, data.customer_id)
    rivals = competitors.check_ids(ctx, values.pop("competitor_ids", []))
    values["competitors"] = competitors.names_of(ctx, rivals)
    owner_id = values.pop("owner_id", None)
    if owner_id is not None and owner_id != ctx.user_id:
        require(ctx.user, MODULE, "assign")
        owner = ctx.session.get(User, owner_id)
        if owner is None or not owner.active:
            raise ValidationError("the owner must be an active user", "owner_id")
    owner_id = ctx.user_id if owner_id is None else owner_id
    process, stage = _start_stage(ctx, data)
    now = ctx.now()
    values.update(
        process_id=process.id,
        stage_id=stage.id,
        probability=stage.probability,
        stage_entered_at=now,
        status="open",
        department_id=_department_of(ctx, owner_id),
    )
    opportunity = records.create_record(ctx, SPEC, values, owner_id=owner_id)
    competitors.replace_links(ctx, opportunity.id, rivals)
    _enter(ctx, opportunity, stage, now, cause="created")
    return opportunity


def update_opportunity(ctx: Ctx, opportunity_id: int, data: OpportunityUpdate) -> Opportunity:
    """Apply a partial edit (not the stage: see `move_stage`); stale `version` is a 409."""
    opportunity = get_opportunity(ctx, opportunity_id)
    if data.version != opportunity.version:
        raise Conflict(
            f"opportunity {opportunity_id} was changed by someone else; reload it", "version"
        )
    changes = records.changes_of(data)
    _check_refs(ctx, changes, opportunity.customer_id)
    rivals = changes.pop("competitor_ids", None)
    if rivals is None:
        return records.update_record(ctx, SPEC, opportunity, data.version, changes)
    return _with_competitors(ctx, opportunity, data.version, changes, rivals)


def _with_competitors(
    ctx: Ctx, opportunity: Opportunity, version: int | None, changes: dict[str, Any], ids: list
) -> Opportunity:
    """Apply `changes` and make `ids` its competitors: the links change with the record, and
    the history shows them as its `competitors` (their names)."""
    ids = competitors.check_ids(ctx, ids)
    changes["competitors"] = competitors.names_of(ctx, ids)
    records.update_record(ctx, SPEC, opportunity, version, changes)
    competitors.replace_links(ctx, opportunity.id, ids)
    return opportunity


def competitor_ids(ctx: Ctx, opportunity_id: int) -> list[int]:
    """The ids of the competitors of an opportunity in scope (404 otherwise), by name."""
    get_opportunity(ctx, opportunity_id)
    return competitors.linked_ids(ctx, opportunity_id)


def link_competitor(ctx: Ctx, opportunity_id: int, competitor_id: int) -> Opportunity:
    """Add a competitor (a `kht.competitors` record) to an opportunity the user may edit;
    already there: nothing changes. For packs and the opportunity page."""
    opportunity = get_opportunity(ctx, opportunity_id)
    ids = competitors.linked_ids(ctx, opportunity_id)
    if competitor_id in ids:
        return opportunity
    return _with_competitors(ctx, opportunity, None, {}, [*ids, competitor_id])


def unlink_competitor(ctx: Ctx, opportunity_id: int, competitor_id: int) -> Opportunity:
    """Take a competitor off an opportunity the user may edit (not there: no change)."""
    opportunity = get_opportunity(ctx, opportunity_id)
    ids = competitors.linked_ids(ctx, opportunity_id)
    if competitor_id not in ids:
        return opportunity
    rest = [i for i in ids if i != competitor_id]
    return _with_competitors(ctx, opportunity, None, {}, rest)


# Stage history statements, built once: a stage move is the board's hot path, and building
# a statement costs more than running it. Core statements on the table: no ORM objects.
_history = OpportunityStageChange.__table__
_ENTER = insert(_history)
_LEAVE = (
    update(_history)
    .where(_history.c.opportunity_id == bindparam("opportunity"), _history.c.left_at.is_(None))
    .values(left_at=bindparam("at"), seconds_in_stage=bindparam("seconds"))
)


def _enter(ctx: Ctx, opportunity: Opportunity, stage: ProcessStage, at: Any, cause: str) -> None:
    ctx.session.execute(
        _ENTER,
        {
            "opportunity_id": opportunity.id,
            "stage_id": stage.id,
            "stage_name_zh": stage.name_zh,
            "stage_name_en": stage.name_en,
            "probability": stage.probability,
            "amount": opportunity.amount,
            "entered_at": at,
            "user_id": ctx.user_id,
            "cause": cause,
        },
    )


def _leave(ctx: Ctx, opportunity: Opportunity, entered_at: Any, at: Any) -> None:
    """Close the open stay; it began when the opportunity entered its current stage."""
    seconds = max(0, int((at - entered_at).total_seconds()))
    ctx.session.execute(_LEAVE, {"opportunity": opportunity.id, "at": at, "seconds": seconds})


def _reopening(
    opportunity: Opportunity, current: ProcessStage, version: int | None, reopen: bool
) -> bool:
    """Whether a person's move takes a won or lost opportunity out of its stage.

    That reopens a closed deal, so it needs the explicit `reopen` flag (the board and the
    page ask for confirmation first); a stray drag must not undo a win. Moves by the system
    (no `version`, e.g. an accepted quote closing it as won) need no flag.
    """
    if current.outcome == "open" or version is None:
        return False
    if not reopen:
        raise Conflict(
            f"opportunity {opportunity.id} is {current.outcome}: moving it reopens it; "
            "send reopen: true to confirm",
            "reopen",
        )
    return True


def _move(
    ctx: Ctx,
    opportunity: Opportunity,
    target: ProcessStage,
    version: int | None,
    *,
    cause: str,
    reason: str = "",
    gates: bool = True,
    reopen: bool = False,
) -> Opportunity:
    current = processes.stage_of(ctx, opportunity.stage_id)
    entered_at = opportunity.stage_entered_at
    if target.process_id != opportunity.process_id:
        raise ValidationError(f"stage {target.id} belongs to another process", "stage_id")
    if not target.active:
        raise ValidationError(f"stage {target.name_en} is retired", "stage_id")
    if version is not None and version != opportunity.version:
        raise Conflict(
            f"opportunity {opportunity.id} was changed by someone else; reload it", "version"
        )
    if target.id == current.id:
        return opportunity
    if _reopening(opportunity, current, version, reopen):
        cause = "reopen"
    forward = target.outcome == "won" or (
        target.outcome == "open" and target.position > current.position
    )
    if gates and forward and current.outcome == "open":
        problems = processes.gate_problems(ctx, opportunity, current)
        if problems:
            raise ValidationError("; ".join(problems), "stage_id")
    if target.outcome == "lost" and not reason.strip():
        raise ValidationError("say why the opportunity was lost", "reason")
    now = ctx.now()
    changes: dict[str, Any] = {
        "stage_id": target.id,
        "probability": target.probability,
        "stage_entered_at": now,
        "status": target.outcome,
        "closed_at": now if target.outcome != "open" else None,
    }
    if target.outcome != "open" or opportunity.close_reason:
        changes["close_reason"] = reason.strip() if target.outcome != "open" else ""
    ctx.extra[MOVING] = opportunity.id
    try:
        records.update_record(ctx, SPEC, opportunity, version, changes)
    finally:
        ctx.extra.pop(MOVING, None)
    _leave(ctx, opportunity, entered_at, now)
    _enter(ctx, opportunity, target, now, cause=cause or reason)
    approvals.ask_approvers(ctx, KIND, opportunity, target, url=f"/opportunities/{opportunity.id}")
    ctx.fire(
        StageChanged(
            kind=KIND,
            record_id=opportunity.id,
            user_id=ctx.user_id,
            from_stage=current.key,
            to_stage=target.key,
            outcome=target.outcome,
            cause=cause or reason,
        )
    )
    return opportunity


def move_stage(
    ctx: Ctx,
    opportunity_id: int,
    stage_id: int,
    *,
    version: int,
    cause: str = "",
    reopen: bool = False,
) -> Opportunity:
    """Move to another stage of the same process (gates checked when moving forward).

    Moving into a won or lost stage closes the opportunity; moving a closed one anywhere
    reopens it, which takes `reopen=True` (a 409 naming `reopen` otherwise) and is audited
    as a reopen. A lost stage needs a reason: use `close_opportunity`.
    """
    opportunity = get_opportunity(ctx, opportunity_id)
    require(ctx.user, MODULE, "edit")
    try:
        target = processes.stage_of(ctx, stage_id)
    except NotFound:
        raise ValidationError(f"stage {stage_id} not found", "stage_id") from None
    return _move(ctx, opportunity, target, version, cause=cause, reason=cause, reopen=reopen)


def close_opportunity(
    ctx: Ctx,
    opportunity_id: int,
    *,
    won: bool,
    reason: str = "",
    version: int | None = None,
    reopen: bool = False,
) -> Opportunity:
    """Close as won or lost (a lost one needs a reason); turning a won one into lost (or
    back) is a reopen and takes `reopen=True`, as in `move_stage`.

    With a `version` (a person closing it) the gate of the current stage applies to a win;
    without (the system closing it because its quote was accepted) the gate is skipped: the
    signed quote is the evidence. Closing an already closed opportunity the same way is a
    no-op.
    """
    opportunity = get_opportunity(ctx, opportunity_id)
    require(ctx.user, MODULE, "edit")
    process = processes.get_process(ctx, opportunity.process_id)
    target = processes.closing_stage(process, "won" if won else "lost")
    return _move(
        ctx,
        opportunity,
        target,
        version,
        cause="won" if won else "lost",
        reason=reason,
        gates=version is not None,
        reopen=reopen,
    )


def stage_history(ctx: Ctx, opportunity_id: int) -> list[OpportunityStageChange]:
    """The opportunity's stays in stages, oldest first."""
    get_opportunity(ctx, opportunity_id)
    return list(
        ctx.session.scalars(
            select(OpportunityStageChange)
            .where(OpportunityStageChange.opportunity_id == opportunity_id)
            .order_by(OpportunityStageChange.entered_at, OpportunityStageChange.id)
        )
    )


def board(
    ctx: Ctx, process_id: int | None = None, *, q: str = "", filters: list[Filter] | None = None
) -> Board:
    """The kanban board of a process: per stage its count, amount and first cards.

    Open stages show open opportunities (soonest expected close first); won and lost
    columns show what closed in the last 30 days. Scoped like every list.
    """
    require(ctx.user, MODULE, "view")
    process = (
        processes.get_process(ctx, process_id) if process_id else processes.default_process(ctx)
    )
    base = filtered(ctx, q=q, filters=filters).where(Opportunity.process_id == process.id)
    recent = ctx.now() - timedelta(days=CLOSED_DAYS_ON_BOARD)
    base = base.where(or_(Opportunity.status == "open", Opportunity.closed_at >= recent))
    scoped = base.subquery()
    totals = {
        row.stage_id: (row.n, row.amount or Decimal("0.00"))
        for row in ctx.session.execute(
            select(
                scoped.c.stage_id,
                func.count().label("n"),
                func.sum(scoped.c.amount).label("amount"),
            ).group_by(scoped.c.stage_id)
        )
    }
    rank = (
        func.row_number()
        .over(
            partition_by=scoped.c.stage_id,
            order_by=(scoped.c.expected_close.is_(None), scoped.c.expected_close, scoped.c.id),
        )
        .label("rank")
    )
    ranked = select(scoped, rank).subquery()
    rows = ctx.session.execute(
        select(ranked, Customer.name.label("customer_name"))
        .join(Customer, Customer.id == ranked.c.customer_id)
        .where(ranked.c.rank <= BOARD_CARDS)
        .order_by(ranked.c.stage_id, ranked.c.rank)
    ).all()
    cards: dict[int, list[BoardCard]] = {}
    for row in rows:
        cards.setdefault(row.stage_id, []).append(out_of(BoardCard, row))
    shown = [s for s in process.stages if s.active or s.id in totals]
    return Board(
        process_id=process.id,
        columns=[
            out_of(
                BoardColumn,
                s,
                stage_id=s.id,
                count=totals.get(s.id, (0, 0))[0],
                amount=Decimal(totals.get(s.id, (0, Decimal("0.00")))[1]),
                cards=cards.get(s.id, []),
            )
            for s in shown
        ],
    )


def stage_names(ctx: Ctx, language: str) -> dict[int, str]:
    """Stage names by id in `language` (for list cells and pickers)."""
    zh = language.startswith("zh")
    rows = ctx.session.execute(select(ProcessStage.id, ProcessStage.name_zh, ProcessStage.name_en))
    return {row.id: row.name_zh if zh else row.name_en for row in rows}


def follow_owner_department(ctx: Ctx, opportunity_id: int) -> None:
    """Keep `department_id` the owner's department after a hand-over or assignment."""
    opportunity = ctx.session.get(Opportunity, opportunity_id)
    if opportunity is not None:
        opportunity.department_id = _department_of(ctx, opportunity.owner_id)


def to_out(ctx: Ctx, opportunity: Opportunity, tags: list[str] | None = None) -> OpportunityOut:
    """An opportunity as the API answers it: its columns and its stage's key."""
    stage_key = processes.stage_of(ctx, opportunity.stage_id).key
    rivals = competitors.linked_ids(ctx, opportunity.id)
    return records.record_out(
        OpportunityOut, opportunity, tags, stage_key=stage_key, competitor_ids=rivals
    )


# In the order the page lists them; the form shows those a change may carry.
FIELDS = (
    builtin("name", "text", "名称", "Name", required=True),
    *shared("customer_id", "contact_id"),
    builtin("amount", "money", "金额", "Amount", required=True),
    *shared("currency"),
    builtin("probability", "number", "赢率%", "Probability %"),
    builtin("expected_close", "date", "预计成交", "Expected close"),
    builtin("stage_id", "number", "阶段", "Stage"),
    builtin("status", "single_choice", "状态", "Status", choices=("open", "won", "lost")),
    builtin(
        "forecast_category",
        "single_choice",
        "预测类别",
        "Forecast category",
        choices=("pipeline", "best_case", "commit", "omitted"),
    ),
    *shared("owner_id"),
    builtin("product_line_id", "number", "产品线", "Product line"),
    builtin("process_id", "number", "销售流程", "Process"),
    builtin("competitors", "text", "竞争对手", "Competitors"),
    builtin("source", "text", "来源", "Source"),
    builtin("close_reason", "text", "关闭原因", "Close reason"),
    builtin("closed_at", "date", "关闭时间", "Closed"),
    builtin("stage_entered_at", "date", "进入本阶段时间", "In stage since"),
    builtin("description", "long_text", "说明", "Description"),
)

SPEC = RecordKind(
    kind=KIND,
    model=Opportunity,
    module=MODULE,
    label_zh="销售机会",
    label_en="Opportunities",
    plural="opportunities",
    fields=FIELDS,
    open_filter=lambda: Opportunity.status == "open",
    columns=columns,
    query=filtered,
    update=update_opportunity,
    update_schema=OpportunityUpdate,
    create_schema=OpportunityCreate,
    out_schema=OpportunityOut,
    to_out=to_out,
    create=create_opportunity,
    # A customer's team sees its opportunities.
    team_parents=(("customer", "customer_id"),),
)

# ---------------------------------------------------------------------------- for reports


class WonDeal(NamedTuple):
    """A won opportunity as reports see it: owner, amount, when it was opened and closed,
    and its sales cycle in days."""

    opportunity_id: int
    owner_id: int | None
    amount: Decimal
    opened_at: datetime
    closed_at: datetime
    cycle_days: Decimal


def owners_in_scope(ctx: Ctx, department_id: int | None = None) -> list[tuple[int, str, bool]]:
    """(id, name, active) of every user whose opportunities the acting user may see, by name:
    the people a per-rep report may show (a rep: themself; a manager: their department
    tree; `all`: everyone). With `department_id`, only the users of that department and
    its sub-departments (422 naming `department_id` when it does not exist)."""
    require(ctx.user, MODULE, "view")
    query = select(User.id, User.name, User.active).where(
        owned_by_visible(ctx.user, User.id, MODULE)
    )
    if department_id is not None:
        root = ctx.session.get(Department, department_id)
        if root is None:
            raise ValidationError(f"department {department_id} does not exist", "department_id")
        subtree = select(Department.id).where(
            Department.path.startswith(root.path, autoescape=True)
        )
        query = query.where(User.department_id.in_(subtree))
    rows = ctx.session.execute(query.order_by(User.name, User.id))
    return [(row.id, row.name, bool(row.active)) for row in rows]


def won_between(ctx: Ctx, start: datetime, end: datetime) -> list[WonDeal]:
    """The won opportunities in the acting user's scope closed in [start, end), oldest
    first, each with its cycle: closed_at minus the moment it was opened (the start of its
    first stage stay, stamped by the service clock like closed_at), in days to 0.01."""
    require(ctx.user, MODULE, "view")
    won = (
        records.visible(ctx, SPEC)
        .where(
            Opportunity.status == "won",
            Opportunity.closed_at >= start,
            Opportunity.closed_at < end,
        )
        .subquery()
    )
    h = OpportunityStageChange
    opened = (
        select(h.opportunity_id, func.min(h.entered_at).label("opened_at"))
        .where(h.opportunity_id.in_(select(won.c.id)))
        .group_by(h.opportunity_id)
        .subquery()
    )
    rows = ctx.session.execute(
        select(won.c.id, won.c.owner_id, won.c.amount, won.c.closed_at, opened.c.opened_at)
        .outerjoin(opened, opened.c.opportunity_id == won.c.id)
        .order_by(won.c.closed_at, won.c.id)
    )
    deals = []
    for row in rows:
        closed = _aware(row.closed_at)
        began = _aware(row.opened_at) if row.opened_at is not None else closed
        seconds = Decimal(int((closed - began).total_seconds()))
        deals.append(
            WonDeal(
                opportunity_id=row.id,
                owner_id=row.owner_id,
                amount=Decimal(str(row.amount)).quantize(Decimal("0.01")),
                opened_at=began,
                closed_at=closed,
                cycle_days=(max(seconds, Decimal(0)) / 86400).quantize(Decimal("0.01")),
            )
        )
    return deals


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


__all__ = [
    "KIND",
    "MODULE",
    "SPEC",
    "board",
    "close_opportunity",
    "columns",
    "create_opportunity",
    "filtered",
    "follow_owner_department",
    "get_opportunity",
    "list_opportunities",
    "move_stage",
    "owners_in_scope",
    "stage_history",
    "stage_names",
    "update_opportunity",
    "won_between",
]


def open_for_converted_lead(ctx: Ctx, event: Any) -> Opportunity:
    """The opportunity asked for when converting a lead: named after it, source "lead"."""
    from kht.leads.models import Lead

    lead = ctx.session.get(Lead, event.record_id)
    name = (lead.company or lead.name) if lead is not None else f"lead {event.record_id}"
    return create_opportunity(
        ctx,
        OpportunityCreate(
            name=name[:200],
            customer_id=event.customer_id,
            contact_id=event.contact_id,
            source="lead",
            lead_id=event.record_id,
        ),
    )
