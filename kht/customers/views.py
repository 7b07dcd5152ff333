"""Customer UI pages: thin views over kht.customers.service."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import select

from kht.audit.models import AuditEntry
from kht.audit.service import history
from kht.auth.models import User
from kht.contacts.ui import COMMON_LABELS, ext_changes
from kht.contacts.ui import shown as short_text
from kht.context import RequestCtx
from kht.customers import service
from kht.customers.forms import ROUTES as FORM_ROUTES
from kht.customers.groups import list_groups
from kht.db.custom_fields import FieldDef
from kht.fields import fields_for
from kht.lifecycle.service import stages
from kht.lists.bulk import owner_choices
from kht.lists.ui import ListState, list_context
from kht.plugin_types import Panel, RecordAction
from kht.tags.service import tags_of
from kht.web.i18n import N_, translations
from kht.web.pages import render

PAGE_SIZE = 50


@get("/customers", sync_to_thread=True, include_in_schema=False)
def customer_list(request: Request, ctx: RequestCtx) -> Template:
    """The customer list: filters on any field, sort, columns, saved views, bulk actions."""
    state = ListState.from_query(request.query_params)
    columns = service.columns(ctx)
    rows, total = service.list_customers(
        ctx,
        page=state.page,
        page_size=state.page_size,
        q=state.q,
        sort=state.sort,
        filters=state.filters(ctx),
        deleted=state.deleted,
    )
    owners = owner_choices(ctx)
    gettext = translations(ctx.language).gettext
    extra = {
        "title": gettext(N_("Customers")),
        # Labels of the type and stage for the cells, and of the stages for the chips.
        "refs": choice_labels(ctx),
        "new_url": "/customers/new",
        "actions": [{"url": "/customers/duplicates", "label": gettext(N_("Duplicates"))}],
        "row_url": lambda row: f"/customers/{row.id}",
        "people": dict(owners),
        "owners": owners,
        "tags": tags_of(ctx, service.KIND, [row.id for row in rows]),
        "groups": list_groups(ctx),
    }
    context = list_context(
        ctx,
        kind=service.KIND,
        base="/customers",
        state=state,
        columns=columns,
        rows=rows,
        total=total,
        extra=extra,
    )
    return render(request, ctx, "lists/list.html", **context)


# Labels of the built-in fields and audit actions (custom fields bring their own labels).
FIELD_LABELS = {
    "name": N_("Name"),
    "kind": N_("Type"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "website": N_("Website"),
    "address": N_("Address"),
    "notes": N_("Notes"),
    "owner_id": N_("Owner"),
    "source": N_("Source"),
    "reason": N_("Reason"),
    "attachment": N_("Attachment"),
    "claimed_at": N_("Claimed"),
    "stage": N_("Stage"),
    "stage_changed_at": N_("Stage changed"),
    "last_contact_at": N_("Last contact"),
    "category_id": N_("Category"),
    "tags": N_("Tags"),
}
KIND_LABELS = {"company": N_("Company"), "person": N_("Person")}
ACTION_LABELS = {
    "create": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Moved to the recycle bin"),
    "restore": N_("Restored"),
    "purge": N_("Deleted for good"),
    "merge": N_("Merged"),
}
EMPTY = (None, "", [], {})


def choice_labels(ctx: RequestCtx) -> dict[str, dict[Any, str]]:
    """The labels of the stored choices a customer shows: type and lifecycle stage."""
    gettext = translations(ctx.language).gettext
    return {
        "kind": {key: gettext(label) for key, label in KIND_LABELS.items()},
        "stage": {stage.key: stage.label(ctx.language) for stage in stages(ctx)},
    }


class _Shown:
    """Turns stored values into the text a page shows, in the reader's language."""

    def __init__(self, ctx: RequestCtx, people: dict[int, str]) -> None:
        self.gettext: Callable[[str], str] = translations(ctx.language).gettext
        self.language = ctx.language
        self.people = people
        self.zone = ctx.zone
        self.choices = choice_labels(ctx)

    def value(self, value: Any, key: str = "") -> str:
        if key == "owner_id":
            return self.people.get(value, f"#{value}") if value else self.gettext(N_("Shared pool"))
        if value in EMPTY:
            return "—"
        if isinstance(value, str) and value in self.choices.get(key, {}):
            return self.choices[key][value]
        if isinstance(value, bool):
            return self.gettext(N_("Yes") if value else N_("No"))
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return short_text(value, self.zone)

    def changes(self, entry: AuditEntry, fields: list[FieldDef]) -> list[tuple[str, str, str]]:
        """(label, old, new) per changed field; `ext` is split into its custom fields."""
        rows = []
        for key, (old, new) in sorted((entry.changes or {}).items()):
            if key == "ext":
                rows += self._ext_changes(old or {}, new or {}, fields)
            elif not (old in EMPTY and new in EMPTY):
                label = self.gettext(FIELD_LABELS.get(key) or COMMON_LABELS.get(key, key))
                # A new record had no previous owner, which is not the same as the pool.
                before = "—" if entry.action == "create" else self.value(old, key)
                rows.append((label, before, self.value(new, key)))
        return rows

    def _ext_changes(
        self, old: dict[str, Any], new: dict[str, Any], fields: list[FieldDef]
    ) -> list[tuple[str, str, str]]:
        return [
            (label, self.value(before), self.value(after))
            for label, before, after in ext_changes(old, new, fields, self.language)
        ]


def _people(ctx: RequestCtx, ids: set[int | None]) -> dict[int, str]:
    """Display names ("Name (login)") of the users behind owners and audit entries."""
    wanted = {i for i in ids if i is not None}
    rows = ctx.session.execute(select(User.id, User.name, User.login).where(User.id.in_(wanted)))
    return {row.id: f"{row.name} ({row.login})" for row in rows}


def _history_ids(entries: list[AuditEntry]) -> set[int | None]:
    ids: set[int | None] = set()
    for entry in entries:
        ids.add(entry.user_id)
        ids.update((entry.changes or {}).get("owner_id") or [])
    return ids


def _contributions(ctx: RequestCtx, customer: Any) -> tuple[list[Panel], list[RecordAction]]:
    """The panels and buttons enabled plugins add to this customer's page."""
    hook = ctx.hook
    panels = [
        p
        for b in hook.kht_record_panels(ctx=ctx, kind=service.KIND, record=customer)
        if b
        for p in b
    ]
    actions = [
        a
        for b in hook.kht_record_actions(ctx=ctx, kind=service.KIND, record=customer)
        if b
        for a in b
    ]
    return sorted(panels, key=lambda panel: (panel.order, panel.key)), actions


@get("/customers/{customer_id:int}", sync_to_thread=True, include_in_schema=False)
def customer_page(request: Request, ctx: RequestCtx, customer_id: FromPath[int]) -> Template:
    """One customer: its fields, custom-field values and history (404 outside one's scope)."""
    customer = service.get_customer(ctx, customer_id)
    fields = fields_for(ctx, service.KIND)
    entries = history(ctx, service.KIND, customer.id)
    shown = _Shown(ctx, _people(ctx, {customer.owner_id, *_history_ids(entries)}))
    ext = customer.ext or {}
    panels, actions = _contributions(ctx, customer)
    return render(
        request,
        ctx,
        "customers/detail.html",
        customer=customer,
        owner=shown.value(customer.owner_id, "owner_id"),
        kind=shown.value(customer.kind, "kind"),
        custom=[
            (f, shown.value(f.shown(ext.get(f.namespace, {}).get(f.name), ctx.language)))
            for f in fields
        ],
        history=[
            {
                "at": entry.at,
                "who": shown.people.get(entry.user_id, "—"),
                "action": shown.gettext(ACTION_LABELS.get(entry.action, entry.action)),
                "changes": shown.changes(entry, fields),
            }
            for entry in entries
        ],
        panels=panels,
        actions=actions,
        tz=ctx.zone,
    )


ROUTES = [customer_list, customer_page, *FORM_ROUTES]
