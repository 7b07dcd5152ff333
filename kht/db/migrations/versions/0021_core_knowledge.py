"""Knowledge base (kht.knowledge): categories, articles, published versions; meeting
invitations (kht.actions.invitations) and the iCalendar part of outgoing mail.

Revision ID: 0021_core
Revises: 0020_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from kht.db.base import UtcDateTime

revision = "0021_core"
down_revision = "0020_core"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete="SET NULL"
    )


def _categories() -> None:
    op.create_table(
        "knowledge_categories",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["knowledge_categories.id"],
            name=op.f("fk_knowledge_categories_parent_id_knowledge_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_categories")),
    )


def _articles() -> None:
    table = "knowledge_articles"
    op.create_table(
        table,
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("article_category_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        sa.Column("view_count", sa.Integer(), nullable=False),
        sa.Column("helpful_yes", sa.Integer(), nullable=False),
        sa.Column("helpful_no", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_category_id"],
            ["knowledge_categories.id"],
            name=op.f("fk_knowledge_articles_article_category_id_knowledge_categories"),
            ondelete="SET NULL",
        ),
        _user_fk(table, "created_by_id"),
        _user_fk(table, "owner_id"),
        _user_fk(table, "updated_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_articles")),
    )
    op.create_index(op.f("ix_knowledge_articles_owner_id"), table, ["owner_id"])
    op.create_index("ix_knowledge_articles_status", table, ["status", "audience"])


def _versions() -> None:
    table = "knowledge_versions"
    op.create_table(
        table,
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_versions_article_id_knowledge_articles"),
            ondelete="CASCADE",
        ),
        _user_fk(table, "published_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_versions")),
        sa.UniqueConstraint("article_id", "number", name="uq_knowledge_versions"),
    )
    op.create_index(op.f("ix_knowledge_versions_article_id"), table, ["article_id"])


def _invitations() -> None:
    op.create_table(
        "meeting_invitations",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_meeting_invitations_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", name=op.f("pk_meeting_invitations")),
    )
    with op.batch_alter_table("mail_outbox") as batch:
        batch.add_column(sa.Column("calendar", sa.Text(), nullable=False, server_default=""))


def upgrade() -> None:
    _categories()
    _articles()
    _versions()
    _invitations()


def downgrade() -> None:
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_column("calendar")
    op.drop_table("meeting_invitations")
    op.drop_table("knowledge_versions")
    op.drop_table("knowledge_articles")
    op.drop_table("knowledge_categories")
