"""The mail module's hook implementations: routes, menu entries and `kht mail fetch`."""

from __future__ import annotations

from typing import Any

import click

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.mail import api, views

    return [*api.ROUTES, *views.ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    if ctx.user is None or not ctx.user.can("mail", "view"):
        return []
    return [
        MenuItem(
            key="mail",
            section="sales",
            label_zh="邮件",
            label_en="Mail",
            url="/mail",
            icon="envelope",
            order=35,
        )
    ]


@hookimpl
def kht_register_commands(cli: Any) -> None:
    @cli.group("mail")
    def mail_group() -> None:
        """Mail accounts and the outbox."""

    @mail_group.command("fetch")
    def mail_fetch() -> None:
        """Read every mail account that is due over IMAP, then send what the outbox holds."""
        from kht.db.base import utcnow
        from kht.mail.fetch import fetch_due
        from kht.mail.outbox import drain

        runtime = click.get_current_context().obj
        stored = fetch_due(runtime.engine, runtime.settings, utcnow())
        sent = drain(runtime.engine, runtime.settings, utcnow())
        click.echo(f"mail stored: {stored}, sent: {sent}")
