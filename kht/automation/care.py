"""Care strategies (客户关怀): a friendly face over automation rules.

A manager picks the customers (a saved segment and/or filters), the moment (birthday,
anniversary, N days without contact, renewal due, after a purchase, a holiday on a
configured date) and the channel (a task or a call for the owner, a notification to the
owner, or an email from a mail template to the customer or contact) with its text. The
strategy is stored as an automation rule with purpose `care`, checked and audited like any
rule, and runs with the scope of the manager who saved it: a department manager's strategy
cares for the department's customers. Managing them takes `assign` on customers (managers
and administrators).

The segment's filters are copied into the rule's conditions when it is saved (the
description shows them), so a later change of the segment does not change who is cared for.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import msgspec
from sqlalchemy import select

from kht.auth.permissions import require
from kht.automation import service
from kht.automation.models import Rule, Run
from kht.automation.schemas import RuleCreate
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.lists.service import get_view, view_filters
from kht.web.i18n import N_

PURPOSE = "care"
Moment = Literal["birthday", "anniversary", "dormant", "renewal", "after_purchase", "holiday"]
Channel = Literal["task", "call", "notify", "email", "sms"]
MOMENTS: dict[str, str] = {
    "birthday": N_("A contact's birthday"),
    "anniversary": N_("Anniversary of a date (signing, first order …)"),
    "dormant": N_("N days without contact"),
    "renewal": N_("Renewal or expiry due in N days"),
    "after_purchase": N_("After a purchase"),
    "holiday": N_("A holiday on a date (春节, 中秋 …)"),
}
CHANNELS: dict[str, str] = {
    "task": N_("A task for the owner"),
    "call": N_("A call for the owner"),
    "notify": N_("A notification to the owner"),
    "email": N_("An email to the customer or contact (a mail template)"),
    "sms": N_("An SMS to the customer or contact (an SMS template)"),
}


class CareIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A care strategy as the care page asks for it."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    moment: Moment
    channel: Channel = "task"
    # Every channel but email and SMS (which take their template's text) needs a subject.
    subject: Annotated[str, msgspec.Meta(max_length=200)] = ""
    template_id: int | None = None  # email: the mail template
    sms_template_id: int | None = None  # sms: the SMS template
    message: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    segment_id: int | None = None
    filters: list[Annotated[str, msgspec.Meta(min_length=3, max_length=300)]] = []
    # birthday/anniversary: days ahead; dormant: days without contact; renewal: days before.
    days: Annotated[int, msgspec.Meta(ge=0, le=3650)] = 0
    field: str = ""  # anniversary, renewal: the customer's date field
    on: date | None = None  # holiday
    at: Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "09:00"


def _manager(ctx: Ctx) -> None:
    require(ctx.user, "customers", "assign")


def kind_of(moment: str) -> str:
    return "contact" if moment == "birthday" else "customer"


def _trigger(data: CareIn) -> dict[str, Any]:
    if data.moment == "birthday":
        return {
            "type": "date_anniversary",
            "params": {"field": "birthday", "offset_days": -data.days},
        }
    if data.moment == "anniversary":
        return {
            "type": "date_anniversary",
            "params": {"field": data.field, "offset_days": -data.days},
        }
    if data.moment == "dormant":
        return {"type": "days_since_contact", "params": {"days": max(data.days, 1)}}
    if data.moment == "renewal":
        return {"type": "days_before_date", "params": {"field": data.field, "days": data.days}}
    if data.moment == "after_purchase":
        return {"type": "order_placed", "params": {}}
    if data.on is None:
        raise ValidationError("a holiday needs its date", "on")
    return {
        "type": "schedule",
        "params": {"every": "once", "on": data.on.isoformat(), "at": data.at},
    }


def _action(data: CareIn) -> dict[str, Any]:
    if data.channel == "email":
        if data.template_id is None:
            raise ValidationError("pick a mail template", "template_id")
        return {"type": "send_mail", "params": {"template_id": data.template_id}}
    if data.channel == "sms":
        if data.sms_template_id is None:
            raise ValidationError("pick an SMS template", "sms_template_id")
        return {"type": "send_sms", "params": {"template_id": data.sms_template_id}}
    if not data.subject.strip():
        raise ValidationError("subject is required", "subject")
    if data.channel == "notify":
        return {
            "type": "notify",
            "params": {"title": data.subject, "body": data.message, "owner": True},
        }
    return {
        "type": "plan_action",
        "params": {
            "type": data.channel,
            "subject": data.subject,
            "body": data.message,
            "assignee": "owner",
        },
    }


def _conditions(ctx: Ctx, data: CareIn, kind: str) -> list[str]:
    found = []
    if data.segment_id is not None:
        try:
            view = get_view(ctx, data.segment_id)
        except NotFound:
            raise ValidationError("no such segment", "segment_id") from None
        if view.kind != kind or not view.segment:
            raise ValidationError("that segment is not one of these records", "segment_id")
        for item in view_filters(view):
            value = ",".join(map(str, item.value)) if isinstance(item.value, list) else item.value
            found.append(f"{item.field}:{item.op}" + ("" if value is None else f":{value}"))
    return found + [text.strip() for text in data.filters if text.strip()]


def create_care(ctx: Ctx, data: CareIn) -> Rule:
    """Save a care strategy as a rule (checked, audited); 422 naming the form's field."""
    _manager(ctx)
    kind = kind_of(data.moment)
    body = {
        "name": data.name,
        "kind": kind,
        "trigger": _trigger(data),
        "conditions": _conditions(ctx, data, kind),
        "actions": [_action(data)],
    }
    try:
        return service.saved_new(ctx, msgspec.convert(body, RuleCreate), purpose=PURPOSE)
    except ValidationError as exc:
        raise ValidationError(exc.message, _form_field(exc.field or "")) from None


def _form_field(field: str) -> str:
    """The care form's field a rule's part came from."""
    if field.startswith("trigger.params.field"):
        return "field"
    if field.startswith("trigger.params.days"):
        return "days"
    if field.startswith("trigger.params.on"):
        return "on"
    if field.startswith("trigger.params.at"):
        return "at"
    if field == "conditions":
        return "filters"
    if field.startswith("actions[0].params.template_id"):
        return "template_id"
    if field.startswith("actions"):
        return "subject"
    return field


def strategies(ctx: Ctx) -> list[Rule]:
    _manager(ctx)
    query = select(Rule).where(Rule.purpose == PURPOSE).order_by(Rule.name, Rule.id)
    return list(ctx.session.scalars(query))


def set_enabled(ctx: Ctx, rule_id: int, enabled: bool) -> Rule:
    """Switch a care strategy on or off (audited)."""
    _manager(ctx)
    rule = ctx.session.get(Rule, rule_id)
    if rule is None or rule.purpose != PURPOSE:
        raise NotFound(f"care strategy {rule_id} not found")
    if rule.enabled != enabled:
        from kht.automation.engine import forget_rules
        from kht.events import RecordUpdated

        rule.enabled = enabled
        rule.updated_by_id = ctx.user_id
        ctx.session.flush()
        forget_rules(ctx)
        ctx.fire(
            RecordUpdated(
                kind=service.KIND,
                record_id=rule.id,
                user_id=ctx.user_id,
                changes={"enabled": [not enabled, enabled]},
            )
        )
    return rule


def care_history(ctx: Ctx, kind: str, record_id: int, limit: int = 20) -> list[tuple[Run, str]]:
    """The care runs about one record (the caller shows it on the record's page, so it is
    visible), newest first, with the strategy's name."""
    rows = ctx.session.execute(
        select(Run, Rule.name)
        .join(Rule, Rule.id == Run.rule_id)
        .where(Run.kind == kind, Run.record_id == record_id, Rule.purpose == PURPOSE)
        .order_by(Run.id.desc())
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]
