"""Account plans: per account and period, measurable objectives (target and actual), the
strategies and risks, key actions (planned actions on the customer, so they show in the
owner's agenda), review meetings with minutes. A plan's progress is the average of its
objectives' attainment, each capped at 100%."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import select

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action, reachable
from kht.plugin_api import (
    N_,
    Ctx,
    NotFound,
    RecordKind,
    RecordPages,
    ValidationError,
    changes_of,
    create_record,
    get_record,
    may_change,
    require_change,
    update_record,
)
from plugins.key_account.models import Objective, Plan, PlanAction, Review
from plugins.key_account.schemas import (
    KeyActionIn,
    ObjectiveIn,
    PlanCreate,
    PlanOut,
    PlanUpdate,
    ReviewIn,
)
from plugins.key_account.service import (
    MODULE,
    ON_CUSTOMER_TEAM,
    amount,
    choices,
    customer_of,
    field_def,
    out_maker,
)

PLAN_KIND = "key_account_plan"
HUNDRED = Decimal(100)


def _period(start: Any, end: Any) -> None:
    if end < start:
        raise ValidationError("the plan's period ends before it starts", "period_end")


def create_plan(ctx: Ctx, data: PlanCreate) -> Plan:
    """A plan for an account (a customer the user can see), owned by the customer's owner."""
    customer = customer_of(ctx, data.customer_id)
    _period(data.period_start, data.period_end)
    return create_record(ctx, PLANS, changes_of(data), owner_id=customer.owner_id)


def update_plan(ctx: Ctx, plan_id: int, data: PlanUpdate) -> Plan:
    plan = get_record(ctx, PLANS, plan_id)
    changes = changes_of(data)
    _period(
        changes.get("period_start", plan.period_start), changes.get("period_end", plan.period_end)
    )
    return update_record(ctx, PLANS, plan, data.version, changes)


def _editable(ctx: Ctx, plan_id: int) -> Plan:
    plan = get_record(ctx, PLANS, plan_id)
    require_change(ctx, PLANS, plan)
    return plan


def add_objective(ctx: Ctx, plan_id: int, data: ObjectiveIn) -> Objective:
    """A measurable objective: a positive target, an actual from 0 (422 naming the field)."""
    plan = _editable(ctx, plan_id)
    amount(data.target, "target", Decimal("0.01"))
    amount(data.actual, "actual")
    row = Objective(plan_id=plan.id, **msgspec.structs.asdict(data))
    ctx.session.add(row)
    ctx.session.flush()
    return row


def set_actual(ctx: Ctx, plan_id: int, objective_id: int, actual: Decimal) -> Objective:
    """Record an objective's actual so far."""
    plan = _editable(ctx, plan_id)
    row = ctx.session.get(Objective, objective_id)
    if row is None or row.plan_id != plan.id:
        raise NotFound(f"objective {objective_id} not found")
    amount(actual, "actual")
    row.actual = actual
    ctx.session.flush()
    return row


def objectives_of(ctx: Ctx, plan_id: int) -> list[Objective]:
    plan = get_record(ctx, PLANS, plan_id)
    query = select(Objective).where(Objective.plan_id == plan.id).order_by(Objective.id)
    return list(ctx.session.scalars(query))


def attainment(objective: Objective) -> Decimal:
    """How far an objective is reached, in percent, capped at 100."""
    reached = Decimal(objective.actual) * HUNDRED / Decimal(objective.target)
    return min(reached, HUNDRED).quantize(Decimal("0.1"))


def progress(ctx: Ctx, plan_id: int) -> Decimal | None:
    """The plan's progress: the average attainment of its objectives (None without any)."""
    found = objectives_of(ctx, plan_id)
    if not found:
        return None
    total = sum((attainment(o) for o in found), Decimal(0))
    return (total / len(found)).quantize(Decimal("0.1"))


def add_review(ctx: Ctx, plan_id: int, data: ReviewIn) -> Review:
    """A review meeting held on a day, with its minutes."""
    plan = _editable(ctx, plan_id)
    row = Review(plan_id=plan.id, held_on=data.held_on, minutes=data.minutes)
    row.created_by_id = ctx.user_id
    ctx.session.add(row)
    ctx.session.flush()
    return row


def reviews_of(ctx: Ctx, plan_id: int) -> list[Review]:
    plan = get_record(ctx, PLANS, plan_id)
    query = select(Review).where(Review.plan_id == plan.id).order_by(Review.held_on.desc())
    return list(ctx.session.scalars(query))


def add_key_action(ctx: Ctx, plan_id: int, data: KeyActionIn) -> Any:
    """A key action: a planned action on the plan's customer, in its owner's agenda."""
    plan = _editable(ctx, plan_id)
    action = log_action(
        ctx,
        ActionCreate(
            kind="customer",
            record_id=plan.customer_id,
            type=data.type,
            subject=data.subject,
            status="planned",
            due_at=data.due_at,
        ),
    )
    ctx.session.add(PlanAction(plan_id=plan.id, action_id=action.id))
    ctx.session.flush()
    return action


def key_action_ids(ctx: Ctx, plan_id: int) -> list[int]:
    plan = get_record(ctx, PLANS, plan_id)
    query = select(PlanAction.action_id).where(PlanAction.plan_id == plan.id)
    return list(ctx.session.scalars(query.order_by(PlanAction.id)))


def key_actions_of(ctx: Ctx, plan_id: int) -> list[Any]:
    """The plan's key actions the user can see (the core's actions), soonest due first."""
    ids = key_action_ids(ctx, plan_id)
    if not ids:
        return []
    query = reachable(ctx)
    # reachable() selects the core's Action entity; its columns are read from the query.
    action = query.column_descriptions[0]["entity"]
    query = query.where(action.id.in_(ids)).order_by(action.due_at, action.id)
    return list(ctx.session.scalars(query))


def plan_page(ctx: Ctx, plan: Plan) -> dict[str, Any]:
    """What the plan's record page shows beside its fields (RecordPages.detail_context):
    progress, objectives with their attainment, key actions, review meetings, and whether
    the user may add to them."""
    objectives = objectives_of(ctx, plan.id)
    return {
        "plan_progress": progress(ctx, plan.id),
        "objectives": [(o, attainment(o)) for o in objectives],
        "key_actions": key_actions_of(ctx, plan.id),
        "reviews": reviews_of(ctx, plan.id),
        "can_plan": may_change(ctx, PLANS, plan),
        "action_types": dict(KEY_ACTION_TYPES),
    }


KEY_ACTION_TYPES = (
    ("task", N_("Task")),
    ("call", N_("Call")),
    ("visit", N_("Visit")),
    ("meeting", N_("Meeting")),
)


PLAN_STATUSES = choices(
    ("draft", "草稿", "Draft"), ("active", "执行中", "Active"), ("closed", "已关闭", "Closed")
)
PLANS = RecordKind(
    kind=PLAN_KIND,
    model=Plan,
    module=MODULE,
    label_zh="客户计划",
    label_en="Account plans",
    plural="key-account-plans",
    fields=(
        field_def("customer_id", "number", "客户", "Customer", required=True),
        field_def("title", "text", "名称", "Title", required=True),
        field_def("period_start", "date", "开始", "Period start", required=True),
        field_def("period_end", "date", "结束", "Period end", required=True),
        field_def("status", "single_choice", "状态", "Status", choices=PLAN_STATUSES),
        field_def("strategies", "long_text", "策略", "Strategies"),
        field_def("risks", "long_text", "风险", "Risks"),
    ),
    searchable=("title", "strategies", "risks"),
    default_sort="-period_start",
    team_parents=ON_CUSTOMER_TEAM,
    create_schema=PlanCreate,
    update_schema=PlanUpdate,
    out_schema=PlanOut,
    to_out=out_maker(PlanOut),
    create=create_plan,
    update=update_plan,
    inline_edit=False,
    # The record page adds the objectives, key actions and reviews with their forms
    # (templates/key_account/plan.html, blocks of records/detail.html; views.py posts).
    pages=RecordPages(
        badge="status",
        list_filters=("status",),
        detail_context=plan_page,
        detail_template="key_account/plan.html",
    ),
)
