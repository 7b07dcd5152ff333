"""The signing secret is stored sealed with the instance key: the column never holds it, the
sender still signs with it, and the migration seals the rows written before."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from sqlalchemy import select

from kht import crypto
from kht.db.base import utcnow
from kht.db.migrate import alembic_config
from kht.plugins import migration_dirs
from kht.runtime import Runtime
from kht.testing import settings_for
from kht.webhooks.models import WebhookAttempt, WebhookSubscription
from tests.core.test_migrations import empty_database_url
from tests.webhooks.conftest import send, verify
from tests.webhooks.test_delivery import subscribe


def stored_secret(team, webhook_id: int) -> str:
    with team.ctx(None) as ctx:
        query = select(WebhookSubscription.secret).where(WebhookSubscription.id == webhook_id)
        return ctx.session.scalar(query)


def test_the_stored_secret_is_sealed_and_deliveries_still_verify(team, receiver):
    webhook_id, secret = subscribe(team, receiver.url)
    stored = stored_secret(team, webhook_id)
    assert stored != secret
    assert secret.removeprefix("whsec_") not in stored
    assert crypto.unseal(team.runtime.settings, stored, crypto.WEBHOOK_SECRET) == secret

    with team.client("admin") as admin:
        assert admin.post("/api/v1/customers", json={"name": "华东电器"}).status_code == 201
    assert send(team) == 1
    [message] = receiver.requests
    assert verify(secret, message.headers, message.body)


def test_a_secret_sealed_under_another_instance_key_fails_the_try_with_a_reason(team, receiver):
    webhook_id, _ = subscribe(team, receiver.url)
    with team.ctx(None) as ctx:
        other = settings_for("sqlite://", secret_key="another-instance-key-0123456789")
        row = ctx.session.get(WebhookSubscription, webhook_id)
        row.secret = crypto.seal(other, "whsec_" + "A" * 44, crypto.WEBHOOK_SECRET)
        ctx.session.commit()
    with team.client("admin") as admin:
        assert admin.post("/api/v1/customers", json={"name": "华东电器"}).status_code == 201

    assert send(team) == 0

    assert receiver.requests == []
    with team.ctx(None) as ctx:
        [attempt] = ctx.session.scalars(select(WebhookAttempt))
    assert attempt.status_code is None
    assert attempt.error == "secret unreadable with this instance key"


def migrated_with_a_plain_secret(kht_databases, name: str, secret_key: str) -> Runtime:
    """A database at 0018 (secrets were plain) with one subscription, then migrated to head."""
    url = empty_database_url(kht_databases, name)
    runtime = Runtime.from_settings(settings_for(url, secret_key=secret_key))
    config = alembic_config(runtime.engine, migration_dirs(runtime.found), runtime.settings)
    command.upgrade(config, "0018_core")
    now = utcnow()
    with runtime.engine.begin() as connection:
        connection.execute(
            SUBSCRIPTIONS.insert().values(
                name="ERP",
                url="https://erp.example.com/hook",
                events=[],
                kinds=[],
                secret=PLAIN,
                enabled=True,
                failures=0,
                disabled_reason="",
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
    runtime.migrate()
    return runtime


PLAIN = "whsec_" + "B" * 44
SUBSCRIPTIONS = sa.table(
    "webhook_subscriptions",
    *(sa.column(name) for name in ("name", "url", "secret")),
    sa.column("events", sa.JSON),
    sa.column("kinds", sa.JSON),
    *(sa.column(name) for name in ("enabled", "failures", "disabled_reason")),
    *(sa.column(name) for name in ("created_at", "updated_at", "version")),
)


def stored_plain_secret(runtime: Runtime) -> str:
    with runtime.engine.connect() as connection:
        [stored] = connection.execute(sa.select(SUBSCRIPTIONS.c.secret)).scalars()
    return stored


def test_the_migration_seals_the_secrets_stored_in_plain_before(kht_databases):
    runtime = migrated_with_a_plain_secret(kht_databases, "unsealed", "explicit-key-0123456789")

    stored = stored_plain_secret(runtime)
    assert stored != PLAIN and not stored.startswith("whsec_")
    assert crypto.unseal(runtime.settings, stored, crypto.WEBHOOK_SECRET) == PLAIN
    runtime.engine.dispose()


def test_without_kht_secret_key_they_are_sealed_with_the_key_the_database_keeps(kht_databases):
    runtime = migrated_with_a_plain_secret(kht_databases, "unsealed_nokey", "")

    stored = stored_plain_secret(runtime)
    assert not stored.startswith("whsec_")
    # Another process without KHT_SECRET_KEY (the worker, the server after a restart) reads it.
    url = runtime.engine.url.render_as_string(hide_password=False)
    later = Runtime.from_settings(settings_for(url, secret_key=""))
    assert crypto.unseal(later.settings, stored, crypto.WEBHOOK_SECRET) == PLAIN
    runtime.engine.dispose()
    later.engine.dispose()
