"""The SMS module's hook implementations: routes, the admin page's menu entry, the record
button and `kht sms send`."""

from __future__ import annotations

from typing import Any

import click

from kht.hookspecs import hookimpl
from kht.plugin_types import PeriodicTask, RecordAction, admin_menu


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.sms.api import SmsCallbackController, SmsController
    from kht.sms.mass_api import SmsMassController
    from kht.sms.views import ROUTES

    return [SmsController, SmsMassController, SmsCallbackController, *ROUTES]


def _send_sms(runtime: Any) -> None:
    from kht.sms.mass_batches import run_worker

    run_worker(runtime)


@hookimpl
def kht_register_periodic_tasks() -> list[PeriodicTask]:
    return [
        PeriodicTask(
            key="kht.send_sms",
            cron="* * * * *",
            run=_send_sms,
            description="mass SMS batches and the queued SMS that are due (not in the quiet hours)",
        )
    ]


@hookimpl
def kht_menu_items(ctx: Any) -> list[Any]:
    return admin_menu(
        ctx,
        "sms",
        key="admin_sms",
        label_zh="短信",
        label_en="SMS",
        url="/admin/sms",
        icon="chat-dots",
        order=845,
    )


@hookimpl
def kht_record_actions(ctx: Any, kind: str, record: Any) -> list[RecordAction] | None:
    """ "Send an SMS" on customers, contacts and leads with a phone number."""
    from urllib.parse import urlencode

    from kht.sms.service import PHONE_FIELDS

    fields = PHONE_FIELDS.get(kind, ())
    if not any(getattr(record, f, "") for f in fields):
        return None
    if ctx.user is None or not ctx.user.can("sms", "create"):
        return None
    return [
        RecordAction(
            key="send-sms",
            label_zh="发短信",
            label_en="Send an SMS",
            url=f"/sms/send?{urlencode({'kind': kind, 'record_id': record.id})}",
        )
    ]


@hookimpl
def kht_register_commands(cli: Any) -> None:
    @cli.group("sms")
    def sms_group() -> None:
        """SMS: the outbox."""

    @sms_group.command("send")
    def sms_send() -> None:
        """Prepare mass SMS batches and send the queued SMS that are due (outside the quiet
        hours)."""
        from kht.sms.mass_batches import run_worker

        click.echo(f"SMS accepted: {run_worker(click.get_current_context().obj)}")
