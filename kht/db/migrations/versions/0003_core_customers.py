"""Customer management: categories, groups, contacts, leads, tags, saved views, lifecycle,
attachments, search documents (with the full-text index of each database), jobs, actions.

Revision ID: 0003_core
Revises: 0002_core
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from kht.db.base import JSONType, UtcDateTime

revision = "0003_core"
down_revision = "0002_core"
branch_labels = None
depends_on = None

DEFAULT_STAGES = [
    ("target", "目标客户", "Target", 10),
    ("prospect", "潜在客户", "Prospect", 20),
    ("signed", "签约客户", "Signed", 30),
    ("active", "活跃用户", "Active user", 40),
    ("dormant", "休眠客户", "Dormant", 50),
    ("lost", "流失客户", "Lost", 60),
]
DEFAULT_TRANSITIONS = [
    ("target", "prospect"),
    ("target", "lost"),
    ("prospect", "signed"),
    ("prospect", "lost"),
    ("prospect", "target"),
    ("signed", "active"),
    ("signed", "lost"),
    ("active", "dormant"),
    ("active", "lost"),
    ("dormant", "active"),
    ("dormant", "lost"),
    ("lost", "target"),
]


def upgrade() -> None:
    op.create_table(
        "customer_categories",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("reclaim_days", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_categories")),
        sa.UniqueConstraint("name", name=op.f("uq_customer_categories_name")),
    )
    op.create_table(
        "import_mappings",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("mapping", JSONType, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
    )
    with op.batch_alter_table("import_mappings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_mappings_signature"), ["signature"], unique=False
        )

    op.create_table(
        "lifecycle_stages",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label_zh", sa.String(length=100), nullable=False),
        sa.Column("label_en", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_stages")),
        sa.UniqueConstraint("key", name=op.f("uq_lifecycle_stages_key")),
    )
    op.create_table(
        "lifecycle_transitions",
        sa.Column("from_key", sa.String(length=40), nullable=False),
        sa.Column("to_key", sa.String(length=40), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_transitions")),
        sa.UniqueConstraint("from_key", "to_key", name="uq_lifecycle_transition"),
    )
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("subtitle", sa.String(length=300), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("kind", "record_id", name="uq_search_documents_record"),
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_index("ix_search_documents_owner", ["kind", "owner_id"], unique=False)

    op.create_table(
        "tags",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("color", sa.String(length=20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
    )
    op.create_table(
        "record_tags",
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_record_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tag_id", "kind", "record_id", name=op.f("pk_record_tags")),
    )
    with op.batch_alter_table("record_tags", schema=None) as batch_op:
        batch_op.create_index("ix_record_tags_record", ["kind", "record_id"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_attachments_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index("ix_attachments_record", ["kind", "record_id"], unique=False)

    op.create_table(
        "customer_groups",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_customer_groups_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_customer_groups_name")),
    )
    op.create_table(
        "jobs",
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("params", JSONType, nullable=False),
        sa.Column("result", JSONType, nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("input_name", sa.String(length=255), nullable=False),
        sa.Column("input_data", sa.LargeBinary(), nullable=True),
        sa.Column("output_name", sa.String(length=255), nullable=False),
        sa.Column("output_data", sa.LargeBinary(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_jobs_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_type"), ["type"], unique=False)

    op.create_table(
        "saved_views",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("segment", sa.Boolean(), nullable=False),
        sa.Column("filters", JSONType, nullable=False),
        sa.Column("sort", sa.String(length=100), nullable=False),
        sa.Column("columns", JSONType, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_saved_views_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
    )
    with op.batch_alter_table("saved_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_views_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_saved_views_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "stage_changes",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=40), nullable=True),
        sa.Column("to_stage", sa.String(length=40), nullable=False),
        sa.Column("cause", sa.String(length=300), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_stage_changes_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_changes")),
    )
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stage_changes_at"), ["at"], unique=False)
        batch_op.create_index("ix_stage_changes_record", ["kind", "record_id"], unique=False)

    op.create_table(
        "actions",
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=True),
        sa.Column("done_at", UtcDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=300), nullable=False),
        sa.Column("next_step", sa.String(length=300), nullable=False),
        sa.Column("meeting_url", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_actions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_actions_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_actions_owner_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_actions_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actions_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index("ix_actions_owner_due", ["owner_id", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_actions_record", ["kind", "record_id"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("influence", sa.String(length=10), nullable=False),
        sa.Column("attitude", sa.String(length=10), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("mobile", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("wechat", sa.String(length=100), nullable=False),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_contacts_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_contacts_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_contacts_owner_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_contacts_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_email"), ["email"], unique=False)
        batch_op.create_index(
            "ix_contacts_live_updated", ["deleted_at", "updated_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contacts_mobile"), ["mobile"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "customer_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_group_members_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["customer_groups.id"],
            name=op.f("fk_customer_group_members_group_id_customer_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "customer_id", name=op.f("pk_customer_group_members")),
    )
    with op.batch_alter_table("customer_group_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_group_members_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "leads",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("discard_reason", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("converted_at", UtcDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("ext", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_leads_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_leads_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_leads_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_leads_owner_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_leads_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leads_company"), ["company"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_email"), ["email"], unique=False)
        batch_op.create_index("ix_leads_live_updated", ["deleted_at", "updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_phone"), ["phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_status"), ["status"], unique=False)

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=50), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("category_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("stage", sa.String(length=40), nullable=False, server_default="target")
        )
        batch_op.add_column(sa.Column("stage_changed_at", UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_contact_at", UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", UtcDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_customers_category_id"), ["category_id"], unique=False)
        batch_op.create_index(
            "ix_customers_live_updated", ["deleted_at", "updated_at"], unique=False
        )
        batch_op.create_index(
            "ix_customers_owner_updated", ["owner_id", "updated_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_customers_stage"), ["stage"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_customers_category_id_customer_categories"),
            "customer_categories",
            ["category_id"],
            ["id"],
            ondelete="SET NULL",
        )

    _full_text_index()
    _seed_lifecycle()


def _full_text_index() -> None:
    """FTS5 over the search tokens on SQLite, a GIN tsvector index on PostgreSQL."""
    if op.get_context().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(tokens, "
            "content='search_documents', content_rowid='id', tokenize='unicode61')"
        )
        op.execute(
            "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
            "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END"
        )
        op.execute(
            "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, tokens) "
            "VALUES ('delete', old.id, old.tokens); END"
        )
        op.execute(
            "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, tokens) "
            "VALUES ('delete', old.id, old.tokens); "
            "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END"
        )
    else:
        op.execute(
            "CREATE INDEX ix_search_documents_tsv ON search_documents "
            "USING gin (to_tsvector('simple', tokens))"
        )


def _seed_lifecycle() -> None:
    stages = sa.table(
        "lifecycle_stages",
        sa.column("key"),
        sa.column("label_zh"),
        sa.column("label_en"),
        sa.column("position"),
        sa.column("active"),
    )
    op.bulk_insert(
        stages,
        [
            {"key": k, "label_zh": zh, "label_en": en, "position": p, "active": True}
            for k, zh, en, p in DEFAULT_STAGES
        ],
    )
    transitions = sa.table("lifecycle_transitions", sa.column("from_key"), sa.column("to_key"))
    op.bulk_insert(transitions, [{"from_key": a, "to_key": b} for a, b in DEFAULT_TRANSITIONS])


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    for table in (
        "actions",
        "jobs",
        "import_mappings",
        "attachments",
        "stage_changes",
        "lifecycle_transitions",
        "lifecycle_stages",
        "saved_views",
        "record_tags",
        "tags",
        "leads",
        "contacts",
        "customer_group_members",
        "customer_groups",
        "search_documents",
    ):
        op.drop_table(table)
    with op.batch_alter_table("customers") as batch:
        for index in (
            "ix_customers_live_updated",
            "ix_customers_owner_updated",
            "ix_customers_category_id",
            "ix_customers_stage",
        ):
            batch.drop_index(index)
        for column in (
            "source",
            "category_id",
            "stage",
            "stage_changed_at",
            "last_contact_at",
            "claimed_at",
        ):
            batch.drop_column(column)
    op.drop_table("customer_categories")
