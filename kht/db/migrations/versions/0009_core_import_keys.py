"""Expression indexes on the natural keys imports match on (kht.importing.kinds.key_sql),
and indexes on a lead's customer and contact (deleting 100,000 customers scanned the leads
once per customer to keep the foreign keys).

Without them every chunk of an import scanned the whole table to find duplicates, so an
import into 100,000 customers ran at a few hundred rows a second. The expressions must stay
exactly those of `key_sql` (phones with separators removed, other keys trimmed and lower
case). They live only here: SQLAlchemy models cannot compare expression indexes.

Revision ID: 0009_core
Revises: 0008_core
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_core"
down_revision = "0008_core"
branch_labels = None
depends_on = None

SEPARATORS = ("-", " ", "(", ")", "+", ".")
KEYS = (  # table, column, is a phone
    ("customers", "name", False),
    ("customers", "phone", True),
    ("customers", "email", False),
    ("contacts", "mobile", True),
    ("contacts", "email", False),
    ("leads", "phone", True),
    ("leads", "email", False),
    ("products", "code", False),
)


def key_expression(column: str, phone: bool) -> str:
    if not phone:
        return f"lower(trim({column}))"
    expr = column
    for separator in SEPARATORS:
        expr = f"replace({expr}, '{separator}', '')"
    return expr


def upgrade() -> None:
    op.create_index(op.f("ix_leads_customer_id"), "leads", ["customer_id"])
    op.create_index(op.f("ix_leads_contact_id"), "leads", ["contact_id"])
    for table, column, phone in KEYS:
        op.create_index(f"ix_{table}_key_{column}", table, [sa.text(key_expression(column, phone))])


def downgrade() -> None:
    op.drop_index(op.f("ix_leads_contact_id"), table_name="leads")
    op.drop_index(op.f("ix_leads_customer_id"), table_name="leads")
    for table, column, _ in KEYS:
        op.drop_index(f"ix_{table}_key_{column}", table_name=table)
