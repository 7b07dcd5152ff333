"""Export business rules: any list (search, filters, sort, chosen columns) to CSV or .xlsx.

An export is planned in the caller's transaction (permission `export`, the data scope,
filters and columns checked there, so bad input fails before any byte is sent) and then
streamed from its own read-only session, a thousand rows at a time: memory stays flat
however many rows there are. Formula-like text is neutralised in both formats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import msgspec
from sqlalchemy import Select
from sqlalchemy.orm import Session

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.exporting import labels
from kht.jobs import service as jobs
from kht.jobs.models import Job
from kht.lists.engine import Column, Filter, apply_sort, count, parse_filter
from kht.plugin_types import RecordKind
from kht.records import record_kinds

Format = Literal["csv", "xlsx"]
CHUNK = 1000


def exportable(spec: RecordKind) -> bool:
    """Whether a kind's list can be exported: it has a URL plural, columns and a query."""
    return bool(spec.plural and spec.columns is not None and spec.query is not None)


def kind_of_plural(ctx: Ctx, plural: str) -> str:
    """The exportable kind behind a URL's plural (`/<plural>/export`), or NotFound."""
    for name, spec in record_kinds(ctx).items():
        if spec.plural == plural and exportable(spec):
            return name
    raise NotFound(f"nothing to export at /{plural}")


class ExportRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to export: the list's search `q`, filters (`field:op:value`), sort and columns.

    Values are labels in the user's language unless `raw` (keys, ids and logins, for
    re-import; see kht.exporting.labels).
    """

    kind: str = "customer"
    format: Format = "csv"
    q: str = ""
    filters: list[str] = []
    sort: str = "-updated_at"
    columns: list[str] = []
    raw: bool = False


@dataclass
class Plan:
    """A checked export: headers, the scoped statement, and how to show each value."""

    request: ExportRequest
    headers: list[str]
    statement: Select[Any]
    shows: list[Callable[[Any], Any]]
    filename: str
    total: int


def _kind(ctx: Ctx, kind: str) -> RecordKind:
    """The record kind to export: any kind with a list (a plural, columns, a scoped query)."""
    spec = record_kinds(ctx).get(kind)
    if spec is None or not exportable(spec):
        names = ", ".join(k for k, s in record_kinds(ctx).items() if exportable(s))
        raise NotFound(f"cannot export {kind!r} (exportable: {names})", "kind")
    return spec


def _chosen(columns: dict[str, Column], keys: list[str]) -> list[Column]:
    wanted = [k.strip() for key in keys for k in key.split(",") if k.strip()]
    if not wanted:
        return [c for c in columns.values() if c.default and c.expr is not None]
    chosen = []
    for key in dict.fromkeys(wanted):
        column = columns.get(key)
        if column is None or column.expr is None:
            names = ", ".join(k for k, c in columns.items() if c.expr is not None)
            raise ValidationError(f"cannot export column {key!r} (columns: {names})", "columns")
        chosen.append(column)
    return chosen


def plan(ctx: Ctx, request: ExportRequest) -> Plan:
    """Check an export (403 without the `export` permission, 422 for a bad filter or column)."""
    kind = _kind(ctx, request.kind)
    require(ctx.user, kind.module, "export")
    columns = kind.columns(ctx)
    chosen = _chosen(columns, request.columns)
    filters: list[Filter] = [parse_filter(text) for text in request.filters]
    query = kind.query(ctx, q=request.q, filters=filters)
    ordered = apply_sort(query, columns, request.sort, kind.model.id)
    shown = [labels.expression(ctx, kind.kind, c, request.raw) for c in chosen]
    statement = ordered.with_only_columns(*shown, maintain_column_froms=True)
    stamp = ctx.local().strftime("%Y%m%d-%H%M")
    return Plan(
        request=request,
        headers=[c.label(ctx.language) for c in chosen],
        statement=statement,
        shows=[_shower(ctx, kind.kind, c, request.raw) for c in chosen],
        filename=f"{kind.plural}-{stamp}.{request.format}",
        total=count(ctx.session, query),
    )


def _shower(ctx: Ctx, kind: str, column: Column, raw: bool) -> Callable[[Any], Any]:
    """How a column's value appears in the file (labels unless `raw`, lists joined...)."""
    show = labels.shower(ctx, kind, column, raw)
    if column.type == "multi_choice":
        return lambda value: _joined(value, show or str)
    return show or _plain


def _plain(value: Any) -> Any:
    return "" if value is None else value


def _joined(value: Any, show: Callable[[Any], Any]) -> Any:
    """A stored JSON list as "a, b", each item through `show` (its label)."""
    if isinstance(value, str) and value.startswith("["):
        try:
            return ", ".join(str(show(item)) for item in msgspec.json.decode(value))
        except msgspec.DecodeError:
            return value
    return _plain(value)


def rows(session: Session, plan_: Plan) -> Iterator[list[Any]]:
    """The plan's rows, fetched CHUNK at a time (a server-side cursor on PostgreSQL)."""
    result = session.execute(plan_.statement.execution_options(yield_per=CHUNK))
    for row in result:
        yield [show(value) for show, value in zip(plan_.shows, row, strict=True)]


def local_time(value: datetime, zone: str) -> datetime:
    """A stored UTC time in the user's zone, without tzinfo (as spreadsheets keep times)."""
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def run_export_job(ctx: Ctx, job: Job, progress: Any) -> None:
    """The worker's handler for `export` jobs: write the file into the job's output."""
    from kht.exporting.writers import write_file

    request = msgspec.convert(job.params["request"], ExportRequest)
    checked = plan(ctx, request)
    done = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal done
        for row in rows(ctx.session, checked):
            done += 1
            if done % CHUNK == 0:
                progress(done, checked.total)
            yield row

    zone = getattr(ctx.user, "time_zone", "Asia/Shanghai")
    job.output_data = write_file(checked, counted(), zone)
    job.output_name = checked.filename
    jobs.finish(ctx, job, result={"rows": done}, done=done, total=done)


def start_job(ctx: Ctx, request: ExportRequest) -> Job:
    """Check an export and hand it to the worker; returns the queued job."""
    checked = plan(ctx, request)
    job = jobs.create_job(
        ctx, "export", params={"request": msgspec.to_builtins(request)}, total=checked.total
    )
    jobs.enqueue(ctx, job)
    return job


__all__ = [
    "ExportRequest",
    "Plan",
    "local_time",
    "plan",
    "rows",
    "run_export_job",
    "start_job",
]
