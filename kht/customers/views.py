"""Customer pages: the shared record pages (kht.recordpages) with the customer's lifecycle
stages and groups, plus the printable profile (kht.customers.printing)."""

from __future__ import annotations

from typing import Any

import msgspec

from kht.context import Ctx
from kht.customers import service
from kht.customers.groups import list_groups
from kht.customers.models import Customer
from kht.customers.printing import ROUTES
from kht.lifecycle.service import stages
from kht.plugin_types import RecordAction, RecordPages
from kht.web.i18n import N_, translations

KIND_LABELS = {"company": N_("Company"), "person": N_("Person")}


# How many customers the parent-company picker offers (in scope, by name).
PICKER_LIMIT = 500


def _parents(ctx: Ctx) -> dict[Any, str]:
    """Customers the form offers as a parent company (in scope, by name)."""
    query = service.scoped_query(ctx).with_only_columns(Customer.id, Customer.name)
    rows = ctx.session.execute(query.order_by(Customer.name).limit(PICKER_LIMIT))
    return {row.id: row.name for row in rows}


def choice_labels(ctx: Ctx) -> dict[str, dict[Any, str]]:
    """The labels of the stored choices a customer shows: type, lifecycle stage and the
    parent companies to pick from."""
    gettext = translations(ctx.language).gettext
    return {
        "kind": {key: gettext(label) for key, label in KIND_LABELS.items()},
        "stage": {stage.key: stage.label(ctx.language) for stage in stages(ctx)},
        "parent_id": _parents(ctx),
    }


def _groups(ctx: Ctx, rows: list[Any]) -> dict[str, Any]:
    """The groups the bulk bar may add the selected customers to."""
    return {"groups": list_groups(ctx)}


PAGES = RecordPages(
    form_fields=(
        "name",
        "kind",
        "parent_id",
        "phone",
        "email",
        "website",
        "source",
        "address",
        "notes",
    ),
    detail_fields=(
        "parent_id",
        "phone",
        "email",
        "website",
        "address",
        "owner_id",
        "created_at",
        "updated_at",
        "notes",
    ),
    badge="kind",
    unowned_zh="公海",
    unowned_en="Shared pool",
    list_actions=(
        RecordAction(
            key="duplicates", label_zh="查重", label_en="Duplicates", url="/customers/duplicates"
        ),
    ),
    labels=choice_labels,
    list_context=_groups,
)
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)

__all__ = ["KIND_LABELS", "ROUTES", "SPEC", "choice_labels"]
