"""Mail accounts and the mail archive (kht.mail): accounts and shared-mailbox members, the
IMAP read position per folder, messages stored once per Message-ID with their copies and
record links, mail templates; the outbox learns per-account sending and threading; built-in
roles get their default grant on the new `mail` module.

Revision ID: 0014_core
Revises: 0013_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import UtcDateTime

revision = "0014_core"
down_revision = "0013_core"
branch_labels = None
depends_on = None

# The `mail` grants of the built-in roles as kht.auth.permissions declared them on this day.
_EDIT = ["view", "create", "edit"]
_MANAGE = ["view", "create", "edit", "delete", "import", "export", "assign"]
_ALL = ["view", "create", "edit", "delete", "import", "export", "assign", "admin"]
MAIL_GRANTS = {
    "administrator": {"ops": _ALL, "scope": "all"},
    "sales_manager": {"ops": _MANAGE, "scope": "department_tree"},
    "sales_rep": {"ops": _EDIT, "scope": "own"},
    "service": {"ops": _EDIT, "scope": "own"},
    "executive": {"ops": ["view", "export"], "scope": "all"},
}


def upgrade() -> None:
    op.create_table(
        "mail_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("login", sa.String(length=320), nullable=False),
        sa.Column("password_secret", sa.Text(), nullable=False),
        sa.Column("smtp_host", sa.String(length=255), nullable=False),
        sa.Column("smtp_port", sa.Integer(), nullable=False),
        sa.Column("smtp_security", sa.String(length=10), nullable=False),
        sa.Column("imap_host", sa.String(length=255), nullable=False),
        sa.Column("imap_port", sa.Integer(), nullable=False),
        sa.Column("imap_security", sa.String(length=10), nullable=False),
        sa.Column("folders", sa.JSON(), nullable=False),
        sa.Column("match_domains", sa.Boolean(), nullable=False),
        sa.Column("poll_minutes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_fetch_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=False),
        sa.Column("fetch_claimed_until", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_mail_accounts_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_accounts")),
    )
    op.create_index(op.f("ix_mail_accounts_owner_id"), "mail_accounts", ["owner_id"])
    op.create_table(
        "mail_account_members",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["mail_accounts.id"],
            name=op.f("fk_mail_account_members_account_id_mail_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mail_account_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "user_id", name=op.f("pk_mail_account_members")),
    )
    op.create_index(op.f("ix_mail_account_members_user_id"), "mail_account_members", ["user_id"])
    op.create_table(
        "mail_folder_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("folder", sa.String(length=200), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["mail_accounts.id"],
            name=op.f("fk_mail_folder_states_account_id_mail_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_folder_states")),
        sa.UniqueConstraint("account_id", "folder", name=op.f("uq_mail_folder_states_account_id")),
    )
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=500), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("from_address", sa.String(length=320), nullable=False),
        sa.Column("from_name", sa.String(length=200), nullable=False),
        sa.Column("to_addresses", sa.JSON(), nullable=False),
        sa.Column("cc_addresses", sa.JSON(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=False),
        sa.Column("in_reply_to", sa.String(length=500), nullable=False),
        sa.Column("refs", sa.Text(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mail_messages_message_id")),
    )
    op.create_index(op.f("ix_mail_messages_from_address"), "mail_messages", ["from_address"])
    op.create_index(op.f("ix_mail_messages_sent_at"), "mail_messages", ["sent_at"])
    op.create_index(op.f("ix_mail_messages_thread_id"), "mail_messages", ["thread_id"])
    op.create_table(
        "mail_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("folder", sa.String(length=200), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["mail_accounts.id"],
            name=op.f("fk_mail_copies_account_id_mail_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["mail_messages.id"],
            name=op.f("fk_mail_copies_message_id_mail_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_copies")),
        sa.UniqueConstraint("account_id", "message_id", name=op.f("uq_mail_copies_account_id")),
    )
    op.create_index(op.f("ix_mail_copies_account_id"), "mail_copies", ["account_id"])
    op.create_index(op.f("ix_mail_copies_message_id"), "mail_copies", ["message_id"])
    op.create_table(
        "mail_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["mail_messages.id"],
            name=op.f("fk_mail_links_message_id_mail_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_links")),
        sa.UniqueConstraint(
            "message_id", "kind", "record_id", name=op.f("uq_mail_links_message_id")
        ),
    )
    op.create_index("ix_mail_links_record", "mail_links", ["kind", "record_id"])
    op.create_table(
        "mail_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_mail_templates_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_mail_templates_name")),
    )
    with op.batch_alter_table("mail_outbox") as batch:
        batch.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("message_id", sa.String(length=500), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("cc_addresses", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("in_reply_to", sa.String(length=500), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("refs", sa.Text(), nullable=False, server_default=""))
        batch.create_foreign_key(
            op.f("fk_mail_outbox_account_id_mail_accounts"),
            "mail_accounts",
            ["account_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _grant_mail()


def _grant_mail() -> None:
    """Built-in roles made before the `mail` module get its default grant (an administrator
    who changes a role later keeps their choice)."""
    roles = sa.table(
        "roles",
        sa.column("id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("builtin", sa.Boolean),
        sa.column("grants", sa.JSON),
    )
    bind = op.get_bind()
    for row in bind.execute(sa.select(roles.c.id, roles.c.key, roles.c.grants)).all():
        grants = dict(row.grants or {})
        if row.key not in MAIL_GRANTS or "mail" in grants:
            continue
        grants["mail"] = MAIL_GRANTS[row.key]
        bind.execute(roles.update().where(roles.c.id == row.id).values(grants=grants))


def downgrade() -> None:
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_constraint(op.f("fk_mail_outbox_account_id_mail_accounts"), type_="foreignkey")
        for name in ("refs", "in_reply_to", "cc_addresses", "message_id", "account_id"):
            batch.drop_column(name)
    op.drop_table("mail_templates")
    op.drop_index("ix_mail_links_record", table_name="mail_links")
    op.drop_table("mail_links")
    op.drop_table("mail_copies")
    op.drop_table("mail_messages")
    op.drop_table("mail_folder_states")
    op.drop_table("mail_account_members")
    op.drop_table("mail_accounts")
