"""The core's triggers and actions, contributed through `kht_register_automation` like a
plugin's. Texts are English through N_ and worded in the reader's language by `describe`."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import Date, String, cast, false, func, true

from kht.automation.routing import (
    AssignParams,
    GroupParams,
    active_users,
    check_assign,
    check_group,
    describe_assign,
    describe_group,
    run_assign,
    run_group,
)
from kht.context import Ctx
from kht.errors import ValidationError
from kht.events import (
    ActionLogged,
    Event,
    LeadConverted,
    OrderPlaced,
    RecordCreated,
    RecordUpdated,
    StageChanged,
)
from kht.plugin_types import AutomationAction, AutomationTrigger, RecordKind
from kht.web.i18n import N_

Days = Annotated[int, msgspec.Meta(ge=0, le=3650)]
Offset = Annotated[int, msgspec.Meta(ge=-366, le=366)]
Text200 = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Clock = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Gettext = Callable[[str], str]
# Kinds a planned action can be about (kht.actions.service).
ACTION_KINDS = ("customer", "contact", "lead", "opportunity")


# ------------------------------------------------------------------------------ triggers


class NoParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class UpdatedParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # Only when one of these fields changed (list column keys, `ext.custom.x` included).
    fields: list[str] = []


class StageParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    to_stage: str = ""


class ActionLoggedParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    action_types: list[str] = []


class AnniversaryParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    field: str
    # Days relative to the anniversary: -3 fires three days before it, 2 two days after.
    offset_days: Offset = 0


class BeforeDateParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    field: str
    days: Days = 0


class SinceContactParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    days: Annotated[int, msgspec.Meta(ge=1, le=3650)]


class ScheduleParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # yearly: on `month`/`day` (a fixed holiday); once: on `on` (a holiday that moves, such
    # as 春节 or 中秋, configured for its date this year).
    every: Literal["daily", "weekly", "monthly", "yearly", "once"] = "daily"
    at: Clock = "09:00"
    weekday: Annotated[int, msgspec.Meta(ge=0, le=6)] = 0  # Monday
    day: Annotated[int, msgspec.Meta(ge=1, le=31)] = 1
    month: Annotated[int, msgspec.Meta(ge=1, le=12)] = 1
    on: date | None = None


def _changed(event: RecordUpdated, wanted: list[str]) -> bool:
    if not wanted:
        return True
    for key in wanted:
        if key.startswith("ext."):
            _, namespace, name = (key.split(".", 2) + ["", ""])[:3]
            old, new = event.changes.get("ext", [{}, {}])
            if ((old or {}).get(namespace) or {}).get(name) != (
                (new or {}).get(namespace) or {}
            ).get(name):
                return True
        elif key in event.changes:
            return True
    return False


def _is_created(event: Event, params: Any) -> bool:
    return isinstance(event, RecordCreated)


def _is_updated(event: Event, params: UpdatedParams) -> bool:
    return isinstance(event, RecordUpdated) and _changed(event, params.fields)


def _is_stage(event: Event, params: StageParams) -> bool:
    return (
        isinstance(event, StageChanged)
        and not event.outcome  # lifecycle stages; a sales process move carries an outcome
        and event.kind != "opportunity"
        and (not params.to_stage or event.to_stage == params.to_stage)
    )


def _is_action(event: Event, params: ActionLoggedParams) -> bool:
    return isinstance(event, ActionLogged) and (
        not params.action_types or event.action_type in params.action_types
    )


def _is_converted(event: Event, params: Any) -> bool:
    return isinstance(event, LeadConverted)


def _outcome(outcome: str) -> Callable[[Event, Any], bool]:
    def matches(event: Event, params: Any) -> bool:
        return (
            isinstance(event, StageChanged)
            and event.kind == "opportunity"
            and event.outcome == outcome
        )

    return matches


def _is_order(event: Event, params: Any) -> bool:
    return isinstance(event, OrderPlaced)


def _is_accepted(event: Event, params: Any) -> bool:
    return (
        isinstance(event, RecordUpdated)
        and (event.changes.get("status") or [None, None])[1] == "accepted"
    )


def date_expr(ctx: Ctx, spec: RecordKind, key: str, field: str) -> Any:
    """The `YYYY-MM-DD` text of a date field of `spec` (built-in Date column or custom date
    field), for comparing month and day on both databases; a field that is not a date is a
    422 naming `field`."""
    from kht.fields import fields_for

    if key.startswith("ext."):
        for item in fields_for(ctx, spec.kind):
            if item.key == key and item.type == "date":
                return spec.model.ext[(item.namespace, item.name)].as_string()
    else:
        column = getattr(spec.model, key, None)
        if column is not None and isinstance(getattr(column, "type", None), Date):
            return cast(column, String)
    raise ValidationError(f"{key!r} is not a date field of {spec.kind}", field)


def _today(zone: ZoneInfo, now: datetime) -> date:
    return now.astimezone(zone).date()


def _month_days(day: date) -> list[str]:
    """The stored `MM-DD`s whose anniversary falls on `day` (29 Feb on 28 Feb in other years)."""
    found = [day.strftime("%m-%d")]
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        found.append("02-29")
    return found


def _anniversary_due(
    ctx: Ctx,
    spec: RecordKind,
    params: AnniversaryParams,
    zone: ZoneInfo,
    now: datetime,
    since: datetime,
) -> tuple[Any, Callable[[Any], str]]:
    expr = date_expr(ctx, spec, params.field, "trigger.params.field")
    target = _today(zone, now) - timedelta(days=params.offset_days)
    condition = func.substr(expr, 6, 5).in_(_month_days(target))
    return condition, lambda record: f"{target.year}"


def _before_date_due(
    ctx: Ctx,
    spec: RecordKind,
    params: BeforeDateParams,
    zone: ZoneInfo,
    now: datetime,
    since: datetime,
) -> tuple[Any, Callable[[Any], str]]:
    expr = date_expr(ctx, spec, params.field, "trigger.params.field")
    target = _today(zone, now) + timedelta(days=params.days)
    return func.substr(expr, 1, 10) == target.isoformat(), lambda record: target.isoformat()


def _since_contact_due(
    ctx: Ctx,
    spec: RecordKind,
    params: SinceContactParams,
    zone: ZoneInfo,
    now: datetime,
    since: datetime,
) -> tuple[Any, Callable[[Any], str]]:
    model = spec.model
    last = getattr(model, "last_contact_at", None)
    if last is None:
        raise ValidationError(f"a {spec.kind} keeps no last contact time", "kind")
    limit = now - timedelta(days=params.days)
    condition = func.coalesce(last, model.created_at) <= limit

    def occurrence(record: Any) -> str:
        # One run per silence: a new contact starts a new one.
        moment = record.last_contact_at or record.created_at
        return f"since:{moment.isoformat(timespec='seconds')}"

    return condition, occurrence


def _on_schedule(params: ScheduleParams, day: date) -> bool:
    every = params.every
    if every == "once":
        return day == params.on
    return (
        every == "daily"
        or (every == "weekly" and day.weekday() == params.weekday)
        or (every == "monthly" and day.day == params.day)
        or (every == "yearly" and (day.month, day.day) == (params.month, params.day))
    )


def last_slot(params: ScheduleParams, zone: ZoneInfo, now: datetime) -> datetime | None:
    """The latest scheduled instant at or before `now` within the last day (UTC), read in
    `zone`; None when there is none (a missed slot is not made up for)."""
    local = now.astimezone(zone)
    hour, minute = (int(part) for part in params.at.split(":"))
    for back in (0, 1):
        day = local.date() - timedelta(days=back)
        slot = datetime.combine(day, time(hour, minute), tzinfo=zone)
        if _on_schedule(params, day) and slot <= local and local - slot < timedelta(days=1):
            return slot.astimezone(now.tzinfo)
    return None


def _schedule_due(
    ctx: Ctx,
    spec: RecordKind,
    params: ScheduleParams,
    zone: ZoneInfo,
    now: datetime,
    since: datetime,
) -> tuple[Any, Callable[[Any], str]]:
    slot = last_slot(params, zone, now)
    # A slot before the rule existed is not made up for either.
    if slot is None or slot < since:
        return false(), lambda record: ""
    key = slot.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    return true(), lambda record: f"slot:{key}"


def _plain(text: str) -> Callable[[Any, Gettext], str]:
    return lambda params, gettext: gettext(text)


def _describe_updated(params: UpdatedParams, gettext: Gettext) -> str:
    if not params.fields:
        return gettext(N_("When the record is changed"))
    return gettext(N_("When any of %(fields)s changes")) % {"fields": ", ".join(params.fields)}


def _describe_stage(params: StageParams, gettext: Gettext) -> str:
    if not params.to_stage:
        return gettext(N_("When the lifecycle stage changes"))
    return gettext(N_("When the lifecycle stage becomes %(stage)s")) % {"stage": params.to_stage}


def _describe_action(params: ActionLoggedParams, gettext: Gettext) -> str:
    if not params.action_types:
        return gettext(N_("When an action is logged"))
    from kht.actions.service import TYPE_LABELS

    names = ", ".join(gettext(TYPE_LABELS.get(t, t)) for t in params.action_types)
    return gettext(N_("When an action is logged (%(types)s)")) % {"types": names}


def _describe_anniversary(params: AnniversaryParams, gettext: Gettext) -> str:
    values = {"field": params.field, "days": abs(params.offset_days)}
    if params.offset_days < 0:
        return gettext(N_("%(days)s days before the anniversary of %(field)s")) % values
    if params.offset_days > 0:
        return gettext(N_("%(days)s days after the anniversary of %(field)s")) % values
    return gettext(N_("On the anniversary of %(field)s")) % values


def _describe_before(params: BeforeDateParams, gettext: Gettext) -> str:
    values = {"field": params.field, "days": params.days}
    return gettext(N_("%(days)s days before %(field)s")) % values


def _describe_since(params: SinceContactParams, gettext: Gettext) -> str:
    return gettext(N_("%(days)s days without contact")) % {"days": params.days}


WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def _describe_schedule(params: ScheduleParams, gettext: Gettext) -> str:
    if params.every == "yearly":
        values = {"month": params.month, "day": params.day, "at": params.at}
        return gettext(N_("Every year on %(month)s/%(day)s at %(at)s")) % values
    if params.every == "once":
        values = {"on": params.on.isoformat() if params.on else "?", "at": params.at}
        return gettext(N_("On %(on)s at %(at)s")) % values
    if params.every == "weekly":
        text = gettext(N_("Every %(weekday)s at %(at)s"))
        return text % {"weekday": gettext(WEEKDAYS[params.weekday]), "at": params.at}
    if params.every == "monthly":
        return gettext(N_("Monthly on day %(day)s at %(at)s")) % {
            "day": params.day,
            "at": params.at,
        }
    return gettext(N_("Every day at %(at)s")) % {"at": params.at}


TRIGGERS = [
    AutomationTrigger(
        key="record_created",
        label_zh="记录创建时",
        label_en="Record created",
        params=NoParams,
        matches=_is_created,
        describe=_plain(N_("When a record is created")),
    ),
    AutomationTrigger(
        key="record_updated",
        label_zh="记录修改时",
        label_en="Record changed",
        params=UpdatedParams,
        matches=_is_updated,
        describe=_describe_updated,
    ),
    AutomationTrigger(
        key="stage_changed",
        label_zh="生命周期阶段变化时",
        label_en="Lifecycle stage changed",
        params=StageParams,
        matches=_is_stage,
        describe=_describe_stage,
    ),
    AutomationTrigger(
        key="action_logged",
        label_zh="记录行动时",
        label_en="Action logged",
        params=ActionLoggedParams,
        matches=_is_action,
        kinds=ACTION_KINDS,
        describe=_describe_action,
    ),
    AutomationTrigger(
        key="lead_converted",
        label_zh="线索转化时",
        label_en="Lead converted",
        params=NoParams,
        matches=_is_converted,
        kinds=("lead",),
        describe=_plain(N_("When the lead is converted")),
    ),
    AutomationTrigger(
        key="opportunity_won",
        label_zh="商机赢单时",
        label_en="Opportunity won",
        params=NoParams,
        matches=_outcome("won"),
        kinds=("opportunity",),
        describe=_plain(N_("When the opportunity is won")),
    ),
    AutomationTrigger(
        key="opportunity_lost",
        label_zh="商机输单时",
        label_en="Opportunity lost",
        params=NoParams,
        matches=_outcome("lost"),
        kinds=("opportunity",),
        describe=_plain(N_("When the opportunity is lost")),
    ),
    AutomationTrigger(
        key="quote_accepted",
        label_zh="报价被接受时",
        label_en="Quote accepted",
        params=NoParams,
        matches=_is_accepted,
        kinds=("quote",),
        describe=_plain(N_("When the quote is accepted")),
    ),
    AutomationTrigger(
        key="order_placed",
        label_zh="客户下单后",
        label_en="Order placed",
        params=NoParams,
        matches=_is_order,
        kinds=("customer",),
        describe=_plain(N_("When the customer places an order")),
    ),
    AutomationTrigger(
        key="date_anniversary",
        label_zh="日期周年（生日等）",
        label_en="Date anniversary (birthday …)",
        params=AnniversaryParams,
        due=_anniversary_due,
        describe=_describe_anniversary,
    ),
    AutomationTrigger(
        key="days_before_date",
        label_zh="日期前 N 天",
        label_en="N days before a date",
        params=BeforeDateParams,
        due=_before_date_due,
        describe=_describe_before,
    ),
    AutomationTrigger(
        key="days_since_contact",
        label_zh="N 天未联系",
        label_en="N days since last contact",
        params=SinceContactParams,
        due=_since_contact_due,
        kinds=("customer",),
        describe=_describe_since,
    ),
    AutomationTrigger(
        key="schedule",
        label_zh="定时",
        label_en="Schedule",
        params=ScheduleParams,
        due=_schedule_due,
        describe=_describe_schedule,
    ),
]


# ------------------------------------------------------------------------------- actions


class PlanParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    type: Literal["task", "call", "visit"] = "task"
    subject: Text200
    assignee: Literal["owner", "user"] = "owner"
    user_id: int | None = None
    due_in_days: Annotated[int, msgspec.Meta(ge=0, le=365)] = 0
    due_in_hours: Annotated[int, msgspec.Meta(ge=0, le=23)] = 0
    body: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class NotifyParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    body: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    owner: bool = True
    user_ids: list[int] = []


class SetFieldParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    field: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    value: Any = None


class TagParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    add: list[Annotated[str, msgspec.Meta(min_length=1, max_length=50)]] = []
    remove: list[Annotated[str, msgspec.Meta(min_length=1, max_length=50)]] = []


class StageMoveParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    to_stage: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


def _check_plan(ctx: Ctx, spec: RecordKind, params: PlanParams) -> None:
    if params.assignee == "user":
        if params.user_id is None:
            raise ValidationError("name the user the action is for", "user_id")
        active_users(ctx, [params.user_id], "user_id")


def _run_plan(ctx: Ctx, spec: RecordKind, record: Any, params: PlanParams, run: Any) -> str:
    from kht import record_service as records
    from kht.actions.schemas import ActionCreate
    from kht.actions.service import SPEC, log_action

    due = ctx.now() + timedelta(days=params.due_in_days, hours=params.due_in_hours)
    data = ActionCreate(
        kind=spec.kind,
        record_id=record.id,
        type=params.type,
        subject=params.subject,
        body=params.body,
        status="planned",
        due_at=due,
    )
    action = log_action(ctx, data)
    owner = params.user_id if params.assignee == "user" else record.owner_id
    if owner is not None and owner != action.owner_id:
        records.update_record(ctx, SPEC, action, None, {"owner_id": owner}, operation="assign")
    return f"action {action.id}"


def _check_notify(ctx: Ctx, spec: RecordKind, params: NotifyParams) -> None:
    active_users(ctx, params.user_ids, "user_ids")


def record_page(spec: RecordKind, record_id: int) -> str:
    """The UI page of a record (a kind without pages: its API URL)."""
    if spec.plural:
        return f"/{spec.plural}/{record_id}"
    return ""


def _run_notify(ctx: Ctx, spec: RecordKind, record: Any, params: NotifyParams, run: Any) -> str:
    from kht.actions.models import Notification

    users = set(params.user_ids)
    if params.owner and record.owner_id is not None:
        users.add(record.owner_id)
    for user_id in sorted(users):
        ctx.session.add(
            Notification(
                user_id=user_id,
                title=params.title,
                body=params.body,
                url=record_page(spec, record.id),
                kind="automation",
                record_id=record.id,
                created_at=ctx.now(),
            )
        )
    ctx.session.flush()
    return f"notified {len(users)}"


def _field_change(field: str, value: Any) -> dict[str, Any]:
    if field.startswith("ext."):
        _, namespace, name = field.split(".", 2)
        return {"ext": {namespace: {name: value}}}
    return {field: value}


def _check_set(ctx: Ctx, spec: RecordKind, params: SetFieldParams) -> None:
    from kht import record_service as records
    from kht.db.custom_fields import validate_ext
    from kht.fields import fields_for

    columns = spec.columns(ctx)
    field = params.field
    editable = set(getattr(spec.update_schema, "__struct_fields__", ())) - {"version", "ext"}
    known = field in columns or field in editable
    if not known or field in records.PROTECTED or field in {"tag", "group"}:
        raise ValidationError(f"{field!r} cannot be set by a rule", "field")
    if field.startswith("ext."):
        try:
            validate_ext(fields_for(ctx, spec.kind), {}, _field_change(field, params.value)["ext"])
        except ValidationError as exc:
            if exc.field == field:  # other required fields are the record's business
                raise ValidationError(exc.message, "value") from None
    elif spec.update_schema is not None:
        try:
            msgspec.convert({"version": 1, field: params.value}, spec.update_schema, strict=False)
        except msgspec.ValidationError as exc:
            raise ValidationError(str(exc), "value") from None


def _run_set(ctx: Ctx, spec: RecordKind, record: Any, params: SetFieldParams, run: Any) -> str:
    from kht import record_service as records

    value = params.value
    if not params.field.startswith("ext.") and spec.update_schema is not None:
        typed = msgspec.convert(
            {"version": 1, params.field: value}, spec.update_schema, strict=False
        )
        value = getattr(typed, params.field)
    records.update_record(ctx, spec, record, None, _field_change(params.field, value))
    return f"{params.field} set"


def _run_tag(ctx: Ctx, spec: RecordKind, record: Any, params: TagParams, run: Any) -> str:
    from kht.value.service import tag_by_rule

    changed = tag_by_rule(ctx, spec.kind, record.id, add=params.add, remove=params.remove)
    return "tags changed" if changed else "tags unchanged"


def _check_stage(ctx: Ctx, spec: RecordKind, params: StageMoveParams) -> None:
    from kht.lifecycle.service import stages

    if not hasattr(spec.model, "stage") or spec.kind == "opportunity":
        raise ValidationError(f"a {spec.kind} has no lifecycle stage", "to_stage")
    if params.to_stage not in {s.key for s in stages(ctx, active_only=True)}:
        raise ValidationError(f"unknown lifecycle stage {params.to_stage!r}", "to_stage")


def _run_stage(ctx: Ctx, spec: RecordKind, record: Any, params: StageMoveParams, run: Any) -> str:
    from kht.lifecycle.service import change_stage

    if record.stage == params.to_stage:
        return "stage unchanged"
    change_stage(ctx, spec.kind, record.id, params.to_stage, cause=f"automation:{run.rule_id}")
    return f"stage {params.to_stage}"


def _describe_plan(params: PlanParams, gettext: Gettext) -> str:
    from kht.actions.service import TYPE_LABELS

    values = {
        "type": gettext(TYPE_LABELS[params.type]),
        "subject": params.subject,
        "days": params.due_in_days,
    }
    return gettext(N_("Plan a %(type)s “%(subject)s” due in %(days)s days")) % values


def _describe_notify(params: NotifyParams, gettext: Gettext) -> str:
    return gettext(N_("Notify: %(title)s")) % {"title": params.title}


def _describe_set(params: SetFieldParams, gettext: Gettext) -> str:
    return gettext(N_("Set %(field)s to %(value)s")) % {
        "field": params.field,
        "value": params.value,
    }


def _describe_tag(params: TagParams, gettext: Gettext) -> str:
    parts = []
    if params.add:
        parts.append(gettext(N_("add tags %(tags)s")) % {"tags": ", ".join(params.add)})
    if params.remove:
        parts.append(gettext(N_("remove tags %(tags)s")) % {"tags": ", ".join(params.remove)})
    return "; ".join(parts) or gettext(N_("Tags"))


def _describe_stage_move(params: StageMoveParams, gettext: Gettext) -> str:
    return gettext(N_("Move the lifecycle stage to %(stage)s")) % {"stage": params.to_stage}


class WebhookParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    webhook_id: int
    event_type: Annotated[str, msgspec.Meta(min_length=1, max_length=60)] = "automation.rule"


def _check_webhook(ctx: Ctx, spec: RecordKind, params: WebhookParams) -> None:
    from kht.errors import NotFound
    from kht.webhooks.service import get_subscription

    try:
        get_subscription(ctx, params.webhook_id)
    except NotFound:
        raise ValidationError(f"no webhook {params.webhook_id}", "webhook_id") from None


def _run_webhook(ctx: Ctx, spec: RecordKind, record: Any, params: WebhookParams, run: Any) -> str:
    # Queued in the run's own transaction (the webhooks' outbox): sent by the worker once
    # the run has committed, signed and retried there; a run rolled back sends nothing.
    from kht.webhooks.catalogue import record_as_api
    from kht.webhooks.outbox import enqueue

    data = {
        "rule_id": run.rule_id,
        "occurrence": run.occurrence,
        "kind": spec.kind,
        "record_id": record.id,
        "record": record_as_api(ctx, spec.kind, record.id),
    }
    delivery = enqueue(
        ctx, params.webhook_id, params.event_type, data, kind=spec.kind, record_id=record.id
    )
    return f"webhook delivery {delivery.id}"


def _describe_webhook(params: WebhookParams, gettext: Gettext) -> str:
    return gettext(N_("Call webhook %(id)s (%(type)s)")) % {
        "id": params.webhook_id,
        "type": params.event_type,
    }


class MailParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    template_id: int
    # The record's own email address, or its owner's.
    to: Literal["record", "owner"] = "record"
    # A mail account to send from; without one the instance's server (KHT_SMTP_*).
    account_id: int | None = None


MAIL_KINDS = ("customer", "contact", "lead")


def _check_mail(ctx: Ctx, spec: RecordKind, params: MailParams) -> None:
    from kht.mail.models import MailAccount, MailTemplate

    if ctx.session.get(MailTemplate, params.template_id) is None:
        raise ValidationError(f"no mail template {params.template_id}", "template_id")
    if params.account_id is not None:
        account = ctx.session.get(MailAccount, params.account_id)
        if account is None or not account.smtp_host or not account.active:
            raise ValidationError(f"no mail account {params.account_id} to send with", "account_id")


def _mail_address(ctx: Ctx, record: Any, params: MailParams) -> str:
    from kht.auth.models import User

    if params.to == "owner":
        owner = ctx.session.get(User, record.owner_id) if record.owner_id else None
        return owner.email if owner is not None and owner.active else ""
    return (getattr(record, "email", "") or "").strip()


def _addressee(
    ctx: Ctx, spec: RecordKind, record: Any, channel: str, run: Any
) -> tuple[RecordKind, Any]:
    """The record a mail or SMS about `record` goes to: itself, or the customer, contact or
    lead its kind names (`RecordKind.message_to`, which may refuse with ActionFailed)."""
    if spec.kind in MAIL_KINDS or spec.message_to is None:
        return spec, record
    from kht.records import record_kind

    kind, record_id = spec.message_to(ctx, record, channel, run)
    target = record_kind(ctx, kind)
    return target, target.get(ctx, record_id)


def _run_mail(ctx: Ctx, spec: RecordKind, record: Any, params: MailParams, run: Any) -> str:
    # Queued through the mail outbox in the run's own transaction: it goes out once, after
    # the run has committed; a run rolled back (and tried again) leaves no mail behind.
    from kht.automation.engine import ActionFailed
    from kht.mail.models import MailTemplate
    from kht.mail.outbox import queue
    from kht.mail.templating import merge_values, render_text
    from kht.web.i18n import translations

    gettext = translations(ctx.language or "en").gettext
    spec, record = _addressee(ctx, spec, record, "email", run)
    to = _mail_address(ctx, record, params)
    if not to:
        raise ActionFailed(gettext(N_("No email address to send the mail to")))
    template = ctx.session.get(MailTemplate, params.template_id)
    if template is None:
        raise ActionFailed(gettext(N_("The mail template no longer exists")))
    values = merge_values(ctx, spec.kind, record.id)
    subject = render_text(template.subject, values, "subject").replace("\n", " ")
    body = render_text(template.body, values, "body")
    mail = queue(
        ctx, to, subject, body, kind=spec.kind, record_id=record.id, account_id=params.account_id
    )
    if mail is None:
        raise ActionFailed(gettext(N_("No mail server is configured to send with")))
    ctx.session.flush()
    return f"mail {mail.id} to {to}"


def _describe_mail(params: MailParams, gettext: Gettext) -> str:
    if params.to == "owner":
        return gettext(N_("Mail template %(id)s to the owner")) % {"id": params.template_id}
    return gettext(N_("Mail template %(id)s to the record")) % {"id": params.template_id}


class SmsParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    template_id: int


def _check_sms(ctx: Ctx, spec: RecordKind, params: SmsParams) -> None:
    from kht.sms.models import SmsTemplate

    if ctx.session.get(SmsTemplate, params.template_id) is None:
        raise ValidationError(f"no SMS template {params.template_id}", "template_id")


def _run_sms(ctx: Ctx, spec: RecordKind, record: Any, params: SmsParams, run: Any) -> str:
    # Queued through the SMS outbox in the run's own transaction, like a mail: sent once
    # after the run commits (quiet hours respected by the outbox). A record without a valid
    # number, or one that opted out, will not get one however often the run is tried, so
    # the run fails at once with the reason.
    from kht.automation.engine import ActionFailed
    from kht.sms.models import SmsTemplate
    from kht.sms.service import send_template
    from kht.web.i18n import translations

    gettext = translations(ctx.language or "en").gettext
    spec, record = _addressee(ctx, spec, record, "sms", run)
    template = ctx.session.get(SmsTemplate, params.template_id)
    if template is None:
        raise ActionFailed(gettext(N_("The SMS template no longer exists")))
    try:
        message = send_template(ctx, template, spec.kind, record.id)
    except ValidationError as exc:
        if exc.field != "number":
            raise
        if "opted out" in exc.message:
            reason = N_("The number opted out of SMS")
        elif "no phone" in exc.message:
            reason = N_("No mobile number to send the SMS to")
        else:
            reason = N_("The record's number cannot receive SMS")
        raise ActionFailed(gettext(reason)) from None
    ctx.session.flush()
    return f"sms {message.id} to {message.number}"


def _describe_sms(params: SmsParams, gettext: Gettext) -> str:
    return gettext(N_("SMS template %(id)s to the record's mobile")) % {"id": params.template_id}


ACTIONS = [
    AutomationAction(
        key="plan_action",
        label_zh="安排行动",
        label_en="Plan an action",
        params=PlanParams,
        kinds=ACTION_KINDS,
        check=_check_plan,
        run=_run_plan,
        describe=_describe_plan,
    ),
    AutomationAction(
        key="notify",
        label_zh="通知用户",
        label_en="Notify users",
        params=NotifyParams,
        check=_check_notify,
        run=_run_notify,
        describe=_describe_notify,
    ),
    AutomationAction(
        key="set_field",
        label_zh="设置字段",
        label_en="Set a field",
        params=SetFieldParams,
        check=_check_set,
        run=_run_set,
        describe=_describe_set,
    ),
    AutomationAction(
        key="tag",
        label_zh="添加/移除标签",
        label_en="Add or remove tags",
        params=TagParams,
        run=_run_tag,
        describe=_describe_tag,
    ),
    AutomationAction(
        key="assign_owner",
        label_zh="分配负责人",
        label_en="Assign the owner",
        params=AssignParams,
        check=check_assign,
        run=run_assign,
        describe=describe_assign,
    ),
    AutomationAction(
        key="customer_group",
        label_zh="加入/移出客户组",
        label_en="Add to or remove from groups",
        params=GroupParams,
        kinds=("customer",),
        check=check_group,
        run=run_group,
        describe=describe_group,
    ),
    AutomationAction(
        key="move_stage",
        label_zh="变更生命周期阶段",
        label_en="Move the lifecycle stage",
        params=StageMoveParams,
        check=_check_stage,
        run=_run_stage,
        describe=_describe_stage_move,
    ),
    AutomationAction(
        key="call_webhook",
        label_zh="调用 Webhook",
        label_en="Call a webhook",
        params=WebhookParams,
        check=_check_webhook,
        run=_run_webhook,
        describe=_describe_webhook,
    ),
    AutomationAction(
        key="send_mail",
        label_zh="发送邮件模板",
        label_en="Send a mail template",
        params=MailParams,
        kinds=MAIL_KINDS,
        addressed=True,
        check=_check_mail,
        run=_run_mail,
        describe=_describe_mail,
    ),
    AutomationAction(
        key="send_sms",
        label_zh="发送短信模板",
        label_en="Send an SMS template",
        params=SmsParams,
        kinds=MAIL_KINDS,
        addressed=True,
        check=_check_sms,
        run=_run_sms,
        describe=_describe_sms,
    ),
]
