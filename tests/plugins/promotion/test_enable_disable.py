"""Enabling the pack on a database with data, disabling it (pages and hooks gone, data kept:
outlets, plans, visits, competitor observations), enabling it again (everything back as it
was); the pack's routes answer only while enabled."""

from __future__ import annotations

from contextlib import contextmanager

from litestar.testing import TestClient
from sqlalchemy import func, inspect, select

from kht import plugins as plugin_manager
from kht.auth.principal import load_principal
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.testing import add_user, log_in
from kht.web.pages import menu_items
from plugins.promotion import observations, service, visits
from plugins.promotion.models import CompetitorObservation, Outlet, Visit
from plugins.promotion.schemas import CheckIn, ObservationIn, OutletCreate, PlanCreate

PACK = "promotion"


@contextmanager
def as_user(runtime, user_id):
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, user_id)
        yield ctx


def page_status(runtime, path: str) -> int:
    from kht.web import create_app

    app = create_app(runtime.settings, engine=runtime.engine)
    with TestClient(app) as client:
        log_in(client, "admin")
        return client.get(path).status_code


def test_enable_disable_enable_keeps_outlets_plans_and_visits(kht_runtime):
    runtime = kht_runtime()
    admin = add_user(runtime, "admin", "administrator")
    with as_user(runtime, admin) as ctx:
        customer = create_customer(ctx, CustomerCreate(name="早有的客户")).id
    assert "promotion_outlets" not in inspect(runtime.engine).get_table_names()

    assert runtime.enable(PACK) == [PACK]
    with as_user(runtime, admin) as ctx:
        outlet = service.create_outlet(
            ctx, OutletCreate(customer_id=customer, latitude=31.2, longitude=121.4)
        ).id
        plan = visits.create_plan(ctx, PlanCreate(start_on=ctx.today(), outlets=[outlet])).id
        stop = visits.stops(ctx, plan)[0].id
        visits.check_in(ctx, stop, CheckIn(latitude=31.2, longitude=121.4))
        observations.record_observation(ctx, stop, ObservationIn(competitor_name="百岁山"))
        assert "promotion_today" in {m.key for m in menu_items(ctx)}
    assert page_status(runtime, "/promotion/today") == 200

    plugin_manager.disable(runtime.engine, runtime.found, PACK)
    with as_user(runtime, admin) as ctx:
        assert "promotion_today" not in {m.key for m in menu_items(ctx)}
        assert ctx.session.scalar(select(func.count(Outlet.id))) == 1
        assert ctx.session.scalar(select(func.count(CompetitorObservation.id))) == 1
        assert ctx.session.get(Visit, stop).status == "in_store"
    assert page_status(runtime, "/promotion/today") == 404
    assert page_status(runtime, f"/outlets/{outlet}") == 404

    assert runtime.enable(PACK) == [PACK]
    with as_user(runtime, admin) as ctx:
        assert service.get_outlet(ctx, outlet).latitude is not None
        assert len(observations.of_visit(ctx, stop)) == 1
        visit = visits.check_out(ctx, stop)
        assert visit.status == "done" and visits.stops(ctx, plan)[0].id == stop
    assert page_status(runtime, f"/outlets/{outlet}") == 200
