"""Setting up service: SLA policies, company days and the service settings row
(administrators of tickets only)."""

from __future__ import annotations

from sqlalchemy import select

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.mail.models import MailAccount
from kht.records.schemas import out_of
from kht.service.models import ServiceDay, ServiceSettings, SlaPolicy
from kht.service.queues import check_queue
from kht.service.schemas import DayIn, PolicyIn, PolicyOut, SettingsIn
from kht.service.sla import SETTINGS_ID, forget_calendar

MODULE = "tickets"


def policy_out(policy: SlaPolicy) -> PolicyOut:
    return out_of(PolicyOut, policy)


def list_policies(ctx: Ctx) -> list[SlaPolicy]:
    require(ctx.user, MODULE, "view")
    return list(ctx.session.scalars(select(SlaPolicy).order_by(SlaPolicy.priority, SlaPolicy.id)))


def save_policy(ctx: Ctx, data: PolicyIn, policy_id: int | None = None) -> SlaPolicy:
    """Create or change a policy; resolving must not be due before the first response."""
    require(ctx.user, MODULE, "admin")
    if data.resolution_minutes < data.first_response_minutes:
        raise ValidationError(
            "the resolution target cannot be shorter than the response target",
            "resolution_minutes",
        )
    policy = ctx.session.get(SlaPolicy, policy_id) if policy_id else SlaPolicy(active=True)
    if policy is None:
        raise NotFound(f"policy {policy_id} not found")
    policy.name, policy.priority, policy.category_id = (
        data.name.strip(),
        data.priority,
        data.category_id,
    )
    policy.first_response_minutes = data.first_response_minutes
    policy.resolution_minutes = data.resolution_minutes
    ctx.session.add(policy)
    ctx.session.flush()
    return policy


def save_day(ctx: Ctx, data: DayIn) -> ServiceDay:
    """Mark a company-specific day off or working day (replacing an earlier mark)."""
    require(ctx.user, MODULE, "admin")
    row = ctx.session.scalar(select(ServiceDay).where(ServiceDay.day == data.day))
    row = row or ServiceDay(day=data.day)
    row.working, row.note = data.working, data.note.strip()
    ctx.session.add(row)
    ctx.session.flush()
    forget_calendar(ctx)
    return row


def save_settings(ctx: Ctx, data: SettingsIn) -> ServiceSettings:
    """Working hours (start before end), the service mailbox (a shared one), the intake
    queue and the near-breach window."""
    require(ctx.user, MODULE, "admin")
    if data.work_end <= data.work_start:
        raise ValidationError("the working day must end after it starts", "work_end")
    if data.mailbox_id is not None:
        account = ctx.session.get(MailAccount, data.mailbox_id)
        if account is None or account.kind != "shared":
            raise ValidationError(f"no shared mailbox {data.mailbox_id}", "mailbox_id")
    row = ctx.session.get(ServiceSettings, SETTINGS_ID) or ServiceSettings(
        id=SETTINGS_ID, version=1
    )
    row.work_start, row.work_end = data.work_start, data.work_end
    row.mailbox_id, row.near_breach_minutes = data.mailbox_id, data.near_breach_minutes
    check_queue(ctx, data.intake_queue_id)
    row.intake_queue_id = data.intake_queue_id
    if data.survey_sms_template_id is not None:
        from kht.sms.models import SmsTemplate

        if ctx.session.get(SmsTemplate, data.survey_sms_template_id) is None:
            raise ValidationError(
                f"no SMS template {data.survey_sms_template_id}", "survey_sms_template_id"
            )
    row.survey_sms_template_id = data.survey_sms_template_id
    ctx.session.add(row)
    ctx.session.flush()
    forget_calendar(ctx)
    return row
