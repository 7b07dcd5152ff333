"""The product catalogue: products, price lists and price-list items.

Revision ID: 0004_core
Revises: 0003_core
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import JSONType, UtcDateTime

revision = "0004_core"
down_revision = "0003_core"
branch_labels = None
depends_on = None


def _record_columns(table: str) -> list:
    """The columns and foreign keys of kht.db.base.BusinessRecord + ExtensibleMixin."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
        *(
            sa.ForeignKeyConstraint(
                [column],
                ["users.id"],
                name=op.f(f"fk_{table}_{column}_users"),
                ondelete="SET NULL",
            )
            for column in ("created_by_id", "owner_id", "updated_by_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("product_line_id", sa.Integer(), nullable=True),
        sa.Column("list_price", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("tax_rate", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        *_record_columns("products"),
        sa.ForeignKeyConstraint(
            ["product_line_id"],
            ["business_lines.id"],
            name=op.f("fk_products_product_line_id_business_lines"),
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("code", name=op.f("uq_products_code")),
    )
    op.create_index(op.f("ix_products_category"), "products", ["category"], unique=False)
    op.create_index(
        "ix_products_live_updated", "products", ["deleted_at", "updated_at"], unique=False
    )
    op.create_index(op.f("ix_products_name"), "products", ["name"], unique=False)
    op.create_index(op.f("ix_products_owner_id"), "products", ["owner_id"], unique=False)
    op.create_index(
        op.f("ix_products_product_line_id"), "products", ["product_line_id"], unique=False
    )

    op.create_table(
        "price_lists",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("customer_category_id", sa.Integer(), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        *_record_columns("price_lists"),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branches.id"],
            name=op.f("fk_price_lists_branch_id_branches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_category_id"],
            ["customer_categories.id"],
            name=op.f("fk_price_lists_customer_category_id_customer_categories"),
            ondelete="SET NULL",
        ),
    )
    op.create_index(op.f("ix_price_lists_branch_id"), "price_lists", ["branch_id"], unique=False)
    op.create_index(
        op.f("ix_price_lists_customer_category_id"),
        "price_lists",
        ["customer_category_id"],
        unique=False,
    )
    op.create_index(op.f("ix_price_lists_owner_id"), "price_lists", ["owner_id"], unique=False)

    op.create_table(
        "price_list_items",
        sa.Column("price_list_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("price", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("min_quantity", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["price_list_id"],
            ["price_lists.id"],
            name=op.f("fk_price_list_items_price_list_id_price_lists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_price_list_items_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_list_items")),
    )
    op.create_index(
        op.f("ix_price_list_items_price_list_id"),
        "price_list_items",
        ["price_list_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_price_list_items_product_id"), "price_list_items", ["product_id"], unique=False
    )
    op.create_index(
        "uq_price_list_items_tier",
        "price_list_items",
        ["price_list_id", "product_id", "min_quantity"],
        unique=True,
    )


def downgrade() -> None:
    for table in ("price_list_items", "price_lists", "products"):
        op.drop_table(table)
