"""Customer business rules: the only code that creates, changes or deletes customers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func

from kht import record_service as records
from kht.context import Ctx
from kht.customers import groups, hierarchy
from kht.customers.groups import group_column
from kht.customers.models import Customer
from kht.customers.schemas import CustomerBulkRequest, CustomerCreate, CustomerOut, CustomerUpdate
from kht.emails import clean_email
from kht.errors import ValidationError
from kht.fields import builtin, common
from kht.lists.engine import Column
from kht.plugin_types import KindMenu, RecordKind
from kht.records import completed

KIND = "customer"
MODULE = "customers"
KINDS = ("company", "person")


def _group_column(ctx: Ctx) -> list[Column]:
    """The static-group filter, the "this group and below" filter, the group (the top
    of a customer's hierarchy, or the customer itself) that reports roll up by, and the
    customer's values (kht.value.customer)."""
    top = Column(
        key="group_id",
        label_zh="所属集团",
        label_en="Group",
        type="ref",
        expr=func.coalesce(Customer.group_id, Customer.id),
    )
    from kht.value.customer_read import value_columns

    return [group_column(Customer), hierarchy.group_tree_column(), top, *value_columns(ctx)]


def clean(values: dict) -> dict:
    """The customer input rules every create and import applies (trimmed, required name,
    a real email address)."""
    if "name" in values:
        values["name"] = values["name"].strip()
        if not values["name"]:
            raise ValidationError("name is required", "name")
    if "email" in values:
        values["email"] = clean_email(values["email"])
    return values


def create_customer(ctx: Ctx, data: CustomerCreate) -> Customer:
    """Create a customer owned by the acting user; validates custom fields and fires events."""
    values = clean(records.changes_of(data))
    return records.create_record(ctx, SPEC, values)


def scoped_query(ctx: Ctx) -> Select[tuple[Customer]]:
    """Customers the acting user may see (not deleted): every read starts here."""
    return records.visible(ctx, SPEC)


def get_customer(ctx: Ctx, customer_id: int) -> Customer:
    """One customer in scope, or NotFound."""
    return records.get_record(ctx, SPEC, customer_id)


def list_customers(ctx: Ctx, **options: Any) -> tuple[list[Customer], int]:
    """A page of customers in scope, filtered and sorted, and the total count (the options of
    `record_service.page_of`: page, page_size, q, sort, filters, deleted)."""
    return records.page_of(ctx, SPEC, **options)


def update_customer(ctx: Ctx, customer_id: int, data: CustomerUpdate) -> Customer:
    """Apply a partial update; a stale `version` raises Conflict and changes nothing."""
    customer = get_customer(ctx, customer_id)
    return records.update_record(ctx, SPEC, customer, data.version, clean(records.changes_of(data)))


# The built-in fields: their labels and types for pages, history and exports.
FIELDS = (
    builtin("name", "text", "名称", "Name", required=True),
    builtin("kind", "single_choice", "类型", "Type", choices=KINDS),
    *common("phone", "email"),
    builtin("website", "url", "网站", "Website"),
    builtin("address", "text", "地址", "Address"),
    builtin("source", "text", "来源", "Source"),
    builtin("stage", "text", "生命周期阶段", "Stage"),
    builtin("category_id", "number", "客户类别", "Category"),
    builtin("parent_id", "number", "上级公司", "Parent company"),
    *common("owner_id"),
    builtin("claimed_at", "date", "领取时间", "Claimed"),
    builtin("stage_changed_at", "date", "阶段变更时间", "Stage changed"),
    builtin("last_contact_at", "date", "最近联系", "Last contact"),
    *common("created_at", "updated_at", "notes"),
)


def bulk_group(ctx: Ctx, data: CustomerBulkRequest, ids: list[int]) -> int | None:
    """The customers' own bulk action: add the selection to the group `group_id`."""
    if data.action != "group":
        return None
    if data.group_id is None:
        raise ValidationError("group_id is required", "group_id")
    return groups.add_members(ctx, data.group_id, ids)


# Completed at once: other modules read its columns and list query from it directly.
SPEC = completed(
    RecordKind(
        kind=KIND,
        model=Customer,
        module=MODULE,
        label_zh="客户",
        label_en="Customers",
        plural="customers",
        menu=KindMenu(section="customers", icon="people", order=20),
        fields=FIELDS,
        searchable=("name", "phone", "email"),
        list_defaults=("name", "kind", "phone", "email", "stage", "owner_id", "updated_at"),
        more_columns=_group_column,
        create=create_customer,
        create_schema=CustomerCreate,
        update=update_customer,
        update_schema=CustomerUpdate,
        out_schema=CustomerOut,
        bulk_schema=CustomerBulkRequest,
        bulk=bulk_group,
    )
)
