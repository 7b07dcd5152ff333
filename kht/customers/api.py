"""Customer JSON API: thin controllers over kht.customers.service."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.context import Ctx, RequestCtx
from kht.customers import groups, service
from kht.customers.models import Customer
from kht.customers.schemas import (
    BulkRequest,
    BulkResult,
    ChoiceOut,
    ColumnOut,
    CustomerCreate,
    CustomerOut,
    CustomerPage,
    CustomerUpdate,
)
from kht.errors import ValidationError
from kht.exporting.labels import choice_options
from kht.lists import bulk
from kht.lists.engine import Filter, parse_filter
from kht.lists.service import get_view, view_filters
from kht.tags.service import tags_of

PAGE_SIZE = Parameter(ge=1, le=500, default=50)


def to_out(customer: Customer, tags: list[str] | None = None) -> CustomerOut:
    return CustomerOut(
        id=customer.id,
        name=customer.name,
        kind=customer.kind,
        phone=customer.phone,
        email=customer.email,
        website=customer.website,
        address=customer.address,
        notes=customer.notes,
        source=customer.source,
        category_id=customer.category_id,
        stage=customer.stage,
        last_contact_at=customer.last_contact_at,
        owner_id=customer.owner_id,
        version=customer.version,
        ext=customer.ext or {},
        tags=tags or [],
        created_at=customer.created_at,
        updated_at=customer.updated_at,
        deleted_at=customer.deleted_at,
    )


def filters_from(ctx: Ctx, f: list[str] | None, view: int | None) -> list[Filter]:
    """Filters of a saved view or segment (if given) plus the `f=field:op:value` ones."""
    saved = view_filters(get_view(ctx, view)) if view is not None else []
    return saved + [parse_filter(item) for item in f or []]


def _bulk(ctx: Ctx, data: BulkRequest, ids: list[int]) -> int:
    spec = service.SPEC
    if data.action == "assign":
        return bulk.assign(ctx, spec, ids, data.owner_id)
    if data.action == "tag":
        return bulk.tag(ctx, spec, ids, data.add_tags, data.remove_tags)
    if data.action == "set":
        return bulk.set_field(ctx, spec, service.columns(ctx), ids, data.field, data.value)
    if data.action == "group":
        if data.group_id is None:
            raise ValidationError("group_id is required", "group_id")
        return groups.add_members(ctx, data.group_id, ids)
    if data.action == "delete":
        return bulk.delete(ctx, spec, ids)
    return bulk.restore(ctx, spec, ids)


class CustomerController(Controller):
    path = "/api/v1/customers"
    tags = ["customers"]

    @get("/", sync_to_thread=True)
    def list_customers(
        self,
        ctx: RequestCtx,
        page: int = Parameter(ge=1, default=1),
        page_size: int = PAGE_SIZE,
        q: FromQuery[str] = "",
        sort: FromQuery[str] = "-updated_at",
        f: FromQuery[list[str] | None] = None,
        view: FromQuery[int | None] = None,
        deleted: FromQuery[bool] = False,
    ) -> CustomerPage:
        """Customers in scope; `f=field:op:value` filters (repeatable), `view=` a saved view."""
        rows, total = service.list_customers(
            ctx,
            page=page,
            page_size=page_size,
            q=q,
            sort=sort,
            filters=filters_from(ctx, f, view),
            deleted=deleted,
        )
        tags = tags_of(ctx, service.KIND, [r.id for r in rows])
        return CustomerPage(
            items=[to_out(r, tags.get(r.id)) for r in rows],
            total=total,
            page=page,
            page_size=page_size,
        )

    @get("/columns", sync_to_thread=True)
    def columns(self, ctx: RequestCtx) -> list[ColumnOut]:
        """What a customer list can show, filter and sort by (custom fields included)."""
        return [
            ColumnOut(
                key=c.key,
                label_zh=c.label_zh,
                label_en=c.label_en,
                type=c.type,
                choices=list(c.choice_keys),
                sortable=c.sortable and c.expr is not None,
                default=c.default,
                choice_labels=[
                    ChoiceOut(key=key, label_zh=zh, label_en=en)
                    for key, zh, en in choice_options(service.KIND, c)
                ],
            )
            for c in service.columns(ctx).values()
        ]

    @post("/", sync_to_thread=True)
    def create_customer(self, ctx: RequestCtx, data: JSONBody[CustomerCreate]) -> CustomerOut:
        return to_out(service.create_customer(ctx, data))

    @get("/{customer_id:int}", sync_to_thread=True)
    def get_customer(self, ctx: RequestCtx, customer_id: FromPath[int]) -> CustomerOut:
        customer, tags = service.get_customer_and_tags(ctx, customer_id)
        return to_out(customer, tags)

    @patch("/{customer_id:int}", sync_to_thread=True)
    def update_customer(
        self, ctx: RequestCtx, customer_id: FromPath[int], data: JSONBody[CustomerUpdate]
    ) -> CustomerOut:
        return to_out(service.update_customer(ctx, customer_id, data))

    @delete("/{customer_id:int}", sync_to_thread=True)
    def delete_customer(self, ctx: RequestCtx, customer_id: FromPath[int]) -> None:
        """Move to the recycle bin (`POST /{id}/restore` brings it back)."""
        service.delete_customer(ctx, customer_id)

    @post("/{customer_id:int}/restore", sync_to_thread=True)
    def restore_customer(self, ctx: RequestCtx, customer_id: FromPath[int]) -> CustomerOut:
        return to_out(service.restore_customer(ctx, customer_id))

    @post("/bulk", sync_to_thread=True)
    def bulk_operation(self, ctx: RequestCtx, data: JSONBody[BulkRequest]) -> BulkResult:
        """Assign, tag, set a field, group, delete or restore a selection or a whole filter."""
        query = service.filtered(
            ctx,
            q=data.q,
            filters=filters_from(ctx, data.f, data.view),
            deleted=data.action == "restore",
        )
        ids = bulk.selected_ids(ctx, service.SPEC, query, data.ids)
        return BulkResult(action=data.action, count=_bulk(ctx, data, ids))
