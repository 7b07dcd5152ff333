"""The pack's settings move into the core settings store (owner `promotion`); its own
table `promotion_settings` goes.

Revision ID: 0002_promotion
Revises: 0001_promotion
Create Date: 2026-12-08
"""

from kht.plugin_api import settings_into_store, settings_out_of_store

revision = "0002_promotion"
down_revision = "0001_promotion"
branch_labels = None
depends_on = None


def upgrade() -> None:
    settings_into_store("promotion", "promotion_settings")


def downgrade() -> None:
    settings_out_of_store("promotion", "promotion_settings")
