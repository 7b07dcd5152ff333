"""Migration 0035: the free-text competitors of existing opportunities become links to
competitor records, one per distinct name (ignoring case)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from kht.db.migrate import alembic_config
from kht.plugins import migration_dirs
from kht.runtime import Runtime
from kht.testing import acting_as, add_user, settings_for
from tests.core.test_migrations import empty_database_url

OPPORTUNITIES = sa.table("opportunities", sa.column("id"), sa.column("competitors"))


def _opportunities(runtime: Runtime, count: int) -> list[int]:
    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer
    from kht.sales.opportunities.schemas import OpportunityCreate
    from kht.sales.opportunities.service import create_opportunity

    add_user(runtime, "boss", "administrator")
    with acting_as(runtime, "boss") as ctx:
        customer = create_customer(ctx, CustomerCreate(name="华东电器"))
        return [
            create_opportunity(ctx, OpportunityCreate(name=f"项目{i}", customer_id=customer.id)).id
            for i in range(count)
        ]


def test_free_text_competitors_become_links(kht_databases):
    runtime = Runtime.from_settings(settings_for(empty_database_url(kht_databases, "rivals")))
    runtime.migrate()
    first, second, third = _opportunities(runtime, 3)
    config = alembic_config(runtime.engine, migration_dirs(runtime.found), runtime.settings)
    command.downgrade(config, "0034_core")  # as it was: text only
    texts = {first: "华为, Cisco；华为", second: "cisco、 浪潮 ", third: ""}
    with runtime.engine.begin() as connection:
        for opportunity_id, text in texts.items():
            connection.execute(
                OPPORTUNITIES.update()
                .where(OPPORTUNITIES.c.id == opportunity_id)
                .values(competitors=text)
            )
    runtime.migrate()
    with runtime.engine.connect() as connection:
        names = dict(connection.execute(sa.text("SELECT id, name FROM competitors")).all())
        links = connection.execute(
            sa.text("SELECT opportunity_id, competitor_id FROM opportunity_competitors")
        ).all()
        query = sa.select(OPPORTUNITIES.c.id, OPPORTUNITIES.c.competitors)
        rewritten = {row.id: row.competitors for row in connection.execute(query)}
    assert sorted(names.values()) == ["Cisco", "华为", "浪潮"]
    linked: dict[int, set[str]] = {}
    for opportunity_id, competitor_id in links:
        linked.setdefault(opportunity_id, set()).add(names[competitor_id])
    assert linked == {first: {"华为", "Cisco"}, second: {"Cisco", "浪潮"}}
    assert rewritten == {first: "Cisco, 华为", second: "Cisco, 浪潮", third: ""}
    runtime.engine.dispose()
