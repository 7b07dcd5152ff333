"""The pack's part of `kht demo`: a target profile, territories, and scored, routed demo leads."""

from __future__ import annotations

from decimal import Decimal

from kht.auth.principal import load_principal
from kht.auth.service import create_user, find_user
from kht.leads.service import list_leads
from kht.tags.service import tags_of
from kht.testing import TEST_PASSWORD, add_user
from kht.value.service import scores_of
from plugins.standard_product.demo import load_demo
from plugins.standard_product.service import get_settings


def test_the_demo_scores_routes_and_nurtures_its_leads_and_runs_twice(kht_runtime):
    runtime = kht_runtime(plugins=["standard_product"])
    add_user(runtime, "admin", "administrator", is_admin=True)
    with runtime.ctx() as ctx:  # the core demo's two reps, by the names the pack looks for
        for login, name in (("qian.rep", "钱销售"), ("sun.rep", "孙销售")):
            create_user(
                ctx.session, login=login, name=name, password=TEST_PASSWORD, role="sales_rep"
            )
    for _ in range(2):  # idempotent: `kht demo` may run twice
        with runtime.ctx() as ctx:
            ctx.user = load_principal(ctx.session, find_user(ctx.session, "admin").id)
            load_demo(ctx)
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "admin").id)
        settings = get_settings(ctx)
        assert settings.routing == "territory" and len(settings.reps) == 2
        qian, sun = (find_user(ctx.session, login).id for login in ("qian.rep", "sun.rep"))
        assert settings.territories == {"上海": qian, "北京": sun}
        found = {}
        for company in ("上海精工机械", "北京华远汽车", "广州小平家具", "杭州明达仪器"):
            leads, total = list_leads(ctx, q=company)
            assert total == 1, company
            lead = leads[0]
            score = Decimal(scores_of(ctx, "lead", lead.id)[0].score)
            tags = tags_of(ctx, "lead", [lead.id]).get(lead.id, [])
            found[company] = (score, lead.owner_id, tags)
    assert found["上海精工机械"] == (Decimal(75), qian, [])
    assert found["北京华远汽车"] == (Decimal(65), sun, [])
    assert found["广州小平家具"] == (Decimal(3), None, ["培育中"])
    assert found["杭州明达仪器"] == (Decimal(0), None, ["培育中"])
