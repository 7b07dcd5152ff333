"""`kht export --kind customer --as LOGIN -o FILE`: a list to CSV or .xlsx from the shell."""

from __future__ import annotations

from pathlib import Path

import click

from kht.exporting.service import ExportRequest, plan, rows
from kht.exporting.writers import write_to
from kht.jobs.cli import acting
from kht.progress import progress


@click.command("export")
@click.option("--kind", default="customer", show_default=True)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["csv", "xlsx"]),
    default=None,
    help="Default: from the -o file name, else csv.",
)
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="FIELD:OP:VALUE",
    help="Repeatable, e.g. --filter name:contains:同方",
)
@click.option("--q", default="", help="Quick search (name, phone, email).")
@click.option("--sort", default="-updated_at", show_default=True)
@click.option("--columns", default="", help="Comma-separated column keys (default columns).")
@click.option(
    "--raw",
    is_flag=True,
    help="Keys and ids instead of labels (users by login), for re-import.",
)
@click.option("--as", "login", required=True, help="Export as this user (their scope applies).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(
    kind: str,
    format_: str | None,
    filters: tuple[str, ...],
    q: str,
    sort: str,
    columns: str,
    raw: bool,
    login: str,
    output: Path,
) -> None:
    """Export the records --as may see (search, filters, columns) to -o FILE.

    Values are labels in the user's language; --raw writes the keys for re-import.
    """
    runtime = click.get_current_context().obj
    chosen = format_ or ("xlsx" if output.suffix.lower() == ".xlsx" else "csv")
    wanted = ExportRequest(
        kind=kind,
        format=chosen,  # type: ignore[arg-type]
        q=q,
        filters=list(filters),
        sort=sort,
        columns=[columns] if columns else [],
        raw=raw,
    )
    with acting(runtime, login) as ctx:
        checked = plan(ctx, wanted)
        zone = ctx.user.time_zone
        with progress("exporting", checked.total) as bar:
            write_to(checked, bar.counted(rows(ctx.session, checked)), zone, output)
    click.echo(f"exported {checked.total} rows to {output}")
