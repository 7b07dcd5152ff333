"""Approval API: approve or reject a record in its current stage, and read the decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody

from kht.context import Ctx, RequestCtx
from kht.processes import approvals
from kht.processes.models import ProcessApproval
from kht.records import record_kind
from kht.records.schemas import out_of
from kht.sales.processes.service import stage_of


class DecisionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Approve or reject the record of `kind` in the stage it is in (a rejection says why)."""

    kind: Annotated[str, msgspec.Meta(max_length=40)]
    record_id: int
    decision: Literal["approved", "rejected"]
    comment: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class DecisionOut(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    record_id: int
    stage_id: int
    decision: str
    comment: str
    user_id: int | None
    decided_at: datetime


def _out(row: ProcessApproval) -> DecisionOut:
    return out_of(DecisionOut, row)


def decide(ctx: Ctx, kind: str, record_id: int, decision: str, comment: str) -> ProcessApproval:
    """Approve or reject a record (in the caller's scope) in its current stage."""
    spec = record_kind(ctx, kind)
    record: Any = spec.get(ctx, record_id)
    stage = stage_of(ctx, record.stage_id)
    url = f"/{spec.plural}/{record.id}" if spec.plural else ""
    return approvals.decide(ctx, kind, record, stage, decision=decision, comment=comment, url=url)


class ApprovalController(Controller):
    path = "/api/v1/approvals"
    tags = ["processes"]

    @post("/", sync_to_thread=True)
    def decide(self, ctx: RequestCtx, data: JSONBody[DecisionIn]) -> DecisionOut:
        """Approve or reject; only a user with the stage's approval role may (403 otherwise)."""
        return _out(decide(ctx, data.kind, data.record_id, data.decision, data.comment))

    @get("/", sync_to_thread=True)
    def list_decisions(
        self, ctx: RequestCtx, kind: FromQuery[str], record_id: FromQuery[int]
    ) -> list[DecisionOut]:
        """Every decision on one record in the caller's scope, newest first."""
        record_kind(ctx, kind).get(ctx, record_id)
        return [_out(row) for row in approvals.decisions_of(ctx, kind, record_id)]


ROUTES = [ApprovalController]
