"""The instance key kept in the database (kht.instance_key), made once here, so every process
of an installation signs and seals alike without KHT_SECRET_KEY; webhook secrets left plain by
0019 (no KHT_SECRET_KEY then) are sealed with it.

Revision ID: 0020_core
Revises: 0019_core
Create Date: 2026-12-07
"""

import copy

import sqlalchemy as sa
from alembic import context, op

from kht import crypto
from kht.config import load_settings
from kht.instance_key import SECRET_KEY, new_key

revision = "0020_core"
down_revision = "0019_core"
branch_labels = None
depends_on = None

subscriptions = sa.table(
    "webhook_subscriptions", sa.column("id", sa.Integer), sa.column("secret", sa.String)
)


def upgrade() -> None:
    keys = op.create_table(
        "instance_keys",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_instance_keys")),
    )
    stored = new_key()
    op.bulk_insert(keys, [{"name": SECRET_KEY, "value": stored}])
    bind = op.get_bind()
    plain = bind.execute(
        sa.select(subscriptions.c.id, subscriptions.c.secret).where(
            subscriptions.c.secret.like("whsec_%")
        )
    ).all()
    if not plain:
        return
    # The running instance's settings (its KHT_SECRET_KEY seals); without one, the stored key.
    settings = copy.copy(context.config.attributes.get("settings") or load_settings())
    settings.secret_key = settings.secret_key or stored
    for row_id, secret in plain:
        sealed = crypto.seal(settings, secret, crypto.WEBHOOK_SECRET)
        bind.execute(
            subscriptions.update().where(subscriptions.c.id == row_id).values(secret=sealed)
        )


def downgrade() -> None:
    bind = op.get_bind()
    stored = bind.execute(
        sa.text("SELECT value FROM instance_keys WHERE name = :n"), {"n": SECRET_KEY}
    ).scalar()
    settings = copy.copy(context.config.attributes.get("settings") or load_settings())
    if stored and settings.secret_key in ("", stored):
        # Sealed with the key about to go: back to plain, as 0019 left them without a key.
        settings.secret_key = stored
        rows = bind.execute(sa.select(subscriptions.c.id, subscriptions.c.secret)).all()
        for row_id, sealed in rows:
            if sealed and not sealed.startswith("whsec_"):
                secret = crypto.unseal(settings, sealed, crypto.WEBHOOK_SECRET, "secret")
                bind.execute(
                    subscriptions.update().where(subscriptions.c.id == row_id).values(secret=secret)
                )
    op.drop_table("instance_keys")
