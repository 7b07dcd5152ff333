"""Import business rules: upload a file, map its columns, preview, run, and fetch the error report.

An uploaded file becomes an import draft (a job of type `import`, status `draft`), visible to
its creator and administrators only. Running it validates every row through the kind's
services (see kht.importing.engine for the commit rules); files above the background
threshold, or runs that ask for it, go to the worker as a job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from kht.audit.service import audited_as_job
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Conflict, NotFound
from kht.importing.builtin import import_kind
from kht.importing.convert import Converter
from kht.importing.engine import Importer, Options, Summary, check_permissions
from kht.importing.kinds import ImportKind, Target
from kht.importing.mapping import Mapping, check_mapping, propose, remember, signature
from kht.importing.readers import Table, open_table, read_table
from kht.importing.report import ErrorReport
from kht.importing.safety import Limits, Source
from kht.importing.schemas import RunIn
from kht.jobs import service as jobs
from kht.jobs.models import Job
from kht.jobs.stored_input import drop_input, input_size, open_input, store_input
from kht.web.i18n import N_

PREVIEW_ROWS = 20
REPORT_NAME = "errors.csv"


def limits(ctx: Ctx) -> Limits:
    return Limits.of(ctx.settings)


def _kind(ctx: Ctx, kind: str) -> ImportKind:
    found = import_kind(ctx, kind)
    require(ctx.user, found.spec.module, "import")
    return found


def upload(ctx: Ctx, kind: str, filename: str, data: Source, size: int | None = None) -> Job:
    """Check and read an uploaded file and keep it as an import draft with a proposed mapping.

    `data` is the file's bytes, or a function opening it (then `size` gives its length: the
    command line passes the file on disk, which is then stored without being held in
    memory). The mapping is the one remembered for this file layout if there is one, else
    matched from the headers (Chinese or English labels, keys, aliases).
    """
    found = _kind(ctx, kind)
    table = open_table(filename, data, limits(ctx), size=size)
    mapping, was_remembered = propose(ctx.session, kind, found.targets(ctx), table.headers)
    params = {
        "kind": kind,
        "headers": table.headers,
        "mapping": mapping,
        "remembered": was_remembered,
    }
    job = jobs.create_job(
        ctx,
        "import",
        status="draft",
        params=params,
        total=table.count(),
        input_name=filename[:255],
    )
    # Later steps read it back piece by piece (`_table`).
    store_input(ctx.session, job.id, data, size)
    return job


def get_import(ctx: Ctx, import_id: int) -> Job:
    """An import of the acting user (or any, for an administrator), else NotFound."""
    job = jobs.get_job(ctx, import_id, type_="import")
    _kind(ctx, job.params["kind"])
    return job


def targets_of(ctx: Ctx, job: Job) -> list[Target]:
    return import_kind(ctx, job.params["kind"]).targets(ctx)


def set_mapping(ctx: Ctx, import_id: int, mapping: Mapping) -> Job:
    """Confirm the column mapping (checked) and remember it for files of the same layout."""
    job = get_import(ctx, import_id)
    _editable(job)
    headers = job.params["headers"]
    checked = check_mapping(targets_of(ctx, job), headers, mapping)
    remember(ctx.session, job.params["kind"], signature(headers), checked)
    job.params = {**job.params, "mapping": checked}
    ctx.session.flush()
    return job


UNMAPPED = N_("column %(column)s is not mapped to a field and will be ignored")


def unmapped(job: Job) -> list[str]:
    """The headers of the columns that will not be imported (mapped to nothing)."""
    mapping = job.params["mapping"]
    return [header for header in job.params["headers"] if not mapping.get(header)]


def warnings_of(job: Job, gettext: Callable[[str], str] = str) -> list[str]:
    """Columns that will not be imported, in the reader's language (`gettext`)."""
    return [gettext(UNMAPPED) % {"column": repr(header)} for header in unmapped(job)]


class PreviewRow(msgspec.Struct, kw_only=True):
    """One row of the preview: its mapped values, what would happen, and its problems.

    `matched` is the record (or earlier row) a skipped duplicate matches.
    """

    row: int
    values: dict[str, str]
    action: str
    errors: list[dict[str, Any]]
    matched: dict[str, Any] | None = None


def preview(ctx: Ctx, import_id: int, rows: int = PREVIEW_ROWS, dedupe: str = "skip") -> list:
    """The first `rows` rows mapped and checked, without writing anything."""
    job = get_import(ctx, import_id)
    found, table = import_kind(ctx, job.params["kind"]), _table(ctx, job)
    converter = Converter(
        ctx, found, found.targets(ctx), job.params["headers"], job.params["mapping"]
    )
    options = msgspec.convert({"dedupe": dedupe, "dry_run": True}, Options)
    sample = []
    for number, cells in table.rows():
        sample.append((number, cells))
        if len(sample) >= rows:
            break
    with ErrorReport(ctx.language) as report:
        importer = Importer(ctx, found, converter, options, report, preview=True)
        matched = {d["row"]: d for d in importer.run(sample).duplicates}
    problems: dict[int, list[dict[str, Any]]] = {}
    for number, column, value, message in report.first:
        problems.setdefault(number, []).append(
            {"column": column, "value": value, "message": message}
        )
    return [
        PreviewRow(
            row=number,
            values=converter.shown(cells),
            action="fail" if number in problems else importer.actions.get(number, "create"),
            errors=problems.get(number, []),
            matched=matched.get(number),
        )
        for number, cells in sample
    ]


def samples(ctx: Ctx, job: Job, count: int = 3) -> list[list[str]]:
    """The first `count` non-empty values of each column (shown beside the mapping)."""
    headers = job.params["headers"]
    found: list[list[str]] = [[] for _ in headers]
    try:
        table = _table(ctx, job)
    except Conflict:  # the upload is gone: it has been imported
        return found
    for seen, (_, cells) in enumerate(table.rows()):
        for position, cell in enumerate(cells[: len(headers)]):
            if cell and len(found[position]) < count:
                found[position].append(cell[:60])
        if seen >= 50 or all(len(values) >= count for values in found):
            break
    return found


def _table(ctx: Ctx, job: Job) -> Table:
    """The job's stored upload as a table, read from the database 1 MB at a time.

    `upload` checked the file (size, zip bombs, XML entities) before storing it, and
    nothing else stores import uploads, so it is read without checking it again.
    """
    size = input_size(ctx.session, job.id)
    if size is None:
        raise Conflict("this import has already run; upload the file again", "file")
    session, job_id = ctx.session, job.id
    return read_table(job.input_name, lambda: open_input(session, job_id, size))


def _editable(job: Job) -> None:
    if job.status in ("queued", "running"):
        raise Conflict("this import is running", "status")
    if (job.result or {}).get("written"):
        raise Conflict("this file has been imported; upload it again to import again", "status")


def run(
    ctx: Ctx,
    import_id: int,
    options: Options | RunIn,
    *,
    background: bool = False,
    here: bool = False,
    progress: Any = None,
) -> Job:
    """Run an import now, or in the worker when asked or when the file is big (unless `here`).

    `options` may also be the API's `RunIn` (kht.importing.schemas), as a plugin passes it.
    Returns the job: `done` when it ran here, `queued` when the worker has it.
    """
    if isinstance(options, RunIn):
        background = background or options.background
        options = Options(
            dedupe=options.dedupe, dry_run=options.dry_run, commit_valid=options.commit_valid
        )
    job = get_import(ctx, import_id)
    _editable(job)
    check_permissions(ctx, import_kind(ctx, job.params["kind"]), options)
    job.params = {**job.params, "options": msgspec.to_builtins(options)}
    job.message, job.result = "", {}
    if not here and (background or job.total > limits(ctx).background_rows):
        jobs.enqueue(ctx, job)
        return job
    # Run here, nobody polls: progress only goes to a caller's own display (the CLI's bar).
    # (A ProgressBoard would also deadlock here on PostgreSQL: this transaction has already
    # written the job row, which the board updates from another connection.)
    execute(ctx, job, progress)
    return job


def run_import_job(ctx: Ctx, job: Job, progress: Any) -> None:
    """The worker's handler for `import` jobs."""
    execute(ctx, job, progress)


def execute(ctx: Ctx, job: Job, progress: Any = None) -> Summary:
    """Run the import of `job` with its stored mapping and options; store result and report."""
    found = import_kind(ctx, job.params["kind"])
    options = msgspec.convert(job.params.get("options") or {}, Options)
    table = _table(ctx, job)
    converter = Converter(
        ctx, found, found.targets(ctx), job.params["headers"], job.params["mapping"]
    )
    # Every audit row of the run names the job: that is how a revert finds what it wrote.
    with ErrorReport(ctx.language) as report, audited_as_job(ctx, job.id):
        summary = Importer(ctx, found, converter, options, report, progress=progress).run(
            table.rows(), job.total
        )
        report_data = report.to_bytes() if report.count else None
    if progress is not None:
        progress(summary.rows, summary.rows, force=True)
    remember(ctx.session, found.kind, signature(job.params["headers"]), job.params["mapping"])
    job.output_name = REPORT_NAME if report.count else ""
    job.output_data = report_data
    if summary.written:
        drop_input(ctx.session, job.id)  # imported: the upload is no longer needed
    result = {
        **msgspec.to_builtins(summary),
        "errors": report.count,
        "first_errors": [list(error) for error in report.first[:50]],
        "warnings": warnings_of(job),
    }
    jobs.finish(ctx, job, result=result, done=summary.rows, total=summary.rows)
    return summary


def error_report(ctx: Ctx, import_id: int) -> bytes:
    """The row-level error report of the last run (CSV, UTF-8 with BOM)."""
    job = get_import(ctx, import_id)
    if job.status != "done" or not job.output_data:
        raise NotFound("this import has no error report (it has not run, or had no errors)")
    return job.output_data


__all__ = [
    "PREVIEW_ROWS",
    "PreviewRow",
    "error_report",
    "execute",
    "get_import",
    "preview",
    "run",
    "run_import_job",
    "samples",
    "set_mapping",
    "upload",
    "warnings_of",
]
