"""`kht scores ...`: recompute value scores from the command line (as the operator)."""

from __future__ import annotations

import click


@click.group("scores")
def scores() -> None:
    """Value-model scores (lead scores, customer value)."""


@scores.command("recompute")
@click.option("--kind", default=None, help="Record kind to rescore (lead, customer); default all.")
def scores_recompute(kind: str | None) -> None:
    """Recompute the scores of every record of KIND (every scored kind by default)."""
    from kht.progress import progress
    from kht.value.service import run_rescore

    runtime = click.get_current_context().obj
    counts = run_rescore(runtime, [kind] if kind else None, progress=progress)
    if not counts:
        click.echo("no enabled value model")
    for name, scored in counts.items():
        click.echo(f"{name}: {scored} scored")
