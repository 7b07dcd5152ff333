"""Quota JSON API: thin controllers over kht.sales.quotas.service."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from kht.context import Ctx, RequestCtx
from kht.records.schemas import out_of
from kht.sales.quotas import periods, service
from kht.sales.quotas.models import Quota
from kht.sales.quotas.schemas import QuotaCreate, QuotaOut, QuotaUpdate


def to_out(ctx: Ctx, quota: Quota, names: dict[tuple[str, int], str] | None = None) -> QuotaOut:
    key = (quota.target_type, quota.target_id)
    if names is None:
        names = service.target_names(ctx, {key})
    return out_of(
        QuotaOut,
        quota,
        target_name=names.get(key, ""),
        period_end=periods.last_day(quota.period, quota.period_start),
    )


class QuotaController(Controller):
    path = "/api/v1/quotas"
    tags = ["quotas"]

    @get("/", sync_to_thread=True)
    def list_quotas(
        self,
        ctx: RequestCtx,
        target_type: FromQuery[str] = "",
        target_id: FromQuery[int | None] = None,
        period: FromQuery[str] = "",
        year: FromQuery[int | None] = None,
    ) -> list[QuotaOut]:
        """The quotas you may see (yours, and your scope's), optionally of one target, period
        kind (month, quarter, year) and year."""
        rows = service.list_quotas(
            ctx, target_type=target_type, target_id=target_id, period=period, year=year
        )
        names = service.target_names(ctx, {(q.target_type, q.target_id) for q in rows})
        return [to_out(ctx, row, names) for row in rows]

    @post("/", sync_to_thread=True)
    def create_quota(self, ctx: RequestCtx, data: JSONBody[QuotaCreate]) -> QuotaOut:
        """Set a quota; `period_start` is the first day of the month, quarter or year."""
        return to_out(ctx, service.create_quota(ctx, data))

    @get("/{quota_id:int}", sync_to_thread=True)
    def get_quota(self, ctx: RequestCtx, quota_id: FromPath[int]) -> QuotaOut:
        return to_out(ctx, service.get_quota(ctx, quota_id))

    @patch("/{quota_id:int}", sync_to_thread=True)
    def update_quota(
        self, ctx: RequestCtx, quota_id: FromPath[int], data: JSONBody[QuotaUpdate]
    ) -> QuotaOut:
        """Change the amount (or currency); send the `version` you were shown (409 when stale)."""
        return to_out(ctx, service.update_quota(ctx, quota_id, data))

    @delete("/{quota_id:int}", sync_to_thread=True)
    def delete_quota(self, ctx: RequestCtx, quota_id: FromPath[int]) -> None:
        service.delete_quota(ctx, quota_id)


ROUTES = [QuotaController]
