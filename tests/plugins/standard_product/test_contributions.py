"""What the pack contributes: fields, the standard sales process, the quote template."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.fields import fields_for
from kht.leads.schemas import LeadCreate
from kht.leads.service import create_lead
from kht.sales.processes.service import list_processes
from kht.testing import log_in
from plugins.standard_product.defs import PROCESS_KEY, SERVICE_PROMISE, SERVICE_TERMS

PACK = "standard_product"


def test_leads_and_customers_get_the_pack_fields_with_bilingual_labels(shop):
    with shop.at("admin") as ctx:
        lead = {f.name: f for f in fields_for(ctx, "lead") if f.namespace == PACK}
        customer = {f.name for f in fields_for(ctx, "customer") if f.namespace == PACK}
    assert list(lead) == [
        "industry",
        "company_size",
        "purchase_timeframe",
        "budget_range",
        "product_interest",
        "province",
    ]
    assert lead["product_interest"].type == "multi_choice"
    assert lead["industry"].label_zh == "行业" and lead["industry"].label_en == "Industry"
    assert "medical_devices" in lead["industry"].choice_keys
    assert lead["industry"].choice_label("medical_devices", "zh_CN") == "医疗器械"
    assert lead["industry"].choice_label("medical_devices", "en") == "Medical devices"
    assert customer == {"industry", "company_size", "product_interest", "province"}


def test_a_value_outside_the_choices_is_a_422_naming_the_field(shop):
    with shop.client("rep1") as client:
        response = client.post(
            "/api/v1/leads", json={"name": "张三", "ext": {PACK: {"industry": "造船"}}}
        )
    assert response.status_code == 422
    assert response.json()["field"] == "ext.standard_product.industry"


def test_the_standard_sales_process_is_seeded_with_its_stages_and_gate(shop):
    with shop.at("admin") as ctx:
        process = next(p for p in list_processes(ctx) if p.key == PROCESS_KEY)
        stages = [(s.key, s.probability, s.outcome) for s in process.stages]
        quote = next(s for s in process.stages if s.key == "quote")
        assert (process.name_zh, process.name_en) == ("标准产品销售流程", "Standard product sale")
        assert quote.required_actions == ["meeting"]
    assert stages == [
        ("qualify", 10, "open"),
        ("needs", 25, "open"),
        ("demo", 40, "open"),
        ("quote", 60, "open"),
        ("negotiation", 80, "open"),
        ("won", 100, "won"),
        ("lost", 0, "lost"),
    ]


def test_seeding_twice_keeps_one_process(shop):
    shop.runtime.seed()
    with shop.at("admin") as ctx:
        assert [p.key for p in list_processes(ctx)].count(PROCESS_KEY) == 1


def test_the_quote_template_renders_in_the_quote_sandbox_with_its_terms():
    templating = pytest.importorskip("kht.sales.quotes.templating")
    assert templating.check_body(SERVICE_PROMISE.body) == SERVICE_PROMISE.body
    html = templating.render_body(SERVICE_PROMISE.body, templating.sample_context())
    assert "产品报价与服务承诺" in html and "Q2026-000001" in html and "示例客户" in html
    assert "101.69" in html
    assert "质保" in SERVICE_TERMS and "Warranty" in SERVICE_TERMS
    assert "安装" in SERVICE_TERMS and "Installation" in SERVICE_TERMS
    assert "交货" in SERVICE_TERMS and "Delivery" in SERVICE_TERMS


def test_the_quote_template_is_seeded_once_the_quotes_module_seeds(shop):
    printing = pytest.importorskip("kht.sales.quotes.printing")
    with shop.at("admin") as ctx:
        keys = {t.key: t for t in printing.list_templates(ctx)}
    assert "standard_product.service_promise" in keys
    assert keys["standard_product.service_promise"].terms == SERVICE_TERMS


def test_a_lead_created_with_pack_values_keeps_them(shop):
    with shop.at("rep1") as ctx:
        lead = create_lead(
            ctx, LeadCreate(name="李四", ext={PACK: {"product_interest": ["parts"]}})
        )
        assert lead.ext[PACK] == {"product_interest": ["parts"]}


def test_a_quote_printed_with_the_pack_template_shows_the_service_promise(shop):
    from decimal import Decimal

    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer
    from kht.sales.quotes.printing import list_templates, render_quote
    from kht.sales.quotes.schemas import LineIn, QuoteCreate
    from kht.sales.quotes.service import create_quote

    with shop.at("rep1") as ctx:
        customer_id = create_customer(ctx, CustomerCreate(name="上海精工机械有限公司")).id
    with shop.at("admin") as ctx:
        template = next(t for t in list_templates(ctx) if t.key == SERVICE_PROMISE.key)
    with shop.at("rep1") as ctx:
        line = LineIn(
            description="数控机床 A型",
            unit="台",
            quantity=Decimal("2"),
            unit_price=Decimal("15000.00"),
            tax_rate=Decimal("0.13"),
        )
        quote = create_quote(
            ctx,
            QuoteCreate(
                title="数控机床报价",
                customer_id=customer_id,
                template_id=template.id,
                lines=[line],
            ),
        )
        assert quote.terms == SERVICE_TERMS  # a new quote starts with the template's terms
        _, html = render_quote(ctx, quote.id)
    assert "产品报价与服务承诺" in html and "Our service promise" in html
    assert "上海精工机械有限公司" in html and "数控机床 A型" in html
    assert "33,900.00" in html
    assert "质保" in html and "Warranty" in html
    with TestClient(shop.app) as client:
        log_in(client, "rep1")
        page = client.get(f"/quotes/{quote.id}/print")
    assert page.status_code == 200 and "产品报价与服务承诺" in page.text
