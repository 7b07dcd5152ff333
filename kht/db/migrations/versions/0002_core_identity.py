"""Identity and organisation: roles, departments, branches, business lines, sessions,
API tokens, login attempts, audit log; users gain role, department, branch and 2FA.

Revision ID: 0002_core
Revises: 0001_core
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import JSONType, UtcDateTime

revision = "0002_core"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def _named_table(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        *columns,
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )


def upgrade() -> None:
    op.create_table(
        "roles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("name_zh", sa.String(100), nullable=False),
        sa.Column("name_en", sa.String(100), nullable=False),
        sa.Column("grants", sa.JSON(), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("require_2fa", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("key", name="uq_roles_key"),
    )
    _named_table(
        "departments",
        sa.Column(
            "parent_id",
            sa.Integer(),
            sa.ForeignKey(
                "departments.id", name="fk_departments_parent_id_departments", ondelete="RESTRICT"
            ),
        ),
        sa.Column("path", sa.String(400), nullable=False),
    )
    op.create_index("ix_departments_path", "departments", ["path"])
    _named_table(
        "branches",
        sa.Column("code", sa.String(40), nullable=False),
        sa.UniqueConstraint("name", name="uq_branches_name"),
    )
    _named_table(
        "business_lines",
        sa.Column("code", sa.String(40), nullable=False),
        sa.UniqueConstraint("name", name="uq_business_lines_name"),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("role_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("branch_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("totp_enabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_foreign_key(
            "fk_users_role_id_roles", "roles", ["role_id"], ["id"], ondelete="RESTRICT"
        )
        batch.create_foreign_key(
            "fk_users_department_id_departments",
            "departments",
            ["department_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch.create_foreign_key(
            "fk_users_branch_id_branches", "branches", ["branch_id"], ["id"], ondelete="RESTRICT"
        )
        batch.create_index("ix_users_role_id", ["role_id"])
        batch.create_index("ix_users_department_id", ["department_id"])
        batch.create_index("ix_users_branch_id", ["branch_id"])
    op.create_table(
        "user_business_lines",
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "business_line_id",
            sa.Integer(),
            sa.ForeignKey("business_lines.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_table(
        "user_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("user_agent", sa.String(300), nullable=False),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime()),
        sa.Column("revoked_at", UtcDateTime()),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("login", sa.String(80), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
    )
    for column in ("login", "ip", "at"):
        op.create_index(f"ix_login_attempts_{column}", "login_attempts", [column])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("changes", JSONType, nullable=False),
    )
    op.create_index("ix_audit_log_record", "audit_log", ["kind", "record_id"])


def downgrade() -> None:
    for table in (
        "audit_log",
        "login_attempts",
        "api_tokens",
        "user_sessions",
        "user_business_lines",
    ):
        op.drop_table(table)
    with op.batch_alter_table("users") as batch:
        for name in (
            "fk_users_role_id_roles",
            "fk_users_department_id_departments",
            "fk_users_branch_id_branches",
        ):
            batch.drop_constraint(name, type_="foreignkey")
        for column in ("role_id", "department_id", "branch_id", "totp_secret", "totp_enabled"):
            batch.drop_column(column)
    for table in ("business_lines", "branches", "departments", "roles"):
        op.drop_table(table)
