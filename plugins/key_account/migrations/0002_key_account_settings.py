"""The pack's settings move into the core settings store (owner `key_account`); its own
table `key_account_settings` goes.

Revision ID: 0002_key_account
Revises: 0001_key_account
Create Date: 2026-12-08
"""

from kht.plugin_api import settings_into_store, settings_out_of_store

revision = "0002_key_account"
down_revision = "0001_key_account"
branch_labels = None
depends_on = None


def upgrade() -> None:
    settings_into_store("key_account", "key_account_settings")


def downgrade() -> None:
    settings_out_of_store("key_account", "key_account_settings")
