"""Sales processes: the stages an opportunity goes through and the gates between them.

Administrators define processes in the UI; plugins contribute defaults through
`kht_register_processes`, seeded once by key (afterwards administrators own them). A stage is
never deleted once an opportunity has been in it: it is retired (`active` false), so open
opportunities and their stage history stay intact when a process changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, exists, insert, select

from kht.actions.models import Action
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Conflict, NotFound, ValidationError
from kht.fields import fields_for
from kht.org.models import BusinessLine
from kht.plugin_types import ProcessDef, StageDef
from kht.sales.opportunities.models import Opportunity, OpportunityStageChange
from kht.sales.processes.models import Process, ProcessStage, process_business_lines
from kht.sales.processes.schemas import ProcessIn, StageIn

MODULE = "opportunities"
_STAGES = "kht.sales.stages"  # ctx.extra: the stages looked up in this request, by id
ACTION_TYPES = ("call", "visit", "meeting", "task", "note", "email", "sms")
# Built-in opportunity fields a gate may require (custom fields: "<namespace>.<name>").
GATE_FIELDS = (
    "amount",
    "expected_close",
    "contact_id",
    "competitors",
    "product_line_id",
    "description",
    "source",
)

CORE_PROCESS = ProcessDef(
    key="standard",
    name_zh="标准销售流程",
    name_en="Standard sales process",
    is_default=True,
    stages=(
        StageDef(key="qualify", name_zh="初步接洽", name_en="Qualification", probability=10),
        StageDef(key="needs", name_zh="需求分析", name_en="Needs analysis", probability=30),
        StageDef(
            key="proposal",
            name_zh="方案报价",
            name_en="Proposal",
            probability=60,
            required_fields=("amount",),
        ),
        StageDef(key="negotiation", name_zh="商务谈判", name_en="Negotiation", probability=80),
        StageDef(key="won", name_zh="赢单", name_en="Won", probability=100, outcome="won"),
        StageDef(key="lost", name_zh="输单", name_en="Lost", probability=0, outcome="lost"),
    ),
)


def seed_processes(ctx: Ctx) -> list[str]:
    """Create every contributed process missing from the database (idempotent).

    Returns the keys created. A process already present (by key) is left alone, whatever an
    administrator did to it; only the first seeded default becomes the default.
    """
    contributed = [d for batch in ctx.hook.kht_register_processes() if batch for d in batch]
    existing = set(ctx.session.scalars(select(Process.key)))
    has_default = ctx.session.scalar(select(exists().where(Process.is_default)))
    created: list[str] = []
    for definition in contributed:
        if definition.key in existing:
            continue
        make_default = definition.is_default and not has_default
        _create_from_def(ctx, definition, make_default)
        has_default = has_default or make_default
        existing.add(definition.key)
        created.append(definition.key)
    return created


def _create_from_def(ctx: Ctx, definition: ProcessDef, make_default: bool) -> Process:
    process = Process(
        key=definition.key,
        name_zh=definition.name_zh,
        name_en=definition.name_en,
        kind=definition.kind,
        plugin=definition.key.split(".")[0] if "." in definition.key else "",
        description=definition.description,
        is_default=make_default,
    )
    ctx.session.add(process)
    ctx.session.flush()
    for position, stage in enumerate(definition.stages):
        ctx.session.add(_stage_row(process.id, position, stage))
    if definition.product_lines:
        ids = ctx.session.scalars(
            select(BusinessLine.id).where(BusinessLine.name.in_(definition.product_lines))
        ).all()
        _set_lines(ctx, process.id, list(ids))
    ctx.session.flush()
    ctx.session.expire(process, ["stages"])
    return process


def _stage_row(process_id: int, position: int, stage: StageDef | StageIn) -> ProcessStage:
    return ProcessStage(
        process_id=process_id,
        key=stage.key,
        name_zh=stage.name_zh.strip(),
        name_en=stage.name_en.strip(),
        position=position,
        probability=stage.probability,
        outcome=stage.outcome,
        required_actions=list(stage.required_actions),
        required_fields=list(stage.required_fields),
        active=getattr(stage, "active", True),
    )


def _set_lines(ctx: Ctx, process_id: int, line_ids: list[int]) -> None:
    ctx.session.execute(
        delete(process_business_lines).where(process_business_lines.c.process_id == process_id)
    )
    if line_ids:
        ctx.session.execute(
            insert(process_business_lines),
            [{"process_id": process_id, "business_line_id": i} for i in sorted(set(line_ids))],
        )


def list_processes(ctx: Ctx, *, active_only: bool = False) -> list[Process]:
    """Every process (the default first), for anyone who may view opportunities."""
    require(ctx.user, MODULE, "view")
    query = select(Process).order_by(Process.is_default.desc(), Process.id)
    if active_only:
        query = query.where(Process.active)
    return list(ctx.session.scalars(query))


def get_process(ctx: Ctx, process_id: int) -> Process:
    """One process with its stages (404 when missing)."""
    require(ctx.user, MODULE, "view")
    process = ctx.session.get(Process, process_id)
    if process is None:
        raise NotFound(f"process {process_id} not found")
    return process


def product_lines_of(ctx: Ctx, process_id: int) -> list[int]:
    """The business (product) lines a process is used for."""
    return list(
        ctx.session.scalars(
            select(process_business_lines.c.business_line_id).where(
                process_business_lines.c.process_id == process_id
            )
        )
    )


def default_process(ctx: Ctx, product_line_id: int | None = None) -> Process:
    """The process a new opportunity uses: the one for its product line, else the default."""
    if product_line_id is not None:
        process = ctx.session.scalar(
            select(Process)
            .join(process_business_lines, process_business_lines.c.process_id == Process.id)
            .where(process_business_lines.c.business_line_id == product_line_id, Process.active)
            .order_by(Process.id)
        )
        if process is not None:
            return process
    process = ctx.session.scalar(
        select(Process).where(Process.active).order_by(Process.is_default.desc(), Process.id)
    )
    if process is None:
        raise ValidationError("no active sales process exists; an administrator must add one")
    return process


_STAGES_OF_PROCESS = select(ProcessStage).where(
    ProcessStage.process_id
    == select(ProcessStage.process_id)
    .where(ProcessStage.id == bindparam("stage_id"))
    .scalar_subquery()
)


def stage_of(ctx: Ctx, stage_id: int) -> ProcessStage:
    """A stage by id (NotFound when missing).

    The first lookup in a request loads every stage of that stage's process in one query and
    keeps them for the request: a stage move needs the target, the current stage and the
    answer's stage key, and the session's identity map holds objects only weakly.
    """
    known: dict[int, ProcessStage] = ctx.extra.setdefault(_STAGES, {})
    stage = known.get(stage_id)
    if stage is None:
        for row in ctx.session.scalars(_STAGES_OF_PROCESS, {"stage_id": stage_id}):
            known[row.id] = row
        stage = known.get(stage_id)
    if stage is None:
        raise NotFound(f"stage {stage_id} not found")
    return stage


def first_stage(process: Process) -> ProcessStage:
    """Where new opportunities start: the first active open stage."""
    for stage in process.stages:
        if stage.active and stage.outcome == "open":
            return stage
    raise ValidationError(f"process {process.key} has no active open stage", "process_id")


def closing_stage(process: Process, outcome: str) -> ProcessStage:
    """The first active stage with outcome `won` or `lost`."""
    for stage in process.stages:
        if stage.active and stage.outcome == outcome:
            return stage
    raise ValidationError(f"process {process.key} has no active {outcome} stage", "stage_id")


def _filled(opportunity: Opportunity, field: str) -> bool:
    if "." in field:
        namespace, name = field.split(".", 1)
        value = (opportunity.ext or {}).get(namespace, {}).get(name)
    else:
        value = getattr(opportunity, field, None)
    if value is None or value == "" or value == []:
        return False
    return not (field == "amount" and value <= 0)


def gate_problems(ctx: Ctx, opportunity: Opportunity, stage: ProcessStage) -> list[str]:
    """What is missing before `opportunity` may leave `stage` (empty when the gate is open).

    Required actions count when an action of that type about the opportunity is done;
    required fields count when filled (an amount must be above zero). A required
    `<namespace>.<field>` that is no longer a field of opportunities (its plugin disabled, the
    field retired) is no gate.
    """
    problems: list[str] = []
    for action_type in stage.required_actions:
        logged = ctx.session.scalar(
            select(
                exists().where(
                    Action.kind == "opportunity",
                    Action.record_id == opportunity.id,
                    Action.type == action_type,
                    Action.status == "done",
                    Action.deleted_at.is_(None),
                )
            )
        )
        if not logged:
            problems.append(f"a {action_type} action must be logged before leaving {stage.name_en}")
    known = None
    for field in stage.required_fields:
        if "." in field:
            if known is None:
                known = {f"{f.namespace}.{f.name}" for f in fields_for(ctx, "opportunity")}
            if field not in known:
                # The field's plugin was disabled (or the field retired): nobody can fill it
                # any more, so it must not hold opportunities back.
                continue
        if not _filled(opportunity, field):
            problems.append(f"{field} must be filled before leaving {stage.name_en}")
    return problems


def _check(ctx: Ctx, data: ProcessIn, process_id: int | None) -> None:
    keys = [stage.key for stage in data.stages]
    if len(set(keys)) != len(keys):
        raise ValidationError("stage keys must be different from each other", "stages")
    active = [stage for stage in data.stages if stage.active]
    if not any(stage.outcome == "open" for stage in active):
        raise ValidationError("a process needs at least one open stage in use", "stages")
    for outcome in ("won", "lost"):
        if not any(stage.outcome == outcome for stage in active):
            raise ValidationError(f"a process needs a {outcome} stage in use", "stages")
    _check_gates(data.stages)
    same_key = select(Process.id).where(Process.key == data.key)
    if process_id is not None:
        same_key = same_key.where(Process.id != process_id)
    if ctx.session.scalar(same_key) is not None:
        raise Conflict(f"a process with key {data.key!r} exists", "key")
    for line_id in data.product_line_ids:
        if ctx.session.get(BusinessLine, line_id) is None:
            raise ValidationError(f"product line {line_id} does not exist", "product_line_ids")


def _check_gates(stages: list[StageIn]) -> None:
    for stage in stages:
        for action_type in stage.required_actions:
            if action_type not in ACTION_TYPES:
                raise ValidationError(
                    f"unknown action type {action_type!r} (one of {', '.join(ACTION_TYPES)})",
                    "required_actions",
                )
        for field in stage.required_fields:
            if "." not in field and field not in GATE_FIELDS:
                raise ValidationError(
                    f"unknown field {field!r} (one of {', '.join(GATE_FIELDS)}, or namespace.name)",
                    "required_fields",
                )


def _clear_other_defaults(ctx: Ctx, process: Process) -> None:
    if process.is_default:
        for other in ctx.session.scalars(select(Process).where(Process.is_default)):
            if other.id != process.id:
                other.is_default = False


def create_process(ctx: Ctx, data: ProcessIn) -> Process:
    """Add a process (administrators of opportunities only)."""
    require(ctx.user, MODULE, "admin")
    _check(ctx, data, None)
    process = Process(
        key=data.key,
        name_zh=data.name_zh.strip(),
        name_en=data.name_en.strip(),
        description=data.description,
        is_default=data.is_default,
        active=data.active,
        created_by_id=ctx.user_id,
        updated_by_id=ctx.user_id,
    )
    ctx.session.add(process)
    ctx.session.flush()
    for position, stage in enumerate(data.stages):
        ctx.session.add(_stage_row(process.id, position, stage))
    _set_lines(ctx, process.id, data.product_line_ids)
    _clear_other_defaults(ctx, process)
    ctx.session.flush()
    ctx.session.expire(process, ["stages"])
    return process


def _in_use(ctx: Ctx, stage_id: int) -> bool:
    used = exists().where(Opportunity.stage_id == stage_id)
    visited = exists().where(OpportunityStageChange.stage_id == stage_id)
    return bool(ctx.session.scalar(select(used | visited)))


def update_process(ctx: Ctx, process_id: int, data: ProcessIn) -> Process:
    """Replace a process's fields and stages; `data.version` must match (409 when stale).

    Stages are matched by key. A stage left out is deleted if no opportunity was ever in it,
    otherwise refused (retire it with `active: false` instead). Opportunities sitting in a
    retired stage stay there and can still move on.
    """
    require(ctx.user, MODULE, "admin")
    process = get_process(ctx, process_id)
    if data.version is not None and data.version != process.version:
        raise Conflict(f"process {process_id} was changed by someone else; reload it", "version")
    _check(ctx, data, process_id)
    existing = {stage.key: stage for stage in process.stages}
    wanted = {stage.key for stage in data.stages}
    for key, stage in existing.items():
        if key not in wanted:
            if _in_use(ctx, stage.id):
                raise Conflict(
                    f"stage {key} has opportunities or history; retire it instead of removing it",
                    "stages",
                )
            ctx.session.delete(stage)
    for position, item in enumerate(data.stages):
        row = existing.get(item.key)
        if row is None:
            ctx.session.add(_stage_row(process.id, position, item))
            continue
        row.name_zh, row.name_en = item.name_zh.strip(), item.name_en.strip()
        row.position, row.probability, row.outcome = position, item.probability, item.outcome
        row.required_actions, row.required_fields = (
            list(item.required_actions),
            list(item.required_fields),
        )
        row.active = item.active
    process.key = data.key
    process.name_zh, process.name_en = data.name_zh.strip(), data.name_en.strip()
    process.description, process.active = data.description, data.active
    process.is_default = data.is_default
    process.updated_by_id = ctx.user_id
    process.updated_at = ctx.now()  # a save that changed only stages still bumps the version
    _set_lines(ctx, process.id, data.product_line_ids)
    _clear_other_defaults(ctx, process)
    ctx.session.flush()
    ctx.session.expire(process, ["stages"])
    ctx.extra.pop(_STAGES, None)  # removed stages must not be found any more
    return process


def process_input(process: Process, line_ids: list[int]) -> dict[str, Any]:
    """A process as the editable input structure (for forms and round trips)."""
    return {
        "key": process.key,
        "name_zh": process.name_zh,
        "name_en": process.name_en,
        "description": process.description,
        "is_default": process.is_default,
        "active": process.active,
        "product_line_ids": line_ids,
        "version": process.version,
        "stages": [
            {
                "key": s.key,
                "name_zh": s.name_zh,
                "name_en": s.name_en,
                "probability": s.probability,
                "outcome": s.outcome,
                "required_actions": list(s.required_actions),
                "required_fields": list(s.required_fields),
                "active": s.active,
            }
            for s in process.stages
        ],
    }
