"""The mail module's hook implementations: routes, menu entries and `kht mail fetch`."""

from __future__ import annotations

from typing import Any

import click

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem, PeriodicTask, RecordAction


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.mail import api, mass_api, mass_views, tracking_views, views

    return [
        *api.ROUTES,
        *views.ROUTES,
        *mass_api.ROUTES,
        *mass_views.ROUTES,
        *tracking_views.ROUTES,
    ]


def _fetch_mail(runtime: Any) -> None:
    from kht.db.base import utcnow
    from kht.mail.fetch import fetch_due

    fetch_due(runtime.engine, runtime.settings, utcnow(), plugins=runtime.plugins())


def _mass_mail(runtime: Any) -> str:
    from kht.mail.mass_batches import run

    return f"mass mail queued: {run(runtime.engine, runtime.settings, runtime.plugins())}"


@hookimpl
def kht_register_periodic_tasks() -> list[PeriodicTask]:
    return [
        PeriodicTask(
            key="kht.fetch_mail",
            cron="* * * * *",
            run=_fetch_mail,
            description="read the mail accounts whose poll interval has passed (IMAP)",
        ),
        PeriodicTask(
            key="kht.mass_mail",
            cron="* * * * *",
            run=_mass_mail,
            description="the next batch of each mass send (its rate per minute), sent",
        ),
    ]


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
def kht_record_actions(ctx: Any, kind: str, record: Any) -> list[RecordAction] | None:
    """ "Write a mail" on customers, contacts and leads with an email address."""
    from urllib.parse import urlencode

    from kht.mail.archive import LINKED

    email = getattr(record, "email", "")
    if kind not in LINKED or not email or ctx.user is None or not ctx.user.can("mail", "create"):
        return None
    query = urlencode({"to": email, "kind": kind, "record_id": record.id})
    return [
        RecordAction(
            key="write-mail",
            label_zh="写邮件",
            label_en="Write a mail",
            url=f"/mail/compose?{query}",
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
        stored = fetch_due(runtime.engine, runtime.settings, utcnow(), plugins=runtime.plugins())
        sent = drain(runtime.engine, runtime.settings, utcnow())
        click.echo(f"mail stored: {stored}, sent: {sent}")

    @mail_group.command("mass")
    def mail_mass() -> None:
        """Move the due mass sends' next batches to the outbox and send them."""
        from kht.mail.mass_batches import run

        runtime = click.get_current_context().obj
        moved = run(runtime.engine, runtime.settings, runtime.plugins())
        click.echo(f"mass mail queued: {moved}")
