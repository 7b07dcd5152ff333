"""The actions module's hook implementations: routes, record kind, menu, the timeline panel,
the `kht reminders` command and demo data."""

from __future__ import annotations

from typing import Any

import click

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem, Panel, PeriodicTask, RecordKind


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.actions import api, views

    return [*api.ROUTES, *views.ROUTES]


def _send_reminders(runtime: Any) -> str:
    from kht.actions.reminders import run_reminders

    return f"reminders sent: {run_reminders(runtime)}"


@hookimpl
def kht_register_periodic_tasks() -> list[PeriodicTask]:
    return [
        PeriodicTask(
            key="kht.send_reminders",
            cron="* * * * *",
            run=_send_reminders,
            description="notify (and mail) the reminders of planned actions that are due",
        )
    ]


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from kht.actions.service import SPEC

    return [SPEC]


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    if ctx.user is None or not ctx.user.can("actions", "view"):
        return []
    return [
        MenuItem(
            key="actions",
            section="sales",
            label_zh="行动",
            label_en="Actions",
            url="/actions",
            icon="calendar-check",
            order=30,
        )
    ]


@hookimpl
def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Panel] | None:
    """The timeline, with a form to log a note, on every record page that has one."""
    if kind not in ("customer", "contact", "lead", "opportunity"):
        return None
    from kht.actions.service import timeline

    return [
        Panel(
            key="timeline",
            title_zh="时间线",
            title_en="Timeline",
            template="actions/panel.html",
            order=20,
            phone_first=True,
            context={"items": timeline(ctx, kind, record.id), "kind": kind, "record_id": record.id},
        )
    ]


@hookimpl
def kht_register_commands(cli: Any) -> None:
    @cli.group("reminders")
    def reminders_group() -> None:
        """Reminders of planned actions."""

    @reminders_group.command("send")
    def reminders_send() -> None:
        """Notify (and mail, if KHT_SMTP_HOST is set) every reminder that is due now."""
        from kht.actions.reminders import run_reminders

        sent = run_reminders(click.get_current_context().obj)
        click.echo(f"reminders sent: {sent}")


@hookimpl
def kht_demo_data(ctx: Any) -> None:
    """Planned calls and visits with reminders and participants for the demo customers."""
    from kht.actions.demo import load

    load(ctx)


@hookimpl
def kht_register_reports() -> list[Any]:
    """This module's reports (kht.actions.reports)."""
    from kht.actions.reports import REPORTS

    return REPORTS
