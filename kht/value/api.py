"""Value-score JSON API: a record's scores, and recomputing them."""

from __future__ import annotations

from litestar import get, post
from litestar.params import FromPath

from kht.context import RequestCtx
from kht.value import service
from kht.value.schemas import ScoreOut


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


ROUTES = [record_scores, recompute_scores]
