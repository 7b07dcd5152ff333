"""`kht import FILE --kind customer --as LOGIN`: the import wizard on the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kht.errors import ValidationError
from kht.importing import service
from kht.importing.engine import Options
from kht.jobs.cli import acting
from kht.progress import progress


def _mapping(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    raw = Path(text).read_text("utf-8") if text.endswith(".json") and Path(text).is_file() else text
    try:
        mapping = json.loads(raw)
    except ValueError:
        raise ValidationError(
            '--mapping must be JSON like {"客户名称": "name"}', "mapping"
        ) from None
    if not isinstance(mapping, dict):
        raise ValidationError('--mapping must be a JSON object {"header": "field"}', "mapping")
    return {str(k): str(v or "") for k, v in mapping.items()}


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", default="customer", show_default=True, help="customer, contact or lead.")
@click.option(
    "--mapping",
    help='Column mapping as JSON {"header": "field"} or a .json file; '
    "columns not named keep the automatic (or remembered) match.",
)
@click.option(
    "--dedupe",
    type=click.Choice(["skip", "update", "create"]),
    default="skip",
    show_default=True,
    help="What to do with a row matching an existing record.",
)
@click.option("--dry-run", is_flag=True, help="Check and count everything, write nothing.")
@click.option(
    "--commit-valid",
    is_flag=True,
    help="Keep the valid rows when some fail (default: all or nothing).",
)
@click.option("--as", "login", required=True, help="Import as this user (their rights apply).")
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the error report (default: FILE.errors.csv).",
)
def import_command(
    file: Path,
    kind: str,
    mapping: str | None,
    dedupe: str,
    dry_run: bool,
    commit_valid: bool,
    login: str,
    errors_path: Path | None,
) -> None:
    """Import FILE (.csv or .xlsx) as records of --kind, as the user --as."""
    runtime = click.get_current_context().obj
    options = Options(dedupe=dedupe, dry_run=dry_run, commit_valid=commit_valid)  # type: ignore[arg-type]
    with acting(runtime, login) as ctx:
        # The file goes to the database piece by piece: never whole in memory.
        job = service.upload(
            ctx, kind, file.name, lambda: file.open("rb"), size=file.stat().st_size
        )
        chosen = {**job.params["mapping"], **_mapping(mapping)}
        job = service.set_mapping(ctx, job.id, chosen)
        for warning in service.warnings_of(job):
            click.echo(f"warning: {warning}", err=True)
        with progress("importing", job.total) as bar:
            job = service.run(ctx, job.id, options, here=True, progress=bar)
        result, report = dict(job.result), job.output_data
    _summarise(result)
    if report:
        target = errors_path or file.with_name(f"{file.name}.errors.csv")
        target.write_bytes(report)
        click.echo(f"error report: {target}")
    if result["failed"] and not result["written"] and not result["dry_run"]:
        sys.exit(1)  # nothing was written: scripts must notice (click's Exit is swallowed by main)


def _summarise(result: dict) -> None:
    verdict = (
        "dry run: nothing written"
        if result["dry_run"]
        else "imported"
        if result["written"]
        else "nothing written (some rows have problems: all or nothing)"
        if result["failed"]
        else "nothing to write"
    )
    click.echo(
        f"{verdict}: {result['rows']} rows, {result['created']} created, "
        f"{result['updated']} updated, {result['skipped']} skipped, "
        f"{result['failed']} with problems"
    )
    for row, column, value, message in result["first_errors"][:20]:
        where = f"row {row}" + (f", column {column}" if column else "")
        click.echo(f"  {where}: {message}" + (f" ({value})" if value else ""))
