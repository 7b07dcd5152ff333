"""Sales process JSON API: read for everyone in sales, write for administrators."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody

from kht.context import RequestCtx
from kht.records.schemas import out_of
from kht.sales.processes import service
from kht.sales.processes.models import Process
from kht.sales.processes.schemas import ProcessIn, ProcessOut, StageOut


def to_out(ctx: RequestCtx, process: Process) -> ProcessOut:
    return out_of(
        ProcessOut,
        process,
        product_line_ids=service.product_lines_of(ctx, process.id),
        stages=[
            out_of(
                StageOut,
                s,
                required_actions=list(s.required_actions),
                required_fields=list(s.required_fields),
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
