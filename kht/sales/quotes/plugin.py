"""The quotes module's hook implementations: routes, record kind, menu, panels, buttons,
seeding the print templates, demo data."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem, RecordAction
from kht.sales import hooks

kht_register_routes = hookimpl(hooks.routes("kht.sales.quotes"))
kht_register_record_kinds = hookimpl(hooks.record_kind("kht.sales.quotes"))
kht_validate = hookimpl(hooks.service_only("quote"))
item = MenuItem(
    key="quotes",
    section="sales",
    label_zh="报价",
    label_en="Quotes",
    url="/quotes",
    icon="file-earmark-text",
    order=42,
)
kht_menu_items = hookimpl(hooks.menu("quotes", item))


@hookimpl
def kht_on_schema_ready(ctx: Any) -> None:
    """Seed the core print template and every plugin's (once, by key)."""
    from kht.sales.quotes.printing import seed_templates

    seed_templates(ctx)


# The quotes of a customer (on its 360 page) or of an opportunity.
kht_record_panels = hookimpl(
    hooks.panel(
        "quotes",
        ("customer", "opportunity"),
        "kht.sales.quotes.views:panel_context",
        key="quotes",
        title_zh="报价",
        title_en="Quotes",
        template="quotes/panel.html",
        order=40,
    )
)


@hookimpl
def kht_record_actions(ctx: Any, kind: str, record: Any) -> list[RecordAction] | None:
    """ "New quote" on a customer's and an opportunity's page."""
    if kind not in ("customer", "opportunity") or ctx.user is None:
        return None
    if not ctx.user.can("quotes", "create"):
        return None
    if kind == "customer":
        url = f"/quotes/new?customer_id={record.id}"
    else:
        url = f"/quotes/new?customer_id={record.customer_id}&opportunity_id={record.id}"
    return [RecordAction(key="new-quote", label_zh="新建报价", label_en="New quote", url=url)]


@hookimpl
def kht_register_commands(cli: Any) -> None:
    import click

    @cli.group("quotes")
    def quotes_group() -> None:
        """Quotes."""

    @quotes_group.command("expire")
    def quotes_expire() -> None:
        """Store `expired` on sent quotes whose validity has passed (for a daily cron)."""
        from kht.sales.quotes.service import expire_quotes

        with click.get_current_context().obj.ctx() as ctx:
            changed = expire_quotes(ctx)
        click.echo(f"quotes expired: {changed}")


@hookimpl(trylast=True)
def kht_demo_data(ctx: Any) -> None:
    """Quotes for the demo customers; one accepted, its order with a plan and a payment."""
    from kht.sales.quotes.demo import load

    load(ctx)


@hookimpl
def kht_register_reports() -> list[Any]:
    """This module's reports (kht.sales.quotes.reports)."""
    from kht.sales.quotes.reports import REPORTS

    return REPORTS
