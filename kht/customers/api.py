"""Customer JSON API: thin controllers over kht.customers.service."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.context import RequestCtx
from kht.customers import service
from kht.customers.models import Customer
from kht.customers.schemas import CustomerCreate, CustomerOut, CustomerPage, CustomerUpdate

PAGE_SIZE = Parameter(ge=1, le=500, default=50)


def to_out(customer: Customer) -> CustomerOut:
    return CustomerOut(
        id=customer.id,
        name=customer.name,
        kind=customer.kind,
        phone=customer.phone,
        email=customer.email,
        website=customer.website,
        address=customer.address,
        notes=customer.notes,
        owner_id=customer.owner_id,
        version=customer.version,
        ext=customer.ext or {},
        created_at=customer.created_at,
        updated_at=customer.updated_at,
    )


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
    ) -> CustomerPage:
        rows, total = service.list_customers(ctx, page=page, page_size=page_size, q=q, sort=sort)
        return CustomerPage(
            items=[to_out(r) for r in rows], total=total, page=page, page_size=page_size
        )

    @post("/", sync_to_thread=True)
    def create_customer(self, ctx: RequestCtx, data: JSONBody[CustomerCreate]) -> CustomerOut:
        return to_out(service.create_customer(ctx, data))

    @get("/{customer_id:int}", sync_to_thread=True)
    def get_customer(self, ctx: RequestCtx, customer_id: FromPath[int]) -> CustomerOut:
        return to_out(service.get_customer(ctx, customer_id))

    @patch("/{customer_id:int}", sync_to_thread=True)
    def update_customer(
        self, ctx: RequestCtx, customer_id: FromPath[int], data: JSONBody[CustomerUpdate]
    ) -> CustomerOut:
        return to_out(service.update_customer(ctx, customer_id, data))

    @delete("/{customer_id:int}", sync_to_thread=True)
    def delete_customer(self, ctx: RequestCtx, customer_id: FromPath[int]) -> None:
        service.delete_customer(ctx, customer_id)
