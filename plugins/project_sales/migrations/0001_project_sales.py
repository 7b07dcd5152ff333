"""project_sales: scorecard criteria and scores, settings, the buying committee, documents
and their versions, competitors per project, outcomes.

Revision ID: 0001_project_sales
Revises:
"""

import sqlalchemy as sa
from alembic import op

from kht.plugin_api import CORE_REVISION, UtcDateTime

revision = "0001_project_sales"
down_revision = None
branch_labels = ("project_sales",)
depends_on = CORE_REVISION


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _opportunity(unique: bool = False) -> sa.Column:
    return sa.Column(
        "opportunity_id",
        sa.Integer(),
        sa.ForeignKey("opportunities.id", ondelete="CASCADE"),
        nullable=False,
        unique=unique,
        index=not unique,
    )


def _user(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"))


def _scorecard() -> None:
    op.create_table(
        "project_sales_criteria",
        _id(),
        sa.Column("key", sa.String(40), nullable=False, unique=True),
        sa.Column("label_zh", sa.String(60), nullable=False),
        sa.Column("label_en", sa.String(60), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("guidance_zh", sa.Text(), nullable=False),
        sa.Column("guidance_en", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "project_sales_scores",
        _id(),
        _opportunity(),
        sa.Column("criterion_key", sa.String(40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("total_after", sa.Integer(), nullable=False),
        _user("scored_by_id"),
        sa.Column("scored_at", UtcDateTime(), nullable=False),
    )
    op.create_index(
        "ix_project_sales_scores_latest",
        "project_sales_scores",
        ["opportunity_id", "criterion_key"],
    )
    op.create_table(
        "project_sales_settings",
        _id(),
        sa.Column("min_score", sa.Integer(), nullable=False),
        sa.Column("contact_days", sa.Integer(), nullable=False),
    )


def _committee() -> None:
    contact = sa.ForeignKey("contacts.id", ondelete="CASCADE")
    op.create_table(
        "project_sales_committee",
        _id(),
        _opportunity(),
        sa.Column("contact_id", sa.Integer(), contact, nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("attitude", sa.String(10), nullable=False),
        sa.Column("strength", sa.Integer(), nullable=False),
        sa.Column("influence", sa.Integer(), nullable=False),
        sa.Column(
            "reports_to_id",
            sa.Integer(),
            sa.ForeignKey("contacts.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("last_contacted_at", UtcDateTime(), nullable=True),
        sa.Column("added_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("opportunity_id", "contact_id", name="uq_project_sales_committee"),
    )


def _documents() -> None:
    op.create_table(
        "project_sales_documents",
        _id(),
        _opportunity(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("doc_type", sa.String(20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "project_sales_document_versions",
        _id(),
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("project_sales_documents.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "attachment_id",
            sa.Integer(),
            sa.ForeignKey("attachments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        _user("uploaded_by_id"),
        sa.Column("uploaded_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("document_id", "number", name="uq_project_sales_document_versions"),
    )


def _competition() -> None:
    competitor = sa.ForeignKey("competitors.id", ondelete="CASCADE")
    op.create_table(
        "project_sales_rivals",
        _id(),
        _opportunity(),
        sa.Column("competitor_id", sa.Integer(), competitor, nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in _RIVAL_TEXTS),
        sa.UniqueConstraint("opportunity_id", "competitor_id", name="uq_project_sales_rivals"),
    )
    op.create_table(
        "project_sales_outcomes",
        _id(),
        _opportunity(unique=True),
        sa.Column("won", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column(
            "winner_id",
            sa.Integer(),
            sa.ForeignKey("competitors.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )


_RIVAL_TEXTS = ("offer", "strengths", "weaknesses", "strategy")


def upgrade() -> None:
    _scorecard()
    _committee()
    _documents()
    _competition()


def downgrade() -> None:
    for table in (
        "project_sales_outcomes",
        "project_sales_rivals",
        "project_sales_document_versions",
        "project_sales_documents",
        "project_sales_committee",
        "project_sales_settings",
        "project_sales_scores",
        "project_sales_criteria",
    ):
        op.drop_table(table)
