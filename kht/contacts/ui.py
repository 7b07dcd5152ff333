"""Helpers shared by the contact and lead pages: form values, custom fields, panels, history."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, TypeVar

import msgspec
from sqlalchemy import select

from kht import clock
from kht.audit.service import history
from kht.auth.models import User
from kht.context import Ctx
from kht.db.custom_fields import FieldDef
from kht.errors import ValidationError
from kht.fields import fields_for
from kht.plugin_types import Panel
from kht.web.i18n import N_, translations

S = TypeVar("S", bound=msgspec.Struct)
_AT = re.compile(r"at `\$\.([A-Za-z0-9_]+)")
_UNKNOWN = re.compile(r"unknown field `([^`]+)`")
ACTION_LABELS = {
    "create": N_("Created"),
    "member": N_("Member changed"),
    "cost": N_("Cost booked"),
    "update": N_("Changed"),
    "delete": N_("Moved to the recycle bin"),
    "restore": N_("Restored"),
    "merge": N_("Merged"),
    "reopen": N_("Reopened"),
}
EMPTY = (None, "", [], {})
# Labels of fields many kinds share; a kind's own labels come first.
COMMON_LABELS = {
    "currency": N_("Currency"),
    "process_id": N_("Process"),
    "stage_id": N_("Stage"),
    "stage_entered_at": N_("In the stage since"),
    "comment": N_("Comment"),
    "member": N_("Member"),
    "member_status": N_("Member status"),
    "cost_category": N_("Cost category"),
    "cost_amount": N_("Amount"),
    "customer_id": N_("Customer"),
    "contact_id": N_("Contact"),
    "opportunity_id": N_("Opportunity"),
    "quote_id": N_("Quote"),
    "owner_id": N_("Owner"),
    "status": N_("Status"),
    "notes": N_("Notes"),
    "subtotal": N_("Subtotal"),
    "discount_total": N_("Discount total"),
    "tax_total": N_("Tax total"),
    "total": N_("Total"),
    "paid_total": N_("Paid"),
    "revision": N_("Revision"),
    "sent_at": N_("Sent"),
    "decided_at": N_("Decided"),
    "created_at": N_("Created"),
    "updated_at": N_("Updated"),
    "tags": N_("Tags"),
    "reason": N_("Reason"),
    "attachment": N_("Attachment"),
    "team": N_("Team"),
    "ext": N_("Custom fields"),
}
_ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?$")


def text(data: dict[str, Any], key: str) -> str:
    """One trimmed text value of a form (the last one if the field was sent twice)."""
    value = data.get(key, "")
    return str(value[-1] if isinstance(value, list) else value).strip()


def values(data: dict[str, Any], key: str) -> list[str]:
    """Every value a form sent under `key` (multi-selects), empty ones left out."""
    raw = data.get(key, [])
    items = raw if isinstance(raw, list) else [raw]
    return [str(item) for item in items if str(item) != ""]


def _ext_value(field: FieldDef, data: dict[str, Any]) -> Any:
    if field.type == "multi_choice":
        return values(data, field.key)
    raw = text(data, field.key)
    if raw == "":
        return None  # clears the value
    if field.type == "boolean":
        return raw in ("true", "1", "on", "yes")
    if field.type == "user":
        return int(raw) if raw.isdigit() else raw
    return raw


def ext_from_form(fields: list[FieldDef], data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Custom-field values from inputs named `ext.<namespace>.<name>` ({} when none)."""
    ext: dict[str, dict[str, Any]] = {}
    for field in fields:
        ext.setdefault(field.namespace, {})[field.name] = _ext_value(field, data)
    return ext


def to_struct(raw: dict[str, Any], kind: type[S], *, strict: bool = True) -> S:
    """A request Struct from form values; a type error becomes a 422 naming the field.

    With `strict=False` text converts to numbers and dates (query strings are all text)."""
    try:
        return msgspec.convert(raw, kind, strict=strict)
    except msgspec.ValidationError as exc:
        message = str(exc)
        found = _UNKNOWN.search(message) or _AT.search(message)
        raise ValidationError(message, found.group(1) if found else None) from None


def record_panels(ctx: Ctx, kind: str, record: Any) -> list[Panel]:
    """Every enabled plugin's panels for a record page, in display order."""
    batches = ctx.hook.kht_record_panels(ctx=ctx, kind=kind, record=record)
    panels = [panel for batch in batches if batch for panel in batch]
    return sorted(panels, key=lambda panel: (panel.order, panel.key))


def people(ctx: Ctx, ids: set[int | None]) -> dict[int, str]:
    """Display names of users (owners, authors of changes)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = ctx.session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def shown(value: Any, zone: Any = None) -> str:
    """A stored value as short text; an audited time (ISO text, UTC) in `zone`."""
    if value in EMPTY:
        return "—"
    if isinstance(value, str) and _ISO_TIME.match(value):
        moment = clock.local(datetime.fromisoformat(value), zone or clock.zone_of(None))
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def ext_changes(
    old: dict[str, Any], new: dict[str, Any], fields: list[FieldDef], language: str
) -> list[tuple[str, Any, Any]]:
    """An audited change of `ext` split into (field label, old, new) per changed custom field,
    choices as their labels in `language` (a field no longer defined: `namespace.name`)."""
    by_key = {(f.namespace, f.name): f for f in fields}
    rows = []
    for namespace in sorted(set(old or {}) | set(new or {})):
        before, after = (old or {}).get(namespace) or {}, (new or {}).get(namespace) or {}
        for name in sorted(set(before) | set(after)):
            if before.get(name) == after.get(name):
                continue
            field = by_key.get((namespace, name))
            if field is None:
                rows.append((f"{namespace}.{name}", before.get(name), after.get(name)))
            else:
                rows.append(
                    (
                        field.label(language),
                        field.shown(before.get(name), language),
                        field.shown(after.get(name), language),
                    )
                )
    return rows


def _referenced(entries: list[Any], key: str) -> set[Any]:
    """Ids a history mentions under `key` (old and new values)."""
    found: set[Any] = set()
    for entry in entries:
        found.update((entry.changes or {}).get(key) or [])
    return found


class _Values:
    """Stored values as a reader sees them: names for people and customers, choice labels."""

    def __init__(self, ctx: Ctx, entries: list[Any], choices: dict[str, dict[str, str]]) -> None:
        from kht.contacts.service import customer_names  # the service imports nothing of ours

        self.gettext = translations(ctx.language).gettext
        self.choices = choices
        self.zone = ctx.zone
        self.people = people(ctx, {e.user_id for e in entries} | _referenced(entries, "owner_id"))
        self.customers = customer_names(ctx, _referenced(entries, "customer_id"))

    def show(self, key: str, value: Any) -> str:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return ", ".join(value) or "—"  # a multi choice, already as labels
        if key == "owner_id" and value:
            return self.people.get(value, f"#{value}")
        if key == "customer_id" and value:
            return self.customers.get(value, f"#{value}")
        labels = self.choices.get(key, {})
        if isinstance(value, str) and value in labels:
            return self.gettext(labels[value])
        return shown(value, self.zone)


def history_rows(
    ctx: Ctx,
    kind: str,
    record_id: int,
    labels: dict[str, str],
    choices: dict[str, dict[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """A record's audit trail as rows to show: when, who, what, and (label, old, new).

    `labels` names the fields; `choices` maps a field's stored choices to their labels.
    """
    entries = history(ctx, kind, record_id)
    values = _Values(ctx, entries, choices or {})
    gettext = values.gettext
    fields = fields_for(ctx, kind)
    rows = []
    for entry in entries:
        changes = []
        for key, (old, new) in sorted((entry.changes or {}).items()):
            if old in EMPTY and new in EMPTY:
                continue
            if key == "ext":  # one row per custom field, with its label and choice labels
                changes += [
                    (label, values.show("", before), values.show("", after))
                    for label, before, after in ext_changes(old, new, fields, ctx.language)
                ]
                continue
            changes.append(
                (
                    gettext(labels.get(key) or COMMON_LABELS.get(key, key)),
                    values.show(key, old),
                    values.show(key, new),
                )
            )
        rows.append(
            {
                "at": entry.at,
                "who": values.people.get(entry.user_id, "—"),
                "action": gettext(ACTION_LABELS.get(entry.action, entry.action)),
                "changes": changes,
            }
        )
    return rows
