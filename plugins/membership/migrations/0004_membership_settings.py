"""The pack's settings move into the core settings store (owner `membership`); its own
table `membership_settings` goes.

Revision ID: 0004_membership_settings
Revises: 0003_membership_cross_sell
Create Date: 2026-12-08
"""

from kht.plugin_api import settings_into_store, settings_out_of_store

revision = "0004_membership_settings"
down_revision = "0003_membership_cross_sell"
branch_labels = None
depends_on = None


def upgrade() -> None:
    settings_into_store("membership", "membership_settings")


def downgrade() -> None:
    settings_out_of_store("membership", "membership_settings")
