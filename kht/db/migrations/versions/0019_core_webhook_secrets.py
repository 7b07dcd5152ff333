"""Webhook signing secrets sealed at rest with the instance key (kht.crypto).

Revision ID: 0019_core
Revises: 0018_core
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import context, op

from kht import crypto
from kht.config import load_settings

revision = "0019_core"
down_revision = "0018_core"
branch_labels = None
depends_on = None

subscriptions = sa.table(
    "webhook_subscriptions", sa.column("id", sa.Integer), sa.column("secret", sa.String)
)


def _settings():
    # The running instance's settings (so its KHT_SECRET_KEY seals); else kht.toml / KHT_*.
    return context.config.attributes.get("settings") or load_settings()


def upgrade() -> None:
    with op.batch_alter_table("webhook_subscriptions") as batch:
        batch.alter_column(
            "secret", existing_type=sa.String(length=100), type_=sa.String(length=255)
        )
    bind = op.get_bind()
    rows = bind.execute(sa.select(subscriptions.c.id, subscriptions.c.secret)).all()
    settings = _settings() if rows else None
    if settings is None or not settings.secret_key:
        return  # no KHT_SECRET_KEY: 0020 seals them with the instance key it makes
    for row_id, secret in rows:
        if secret.startswith("whsec_"):  # plain: not sealed yet
            sealed = crypto.seal(settings, secret, crypto.WEBHOOK_SECRET)
            bind.execute(
                subscriptions.update().where(subscriptions.c.id == row_id).values(secret=sealed)
            )


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(subscriptions.c.id, subscriptions.c.secret)).all()
    settings = _settings() if rows else None
    for row_id, sealed in rows:
        if sealed.startswith("whsec_"):
            continue  # plain already (0020's downgrade unsealed it)
        plain = crypto.unseal(settings, sealed, crypto.WEBHOOK_SECRET, "secret")
        bind.execute(
            subscriptions.update().where(subscriptions.c.id == row_id).values(secret=plain)
        )
    with op.batch_alter_table("webhook_subscriptions") as batch:
        batch.alter_column(
            "secret", existing_type=sa.String(length=255), type_=sa.String(length=100)
        )
