"""The SMS module's hook implementations: routes and `kht sms send`."""

from __future__ import annotations

from typing import Any

import click

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.sms.api import SmsCallbackController, SmsController

    return [SmsController, SmsCallbackController]


@hookimpl
def kht_register_commands(cli: Any) -> None:
    @cli.group("sms")
    def sms_group() -> None:
        """SMS: the outbox."""

    @sms_group.command("send")
    def sms_send() -> None:
        """Send the queued SMS that are due (outside the quiet hours)."""
        from kht.sms.service import run

        click.echo(f"SMS accepted: {run(click.get_current_context().obj)}")
