"""The pool module's hook implementations: routes, menu, record buttons, CLI, demo data."""

from __future__ import annotations

from typing import Any

import click

from kht.hookspecs import hookimpl
from kht.plugin_types import NIGHTLY_CATCH_UP, MenuItem, PeriodicTask, RecordAction, admin_menu


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.pool import api, views

    return [*api.ROUTES, *views.ROUTES]


def _reclaim_pool(runtime: Any) -> None:
    from kht.pool.service import run_reclaim

    run_reclaim(runtime)


@hookimpl
def kht_register_periodic_tasks() -> list[PeriodicTask]:
    # At night in the company's time zone, caught up for six hours after a stopped worker.
    return [
        PeriodicTask(
            key="kht.reclaim_pool",
            cron="30 2 * * *",
            run=_reclaim_pool,
            description="customers nobody followed up go back to the shared pool",
            catch_up_minutes=NIGHTLY_CATCH_UP,
        )
    ]


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    if ctx.user is None or not ctx.user.can("customers", "view"):
        return []
    categories = admin_menu(
        ctx,
        "customers",
        key="admin_categories",
        label_zh="客户分类",
        label_en="Customer categories",
        url="/admin/categories",
        icon="tags",
        order=825,
    )
    pool = MenuItem(
        key="pool",
        section="customers",
        label_zh="公海",
        label_en="Shared pool",
        url="/pool",
        icon="water",
        order=22,
    )
    return [pool, *categories]


@hookimpl
def kht_record_actions(ctx: Any, kind: str, record: Any) -> list[RecordAction] | None:
    """Claim (pool customers) or Release (owned ones, for their owner or a manager)."""
    user = ctx.user
    if kind != "customer" or user is None or not user.can("customers", "edit"):
        return None
    if record.owner_id is None:
        return [
            RecordAction(
                key="claim",
                label_zh="领取",
                label_en="Claim",
                url=f"/pool/{record.id}/claim",
                method="POST",
            )
        ]
    if record.owner_id == user.id or user.can("customers", "assign"):
        return [
            RecordAction(
                key="release",
                label_zh="退回公海",
                label_en="Release to pool",
                url=f"/customers/{record.id}/release",
            )
        ]
    return None


@hookimpl
def kht_register_commands(cli: Any) -> None:
    @cli.group("pool")
    def pool_group() -> None:
        """The shared customer pool."""

    @pool_group.command("reclaim")
    @click.option("--dry-run", is_flag=True, help="Only count what would go back to the pool.")
    def pool_reclaim(dry_run: bool) -> None:
        """Return customers nobody followed up (per category's reclaim days) to the pool."""
        from kht.pool.service import run_reclaim

        counts = run_reclaim(click.get_current_context().obj, dry_run=dry_run)
        verb = "would be reclaimed" if dry_run else "reclaimed"
        for name, number in counts.items():
            click.echo(f"{name}: {number} {verb}")
        click.echo(f"total: {sum(counts.values())} {verb}")


# (name, reclaim days, position): the demo's categories.
DEMO_CATEGORIES = (("重点客户", None, 10), ("普通客户", 30, 20), ("潜在客户", 15, 30))
DEMO_POOL = (
    ("深圳南山精密仪器有限公司", "0755-26001234"),
    ("成都天府软件园服务有限公司", "028-85001234"),
)


@hookimpl
def kht_demo_data(ctx: Any) -> None:
    """Customer categories with reclaim rules, and two customers waiting in the pool."""
    from sqlalchemy import select

    from kht import record_service as records
    from kht.customers.models import Customer, CustomerCategory
    from kht.customers.service import SPEC

    existing = set(ctx.session.scalars(select(CustomerCategory.name)))
    for name, days, position in DEMO_CATEGORIES:
        if name not in existing:
            ctx.session.add(CustomerCategory(name=name, reclaim_days=days, position=position))
    names = set(ctx.session.scalars(select(Customer.name)))
    for name, phone in DEMO_POOL:
        if name not in names:
            records.create_record(ctx, SPEC, {"name": name, "phone": phone}, owner_id=None)
    ctx.session.flush()
