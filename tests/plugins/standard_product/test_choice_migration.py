"""Migration 0002 of the pack: values stored as "仪器仪表 Instruments" become the key
`instruments` (leads, customers and the settings' target profile), and its downgrade gives
the old text back. Run on SQLite and PostgreSQL (KHT_TEST_DATABASE_URL)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select, update

from kht.customers.models import Customer
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.db.migrate import alembic_config
from kht.leads.models import Lead
from kht.plugins import migration_dirs
from plugins.standard_product.models import SETTINGS_ID, PackSettings

PACK = "standard_product"
KEYS = {
    "industry": "instruments",
    "company_size": "staff_1000_plus",
    "purchase_timeframe": "within_1_month",
    "budget_range": "from_500k_to_2m",
    "product_interest": ["equipment", "maintenance"],
    "province": "浙江",
}
OLD = {
    "industry": "仪器仪表 Instruments",
    "company_size": "1000人以上 1000+ staff",
    "purchase_timeframe": "1个月内 Within 1 month",
    "budget_range": "50-200万 500k-2M",
    "product_interest": ["整机 Equipment", "维保服务 Maintenance"],
    "province": "浙江",
}


def stored(shop) -> dict[str, object]:
    """The raw JSON of the records and of the settings, as the database holds it."""
    with shop.runtime.engine.connect() as connection:
        leads = dict(connection.execute(select(Lead.name, Lead.ext)).all())
        customers = dict(connection.execute(select(Customer.name, Customer.ext)).all())
        settings = connection.scalar(
            select(PackSettings.data).where(PackSettings.id == SETTINGS_ID)
        )
    return {"leads": leads, "customers": customers, "settings": settings}


def migrate(shop, direction: str) -> None:
    config = alembic_config(shop.runtime.engine, migration_dirs(shop.runtime.found))
    if direction == "down":
        command.downgrade(config, "0001_standard_product")
    else:
        command.upgrade(config, f"{PACK}@head")


def test_the_keys_go_back_to_the_old_text_on_downgrade_and_return_on_upgrade(shop):
    shop.settings()  # the README's profile: automotive and machinery, ...
    shop.lead(KEYS, name="明达仪器")
    with shop.at("admin") as ctx:
        create_customer(
            ctx, CustomerCreate(name="华远汽车", ext={PACK: {"industry": "automotive"}})
        )
    with_keys = stored(shop)

    migrate(shop, "down")
    old = stored(shop)
    assert old["leads"]["明达仪器"] == {PACK: OLD}
    assert old["customers"]["华远汽车"] == {PACK: {"industry": "汽车 Automotive"}}
    assert old["settings"]["target_industries"] == ["汽车 Automotive", "机械 Machinery"]
    assert old["settings"]["target_products"] == ["整机 Equipment", "维保服务 Maintenance"]
    assert old["settings"]["threshold"] == with_keys["settings"]["threshold"]

    migrate(shop, "up")
    assert stored(shop) == with_keys


def test_old_values_written_before_the_upgrade_become_keys_and_the_rest_stays(shop):
    migrate(shop, "down")
    written = {
        shop.lead({}, name="旧线索"): {PACK: OLD, "custom": {"note": "仪器仪表 Instruments"}},
        shop.lead({}, name="未知行业"): {PACK: {"industry": "造船 Shipbuilding"}},
        shop.lead({}, name="无扩展"): {},
    }
    with shop.runtime.engine.begin() as connection:
        for lead_id, ext in written.items():
            connection.execute(update(Lead).where(Lead.id == lead_id).values(ext=ext))

    migrate(shop, "up")
    leads = stored(shop)["leads"]
    assert leads["旧线索"] == {PACK: KEYS, "custom": {"note": "仪器仪表 Instruments"}}
    assert leads["未知行业"] == {PACK: {"industry": "造船 Shipbuilding"}}
    assert leads["无扩展"] == {}
