"""Approving or rejecting a record in a stage whose gate needs an approval.

Only a user holding the stage's `approval_role` (or a superuser) decides; every decision is
kept (the latest counts), audited on the record and notified to the record's owner. A record
entering such a stage notifies the role's users that an approval waits for them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kht.actions.models import Notification
from kht.audit.service import record_action
from kht.auth.models import Role, User
from kht.context import Ctx
from kht.errors import Forbidden, ValidationError
from kht.processes.models import DECISIONS, ProcessApproval
from kht.web.i18n import N_, translations

DECIDED = N_("%(record)s: %(decision)s in %(stage)s")
WAITING = N_("%(record)s waits for your approval in %(stage)s")
DECISION_LABELS = {"approved": N_("approved"), "rejected": N_("rejected")}


def _name(record: Any) -> str:
    return str(getattr(record, "name", "") or f"#{record.id}")


def _stage_name(stage: Any, language: str) -> str:
    return stage.name_zh if language.startswith("zh") else stage.name_en


def _notify(ctx: Ctx, user: User, title: str, url: str, kind: str, record_id: int) -> None:
    ctx.session.add(
        Notification(
            user_id=user.id,
            title=title[:300],
            url=url,
            kind=kind,
            record_id=record_id,
            created_at=ctx.now(),
        )
    )


def decide(
    ctx: Ctx, kind: str, record: Any, stage: Any, *, decision: str, comment: str, url: str
) -> ProcessApproval:
    """Approve or reject `record` (of `kind`, in scope: the caller fetched it) in `stage`.

    Raises Forbidden when the user lacks the stage's role, ValidationError when the stage
    needs no approval, the record is not in it, the decision is unknown or a rejection has no
    comment.
    """
    user = ctx.user
    if not stage.approval_role:
        raise ValidationError(f"{stage.name_en} needs no approval", "stage_id")
    if record.stage_id != stage.id:
        raise ValidationError(f"the record is not in {stage.name_en}", "stage_id")
    if user is None or not (user.is_admin or user.role_key == stage.approval_role):
        raise Forbidden(f"only a user with the role {stage.approval_role} may decide")
    if decision not in DECISIONS:
        raise ValidationError(f"decision must be one of {', '.join(DECISIONS)}", "decision")
    if decision == "rejected" and not comment.strip():
        raise ValidationError("say why the approval is rejected", "comment")
    row = ProcessApproval(
        kind=kind,
        record_id=record.id,
        stage_id=stage.id,
        decision=decision,
        comment=comment.strip(),
        user_id=ctx.user_id,
        decided_at=ctx.now(),
    )
    ctx.session.add(row)
    record_action(
        ctx,
        kind,
        record.id,
        decision,
        {"stage_id": [None, stage.id], "comment": [None, row.comment]},
    )
    owner = ctx.session.get(User, record.owner_id) if record.owner_id else None
    if owner is not None and owner.id != ctx.user_id:
        gettext = translations(owner.language or "zh_CN").gettext
        title = gettext(DECIDED) % {
            "record": _name(record),
            "decision": gettext(DECISION_LABELS[decision]),
            "stage": _stage_name(stage, owner.language or "zh_CN"),
        }
        _notify(ctx, owner, title, url, kind, record.id)
    ctx.session.flush()
    return row


def ask_approvers(ctx: Ctx, kind: str, record: Any, stage: Any, *, url: str) -> int:
    """Tell every active user with the stage's approval role that `record` waits for them;
    returns how many were told (0 when the stage needs no approval)."""
    if not stage.approval_role:
        return 0
    users = ctx.session.scalars(
        select(User)
        .join(Role, Role.id == User.role_id)
        .where(Role.key == stage.approval_role, User.active)
        .order_by(User.id)
    ).all()
    for user in users:
        language = user.language or "zh_CN"
        gettext = translations(language).gettext
        title = gettext(WAITING) % {
            "record": _name(record),
            "stage": _stage_name(stage, language),
        }
        _notify(ctx, user, title, url, kind, record.id)
    return len(users)


def decisions_of(ctx: Ctx, kind: str, record_id: int) -> list[ProcessApproval]:
    """Every decision on a record, newest first (for its page and API)."""
    return list(
        ctx.session.scalars(
            select(ProcessApproval)
            .where(ProcessApproval.kind == kind, ProcessApproval.record_id == record_id)
            .order_by(ProcessApproval.decided_at.desc(), ProcessApproval.id.desc())
        )
    )
