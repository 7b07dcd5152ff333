"""Customer business rules: the only code that creates, changes or deletes customers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from kht import record_service as records
from kht.context import Ctx
from kht.customers import groups
from kht.customers.groups import group_column
from kht.customers.models import Customer
from kht.customers.schemas import CustomerBulkRequest, CustomerCreate, CustomerOut, CustomerUpdate
from kht.emails import clean_email
from kht.errors import ValidationError
from kht.fields import builtin, fields_for
from kht.lists.engine import (
    Column,
    Filter,
    custom_columns,
    tag_column,
)
from kht.plugin_types import RecordKind

KIND = "customer"
MODULE = "customers"
KINDS = ("company", "person")


def columns(ctx: Ctx) -> dict[str, Column]:
    """Every column a customer list can show, filter and sort by (custom fields included)."""
    c = Customer
    built_in = [
        Column(
            key="name", label_zh="名称", label_en="Name", type="text", expr=c.name, default=True
        ),
        Column(
            key="kind",
            label_zh="类型",
            label_en="Type",
            type="choice",
            expr=c.kind,
            choices=KINDS,
            default=True,
        ),
        Column(
            key="phone", label_zh="电话", label_en="Phone", type="text", expr=c.phone, default=True
        ),
        Column(
            key="email", label_zh="邮箱", label_en="Email", type="text", expr=c.email, default=True
        ),
        Column(
            key="stage",
            label_zh="生命周期阶段",
            label_en="Stage",
            type="text",
            expr=c.stage,
            default=True,
        ),
        Column(key="source", label_zh="来源", label_en="Source", type="text", expr=c.source),
        Column(key="address", label_zh="地址", label_en="Address", type="text", expr=c.address),
        Column(
            key="category_id",
            label_zh="客户类别",
            label_en="Category",
            type="ref",
            expr=c.category_id,
        ),
        Column(
            key="owner_id",
            label_zh="负责人",
            label_en="Owner",
            type="ref",
            expr=c.owner_id,
            default=True,
        ),
        Column(
            key="last_contact_at",
            label_zh="最近联系",
            label_en="Last contact",
            type="date",
            expr=c.last_contact_at,
        ),
        Column(
            key="claimed_at",
            label_zh="领取时间",
            label_en="Claimed",
            type="date",
            expr=c.claimed_at,
        ),
        Column(
            key="stage_changed_at",
            label_zh="进入阶段时间",
            label_en="Stage since",
            type="date",
            expr=c.stage_changed_at,
        ),
        Column(
            key="created_at",
            label_zh="创建时间",
            label_en="Created",
            type="date",
            expr=c.created_at,
        ),
        Column(
            key="updated_at",
            label_zh="更新时间",
            label_en="Updated",
            type="date",
            expr=c.updated_at,
            default=True,
        ),
        Column(key="id", label_zh="编号", label_en="ID", type="number", expr=c.id),
        tag_column(c, KIND),
        group_column(c),
    ]
    every = built_in + custom_columns(c, fields_for(ctx, KIND))
    return {column.key: column for column in every}


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


def filtered(
    ctx: Ctx, *, q: str = "", filters: list[Filter] | None = None, deleted: bool = False
) -> Select[tuple[Customer]]:
    """Customers in scope matching the quick search `q` and the filters (unsorted)."""
    search = (Customer.name, Customer.phone, Customer.email)
    return records.searched(ctx, SPEC, q=q, search=search, filters=filters, deleted=deleted)


def list_customers(ctx: Ctx, **options: Any) -> tuple[list[Customer], int]:
    """A page of customers in scope, filtered and sorted, and the total count (the options of
    `record_service.page_of`: page, page_size, q, sort, filters, deleted)."""
    return records.page_of(ctx, SPEC, **options)


def update_customer(ctx: Ctx, customer_id: int, data: CustomerUpdate) -> Customer:
    """Apply a partial update; a stale `version` raises Conflict and changes nothing."""
    customer = get_customer(ctx, customer_id)
    return records.update_record(ctx, SPEC, customer, data.version, clean(records.changes_of(data)))


__all__ = [
    "KIND",
    "MODULE",
    "SPEC",
    "columns",
    "create_customer",
    "filtered",
    "get_customer",
    "list_customers",
    "scoped_query",
    "update_customer",
]


# The built-in fields: their labels and types for pages, history and exports.
FIELDS = (
    builtin("name", "text", "名称", "Name", required=True),
    builtin("kind", "single_choice", "类型", "Type", choices=KINDS),
    builtin("phone", "phone", "电话", "Phone"),
    builtin("email", "email", "邮箱", "Email"),
    builtin("website", "url", "网站", "Website"),
    builtin("address", "text", "地址", "Address"),
    builtin("source", "text", "来源", "Source"),
    builtin("stage", "text", "生命周期阶段", "Stage"),
    builtin("category_id", "number", "分类", "Category"),
    builtin("owner_id", "user", "负责人", "Owner"),
    builtin("claimed_at", "date", "领取时间", "Claimed"),
    builtin("stage_changed_at", "date", "阶段变更时间", "Stage changed"),
    builtin("last_contact_at", "date", "最近联系", "Last contact"),
    builtin("created_at", "date", "创建时间", "Created"),
    builtin("updated_at", "date", "更新时间", "Updated"),
    builtin("notes", "long_text", "备注", "Notes"),
)


def bulk_group(ctx: Ctx, data: CustomerBulkRequest, ids: list[int]) -> int | None:
    """The customers' own bulk action: add the selection to the group `group_id`."""
    if data.action != "group":
        return None
    if data.group_id is None:
        raise ValidationError("group_id is required", "group_id")
    return groups.add_members(ctx, data.group_id, ids)


SPEC = RecordKind(
    kind=KIND,
    model=Customer,
    module=MODULE,
    label_zh="客户",
    label_en="Customers",
    plural="customers",
    fields=FIELDS,
    columns=columns,
    query=filtered,
    create=create_customer,
    create_schema=CustomerCreate,
    update=update_customer,
    update_schema=CustomerUpdate,
    out_schema=CustomerOut,
    bulk_schema=CustomerBulkRequest,
    bulk=bulk_group,
)
