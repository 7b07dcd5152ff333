"""Value-score JSON API: a record's scores, and recomputing them."""

from __future__ import annotations

from litestar import get, post, put
from litestar.params import FromPath, JSONBody

from kht.auth.permissions import require
from kht.context import RequestCtx
from kht.value import customer, service
from kht.value.customer_read import value_of
from kht.value.schemas import CustomerValueOut, PeerFieldsIn, PeerFieldsOut, ScoreOut


@get("/api/v1/scores/{kind:str}/{record_id:int}", sync_to_thread=True, tags=["scores"])
def record_scores(ctx: RequestCtx, kind: FromPath[str], record_id: FromPath[int]) -> list[ScoreOut]:
    """The value-model scores of a record in scope, each with the parts explaining it."""
    return service.scores_of(ctx, kind, record_id)


@post(
    "/api/v1/scores/{kind:str}/{record_id:int}/recompute",
    sync_to_thread=True,
    tags=["scores"],
    status_code=200,
)
def recompute_scores(
    ctx: RequestCtx, kind: FromPath[str], record_id: FromPath[int]
) -> list[ScoreOut]:
    """Recompute a record's scores now (needs edit rights on the record's module)."""
    return service.recompute(ctx, kind, record_id)


@get("/api/v1/customers/{customer_id:int}/value", sync_to_thread=True, tags=["customer value"])
def customer_value(ctx: RequestCtx, customer_id: FromPath[int]) -> CustomerValueOut:
    """A customer's established, potential and model value with their parts (in scope)."""
    return value_of(ctx, customer_id)


@get("/api/v1/customer-value/settings", sync_to_thread=True, tags=["customer value"])
def value_settings(ctx: RequestCtx) -> PeerFieldsOut:
    """The customer fields that, with the category, make customers similar (model value)."""
    require(ctx.user, "customers", "view")
    return PeerFieldsOut(peer_fields=customer.peer_fields(ctx))


@put("/api/v1/customer-value/settings", sync_to_thread=True, tags=["customer value"])
def change_value_settings(ctx: RequestCtx, data: JSONBody[PeerFieldsIn]) -> PeerFieldsOut:
    """Change the similarity fields (administrators of customers); every value is recomputed.
    An unknown field, or one that makes no class (a date, a number), is a 422 naming it."""
    fields = customer.set_peer_fields(ctx, data.peer_fields)
    return PeerFieldsOut(peer_fields=fields, customers=customer.count(ctx))


@post(
    "/api/v1/customer-value/recompute",
    sync_to_thread=True,
    tags=["customer value"],
    status_code=200,
)
def recompute_values(ctx: RequestCtx) -> PeerFieldsOut:
    """Recompute every customer's values now (administrators of customers; the worker does
    it every night)."""
    require(ctx.user, "customers", "admin")
    count = customer.recompute_all(ctx)
    return PeerFieldsOut(peer_fields=customer.peer_fields(ctx), customers=count)


ROUTES = [
    record_scores,
    recompute_scores,
    customer_value,
    value_settings,
    change_value_settings,
    recompute_values,
]
