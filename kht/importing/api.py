"""Import API: upload, map, preview, run, and the error report — thin over kht.importing.service."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, Parameter

from kht.context import Ctx, RequestCtx
from kht.importing import service
from kht.importing.builtin import import_kind
from kht.importing.engine import Dedupe, Options
from kht.importing.revert import revert_import
from kht.importing.safety import Limits, check_size
from kht.importing.schemas import (
    ImportOut,
    ImportUpload,
    MappingIn,
    PreviewOut,
    PreviewRowOut,
    RunIn,
    TargetOut,
)
from kht.jobs.api import download, to_out
from kht.jobs.models import Job
from kht.jobs.schemas import JobOut

# litestar refuses bodies over this before parsing; the service then applies the exact limit.
MAX_BODY = Limits.of(None).max_bytes + 1024 * 1024


def read_upload(upload: ImportUpload, ctx: Ctx) -> bytes:
    """The uploaded bytes, reading at most one byte past the limit (then a clear 413)."""
    limit = service.limits(ctx).max_bytes
    data = upload.file.file.read(limit + 1)
    check_size(len(data), service.limits(ctx))
    return data


def import_out(ctx: Ctx, job: Job) -> ImportOut:
    found = import_kind(ctx, job.params["kind"])
    targets = [
        TargetOut(
            key=t.key,
            label=t.label(ctx.language),
            type=t.type,
            required=t.required,
            choices=list(t.choices),
        )
        for t in found.targets(ctx)
    ]
    return ImportOut(
        id=job.id,
        kind=job.params["kind"],
        status=job.status,
        filename=job.input_name,
        rows=job.total,
        headers=job.params["headers"],
        mapping=job.params["mapping"],
        remembered=bool(job.params.get("remembered")),
        warnings=service.warnings_of(job),
        targets=targets,
        result=job.result or {},
        job_url=f"/api/v1/jobs/{job.id}",
    )


class ImportController(Controller):
    path = "/api/v1/imports"
    tags = ["imports"]

    @post("/", sync_to_thread=True, request_max_body_size=MAX_BODY)
    def upload(
        self,
        ctx: RequestCtx,
        data: Annotated[ImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ImportOut:
        """Upload a .csv or .xlsx file (`file`) of `kind` records; returns the proposed mapping."""
        job = service.upload(ctx, data.kind, data.file.filename or "", read_upload(data, ctx))
        return import_out(ctx, job)

    @get("/{import_id:int}", sync_to_thread=True)
    def get_import(self, ctx: RequestCtx, import_id: FromPath[int]) -> ImportOut:
        return import_out(ctx, service.get_import(ctx, import_id))

    @post("/{import_id:int}/mapping", sync_to_thread=True, status_code=200)
    def set_mapping(
        self, ctx: RequestCtx, import_id: FromPath[int], data: JSONBody[MappingIn]
    ) -> ImportOut:
        """Confirm the mapping header -> field; it is remembered for files with these headers."""
        mapping = {header: key or "" for header, key in data.mapping.items()}
        return import_out(ctx, service.set_mapping(ctx, import_id, mapping))

    @get("/{import_id:int}/preview", sync_to_thread=True)
    def preview(
        self,
        ctx: RequestCtx,
        import_id: FromPath[int],
        rows: int = Parameter(ge=1, le=200, default=service.PREVIEW_ROWS),
        dedupe: FromQuery[Dedupe] = "skip",
    ) -> PreviewOut:
        """The first rows mapped and checked by the services' rules; nothing is written."""
        found = service.preview(ctx, import_id, rows, dedupe)
        job = service.get_import(ctx, import_id)
        return PreviewOut(
            rows=[PreviewRowOut(**msgspec.structs.asdict(row)) for row in found],
            warnings=service.warnings_of(job),
        )

    @post("/{import_id:int}/run", sync_to_thread=True)
    def run(
        self,
        ctx: RequestCtx,
        import_id: FromPath[int],
        data: JSONBody[RunIn],
        background: FromQuery[bool] = False,
    ) -> Response[JobOut]:
        """Run the import (all-or-nothing unless `commit_valid`); 202 when the worker runs it."""
        options = Options(dedupe=data.dedupe, dry_run=data.dry_run, commit_valid=data.commit_valid)
        job = service.run(ctx, import_id, options, background=background or data.background)
        status = 202 if job.status == "queued" else 200
        return Response(to_out(ctx, job), status_code=status)

    @post("/{import_id:int}/revert", sync_to_thread=True, status_code=200)
    def revert(self, ctx: RequestCtx, import_id: FromPath[int]) -> ImportOut:
        """Revert a committed import within 30 days: its new records go to the recycle bin,
        the fields it updated get their old values back. 409 when it wrote nothing, was
        reverted already, is older than 30 days, or records changed since (they are named)."""
        return import_out(ctx, revert_import(ctx, import_id))

    @get("/{import_id:int}/errors.csv", sync_to_thread=True)
    def errors(self, ctx: RequestCtx, import_id: FromPath[int]) -> Response[bytes]:
        """The row-level error report of the last run: row, column, value, problem."""
        return download(service.error_report(ctx, import_id), f"import-{import_id}-errors.csv")
