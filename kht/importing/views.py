"""The import wizard: upload → map columns → preview with problems → run → the job's page."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht.context import RequestCtx
from kht.errors import KhtError
from kht.importing import service
from kht.importing.api import MAX_BODY, read_upload
from kht.importing.builtin import import_kinds
from kht.importing.engine import Options
from kht.importing.revert import ChangedSince, revert_import
from kht.importing.schemas import ImportUpload
from kht.jobs.api import download
from kht.jobs.models import Job
from kht.jobs.views import job_values
from kht.web.i18n import N_, translations
from kht.web.pages import render

DEDUPE = ("skip", "update", "create")


def _kinds(ctx: RequestCtx) -> list[Any]:
    return [k for k in import_kinds(ctx).values() if ctx.user.can(k.spec.module, "import")]


def _upload_page(
    request: Request, ctx: RequestCtx, kind: str, error: KhtError | None = None
) -> Template:
    return render(
        request,
        ctx,
        "importing/upload.html",
        status_code=error.status if error else 200,
        kinds=_kinds(ctx),
        kind=kind,
        error=error.message if error else "",
        max_mb=service.limits(ctx).max_bytes // (1024 * 1024),
    )


@get("/import", sync_to_thread=True, include_in_schema=False)
def upload_page(request: Request, ctx: RequestCtx, kind: FromQuery[str] = "customer") -> Template:
    """Choose a file and the kind of records it holds."""
    return _upload_page(request, ctx, kind)


@post("/import", sync_to_thread=True, include_in_schema=False, request_max_body_size=MAX_BODY)
def upload_submit(
    request: Request,
    ctx: RequestCtx,
    data: Annotated[ImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template | Redirect:
    try:
        job = service.upload(ctx, data.kind, data.file.filename or "", read_upload(data, ctx))
    except KhtError as exc:  # nothing was written: show the form again with the problem
        return _upload_page(request, ctx, data.kind, exc)
    return Redirect(f"/import/{job.id}/mapping", status_code=303)


def _mapping_page(
    request: Request,
    ctx: RequestCtx,
    job: Job,
    mapping: dict[str, str] | None = None,
    error: KhtError | None = None,
) -> Template:
    return render(
        request,
        ctx,
        "importing/mapping.html",
        status_code=error.status if error else 200,
        job=job,
        mapping=job.params["mapping"] if mapping is None else mapping,
        targets=service.targets_of(ctx, job),
        samples=service.samples(ctx, job),
        error=error.message if error else "",
    )


@get("/import/{import_id:int}/mapping", sync_to_thread=True, include_in_schema=False)
def mapping_page(request: Request, ctx: RequestCtx, import_id: FromPath[int]) -> Template:
    """Each column of the file with the field it goes to (proposed, or remembered)."""
    return _mapping_page(request, ctx, service.get_import(ctx, import_id))


@post("/import/{import_id:int}/mapping", sync_to_thread=True, include_in_schema=False)
def mapping_submit(
    request: Request,
    ctx: RequestCtx,
    import_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    job = service.get_import(ctx, import_id)
    headers = job.params["headers"]
    mapping = {h: str(data.get(f"map.{i}") or "") for i, h in enumerate(headers)}
    try:
        service.set_mapping(ctx, import_id, mapping)
    except KhtError as exc:  # show the page again with the user's choices and the problem
        return _mapping_page(request, ctx, job, mapping, exc)
    return Redirect(f"/import/{import_id}/preview", status_code=303)


@get("/import/{import_id:int}/preview", sync_to_thread=True, include_in_schema=False)
def preview_page(
    request: Request, ctx: RequestCtx, import_id: FromPath[int], dedupe: FromQuery[str] = "skip"
) -> Template:
    """The first rows as they would be imported, with every problem, and the run form."""
    job = service.get_import(ctx, import_id)
    dedupe = dedupe if dedupe in DEDUPE else "skip"
    return render(
        request,
        ctx,
        "importing/preview.html",
        job=job,
        rows=service.preview(ctx, import_id, dedupe=dedupe),
        targets={t.key: t for t in service.targets_of(ctx, job)},
        warnings=service.warnings_of(job),
        dedupe=dedupe,
        background_rows=service.limits(ctx).background_rows,
    )


@post("/import/{import_id:int}/run", sync_to_thread=True, include_in_schema=False)
def run_submit(
    ctx: RequestCtx, import_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """Run (or dry-run) the import, then show its job page."""
    dedupe = data.get("dedupe") if data.get("dedupe") in DEDUPE else "skip"
    options = Options(
        dedupe=dedupe,  # type: ignore[arg-type]
        dry_run=bool(data.get("dry_run")),
        commit_valid=data.get("mode") == "commit_valid",
    )
    job = service.run(ctx, import_id, options, background=bool(data.get("background")))
    return Redirect(f"/jobs/{job.id}", status_code=303)


# The revert's refusals, so the catalogue translates them.
REVERT_REFUSALS = (
    N_("this import wrote nothing, so there is nothing to revert"),
    N_("this import has already been reverted"),
    N_("an import can only be reverted within 30 days"),
)


def _refusal(ctx: RequestCtx, exc: KhtError) -> str:
    """A revert's refusal in the user's language."""
    gettext = translations(ctx.language).gettext
    if isinstance(exc, ChangedSince):
        text = gettext(
            "%(count)s records changed since the import, so it cannot be reverted: %(names)s"
        )
        return text % {"count": exc.count, "names": exc.named}
    return gettext(exc.message)


@post("/import/{import_id:int}/revert", sync_to_thread=True, include_in_schema=False)
def revert_submit(
    request: Request, ctx: RequestCtx, import_id: FromPath[int]
) -> Template | Redirect:
    """Revert the import, then show its page; a refusal is shown on that page."""
    try:
        revert_import(ctx, import_id)
    except KhtError as exc:  # nothing was undone: say why, on the import's page
        values = job_values(ctx, service.get_import(ctx, import_id).id)
        return render(
            request,
            ctx,
            "jobs/detail.html",
            status_code=exc.status,
            revert_error=_refusal(ctx, exc),
            **values,
        )
    return Redirect(f"/jobs/{import_id}", status_code=303)


@get("/import/{import_id:int}/errors.csv", sync_to_thread=True, include_in_schema=False)
def error_report(ctx: RequestCtx, import_id: FromPath[int]) -> Response[bytes]:
    return download(service.error_report(ctx, import_id), f"import-{import_id}-errors.csv")


ROUTES = [
    upload_page,
    upload_submit,
    mapping_page,
    mapping_submit,
    preview_page,
    run_submit,
    revert_submit,
    error_report,
]
