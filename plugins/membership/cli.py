"""`kht membership ...`: the nightly run and the RFM scores from the command line."""

from __future__ import annotations

from datetime import date

import click


@click.group("membership")
def membership() -> None:
    """Membership pack: nightly run, RFM."""


@membership.command("nightly")
@click.option("--date", "day", default=None, help="Run as of this day (YYYY-MM-DD); default today.")
def nightly(day: str | None) -> None:
    """Statuses, points expiry, birthday bonuses, tier reviews and RFM for every member."""
    from plugins.membership.value import run_nightly

    runtime = click.get_current_context().obj
    with runtime.ctx() as ctx:
        done = run_nightly(ctx, date.fromisoformat(day) if day else None)
    for key, count in done.items():
        click.echo(f"{key}: {count}")
