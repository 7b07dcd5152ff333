"""Customer UI pages: thin views over kht.customers.service."""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromQuery, Parameter
from litestar.response import Template

from kht.context import RequestCtx
from kht.customers import service
from kht.fields import fields_for
from kht.web.pages import render

PAGE_SIZE = 50


@get("/customers", sync_to_thread=True, include_in_schema=False)
def customer_list(
    request: Request,
    ctx: RequestCtx,
    page: int = Parameter(ge=1, default=1),
    q: FromQuery[str] = "",
) -> Template:
    rows, total = service.list_customers(ctx, page=page, page_size=PAGE_SIZE, q=q)
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        ctx,
        "customers/list.html",
        customers=rows,
        total=total,
        page=page,
        pages=pages,
        q=q,
        fields=fields_for(ctx, service.KIND),
    )


ROUTES = [customer_list]
