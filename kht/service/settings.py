"""Setting up service: SLA policies, company days and the declaration of the service
settings (kept by the core settings store; administrators of tickets only)."""

from __future__ import annotations

from sqlalchemy import select

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.mail.models import MailAccount
from kht.plugin_types import SettingField, SettingsDef
from kht.records.schemas import out_of
from kht.service.models import Queue, ServiceDay, SlaPolicy
from kht.service.queues import check_queue
from kht.service.schemas import DayIn, PolicyIn, PolicyOut, ServiceSettings
from kht.service.sla import forget_calendar
from kht.web.i18n import N_

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


def _shared_mailboxes(ctx: Ctx) -> list[tuple[int, str]]:
    rows = select(MailAccount.id, MailAccount.name, MailAccount.email).where(
        MailAccount.kind == "shared"
    )
    return [
        (i, f"{name} <{email}>")
        for i, name, email in ctx.session.execute(rows.order_by(MailAccount.id))
    ]


def _queues(ctx: Ctx) -> list[tuple[int, str]]:
    rows = select(Queue.id, Queue.name).where(Queue.active).order_by(Queue.name)
    return [(i, name) for i, name in ctx.session.execute(rows)]


def _sms_templates(ctx: Ctx) -> list[tuple[int, str]]:
    from kht.sms.models import SmsTemplate

    rows = select(SmsTemplate.id, SmsTemplate.name).order_by(SmsTemplate.name)
    return [(i, name) for i, name in ctx.session.execute(rows)]


def check_settings(ctx: Ctx, data: ServiceSettings) -> None:
    """Working hours (start before end), the service mailbox (a shared one), an active intake
    queue, an existing SMS template."""
    if data.work_end <= data.work_start:
        raise ValidationError("the working day must end after it starts", "work_end")
    if data.mailbox_id is not None:
        account = ctx.session.get(MailAccount, data.mailbox_id)
        if account is None or account.kind != "shared":
            raise ValidationError(f"no shared mailbox {data.mailbox_id}", "mailbox_id")
    try:
        check_queue(ctx, data.intake_queue_id)
    except ValidationError as exc:
        raise ValidationError(exc.message, "intake_queue_id") from None
    if data.survey_sms_template_id is not None:
        from kht.sms.models import SmsTemplate

        if ctx.session.get(SmsTemplate, data.survey_sms_template_id) is None:
            raise ValidationError(
                f"no SMS template {data.survey_sms_template_id}", "survey_sms_template_id"
            )


def _saved(ctx: Ctx, data: ServiceSettings) -> None:
    forget_calendar(ctx)


SETTINGS = SettingsDef(
    owner="service",
    schema=ServiceSettings,
    label_zh="服务参数",
    label_en="Service settings",
    modules=(MODULE,),
    icon="life-preserver",
    check=check_settings,
    saved=_saved,
    fields={
        "work_start": SettingField(
            label=N_("Working day starts"), help=N_("24-hour clock, e.g. 09:00 (company time zone)")
        ),
        "work_end": SettingField(
            label=N_("Working day ends"), help=N_("24-hour clock, e.g. 18:00")
        ),
        "mailbox_id": SettingField(
            label=N_("Service mailbox"),
            help=N_("A shared mailbox: its new mails open tickets, replies thread onto them."),
            choices=_shared_mailboxes,
        ),
        "near_breach_minutes": SettingField(
            label=N_("Near-breach window (minutes)"),
            help=N_("How long before a due time a ticket counts as near breach and escalates."),
        ),
        "intake_queue_id": SettingField(
            label=N_("Intake queue"),
            help=N_("The queue tickets from mail and the public form wait in."),
            choices=_queues,
        ),
        "survey_sms_template_id": SettingField(
            label=N_("Survey SMS template"),
            help=N_("Also text the satisfaction survey with this template (empty: mail only)."),
            choices=_sms_templates,
        ),
    },
)
