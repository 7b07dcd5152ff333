"""Without KHT_SECRET_KEY every process of one installation uses the instance key the
database keeps: what the server signed or sealed before a restart, or what `kht worker`
sealed, stays readable."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient
from sqlalchemy import inspect

from kht import crypto
from kht.config import load_settings
from kht.errors import KhtError
from kht.instance_key import stored_key
from kht.runtime import Runtime
from kht.testing import add_user, log_in, settings_for
from kht.web import create_app
from tests.core.test_migrations import empty_database_url


def without_key(url: str) -> Runtime:
    return Runtime.from_settings(settings_for(url, secret_key=""))


def test_settings_without_kht_secret_key_leave_the_key_to_the_database():
    assert load_settings({}).secret_key == ""


def test_two_processes_without_kht_secret_key_share_the_stored_key(kht_db_url):
    server, worker = without_key(kht_db_url), without_key(kht_db_url)

    assert server.settings.secret_key == worker.settings.secret_key == stored_key(server.engine)
    sealed = crypto.seal(server.settings, "mail-password")
    assert crypto.unseal(worker.settings, sealed) == "mail-password"
    server.engine.dispose()
    worker.engine.dispose()


def test_kht_secret_key_wins_over_the_stored_key(kht_db_url):
    runtime = Runtime.from_settings(settings_for(kht_db_url, secret_key="explicit-0123456789"))

    assert runtime.settings.secret_key == "explicit-0123456789"
    assert stored_key(runtime.engine) not in (None, "explicit-0123456789")
    runtime.engine.dispose()


def test_a_new_database_gets_its_key_when_migrated(kht_databases):
    runtime = without_key(empty_database_url(kht_databases, "fresh_key"))
    assert inspect(runtime.engine).get_table_names() == []
    assert runtime.settings.secret_key == ""
    with pytest.raises(KhtError, match="no instance key"):
        crypto.seal(runtime.settings, "mail-password")

    runtime.migrate()

    assert runtime.settings.secret_key
    assert runtime.settings.secret_key == stored_key(runtime.engine)
    runtime.engine.dispose()


def test_a_form_opened_before_a_restart_still_posts_after_it(kht_db_url):
    runtime = without_key(kht_db_url)
    add_user(runtime, "rep1", role="sales_rep")
    before = TestClient(create_app(settings_for(kht_db_url, secret_key="")))
    assert log_in(before, "rep1").status_code in (302, 303)
    before.get("/account")

    # The restarted server has a fresh app and settings; the browser keeps its cookies.
    after = TestClient(create_app(settings_for(kht_db_url, secret_key="")))
    after.cookies = before.cookies
    answer = after.post(
        "/account/language",
        data={"language": "en", "_csrf_token": after.cookies["kht_csrf"]},
        follow_redirects=False,
    )

    assert answer.status_code == 303
    runtime.engine.dispose()
