"""Stage gates for a record of any kind: required actions, required fields and an approval.

A process belongs to a record kind (`Process.kind`); a record of that kind carries its
`process_id` and `stage_id`. Leaving a stage forward needs every required action logged and
done on the record, every required field filled and, when the stage names an approval role,
the latest decision on the record in that stage to be an approval.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from kht.actions.models import Action
from kht.auth.models import Role
from kht.context import Ctx
from kht.errors import ValidationError
from kht.fields import fields_for
from kht.processes.models import ProcessApproval

ACTION_TYPES = ("call", "visit", "meeting", "task", "note", "email", "sms")
# Opportunity fields a gate may require (kept from the sales process); other kinds may
# require any built-in field they declare.
OPPORTUNITY_GATE_FIELDS = (
    "amount",
    "expected_close",
    "contact_id",
    "competitors",
    "product_line_id",
    "description",
    "source",
)
_NOT_GATES = {"created_at", "updated_at", "stage_id", "process_id", "status"}


def gate_fields(ctx: Ctx, kind: str) -> tuple[str, ...]:
    """The built-in fields of `kind` a gate may require (custom fields: `<namespace>.<name>`)."""
    if kind == "opportunity":
        return OPPORTUNITY_GATE_FIELDS
    from kht.records import record_kind

    return tuple(f.name for f in record_kind(ctx, kind).fields if f.name not in _NOT_GATES)


def is_forward(current: Any, target: Any) -> bool:
    """Whether moving from `current` to `target` passes the gate of `current`: to a later open
    stage, or to a won/closed one (never to lost)."""
    if target.outcome in ("won", "closed"):
        return True
    return target.outcome == "open" and target.position > current.position


def _filled(record: Any, field: str) -> bool:
    if "." in field:
        namespace, name = field.split(".", 1)
        value = (record.ext or {}).get(namespace, {}).get(name)
    else:
        value = getattr(record, field, None)
    if value is None or value == "" or value == []:
        return False
    return not (field in ("amount", "budget") and value <= 0)


def _action_logged(ctx: Ctx, kind: str, record_id: int, action_type: str) -> bool:
    query = exists().where(
        Action.kind == kind,
        Action.record_id == record_id,
        Action.type == action_type,
        Action.status == "done",
        Action.deleted_at.is_(None),
    )
    return bool(ctx.session.scalar(select(query)))


def latest_decision(ctx: Ctx, kind: str, record_id: int, stage_id: int) -> ProcessApproval | None:
    """The latest approve/reject of the record in that stage (None: nobody decided yet)."""
    return ctx.session.scalar(
        select(ProcessApproval)
        .where(
            ProcessApproval.kind == kind,
            ProcessApproval.record_id == record_id,
            ProcessApproval.stage_id == stage_id,
        )
        .order_by(ProcessApproval.decided_at.desc(), ProcessApproval.id.desc())
        .limit(1)
    )


def _approval_problem(ctx: Ctx, kind: str, record: Any, stage: Any) -> str | None:
    if not stage.approval_role:
        return None
    decision = latest_decision(ctx, kind, record.id, stage.id)
    if decision is None:
        return f"an approval by {stage.approval_role} is needed before leaving {stage.name_en}"
    if decision.decision != "approved":
        return f"the approval was rejected in {stage.name_en}: {decision.comment}"
    return None


def gate_problems(ctx: Ctx, kind: str, record: Any, stage: Any) -> list[str]:
    """What is missing before `record` (of `kind`) may leave `stage` (empty: the gate is open).

    A required `<namespace>.<field>` that is no longer a field of the kind (its plugin
    disabled, the field retired) is no gate: nobody could fill it. Enabled plugins add their
    own conditions through `kht_gate_problems` (a pack's minimum scorecard).
    """
    problems = [
        f"a {action_type} action must be logged before leaving {stage.name_en}"
        for action_type in stage.required_actions
        if not _action_logged(ctx, kind, record.id, action_type)
    ]
    known = None
    for field in stage.required_fields:
        if "." in field:
            if known is None:
                known = {f"{f.namespace}.{f.name}" for f in fields_for(ctx, kind)}
            if field not in known:
                continue
        if not _filled(record, field):
            problems.append(f"{field} must be filled before leaving {stage.name_en}")
    for extra in ctx.hook.kht_gate_problems(ctx=ctx, kind=kind, record=record, stage=stage):
        problems.extend(extra or ())
    approval = _approval_problem(ctx, kind, record, stage)
    return [*problems, approval] if approval else problems


def check_gates(ctx: Ctx, kind: str, stages: list[Any]) -> None:
    """Refuse gates naming an unknown action type, field of `kind` or role (422 naming it)."""
    fields = gate_fields(ctx, kind)
    roles = set(ctx.session.scalars(select(Role.key)))
    for stage in stages:
        for action_type in stage.required_actions:
            if action_type not in ACTION_TYPES:
                raise ValidationError(
                    f"unknown action type {action_type!r} (one of {', '.join(ACTION_TYPES)})",
                    "required_actions",
                )
        for field in stage.required_fields:
            if "." not in field and field not in fields:
                raise ValidationError(
                    f"unknown field {field!r} (one of {', '.join(fields)}, or namespace.name)",
                    "required_fields",
                )
        if stage.approval_role and stage.approval_role not in roles:
            raise ValidationError(f"unknown role {stage.approval_role!r}", "approval_role")
