"""How a record's stored values read on its pages and in its history, in the reader's language.

The one source of a built-in field's label and choice labels is the kind's declaration
(`RecordKind.fields`); custom fields bring their own; fields many kinds share and the
kinds' older choice tables fall back to kht.contacts.ui.COMMON_LABELS and
kht.exporting.labels.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from kht.audit.service import history
from kht.auth.models import User
from kht.contacts.ui import ACTION_LABELS, COMMON_LABELS, ext_changes
from kht.contacts.ui import shown as short_text
from kht.context import Ctx
from kht.exporting.labels import choice_labels
from kht.fields import fields_for
from kht.plugin_types import RecordKind
from kht.web.i18n import N_, translations

EMPTY = (None, "", [], {})
USER_KEYS = frozenset({"owner_id", "created_by_id", "updated_by_id"})
HISTORY_ACTIONS = {**ACTION_LABELS, "purge": N_("Deleted for good")}
# Where a reference links to on a record page.
REF_URLS = {
    "customer_id": "/customers/{}",
    "contact_id": "/contacts/{}",
    "opportunity_id": "/opportunities/{}",
    "quote_id": "/quotes/{}",
}


def people(ctx: Ctx, ids: set[Any]) -> dict[int, str]:
    """Display names ("Name (login)") of the users behind owners and changes."""
    wanted = {i for i in ids if isinstance(i, int)}
    if not wanted:
        return {}
    rows = ctx.session.execute(select(User.id, User.name, User.login).where(User.id.in_(wanted)))
    return {row.id: f"{row.name} ({row.login})" for row in rows}


def _choice_label(field: Any, value: Any, language: str) -> Any:
    """A declared choice's label (None: no such labelled choice)."""
    if field is None or not field.choices:
        return None
    label = field.choice_label(value, language)
    return label if label != value else None


def run_time_labels(ctx: Ctx, spec: RecordKind) -> dict[str, dict[Any, str]]:
    """The kind's labels of values known only at run time (RecordPages.labels)."""
    pages = spec.pages
    return dict(pages.labels(ctx)) if pages and pages.labels else {}


class Shown:
    """Turns a kind's stored values into text: labels, names of people and customers."""

    def __init__(self, ctx: Ctx, spec: RecordKind, ids: dict[str, set[Any]]) -> None:
        from kht.contacts.service import customer_names  # contacts import nothing of ours

        self.ctx = ctx
        self.spec = spec
        self.language = ctx.language
        self.gettext = translations(ctx.language).gettext
        self.fields = {field.name: field for field in spec.fields}
        self.custom = fields_for(ctx, spec.kind)
        self.people = people(ctx, ids.get("people", set()))
        self.customers = customer_names(ctx, {i for i in ids.get("customers", set()) if i})
        self.labels = run_time_labels(ctx, spec)

    def label(self, key: str) -> str:
        """A field's label: declared, custom, or one many kinds share."""
        if key in self.fields:
            return self.fields[key].label(self.language)
        for field in self.custom:
            if field.key == key:
                return field.label(self.language)
        return self.gettext(COMMON_LABELS.get(key, key))

    def unowned(self) -> str:
        pages = self.spec.pages
        return (pages.unowned(self.language) if pages else "") or "—"

    def value(self, key: str, value: Any) -> str:
        """One stored value as the reader sees it ("—" when empty)."""
        if key in USER_KEYS:
            if not value:
                return self.unowned() if key == "owner_id" else "—"
            return self.people.get(value, f"#{value}")
        if value in EMPTY:
            return "—"
        if key == "customer_id":
            return self.customers.get(value, f"#{value}")
        if not isinstance(value, (str, list, dict)):
            return self._plain(key, value)
        if isinstance(value, str):
            return self.choice(key, value)
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def _plain(self, key: str, value: Any) -> str:
        """A number, date, time, yes/no or reference id as the reader sees it."""
        if isinstance(value, bool):
            return self.gettext(N_("Yes") if value else N_("No"))
        labelled = self.labels.get(key, {})
        if value in labelled:
            return labelled[value]  # a reference's name (a stage, a product line, a contact)
        if isinstance(value, datetime):
            return value.astimezone(self.ctx.zone).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        field = self.fields.get(key)
        if isinstance(value, Decimal) and field is not None and field.type == "money":
            return f"{value:,.2f}"
        return short_text(value, self.ctx.zone)

    def choice(self, key: str, value: str) -> str:
        """A stored text: its choice label when the field has choices, else as it is."""
        found = _choice_label(self.fields.get(key), value, self.language)
        if found is None:
            found = self.labels.get(key, {}).get(value)
        if found is None:
            found = choice_labels(self.spec.kind, key, self.language).get(value)
        return short_text(value, self.ctx.zone) if found is None else found

    def link(self, key: str, value: Any) -> str:
        """The page a referenced record's name links to ("" for none, or out of scope)."""
        if key == "customer_id" and value not in self.customers:
            return ""
        if key != "customer_id" and value not in self.labels.get(key, {}):
            return ""  # a contact, quote... the kind did not name: not one the reader may see
        return REF_URLS[key].format(value) if key in REF_URLS and value else ""

    def custom_value(self, field: Any, value: Any) -> str:
        """A custom field's value, its choices as labels."""
        return self.value("", field.shown(value, self.language) if field else value)

    def changes(self, entry: Any) -> list[tuple[str, str, str]]:
        """(label, old, new) per changed field of an audit entry; `ext` split by field."""
        rows = []
        for key, (old, new) in sorted((entry.changes or {}).items()):
            if key == "ext":
                rows += self._ext_changes(old or {}, new or {})
            elif not (old in EMPTY and new in EMPTY):
                # A new record had no previous owner, which is not the same as the pool.
                before = "—" if entry.action == "create" else self.value(key, old)
                rows.append((self.label(key), before, self.value(key, new)))
        return rows

    def _ext_changes(self, old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str]]:
        return [
            (label, self.value("", before), self.value("", after))
            for label, before, after in ext_changes(old, new, self.custom, self.language)
        ]


def _referenced(entries: list[Any], keys: frozenset[str] | set[str]) -> set[Any]:
    found: set[Any] = set()
    for entry in entries:
        for key in keys:
            found.update((entry.changes or {}).get(key) or [])
    return found


def record_shown(ctx: Ctx, spec: RecordKind, record: Any) -> tuple[Shown, list[dict[str, Any]]]:
    """A `Shown` for one record's page and its history as rows (when, who, what, changes)."""
    entries = history(ctx, spec.kind, record.id)
    users = {getattr(record, key, None) for key in USER_KEYS}
    users |= {entry.user_id for entry in entries} | _referenced(entries, USER_KEYS)
    customers = {getattr(record, "customer_id", None)} | _referenced(entries, {"customer_id"})
    shown = Shown(ctx, spec, {"people": users, "customers": customers})
    rows = [
        {
            "at": entry.at,
            "who": shown.people.get(entry.user_id, "—"),
            "action": shown.gettext(HISTORY_ACTIONS.get(entry.action, entry.action)),
            "changes": shown.changes(entry),
        }
        for entry in entries
    ]
    return shown, rows
