"""Enabling the pack on a database with data, disabling it (hidden, data kept), enabling again."""

from __future__ import annotations

from contextlib import contextmanager

from litestar.testing import TestClient
from sqlalchemy import inspect

from kht import plugins as plugin_manager
from kht.auth.principal import load_principal
from kht.fields import fields_for
from kht.leads.schemas import LeadCreate, LeadUpdate
from kht.leads.service import create_lead, get_lead, update_lead
from kht.tags.service import tags_of
from kht.testing import add_user, log_in
from kht.value.service import scores_of, value_models
from kht.web.pages import menu_items
from plugins.standard_product.models import SETTINGS_ID, PackSettings
from plugins.standard_product.schemas import Settings
from plugins.standard_product.service import get_settings, save_settings
from tests.plugins.standard_product.test_lead_score import HOT

PACK = "standard_product"


@contextmanager
def as_admin(runtime, admin_id):
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, admin_id)
        yield ctx


def page_status(runtime, path: str) -> int:
    from kht.web import create_app

    app = create_app(runtime.settings, engine=runtime.engine)
    with TestClient(app) as client:
        log_in(client, "admin")
        return client.get(path).status_code


def test_enable_disable_enable_on_a_database_with_data_loses_nothing(kht_runtime):
    runtime = kht_runtime()
    admin = add_user(runtime, "admin", "administrator")
    rep = add_user(runtime, "rep1", "sales_rep")
    with as_admin(runtime, admin) as ctx:
        old_lead = create_lead(ctx, LeadCreate(name="早有的线索"), owner_id=None).id
    assert "standard_product_settings" not in inspect(runtime.engine).get_table_names()

    # Enable: the table, the fields, the value model and the routing arrive.
    assert runtime.enable(PACK) == [PACK]
    assert "standard_product_settings" in inspect(runtime.engine).get_table_names()
    with as_admin(runtime, admin) as ctx:
        assert "ext.standard_product.industry" in {f.key for f in fields_for(ctx, "lead")}
        save_settings(ctx, Settings(routing="round_robin", reps=[rep], threshold=60))
        lead = get_lead(ctx, old_lead)
        update_lead(ctx, old_lead, LeadUpdate(version=lead.version, ext={PACK: HOT}))
        assert get_lead(ctx, old_lead).owner_id == rep  # fit 60: routed
        assert scores_of(ctx, "lead", old_lead)[0].score == "60.00"
        assert "standard_product_settings" in {m.key for m in menu_items(ctx)}
    assert page_status(runtime, "/standard_product/settings") == 200

    # Disable: hooks stop and the UI goes, the data stays.
    plugin_manager.disable(runtime.engine, runtime.found, PACK)
    with as_admin(runtime, admin) as ctx:
        assert PACK not in {f.namespace for f in fields_for(ctx, "lead")}
        assert value_models(ctx) == []
        assert scores_of(ctx, "lead", old_lead) == []  # hidden, still stored
        lead = get_lead(ctx, old_lead)
        assert lead.ext[PACK] == HOT
        update_lead(ctx, old_lead, LeadUpdate(version=lead.version, name="改名了"))
        assert get_lead(ctx, old_lead).ext[PACK] == HOT
        cold = create_lead(ctx, LeadCreate(name="停用期间的线索"), owner_id=None).id
        assert tags_of(ctx, "lead", [cold]).get(cold, []) == []  # no nurturing while disabled
        assert ctx.session.get(PackSettings, SETTINGS_ID) is not None
        assert "standard_product_settings" not in {m.key for m in menu_items(ctx)}
    assert "standard_product_settings" in inspect(runtime.engine).get_table_names()
    assert page_status(runtime, "/standard_product/settings") == 404

    # Enable again: everything is back as it was.
    assert runtime.enable(PACK) == [PACK]
    with as_admin(runtime, admin) as ctx:
        assert get_settings(ctx).reps == [rep]
        assert scores_of(ctx, "lead", old_lead)[0].score == "60.00"
        assert get_lead(ctx, old_lead).ext[PACK] == HOT
        assert "ext.standard_product.industry" in {f.key for f in fields_for(ctx, "lead")}
    assert page_status(runtime, "/standard_product/settings") == 200
