"""`kht worker`, and acting as a user from the command line (`--as LOGIN`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.context import Ctx
from kht.errors import NotFound


@contextmanager
def acting(runtime: Any, login: str) -> Iterator[Ctx]:
    """A context (one transaction) acting as the active user `login`, with their rights."""
    with runtime.ctx() as ctx:
        user = find_user(ctx.session, login)
        principal = load_principal(ctx.session, user.id) if user is not None else None
        if principal is None:
            raise NotFound(f"no active user {login!r}", "as")
        ctx.user, ctx.language = principal, principal.language
        yield ctx


@click.command("worker")
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Jobs run at the same time (threads).",
)
def worker(workers: int) -> None:
    """Run background jobs (big imports and exports) until stopped with Ctrl+C."""
    from kht.jobs.worker import consume, huey_path, redis_url

    runtime = click.get_current_context().obj
    where = redis_url() or str(huey_path(runtime.settings))
    click.echo(f"kht worker: {workers} thread(s), queue {where}")
    consume(runtime.settings, runtime, workers)
