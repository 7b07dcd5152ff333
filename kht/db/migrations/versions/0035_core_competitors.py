"""Competitors as a record kind (kht.competitors), linked to opportunities; each
opportunity's free-text `competitors` becomes links to competitor records (one per distinct
name, ignoring case), and the text keeps their names; built-in roles get their default grant
on the new `competitors` module.

Revision ID: 0035_core
Revises: 0034_core
Create Date: 2026-12-07
"""

import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from kht.db.base import UtcDateTime

revision = "0035_core"
down_revision = "0034_core"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
# How reps separated names in the free text (as kht.competitors.service.SEPARATORS).
SEPARATORS = re.compile(r"[,，;；、/|\n]+")
_ALL = ["view", "create", "edit", "delete", "import", "export", "assign", "admin"]
# The `competitors` grants of the built-in roles as kht.auth.permissions declared them.
GRANTS = {
    "administrator": {"ops": _ALL, "scope": "all"},
    "sales_manager": {"ops": ["view", "create", "export"], "scope": "all"},
    "sales_rep": {"ops": ["view", "create"], "scope": "all"},
    "marketing": {"ops": ["view"], "scope": "all"},
    "executive": {"ops": ["view", "export"], "scope": "all"},
}


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete="SET NULL"
    )


def _tables() -> None:
    table = "competitors"
    op.create_table(
        table,
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("products", sa.Text(), nullable=False),
        sa.Column("price_positioning", sa.String(length=10), nullable=False),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("weaknesses", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSON, nullable=False),
        _user_fk(table, "created_by_id"),
        _user_fk(table, "owner_id"),
        _user_fk(table, "updated_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competitors")),
    )
    op.create_index(op.f("ix_competitors_owner_id"), table, ["owner_id"])
    op.create_table(
        "opportunity_competitors",
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("competitor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_competitors_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["competitor_id"],
            ["competitors.id"],
            name=op.f("fk_opportunity_competitors_competitor_id_competitors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "opportunity_id", "competitor_id", name=op.f("pk_opportunity_competitors")
        ),
    )
    op.create_index(
        op.f("ix_opportunity_competitors_competitor_id"),
        "opportunity_competitors",
        ["competitor_id"],
    )


def _names(text: str) -> list[str]:
    names: dict[str, str] = {}
    for part in SEPARATORS.split(text or ""):
        name = part.strip()[:200]
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())


def _links_from_text() -> None:
    """Every distinct name becomes a competitor; each opportunity links to its names, and
    its text is rewritten as the linked names (", "-separated, by name)."""
    bind = op.get_bind()
    now = datetime.now(UTC)
    opportunities = sa.table(
        "opportunities", sa.column("id", sa.Integer), sa.column("competitors", sa.String)
    )
    competitors = sa.table(
        "competitors",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        *(sa.column(c, sa.Text) for c in ("products", "strengths", "weaknesses")),
        sa.column("price_positioning", sa.String),
        sa.column("version", sa.Integer),
        sa.column("ext", JSON),
        sa.column("created_at", UtcDateTime),
        sa.column("updated_at", UtcDateTime),
    )
    links = sa.table(
        "opportunity_competitors",
        sa.column("opportunity_id", sa.Integer),
        sa.column("competitor_id", sa.Integer),
    )
    rows = bind.execute(
        sa.select(opportunities.c.id, opportunities.c.competitors).where(
            opportunities.c.competitors != ""
        )
    ).all()
    ids: dict[str, int] = {}
    spelt: dict[str, str] = {}  # the first spelling met names the record
    for row in rows:
        names = _names(row.competitors)
        for name in names:
            if name.casefold() not in ids:
                spelt[name.casefold()] = name
                ids[name.casefold()] = bind.execute(
                    competitors.insert()
                    .values(
                        name=name,
                        products="",
                        strengths="",
                        weaknesses="",
                        price_positioning="",
                        version=1,
                        ext={},
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(competitors.c.id)
                ).scalar_one()
        linked = sorted({ids[n.casefold()] for n in names})
        bind.execute(
            links.insert(), [{"opportunity_id": row.id, "competitor_id": i} for i in linked]
        )
        text = ", ".join(sorted({spelt[n.casefold()] for n in names}))[:500]
        bind.execute(
            opportunities.update().where(opportunities.c.id == row.id).values(competitors=text)
        )


def _grant() -> None:
    """Built-in roles made before the `competitors` module get its default grant."""
    roles = sa.table(
        "roles", sa.column("id", sa.Integer), sa.column("key", sa.String), sa.column("grants", JSON)
    )
    bind = op.get_bind()
    for row in bind.execute(sa.select(roles.c.id, roles.c.key, roles.c.grants)).all():
        grants = dict(row.grants or {})
        if row.key not in GRANTS or "competitors" in grants:
            continue
        grants["competitors"] = GRANTS[row.key]
        bind.execute(roles.update().where(roles.c.id == row.id).values(grants=grants))


def upgrade() -> None:
    _tables()
    _links_from_text()
    _grant()


def downgrade() -> None:
    op.drop_index(
        op.f("ix_opportunity_competitors_competitor_id"), table_name="opportunity_competitors"
    )
    op.drop_table("opportunity_competitors")
    op.drop_index(op.f("ix_competitors_owner_id"), table_name="competitors")
    op.drop_table("competitors")
