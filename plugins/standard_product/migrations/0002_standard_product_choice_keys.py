"""standard_product: choices stored as keys ("instruments") instead of "仪器仪表 Instruments".

Rewrites the pack's values in the `ext` of leads and customers and the target lists of its
settings. Done in Python over batches of rows, so it is the same on SQLite and PostgreSQL
(no dialect's JSON functions). The mapping is written out here rather than imported from the
pack: a migration must keep meaning what it meant when it was written.

Revision ID: 0002_standard_product
Revises: 0001_standard_product
"""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_standard_product"
down_revision = "0001_standard_product"
branch_labels = None
depends_on = None

NAMESPACE = "standard_product"
BATCH = 500
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# field -> {old stored text: key}
KEYS: dict[str, dict[str, str]] = {
    "industry": {
        "汽车 Automotive": "automotive",
        "电子 Electronics": "electronics",
        "机械 Machinery": "machinery",
        "医疗器械 Medical devices": "medical_devices",
        "仪器仪表 Instruments": "instruments",
        "办公设备 Office equipment": "office_equipment",
        "家具 Furniture": "furniture",
        "其他 Other": "other",
    },
    "company_size": {
        "1-49人 1-49 staff": "staff_1_49",
        "50-199人 50-199 staff": "staff_50_199",
        "200-999人 200-999 staff": "staff_200_999",
        "1000人以上 1000+ staff": "staff_1000_plus",
    },
    "purchase_timeframe": {
        "1个月内 Within 1 month": "within_1_month",
        "1-3个月 1-3 months": "months_1_3",
        "3-6个月 3-6 months": "months_3_6",
        "6个月以上 Over 6 months": "over_6_months",
        "暂无计划 No plan": "no_plan",
    },
    "budget_range": {
        "10万以下 Under 100k": "under_100k",
        "10-50万 100k-500k": "from_100k_to_500k",
        "50-200万 500k-2M": "from_500k_to_2m",
        "200万以上 Over 2M": "over_2m",
        "未知 Unknown": "unknown",
    },
    "product_interest": {
        "整机 Equipment": "equipment",
        "配件 Parts": "parts",
        "耗材 Consumables": "consumables",
        "维保服务 Maintenance": "maintenance",
        "培训 Training": "training",
    },
}
# settings list -> the field whose choices it holds
TARGETS = {
    "target_industries": "industry",
    "target_sizes": "company_size",
    "target_timeframes": "purchase_timeframe",
    "target_budgets": "budget_range",
    "target_products": "product_interest",
}


def _mapped(value: Any, mapping: dict[str, str]) -> Any:
    """A value (or list of values) with every known choice replaced; others kept as they are."""
    if isinstance(value, list):
        return [mapping.get(item, item) if isinstance(item, str) else item for item in value]
    return mapping.get(value, value) if isinstance(value, str) else value


def _ext(ext: Any, mappings: dict[str, dict[str, str]]) -> Any:
    if not isinstance(ext, dict) or not isinstance(ext.get(NAMESPACE), dict):
        return ext
    values = {
        name: _mapped(value, mappings[name]) if name in mappings else value
        for name, value in ext[NAMESPACE].items()
    }
    return {**ext, NAMESPACE: values}


def _settings(data: Any, mappings: dict[str, dict[str, str]]) -> Any:
    if not isinstance(data, dict):
        return data
    return {
        key: _mapped(value, mappings[TARGETS[key]]) if key in TARGETS else value
        for key, value in data.items()
    }


def _rewrite(table_name: str, column: str, convert: Callable[[Any], Any]) -> None:
    """Apply `convert` to `column` of every row, BATCH rows at a time (by id)."""
    bind = op.get_bind()
    table = sa.table(table_name, sa.column("id", sa.Integer()), sa.column(column, JSON))
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values({column: sa.bindparam("new_value", type_=JSON)})
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c[column])
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        changed = [
            {"row_id": row_id, "new_value": new}
            for row_id, value in rows
            if (new := convert(value)) != value
        ]
        if changed:
            bind.execute(update, changed)
        last = rows[-1][0]


def _migrate(mappings: dict[str, dict[str, str]]) -> None:
    for table_name in ("leads", "customers"):
        _rewrite(table_name, "ext", lambda ext: _ext(ext, mappings))
    _rewrite("standard_product_settings", "data", lambda data: _settings(data, mappings))


def upgrade() -> None:
    _migrate(KEYS)


def downgrade() -> None:
    _migrate({name: {key: old for old, key in keys.items()} for name, keys in KEYS.items()})
