"""`kht key-account ...`: the nightly run and the back-filled health history."""

from __future__ import annotations

import click


@click.group("key-account")
def key_account() -> None:
    """Key account pack: nightly run, health history."""


def _report(done: dict[str, int]) -> None:
    for key, count in done.items():
        click.echo(f"{key}: {count}")


@key_account.command("nightly")
def nightly() -> None:
    """Renewals, contributions, ABC classes, key accounts and their health, now."""
    from plugins.key_account.health import run_nightly

    runtime = click.get_current_context().obj
    with runtime.ctx() as ctx:
        _report(run_nightly(ctx))


@key_account.command("backfill-health")
@click.option("--days", default=180, show_default=True, help="How many days back.")
@click.option("--step", default=7, show_default=True, help="Days between two points.")
def backfill_health(days: int, step: int) -> None:
    """Compute every key account's health for past days from the orders, consumption,
    actions, tickets and agreements there are (days that have a point are kept)."""
    from kht.plugin_api import KhtError
    from plugins.key_account.backfill import backfill

    runtime = click.get_current_context().obj
    try:
        with runtime.ctx() as ctx:
            _report({"backfilled": backfill(ctx, days=days, step=step)})
    except KhtError as exc:
        raise click.BadParameter(exc.message, param_hint=f"--{exc.field}") from None
