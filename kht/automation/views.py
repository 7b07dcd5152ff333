"""Automation pages (administrators): the rules, the rule editor, a rule's runs and preview.

The editor is one server-rendered form. Changing the record kind, the trigger or an action's
type re-renders it (the select submits the form without the save button) with the settings
that trigger or action takes; saving goes through the same service as the API, and a 422
is shown beside the part it names.
"""

from __future__ import annotations

import typing
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht.actions.service import TYPE_LABELS
from kht.automation import service
from kht.automation.builtin import WEEKDAYS, record_page
from kht.automation.models import Rule
from kht.automation.registry import field_of, registry
from kht.automation.schemas import RuleCreate, RuleUpdate
from kht.context import RequestCtx
from kht.errors import Conflict, KhtError, ValidationError
from kht.lists.bulk import owner_choices
from kht.records import record_kinds
from kht.web.i18n import N_
from kht.web.pages import render

MAX_ACTIONS = 10
# What each setting of a trigger or action is called on screen (a plugin's own settings
# show their names).
PARAM_LABELS = {
    "fields": N_("Only when these fields change"),
    "to_stage": N_("Lifecycle stage"),
    "action_types": N_("Action types"),
    "field": N_("Field"),
    "offset_days": N_("Days from the anniversary (−3: three days before)"),
    "days": N_("Days"),
    "every": N_("Repeat"),
    "at": N_("At (HH:MM, company time zone)"),
    "weekday": N_("Weekday"),
    "day": N_("Day of the month"),
    "month": N_("Month"),
    "on": N_("On (YYYY-MM-DD)"),
    "type": N_("Type"),
    "subject": N_("Subject"),
    "assignee": N_("For"),
    "user_id": N_("User"),
    "user_ids": N_("Users"),
    "due_in_days": N_("Due in days"),
    "due_in_hours": N_("and hours"),
    "title": N_("Title"),
    "body": N_("Message"),
    "owner": N_("Notify the owner"),
    "value": N_("Value"),
    "add": N_("Add tags"),
    "remove": N_("Remove tags"),
    "mode": N_("How"),
    "message": N_("Message"),
    "webhook_id": N_("Webhook"),
    "add_to": N_("Add to groups"),
    "remove_from": N_("Remove from groups"),
    "rules": N_("Rules, one a line: filters joined by & => user id (first match wins)"),
    "event_type": N_("Event type"),
}
# Labels of the fixed choices among those settings.
CHOICE_LABELS = {
    "owner": N_("The record's owner"),
    "user": N_("A user"),
    "daily": N_("Every day"),
    "weekly": N_("Every week"),
    "monthly": N_("Every month"),
    "yearly": N_("Every year"),
    "once": N_("Once, on a date"),
    "fixed": N_("A fixed user"),
    "round_robin": N_("In turn (round robin)"),
    "by_rule": N_("By rule (territory, field)"),
    **TYPE_LABELS,
}
STATUS_LABELS = {
    "pending": N_("Waiting to run"),
    "done": N_("Done"),
    "failed": N_("Failed"),
    "skipped": N_("Skipped"),
}


# Assigning by rule (kht.automation.routing): one textarea, a rule a line.
RULES = "rules"


def rules_text(rules: list[Any] | None) -> str:
    """`[{"when": [f1, f2], "user_id": 3}]` as lines `f1 & f2 => 3`."""
    lines = []
    for item in rules or []:
        item = msgspec.to_builtins(item)
        lines.append(f"{' & '.join(item.get('when') or [])} => {item.get('user_id', '')}")
    return "\n".join(lines)


def rules_from_text(text: str) -> list[dict[str, Any]]:
    """The lines of `rules_text` read back; a line without `=>` keeps no user, so the
    service's check names it."""
    rules: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        when, _, user = line.partition("=>")
        user = user.strip()
        rules.append(
            {
                "when": [part.strip() for part in when.split("&") if part.strip()],
                "user_id": int(user) if user.isdigit() else None,
            }
        )
    return rules


class Widget(msgspec.Struct, kw_only=True):
    """One input of a trigger's or an action's settings."""

    name: str
    label: str
    kind: str  # text, number, checkbox, select, multi, lines
    value: Any = None
    options: list[tuple[str, str]] = []
    required: bool = False


def _label(ctx: Any, item: Any) -> str:
    return item.label(ctx.language)


def _options(ctx: Any, kind: str, name: str, annotation: Any) -> list[tuple[str, str]] | None:
    """The choices of a setting, by its name or its Literal type; None for free input."""
    from kht.web.i18n import translations

    gettext = translations(ctx.language).gettext
    if name in ("user_id", "user_ids"):
        return [(str(user_id), label) for user_id, label in owner_choices(ctx)]
    if name == "to_stage":
        from kht.lifecycle.service import stages

        return [(s.key, s.label(ctx.language)) for s in stages(ctx, active_only=True)]
    if name in ("field", "fields"):
        spec = record_kinds(ctx).get(kind)
        columns = spec.columns(ctx) if spec else {}
        return [(key, c.label(ctx.language)) for key, c in columns.items() if key != "tag"]
    if name in ("add_to", "remove_from"):
        from kht.customers.groups import list_groups

        return [(str(group.id), group.name) for group, _ in list_groups(ctx)]
    if name == "webhook_id":
        from kht.webhooks.service import list_subscriptions

        return [(str(row.id), row.name) for row in list_subscriptions(ctx)]
    if name == "action_types":
        return [(key, gettext(label)) for key, label in TYPE_LABELS.items()]
    if name == "weekday":
        return [(str(i), gettext(label)) for i, label in enumerate(WEEKDAYS)]
    literal = _literal(annotation)
    if literal:
        return [(str(v), gettext(CHOICE_LABELS.get(v, str(v)))) for v in literal]
    return None


def _literal(annotation: Any) -> tuple[Any, ...]:
    for candidate in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(candidate) is typing.Literal:
            return typing.get_args(candidate)
    return ()


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list or any(
        typing.get_origin(a) is list for a in typing.get_args(annotation)
    )


def _base(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def widgets(ctx: Any, kind: str, schema: Any, values: dict[str, Any]) -> list[Widget]:
    """The inputs of a settings Struct, filled with `values`."""
    from kht.web.i18n import translations

    if schema is None:
        return []
    gettext = translations(ctx.language).gettext
    found = []
    hints = typing.get_type_hints(schema, include_extras=True)
    for field in msgspec.structs.fields(schema):
        annotation = _base(hints.get(field.name, Any))
        value = values.get(field.name, None if field.required else field.default)
        if value is msgspec.NODEFAULT:
            value = None
        options = _options(ctx, kind, field.name, annotation)
        if field.name == RULES:
            widget_kind, value = "lines", rules_text(value)
        elif _is_list(annotation):
            widget_kind = "multi" if options is not None else "text"
            if widget_kind == "text":
                value = ", ".join(str(v) for v in value or [])
            else:
                value = [str(v) for v in value or []]
        elif annotation is bool:
            widget_kind = "checkbox"
        elif options is not None:
            widget_kind, value = "select", "" if value is None else str(value)
        elif annotation is int:
            widget_kind = "number"
        else:
            widget_kind = "text"
        label = PARAM_LABELS.get(field.name)
        found.append(
            Widget(
                name=field.name,
                label=gettext(label) if label else field.name,
                kind=widget_kind,
                value=value,
                options=options or [],
                required=field.required,
            )
        )
    return found


def _from_form(schema: Any, form: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The settings `schema` takes, read from inputs named `<prefix><name>`."""
    if schema is None:
        return {}
    hints = typing.get_type_hints(schema, include_extras=True)
    values: dict[str, Any] = {}
    for field in msgspec.structs.fields(schema):
        annotation = _base(hints.get(field.name, Any))
        raw = form.get(prefix + field.name)
        if field.name == RULES:
            values[field.name] = rules_from_text(str(raw or ""))
        elif _is_list(annotation):
            items = raw if isinstance(raw, list) else str(raw or "").replace("，", ",").split(",")
            values[field.name] = [str(i).strip() for i in items if str(i).strip()]
        elif annotation is bool:
            values[field.name] = raw in ("1", "on", "true")
        elif raw is not None and str(raw).strip() != "":
            values[field.name] = str(raw).strip()
    return values


class Draft(msgspec.Struct, kw_only=True):
    """The editor's state: what the form holds, saved or not."""

    name: str = ""
    note: str = ""
    kind: str = "customer"
    enabled: bool = True
    trigger: dict[str, Any] = {}
    conditions: list[str] = []
    actions: list[dict[str, Any]] = []
    version: int | None = None


def _draft_of(rule: Rule) -> Draft:
    return Draft(
        name=rule.name,
        note=rule.note,
        kind=rule.kind,
        enabled=rule.enabled,
        trigger=dict(rule.trigger),
        conditions=list(rule.conditions),
        actions=[dict(a) for a in rule.actions],
        version=rule.version,
    )


def _draft_from(ctx: Any, form: dict[str, Any]) -> Draft:
    found = registry(ctx)
    trigger_key = str(form.get("trigger") or "")
    trigger = found.triggers.get(trigger_key)
    actions = []
    for position in range(MAX_ACTIONS):
        key = str(form.get(f"a{position}") or "")
        action = found.actions.get(key)
        if action is not None:
            params = _from_form(action.params, form, f"a{position}.")
            actions.append({"type": key, "params": params})
    conditions = [
        line.strip() for line in str(form.get("conditions") or "").splitlines() if line.strip()
    ]
    version = str(form.get("version") or "")
    return Draft(
        name=str(form.get("name") or ""),
        note=str(form.get("note") or ""),
        kind=str(form.get("kind") or "customer"),
        enabled=form.get("enabled") in ("1", "on"),
        trigger={
            "type": trigger_key,
            "params": _from_form(trigger.params if trigger else None, form, "t."),
        },
        conditions=conditions,
        actions=actions,
        version=int(version) if version.isdigit() else None,
    )


def _editor(
    request: Request,
    ctx: RequestCtx,
    draft: Draft,
    rule: Rule | None,
    error: str | None = None,
    error_field: str = "",
    status: int = 200,
) -> Template:
    found = registry(ctx)
    kinds = record_kinds(ctx)
    fits = {
        key: item
        for key, item in found.triggers.items()
        if not item.kinds or draft.kind in item.kinds
    }
    trigger = fits.get(draft.trigger.get("type", ""))
    if trigger is None and fits:
        trigger = next(iter(fits.values()))
    trigger_widgets = (
        widgets(ctx, draft.kind, trigger.params, draft.trigger.get("params") or {})
        if trigger
        else []
    )
    actions_fit = {
        key: item
        for key, item in found.actions.items()
        if not item.kinds or draft.kind in item.kinds
    }
    slots = []
    for item in [*draft.actions, {"type": "", "params": {}}][:MAX_ACTIONS]:
        action = actions_fit.get(item.get("type", ""))
        slots.append(
            {
                "type": action.key if action else "",
                "widgets": widgets(ctx, draft.kind, action.params, item.get("params") or {})
                if action
                else [],
            }
        )
    return render(
        request,
        ctx,
        "automation/editor.html",
        status_code=status,
        rule=rule,
        draft=draft,
        kinds=[
            (key, spec.label_zh if ctx.language.startswith("zh") else spec.label_en)
            for key, spec in sorted(kinds.items())
        ],
        triggers=[(key, _label(ctx, item), item.timed) for key, item in fits.items()],
        trigger_key=trigger.key if trigger else "",
        trigger_widgets=trigger_widgets,
        actions=[(key, _label(ctx, item)) for key, item in actions_fit.items()],
        slots=slots,
        error=error,
        error_field=error_field,
        description=service.describe(ctx, rule) if rule is not None else "",
    )


def _saved(ctx: RequestCtx, draft: Draft, rule: Rule | None) -> Rule:
    body: dict[str, Any] = {
        "name": draft.name,
        "note": draft.note,
        "kind": draft.kind,
        "enabled": draft.enabled,
        "trigger": draft.trigger,
        "conditions": draft.conditions,
        "actions": draft.actions,
    }
    try:
        if rule is None:
            return service.create_rule(ctx, msgspec.convert(body, RuleCreate))
        body["version"] = draft.version or 0
        return service.update_rule(ctx, rule.id, msgspec.convert(body, RuleUpdate))
    except msgspec.ValidationError as exc:
        raise ValidationError(str(exc), field_of(exc) or "name") from None


def _save_or_refresh(
    request: Request, ctx: RequestCtx, form: dict[str, Any], rule: Rule | None
) -> Template | Redirect:
    draft = _draft_from(ctx, form)
    if form.get("op") != "save":  # the kind, the trigger or an action's type was changed
        return _editor(request, ctx, draft, rule)
    try:
        saved = _saved(ctx, draft, rule)
    except KhtError as exc:
        if exc.status in (401, 403, 404):
            raise
        ctx.session.rollback()
        if isinstance(exc, Conflict):
            message = N_("Someone else changed this rule; reload it to see their version.")
            return _editor(request, ctx, draft, rule, message, "version", exc.status)
        return _editor(request, ctx, draft, rule, exc.message, exc.field or "", exc.status)
    return Redirect(f"/admin/automation/{saved.id}?saved=1")


@get("/admin/automation", sync_to_thread=True, include_in_schema=False)
def rules_page(request: Request, ctx: RequestCtx) -> Template:
    rules = service.list_rules(ctx)
    kinds = record_kinds(ctx)
    return render(
        request,
        ctx,
        "automation/rules.html",
        rules=[(rule, service.describe(ctx, rule)) for rule in rules],
        kind_labels={
            key: spec.label_zh if ctx.language.startswith("zh") else spec.label_en
            for key, spec in kinds.items()
        },
    )


@get("/admin/automation/new", sync_to_thread=True, include_in_schema=False)
def new_rule(request: Request, ctx: RequestCtx, kind: FromQuery[str] = "customer") -> Template:
    service.list_rules(ctx)  # administrators only
    kind = kind if kind in record_kinds(ctx) else "customer"
    return _editor(request, ctx, Draft(kind=kind), None)


@post("/admin/automation/new", sync_to_thread=True, include_in_schema=False)
def create_rule(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    service.list_rules(ctx)  # administrators only
    return _save_or_refresh(request, ctx, data, None)


@get("/admin/automation/{rule_id:int}", sync_to_thread=True, include_in_schema=False)
def edit_rule(request: Request, ctx: RequestCtx, rule_id: FromPath[int]) -> Template:
    rule = service.get_rule(ctx, rule_id)
    return _editor(request, ctx, _draft_of(rule), rule)


@post("/admin/automation/{rule_id:int}", sync_to_thread=True, include_in_schema=False)
def save_rule(
    request: Request, ctx: RequestCtx, rule_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    rule = service.get_rule(ctx, rule_id)
    return _save_or_refresh(request, ctx, data, rule)


@post("/admin/automation/{rule_id:int}/delete", sync_to_thread=True, include_in_schema=False)
def delete_rule(ctx: RequestCtx, rule_id: FromPath[int]) -> Redirect:
    service.delete_rule(ctx, rule_id)
    return Redirect("/admin/automation")


@get("/admin/automation/{rule_id:int}/runs", sync_to_thread=True, include_in_schema=False)
def runs_page(
    request: Request, ctx: RequestCtx, rule_id: FromPath[int], page: FromQuery[int] = 1
) -> Template:
    rule = service.get_rule(ctx, rule_id)
    page = max(1, min(page, 100_000))
    rows, total = service.runs_of(ctx, rule_id, page=page, page_size=50)
    spec = record_kinds(ctx).get(rule.kind)
    return render(
        request,
        ctx,
        "automation/runs.html",
        rule=rule,
        runs=[(run, record_page(spec, run.record_id) if spec else "") for run in rows],
        total=total,
        page=page,
        pages=max(1, (total + 49) // 50),
        status_labels=STATUS_LABELS,
    )


@get("/admin/automation/{rule_id:int}/preview", sync_to_thread=True, include_in_schema=False)
def preview_page(request: Request, ctx: RequestCtx, rule_id: FromPath[int]) -> Template:
    rule = service.get_rule(ctx, rule_id)
    shown = service.preview(ctx, rule_id)
    spec = record_kinds(ctx).get(rule.kind)
    return render(
        request,
        ctx,
        "automation/preview.html",
        rule=rule,
        preview=shown,
        links={i.record_id: record_page(spec, i.record_id) if spec else "" for i in shown.items},
        description=service.describe(ctx, rule),
    )


ROUTES = [
    rules_page,
    new_rule,
    create_rule,
    edit_rule,
    save_rule,
    delete_rule,
    runs_page,
    preview_page,
]
