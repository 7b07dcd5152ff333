"""Automation rules: saving (checked, audited), reading, the runs and the preview.

Administrators (`users: admin`) manage rules. A rule is checked whole when it is saved: its
kind, its trigger and each action must exist and fit the kind, their settings must convert
(`trigger.params.<field>`, `actions[i].params.<field>` name what is wrong), and conditions
must be valid list filters on the kind (`conditions`). Every change is audited as kind
`automation_rule`. Runs act as the administrator who last saved the rule.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import func, select, tuple_

from kht.auth.permissions import require
from kht.automation import engine
from kht.automation.models import Rule, Run
from kht.automation.registry import params_of, params_out, registry
from kht.automation.schemas import (
    ActionIn,
    PreviewItem,
    PreviewOut,
    RuleCreate,
    RuleOut,
    RuleUpdate,
    RunOut,
    TriggerIn,
)
from kht.context import Ctx
from kht.errors import Conflict, NotFound, ValidationError
from kht.events import RecordCreated, RecordDeleted, RecordUpdated
from kht.plugin_types import RecordKind
from kht.records import record_kinds
from kht.records.schemas import out_of
from kht.web.i18n import N_, translations

KIND = "automation_rule"
PREVIEW_MAX = 100
_FIELDS = ("name", "note", "kind", "enabled", "trigger", "conditions", "actions")


def _admin(ctx: Ctx) -> None:
    require(ctx.user, "users", "admin")


def _spec(ctx: Ctx, kind: str) -> RecordKind:
    spec = record_kinds(ctx).get(kind)
    if spec is None:
        raise ValidationError(f"unknown record kind {kind!r}", "kind")
    return spec


def _fits(kinds: tuple[str, ...], kind: str) -> bool:
    return not kinds or kind in kinds


def checked(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """The rule's stored values, after checking each part against the registry (422 naming
    the part that is wrong)."""
    spec = _spec(ctx, values["kind"])
    found = registry(ctx)
    trigger_in: TriggerIn = values["trigger"]
    trigger = found.triggers.get(trigger_in.type)
    if trigger is None or not _fits(trigger.kinds, spec.kind):
        raise ValidationError(f"no trigger {trigger_in.type!r} for a {spec.kind}", "trigger.type")
    trigger_params = params_of(trigger.params, trigger_in.params, "trigger.params")
    conditions = [text.strip() for text in values["conditions"]]
    try:
        filters = engine.parse_conditions(conditions)
        engine.filtered(ctx, spec, select(spec.model.id), filters)
    except ValidationError as exc:
        raise ValidationError(exc.message, "conditions") from None
    stored_trigger = {"type": trigger.key, "params": params_out(trigger_params)}
    if trigger.timed:  # its settings must make a query (a date field that is one, …)
        trigger.due(
            ctx=ctx,
            spec=spec,
            params=trigger_params,
            zone=engine.company_zone(ctx.settings),
            now=ctx.now(),
            since=ctx.now(),
        )
    actions = []
    for position, item in enumerate(values["actions"]):
        field = f"actions[{position}]"
        action = found.actions.get(item.type)
        if action is None or not _fits(action.kinds, spec.kind):
            raise ValidationError(f"no action {item.type!r} for a {spec.kind}", f"{field}.type")
        params = params_of(action.params, item.params, f"{field}.params")
        if action.check is not None:
            try:
                action.check(ctx=ctx, spec=spec, params=params)
            except ValidationError as exc:
                raise ValidationError(exc.message, f"{field}.params.{exc.field}") from None
        actions.append({"type": action.key, "params": params_out(params)})
    return {
        "name": values["name"].strip(),
        "note": values.get("note", ""),
        "kind": spec.kind,
        "enabled": values.get("enabled", True),
        "trigger": stored_trigger,
        "conditions": conditions,
        "actions": actions,
        "timed": trigger.timed,
    }


def _values(rule: Rule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in _FIELDS}


def create_rule(ctx: Ctx, data: RuleCreate) -> Rule:
    """Save a new rule (checked; audited)."""
    _admin(ctx)
    return saved_new(ctx, data)


def saved_new(ctx: Ctx, data: RuleCreate, purpose: str = "") -> Rule:
    """Check and store a new rule (the caller has checked the permission); audited."""
    values = checked(ctx, msgspec.structs.asdict(data))
    rule = Rule(**values, purpose=purpose, created_by_id=ctx.user_id, updated_by_id=ctx.user_id)
    ctx.session.add(rule)
    ctx.session.flush()
    engine.forget_rules(ctx)
    values = msgspec.to_builtins(_values(rule))
    ctx.fire(RecordCreated(kind=KIND, record_id=rule.id, user_id=ctx.user_id, values=values))
    return rule


def get_rule(ctx: Ctx, rule_id: int) -> Rule:
    _admin(ctx)
    rule = ctx.session.get(Rule, rule_id)
    if rule is None:
        raise NotFound(f"automation rule {rule_id} not found")
    return rule


def list_rules(ctx: Ctx) -> list[Rule]:
    _admin(ctx)
    return list(ctx.session.scalars(select(Rule).order_by(Rule.name, Rule.id)))


def update_rule(ctx: Ctx, rule_id: int, data: RuleUpdate) -> Rule:
    """Change a rule (`version` as shown, else 409); the saver becomes the one it acts as."""
    rule = get_rule(ctx, rule_id)
    if data.version != rule.version:
        raise Conflict(
            f"automation rule {rule_id} was changed by someone else; reload it", "version"
        )
    given = {
        k: v
        for k, v in msgspec.structs.asdict(data).items()
        if v is not msgspec.UNSET and k != "version"
    }
    current = _values(rule)
    current["trigger"] = TriggerIn(**rule.trigger)
    current["actions"] = [ActionIn(**item) for item in rule.actions]
    values = checked(ctx, {**current, **given})
    diff = {
        k: [current_value, values[k]]
        for k, current_value in _values(rule).items()
        if current_value != values[k]
    }
    for key, value in values.items():
        setattr(rule, key, value)
    rule.updated_by_id = ctx.user_id
    ctx.session.flush()
    engine.forget_rules(ctx)
    if diff:
        ctx.fire(
            RecordUpdated(
                kind=KIND, record_id=rule.id, user_id=ctx.user_id, changes=msgspec.to_builtins(diff)
            )
        )
    return rule


def delete_rule(ctx: Ctx, rule_id: int) -> None:
    """Delete a rule and its runs for good (audited); disabling keeps them."""
    rule = get_rule(ctx, rule_id)
    ctx.session.delete(rule)
    ctx.session.flush()
    engine.forget_rules(ctx)
    ctx.fire(RecordDeleted(kind=KIND, record_id=rule_id, user_id=ctx.user_id, hard=True))


# ------------------------------------------------------------------------------- reading


def describe(ctx: Ctx, rule: Rule) -> str:
    """The rule in words, in the reader's language."""
    gettext = translations(ctx.language).gettext
    found = registry(ctx)
    trigger = found.triggers.get(rule.trigger.get("type", ""))
    kind = record_kinds(ctx).get(rule.kind)
    kind_label = (
        kind.label_zh
        if kind and ctx.language.startswith("zh")
        else (kind.label_en if kind else rule.kind)
    )
    labels = _field_labels(ctx, kind)
    worded = _worded(trigger, rule.trigger.get("params"), gettext, ctx, labels)
    done = [
        _worded(found.actions.get(item.get("type", "")), item.get("params"), gettext, ctx, labels)
        for item in rule.actions
    ]
    values = {"kind": kind_label, "trigger": worded, "actions": "; ".join(done)}
    if not rule.conditions:
        return gettext(N_("For %(kind)s: %(trigger)s, then %(actions)s")) % values
    worded_conditions = [_condition(ctx, kind, text, labels, gettext) for text in rule.conditions]
    values["conditions"] = gettext(N_(" and ")).join(worded_conditions)
    text = N_("For %(kind)s: %(trigger)s, if %(conditions)s, then %(actions)s")
    return gettext(text) % values


# How a condition's operator reads ("status:eq:planned" -> "Status is Planned").
OPERATOR_WORDS = {
    "eq": N_("%(field)s is %(value)s"),
    "ne": N_("%(field)s is not %(value)s"),
    "contains": N_("%(field)s contains %(value)s"),
    "starts": N_("%(field)s starts with %(value)s"),
    "gt": N_("%(field)s is more than %(value)s"),
    "gte": N_("%(field)s is at least %(value)s"),
    "lt": N_("%(field)s is less than %(value)s"),
    "lte": N_("%(field)s is at most %(value)s"),
    "in": N_("%(field)s is one of %(value)s"),
    "empty": N_("%(field)s is empty"),
    "not_empty": N_("%(field)s is not empty"),
}


def _condition(
    ctx: Ctx, spec: RecordKind | None, text: str, labels: dict[str, str], gettext: Any
) -> str:
    """One stored condition (`field:op:value`) in words: the field's label, the operator
    and, for choice and yes/no fields, the value's label. One that no longer parses (a
    field removed since) is shown as stored."""
    from kht.exporting.labels import choice_options
    from kht.lists.engine import parse_filter

    try:
        found = parse_filter(text)
    except ValidationError:
        return text
    wording = OPERATOR_WORDS.get(found.op)
    if wording is None:
        return text
    column = spec.columns(ctx).get(found.field) if spec is not None else None
    names: dict[str, str] = {}
    if column is not None and column.choice_keys:
        zh = ctx.language.startswith("zh")
        names = {
            key: (label_zh if zh else label_en)
            for key, label_zh, label_en in choice_options(spec.kind, column)
        }
    if column is not None and column.type == "boolean":
        names = {"true": gettext(N_("yes")), "false": gettext(N_("no"))}
    raw = "" if found.value is None else str(found.value)
    value = (
        gettext(N_(", ")).join(names.get(part, part) for part in raw.split(","))
        if found.op == "in"
        else names.get(raw, raw)
    )
    return gettext(wording) % {"field": labels.get(found.field, found.field), "value": value}


def _field_labels(ctx: Ctx, spec: RecordKind | None) -> dict[str, str]:
    """Field key -> label in the reader's language, so descriptions name fields as people
    read them (`ext.custom.level` as its label)."""
    if spec is None:
        return {}
    zh = ctx.language.startswith("zh")
    labels = {f.name: (f.label_zh if zh else f.label_en) for f in spec.fields}
    for key, column in spec.columns(ctx).items():
        labels[key] = column.label(ctx.language)
    return labels


def _worded(item: Any, raw: Any, gettext: Any, ctx: Ctx, labels: dict[str, str]) -> str:
    if item is None:
        return gettext(N_("(not available)"))
    if item.describe is None:
        return item.label(ctx.language)
    try:
        params = params_of(item.params, raw, "params")
    except ValidationError:
        return item.label(ctx.language)
    named: dict[str, Any] = {}
    if isinstance(getattr(params, "field", None), str):
        named["field"] = labels.get(params.field, params.field)
    if isinstance(getattr(params, "fields", None), list):
        named["fields"] = [labels.get(key, key) for key in params.fields]
    if named:
        params = msgspec.structs.replace(params, **named)
    return item.describe(params, gettext)


def rule_out(ctx: Ctx, rule: Rule) -> RuleOut:
    return out_of(
        RuleOut,
        rule,
        trigger=TriggerIn(**rule.trigger),
        conditions=list(rule.conditions),
        actions=[ActionIn(**item) for item in rule.actions],
        description=describe(ctx, rule),
    )


def run_out(run: Run) -> RunOut:
    return out_of(RunOut, run, done=list(run.done or []))


def runs_of(ctx: Ctx, rule_id: int, *, page: int = 1, page_size: int = 50) -> tuple[list[Run], int]:
    """One page of a rule's runs, newest first, and how many there are."""
    get_rule(ctx, rule_id)
    where = Run.rule_id == rule_id
    total = ctx.session.scalar(select(func.count()).select_from(Run).where(where)) or 0
    rows = ctx.session.scalars(
        select(Run)
        .where(where)
        .order_by(Run.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows), total


def runs_on_record(ctx: Ctx, kind: str, record_id: int, limit: int) -> list[tuple[Run, str]]:
    """The runs about one record with their rules' names, newest first, for its timeline
    (the caller has checked that the record is visible)."""
    rows = ctx.session.execute(
        select(Run, Rule.name)
        .join(Rule, Rule.id == Run.rule_id)
        .where(Run.kind == kind, Run.record_id == record_id)
        .order_by(Run.id.desc())
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]


def _title(spec: RecordKind, record: Any) -> str:
    from kht.recordpages.forms import title_field

    for name in ("name", "subject", "title", title_field(spec)):
        value = getattr(record, name, None)
        if value:
            return str(value)
    return f"#{record.id}"


def preview(ctx: Ctx, rule_id: int, now: datetime | None = None) -> PreviewOut:
    """The records the rule would hit now, without doing anything: a time rule's due
    records (the very query the worker queues from), an event rule's records that meet
    its conditions (they would run if the event happened to them now)."""
    rule = get_rule(ctx, rule_id)
    spec = _spec(ctx, rule.kind)
    now = now or ctx.now()
    if rule.timed:
        hits = engine.due_records(ctx, rule, spec, now)
        total = len(hits)
        hits = hits[:PREVIEW_MAX]
    else:
        query = engine.filtered(
            ctx, spec, engine._scoped(ctx, spec), engine.parse_conditions(rule.conditions)
        )
        total = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = ctx.session.scalars(query.order_by(spec.model.id).limit(PREVIEW_MAX))
        hits = [(record, "") for record in rows]
    ran: set[tuple[int, str]] = set()
    if rule.timed and hits:
        keys = [(record.id, occurrence) for record, occurrence in hits]
        ran = set(
            tuple(row)
            for row in ctx.session.execute(
                select(Run.record_id, Run.occurrence).where(
                    Run.rule_id == rule.id, tuple_(Run.record_id, Run.occurrence).in_(keys)
                )
            ).all()
        )
    items = [
        PreviewItem(
            record_id=record.id,
            title=_title(spec, record),
            occurrence=occurrence,
            already_run=(record.id, occurrence) in ran,
        )
        for record, occurrence in hits
    ]
    return PreviewOut(items=items, total=total, timed=rule.timed)


__all__ = [
    "checked",
    "create_rule",
    "delete_rule",
    "describe",
    "get_rule",
    "list_rules",
    "preview",
    "rule_out",
    "run_out",
    "runs_of",
    "saved_new",
    "runs_on_record",
    "update_rule",
]
