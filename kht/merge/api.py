"""Duplicate and merge JSON API for customers and contacts: thin over kht.merge.service."""

from __future__ import annotations

import msgspec
from litestar import get, post
from litestar.params import JSONBody, Parameter

from kht.context import RequestCtx
from kht.merge import service
from kht.merge.schemas import DuplicateList, MergeIn, MergeOut

LIMIT = Parameter(ge=1, le=1000, default=100)
TAGS = ["merge"]


@get("/api/v1/customers/duplicates", sync_to_thread=True, tags=TAGS)
def customer_duplicates(ctx: RequestCtx, limit: int = LIMIT) -> DuplicateList:
    """Likely duplicate customer pairs in the caller's scope, the strongest first."""
    items = service.find_duplicate_customers(ctx, limit)
    return DuplicateList(items=items, total=len(items))


@post("/api/v1/customers/merge", status_code=200, sync_to_thread=True, tags=TAGS)
def merge_customers(ctx: RequestCtx, data: JSONBody[MergeIn]) -> MergeOut:
    """Merge one customer into another (409 on a stale version, 404 out of scope)."""
    return service.merge_customers(ctx, **msgspec.structs.asdict(data))


@get("/api/v1/contacts/duplicates", sync_to_thread=True, tags=TAGS)
def contact_duplicates(ctx: RequestCtx, limit: int = LIMIT) -> DuplicateList:
    """Likely duplicate contact pairs in the caller's scope, the strongest first."""
    items = service.find_duplicate_contacts(ctx, limit)
    return DuplicateList(items=items, total=len(items))


@post("/api/v1/contacts/merge", status_code=200, sync_to_thread=True, tags=TAGS)
def merge_contacts(ctx: RequestCtx, data: JSONBody[MergeIn]) -> MergeOut:
    """Merge one contact into another (409 on a stale version, 404 out of scope)."""
    return service.merge_contacts(ctx, **msgspec.structs.asdict(data))


ROUTES = [customer_duplicates, merge_customers, contact_duplicates, merge_contacts]
