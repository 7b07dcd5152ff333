"""Pool and category JSON API: thin controllers over kht.pool.service and kht.pool.categories."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.context import RequestCtx
from kht.customers.models import Customer, CustomerCategory
from kht.pool import categories, service
from kht.pool.schemas import (
    CategoryIn,
    CategoryList,
    CategoryOut,
    CategoryUpdate,
    ClaimOut,
    PoolCustomerOut,
    PoolPage,
    ReleaseIn,
)
from kht.records.schemas import out_of


def pool_out(customer: Customer) -> PoolCustomerOut:
    return out_of(PoolCustomerOut, customer)


def claim_out(customer: Customer) -> ClaimOut:
    return out_of(ClaimOut, customer)


def category_out(category: CustomerCategory) -> CategoryOut:
    return out_of(CategoryOut, category)


class PoolController(Controller):
    path = "/api/v1/pool"
    tags = ["pool"]

    @get("/", sync_to_thread=True)
    def list_pool(
        self,
        ctx: RequestCtx,
        page: int = Parameter(ge=1, default=1),
        page_size: int = Parameter(ge=1, le=500, default=50),
        q: FromQuery[str] = "",
    ) -> PoolPage:
        rows, total = service.list_pool(ctx, page=page, page_size=page_size, q=q)
        return PoolPage(
            items=[pool_out(r) for r in rows], total=total, page=page, page_size=page_size
        )

    @post("/{customer_id:int}/claim", status_code=200, sync_to_thread=True)
    def claim(self, ctx: RequestCtx, customer_id: FromPath[int]) -> ClaimOut:
        """Take a pool customer (409 when someone else was faster or a limit is reached)."""
        return claim_out(service.claim(ctx, customer_id))


@post(
    "/api/v1/customers/{customer_id:int}/release",
    status_code=200,
    sync_to_thread=True,
    tags=["pool"],
)
def release_customer(
    ctx: RequestCtx, customer_id: FromPath[int], data: JSONBody[ReleaseIn]
) -> ClaimOut:
    """Put a customer back into the pool with a reason (409 when `version` is stale)."""
    return claim_out(service.release_to_pool(ctx, customer_id, data.version, data.reason))


class CategoryController(Controller):
    path = "/api/v1/customer-categories"
    tags = ["customer categories"]

    @get("/", sync_to_thread=True)
    def list_categories(self, ctx: RequestCtx) -> CategoryList:
        rows = categories.list_categories(ctx)
        return CategoryList(items=[category_out(r) for r in rows], total=len(rows))

    @post("/", sync_to_thread=True)
    def create_category(self, ctx: RequestCtx, data: JSONBody[CategoryIn]) -> CategoryOut:
        return category_out(categories.create_category(ctx, data))

    @get("/{category_id:int}", sync_to_thread=True)
    def get_category(self, ctx: RequestCtx, category_id: FromPath[int]) -> CategoryOut:
        return category_out(categories.get_category(ctx, category_id))

    @patch("/{category_id:int}", sync_to_thread=True)
    def update_category(
        self, ctx: RequestCtx, category_id: FromPath[int], data: JSONBody[CategoryUpdate]
    ) -> CategoryOut:
        return category_out(categories.update_category(ctx, category_id, data))

    @delete("/{category_id:int}", sync_to_thread=True)
    def delete_category(self, ctx: RequestCtx, category_id: FromPath[int]) -> None:
        categories.delete_category(ctx, category_id)


ROUTES = [PoolController, release_customer, CategoryController]
