"""The customers module's own hook implementations (the core uses its own hooks)."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import Panel, Problem, RecordAction, RecordKind


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.customers.groups_api import GroupController
    from kht.customers.views import ROUTES

    # The customers' JSON API comes from their declaration (kht.records.api).
    return [GroupController, *ROUTES]


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from kht.customers.views import SPEC  # the service's, with its pages

    return [SPEC]


@hookimpl
def kht_record_actions(ctx: Any, kind: str, record: Any) -> list[RecordAction] | None:
    """Edit, print and PDF buttons on a customer's page."""
    if kind != "customer":
        return None
    base = f"/customers/{record.id}"
    buttons = [
        RecordAction(key="print", label_zh="打印", label_en="Print", url=f"{base}/print"),
        RecordAction(key="pdf", label_zh="PDF", label_en="PDF", url=f"{base}/pdf"),
    ]
    from kht import record_service as records
    from kht.customers.service import SPEC

    if ctx.user is not None and records.may_change(ctx, SPEC, record):
        buttons.insert(
            0, RecordAction(key="edit", label_zh="编辑", label_en="Edit", url=f"{base}/edit")
        )
    return buttons


@hookimpl
def kht_validate(ctx: Any, kind: str, record: Any, changes: dict) -> list[Problem] | None:
    """A customer's parent: in scope, no cycle, not too deep (on every write path)."""
    if kind != "customer" or changes.get("parent_id") is None:
        return None
    from kht.customers.hierarchy import check_parent
    from kht.errors import ValidationError

    try:
        check_parent(ctx, record.id if record is not None else None, changes["parent_id"])
    except ValidationError as exc:
        return [Problem(field=exc.field or "parent_id", message=exc.message)]
    return None


@hookimpl
def kht_on_event(ctx: Any, event: Any) -> None:
    """Keep the group of a customer and everything below it when its parent changes."""
    from kht.events import RecordCreated, RecordUpdated

    if getattr(event, "kind", None) != "customer":
        return
    if isinstance(event, RecordCreated) and event.values.get("parent_id") is not None:
        old = None
    elif isinstance(event, RecordUpdated) and "parent_id" in event.changes:
        old = event.changes["parent_id"][0]
    else:
        return
    from kht.customers.hierarchy import regroup
    from kht.customers.models import Customer

    customer = ctx.session.get(Customer, event.record_id)
    if customer is not None:
        regroup(ctx, customer, old)


@hookimpl
def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Panel] | None:
    """The group tree (parent line and companies below) on a customer's 360 page."""
    if kind != "customer" or ctx.user is None:
        return None
    if record.parent_id is None and record.group_id is None:
        return None
    from kht.customers.hierarchy import tree

    path, root = tree(ctx, record.id)
    return [
        Panel(
            key="hierarchy",
            title_zh="集团结构",
            title_en="Group structure",
            template="customers/hierarchy.html",
            order=15,
            context={"path": path, "root": root},
        )
    ]


# (name, kind, phone, owner login): owners are kht.demo's accounts.
DEMO_CUSTOMERS = (
    ("清华同方威视技术股份有限公司", "company", "010-62780909", "sun.rep"),
    ("上海华东电器集团有限公司", "company", "021-58881234", "qian.rep"),
    ("杭州西湖医疗器械有限公司", "company", "0571-87001234", "qian.rep"),
    ("Northwind Traders Ltd.", "company", "+44 20 7946 0000", "zhao.manager"),
    ("北京中关村科技发展有限公司", "company", "010-82561234", "sun.rep"),
    ("张伟", "person", "13800138000", "li.director"),
)


@hookimpl(tryfirst=True)
def kht_demo_data(ctx: Any) -> None:
    """Customers in Chinese and English owned by the demo reps (skipped when they exist)."""
    from sqlalchemy import select

    from kht.auth.service import find_user
    from kht.customers.models import Customer
    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer
    from kht.demo import act_as

    existing = set(ctx.session.scalars(select(Customer.name)))
    for name, kind, phone, owner in DEMO_CUSTOMERS:
        if name in existing:
            continue
        acting = act_as(ctx, owner) if find_user(ctx.session, owner) else ctx
        create_customer(acting, CustomerCreate(name=name, kind=kind, phone=phone))


@hookimpl
def kht_register_reports() -> list[Any]:
    """Customers, lifecycle and pool reports (kht.customers.reports)."""
    from kht.customers.reports import REPORTS

    return REPORTS
