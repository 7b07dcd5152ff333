"""The helpers kht.testing gives plugin authors: act as a user, grant a role a module,
enable and disable a plugin, and clients logged in as a user."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from kht import plugins as plugin_manager
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer, list_customers
from kht.errors import ValidationError
from kht.testing import (
    acting_as,
    add_user,
    api_client,
    disable_plugin,
    enable_plugin,
    grant,
    page_client,
    runtime_of,
)
from tests.conftest import EXT_PLUGIN


def test_acting_as_a_user_uses_their_role_and_scope(kht_runtime):
    runtime = kht_runtime()
    add_user(runtime, "rep1", "sales_rep")
    add_user(runtime, "rep2", "sales_rep")
    with acting_as(runtime, "rep1") as ctx:
        assert ctx.user.login == "rep1" and ctx.user.can("customers", "create")
        create_customer(ctx, CustomerCreate(name="Acme"))
    with acting_as(runtime, "rep1") as ctx:
        assert list_customers(ctx)[1] == 1
    with acting_as(runtime, "rep2") as ctx:
        assert list_customers(ctx)[1] == 0  # rep1's customer is out of rep2's scope
    with acting_as(runtime, None) as ctx:
        assert ctx.user is None


def test_grant_gives_a_role_a_module_and_refuses_an_unknown_operation(kht_runtime):
    runtime = kht_runtime(plugins=["ext_plugin"], extra=[EXT_PLUGIN])
    add_user(runtime, "mkt", "marketing")
    with acting_as(runtime, "mkt") as ctx:
        assert not ctx.user.can("ext_plugin", "edit")
    grant(runtime, "marketing", "ext_plugin", ["view", "edit"], scope="all")
    with acting_as(runtime, "mkt") as ctx:
        assert ctx.user.can("ext_plugin", "edit") and ctx.user.scope("ext_plugin") == "all"
    with pytest.raises(ValidationError):
        grant(runtime, "marketing", "ext_plugin", ["fly"])


def test_enable_and_disable_a_plugin(kht_runtime):
    runtime = kht_runtime(extra=[EXT_PLUGIN])

    def enabled() -> set[str]:
        with Session(runtime.engine) as session:
            return plugin_manager.enabled_names(session)

    assert enable_plugin(runtime, "ext_plugin") == ["ext_plugin"]
    assert "ext_plugin" in enabled()
    assert disable_plugin(runtime, "ext_plugin") == ["ext_plugin"]
    assert "ext_plugin" not in enabled()


def test_clients_act_as_a_logged_in_user(kht_app):
    app = kht_app()
    add_user(runtime_of(app), "rep1", "sales_rep")
    assert api_client(app, "rep1").get("/api/v1/me").json()["user"]["login"] == "rep1"
    assert page_client(app, "rep1").get("/").status_code == 200
