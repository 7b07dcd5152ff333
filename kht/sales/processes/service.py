"""Processes: the stages a record goes through and the gates between them.

A process belongs to a record kind (`kind`: opportunity, campaign, a pack's project …);
the gates (kht.processes.gates) work the same for every kind. Administrators of the kind's
module define processes in the UI; plugins contribute defaults through
`kht_register_processes`, seeded once by key (afterwards administrators own them). A stage is
never deleted once a record has been in it: it is retired (`active` false), so open
records and their stage history stay intact when a process changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, case, delete, exists, insert, select

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Conflict, NotFound, ValidationError
from kht.org.models import BusinessLine
from kht.plugin_types import ProcessDef, StageDef
from kht.processes import gates
from kht.processes.gates import ACTION_TYPES
from kht.processes.gates import OPPORTUNITY_GATE_FIELDS as GATE_FIELDS
from kht.processes.models import ProcessApproval
from kht.sales.opportunities.models import Opportunity, OpportunityStageChange
from kht.sales.processes.models import Process, ProcessStage, process_business_lines
from kht.sales.processes.schemas import ProcessIn, StageIn

MODULE = "opportunities"
KIND = "opportunity"
_STAGES = "kht.sales.stages"  # ctx.extra: the stages looked up in this request, by id
__all__ = ["ACTION_TYPES", "GATE_FIELDS"]


def process_kinds(ctx: Ctx) -> dict[str, Any]:
    """The record kinds a process may belong to: declared kinds whose model has a stage."""
    from kht.records import record_kinds

    return {
        name: kind for name, kind in record_kinds(ctx).items() if hasattr(kind.model, "stage_id")
    }


def module_of(ctx: Ctx, kind: str) -> str:
    """The permission module guarding the processes of `kind` (422 naming `kind` if none)."""
    found = process_kinds(ctx).get(kind)
    if found is None:
        raise ValidationError(f"records of kind {kind!r} have no process", "kind")
    return str(found.module)


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
    has_default = set(ctx.session.scalars(select(Process.kind).where(Process.is_default)))
    created: list[str] = []
    for definition in contributed:
        if definition.key in existing:
            continue
        make_default = definition.is_default and definition.kind not in has_default
        _create_from_def(ctx, definition, make_default)
        if make_default:
            has_default.add(definition.kind)
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
        approval_role=stage.approval_role,
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


def _visible_kinds(ctx: Ctx) -> list[str]:
    user = ctx.user
    return [
        name
        for name, kind in process_kinds(ctx).items()
        if user is not None and user.can(kind.module, "view")
    ]


def list_processes(
    ctx: Ctx, *, active_only: bool = False, kind: str | None = None
) -> list[Process]:
    """The processes of `kind` (default: of every kind the user may view), defaults first."""
    if kind is not None:
        require(ctx.user, module_of(ctx, kind), "view")
        kinds = [kind]
    else:
        kinds = _visible_kinds(ctx)
        if not kinds:
            require(ctx.user, MODULE, "view")  # 401 / 403 as before
    query = (
        select(Process)
        .where(Process.kind.in_(kinds))
        # Opportunities' processes first (as before processes had kinds), then by kind.
        .order_by(case((Process.kind == KIND, 0), else_=1), Process.kind)
        .order_by(Process.is_default.desc(), Process.id)
    )
    if active_only:
        query = query.where(Process.active)
    return list(ctx.session.scalars(query))


def get_process(ctx: Ctx, process_id: int, *, kind: str | None = None) -> Process:
    """One process with its stages (404 when missing or, given `kind`, of another kind)."""
    process = ctx.session.get(Process, process_id)
    if process is None or (kind is not None and process.kind != kind):
        require(ctx.user, MODULE if kind is None else module_of(ctx, kind), "view")
        raise NotFound(f"process {process_id} not found")
    require(ctx.user, module_of(ctx, process.kind), "view")
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


def default_process(ctx: Ctx, product_line_id: int | None = None, *, kind: str = KIND) -> Process:
    """The process a new record of `kind` uses: the one for its product line, else the
    kind's default."""
    live = (Process.active, Process.kind == kind)
    if product_line_id is not None:
        process = ctx.session.scalar(
            select(Process)
            .join(process_business_lines, process_business_lines.c.process_id == Process.id)
            .where(process_business_lines.c.business_line_id == product_line_id, *live)
            .order_by(Process.id)
        )
        if process is not None:
            return process
    process = ctx.session.scalar(
        select(Process).where(*live).order_by(Process.is_default.desc(), Process.id)
    )
    if process is None:
        raise ValidationError(
            f"no active {kind} process exists; an administrator must add one", "process_id"
        )
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


def gate_problems(ctx: Ctx, opportunity: Opportunity, stage: ProcessStage) -> list[str]:
    """What is missing before `opportunity` may leave `stage` (kht.processes.gates)."""
    return gates.gate_problems(ctx, KIND, opportunity, stage)


def _check(ctx: Ctx, data: ProcessIn, process_id: int | None) -> None:
    keys = [stage.key for stage in data.stages]
    if len(set(keys)) != len(keys):
        raise ValidationError("stage keys must be different from each other", "stages")
    active = [stage for stage in data.stages if stage.active]
    if not any(stage.outcome == "open" for stage in active):
        raise ValidationError("a process needs at least one open stage in use", "stages")
    _check_outcomes(data.kind, {stage.outcome for stage in active})
    gates.check_gates(ctx, data.kind, data.stages)
    same_key = select(Process.id).where(Process.key == data.key)
    if process_id is not None:
        same_key = same_key.where(Process.id != process_id)
    if ctx.session.scalar(same_key) is not None:
        raise Conflict(f"a process with key {data.key!r} exists", "key")
    for line_id in data.product_line_ids:
        if ctx.session.get(BusinessLine, line_id) is None:
            raise ValidationError(f"product line {line_id} does not exist", "product_line_ids")


def _check_outcomes(kind: str, outcomes: set[str]) -> None:
    # An opportunity is won or lost; other kinds (a campaign) end in a closed stage.
    needed = ("won", "lost") if kind == KIND else ("closed",)
    for outcome in needed:
        if outcome not in outcomes:
            raise ValidationError(f"a process needs a {outcome} stage in use", "stages")
    if kind == KIND and "closed" in outcomes:
        raise ValidationError("an opportunity ends won or lost, not closed", "stages")


def _clear_other_defaults(ctx: Ctx, process: Process) -> None:
    if process.is_default:
        same_kind = select(Process).where(Process.is_default, Process.kind == process.kind)
        for other in ctx.session.scalars(same_kind):
            if other.id != process.id:
                other.is_default = False


def create_process(ctx: Ctx, data: ProcessIn) -> Process:
    """Add a process of `data.kind` (administrators of that kind's module only)."""
    require(ctx.user, module_of(ctx, data.kind), "admin")
    _check(ctx, data, None)
    process = Process(
        key=data.key,
        kind=data.kind,
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


def _in_use(ctx: Ctx, kind: str, stage_id: int) -> bool:
    model = process_kinds(ctx)[kind].model
    used = exists().where(model.stage_id == stage_id) | exists().where(
        ProcessApproval.stage_id == stage_id
    )
    if kind == KIND:
        used = used | exists().where(OpportunityStageChange.stage_id == stage_id)
    return bool(ctx.session.scalar(select(used)))


def update_process(ctx: Ctx, process_id: int, data: ProcessIn) -> Process:
    """Replace a process's fields and stages; `data.version` must match (409 when stale).

    Stages are matched by key. A stage left out is deleted if no opportunity was ever in it,
    otherwise refused (retire it with `active: false` instead). Opportunities sitting in a
    retired stage stay there and can still move on.
    """
    process = get_process(ctx, process_id)
    require(ctx.user, module_of(ctx, process.kind), "admin")
    if data.kind != process.kind:
        raise ValidationError("a process keeps the kind of records it was made for", "kind")
    if data.version is not None and data.version != process.version:
        raise Conflict(f"process {process_id} was changed by someone else; reload it", "version")
    _check(ctx, data, process_id)
    existing = {stage.key: stage for stage in process.stages}
    wanted = {stage.key for stage in data.stages}
    for key, stage in existing.items():
        if key not in wanted:
            if _in_use(ctx, process.kind, stage.id):
                raise Conflict(
                    f"stage {key} has records or history; retire it instead of removing it",
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
        row.approval_role, row.active = item.approval_role, item.active
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
        "kind": process.kind,
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
                "approval_role": s.approval_role,
                "active": s.active,
            }
            for s in process.stages
        ],
    }
