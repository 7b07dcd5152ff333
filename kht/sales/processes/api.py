"""Sales process JSON API: read for everyone in sales, write for administrators."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody

from kht.context import RequestCtx
from kht.sales.processes import service
from kht.sales.processes.models import Process
from kht.sales.processes.schemas import ProcessIn, ProcessOut, StageOut


def to_out(ctx: RequestCtx, process: Process) -> ProcessOut:
    return ProcessOut(
        id=process.id,
        key=process.key,
        name_zh=process.name_zh,
        name_en=process.name_en,
        kind=process.kind,
        plugin=process.plugin,
        description=process.description,
        is_default=process.is_default,
        active=process.active,
        product_line_ids=service.product_lines_of(ctx, process.id),
        version=process.version,
        stages=[
            StageOut(
                id=s.id,
                key=s.key,
                name_zh=s.name_zh,
                name_en=s.name_en,
                position=s.position,
                probability=s.probability,
                outcome=s.outcome,
                required_actions=list(s.required_actions),
                required_fields=list(s.required_fields),
                approval_role=s.approval_role,
                active=s.active,
            )
            for s in process.stages
        ],
    )


class ProcessController(Controller):
    path = "/api/v1/processes"
    tags = ["opportunities"]

    @get("/", sync_to_thread=True)
    def list_processes(self, ctx: RequestCtx) -> list[ProcessOut]:
        return [to_out(ctx, p) for p in service.list_processes(ctx)]

    @post("/", sync_to_thread=True)
    def create_process(self, ctx: RequestCtx, data: JSONBody[ProcessIn]) -> ProcessOut:
        """Define a process with its stages (administrators)."""
        return to_out(ctx, service.create_process(ctx, data))

    @get("/{process_id:int}", sync_to_thread=True)
    def get_process(self, ctx: RequestCtx, process_id: FromPath[int]) -> ProcessOut:
        return to_out(ctx, service.get_process(ctx, process_id))

    @patch("/{process_id:int}", sync_to_thread=True)
    def update_process(
        self, ctx: RequestCtx, process_id: FromPath[int], data: JSONBody[ProcessIn]
    ) -> ProcessOut:
        """Replace the process and its stages (matched by key); stages once used are retired,
        never removed."""
        return to_out(ctx, service.update_process(ctx, process_id, data))


ROUTES = [ProcessController]
