"""Quote print templates: stored rows rendered in a sandboxed Jinja environment.

Templates are edited by administrators in the UI, so they are untrusted code: they run in
`jinja2.sandbox.SandboxedEnvironment` and only ever see plain data (dicts, lists, strings,
Decimals), never ORM objects or the session. Saving a template compiles it and renders it
once with a sample quote, so a broken template is refused (422) when it is saved instead of
failing when a quote is printed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from kht.errors import ValidationError
from kht.sales.quotes.pricing import amount_in_words

DEFAULT_KEY = "core.default"

# The core layout (templates/quotes/default_body.jinja): bilingual header, customer, lines,
# totals with the amount in Chinese capitals, terms, validity and signatures. It is seeded
# into quote_templates once; administrators change the row in the UI, not this file.
DEFAULT_BODY = (Path(__file__).parent / "templates" / "quotes" / "default_body.jinja").read_text(
    encoding="utf-8"
)

DEFAULT_TERMS = (
    "1. 价格含税（增值税专用发票）。Prices include VAT.\n"
    "2. 付款方式：合同签订后预付30%，到货验收后付清余款。"
    "Payment: 30% on signing, the rest on acceptance.\n"
    "3. 交货期：合同签订后30天内。Delivery within 30 days of signing."
)


def _money(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (ArithmeticError, ValueError):
        return str(value)


def _percent(value: Any) -> str:
    try:
        number = Decimal(str(value)) * 100
    except (ArithmeticError, ValueError):
        return str(value)
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _quantity(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError):
        return str(value)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def environment() -> SandboxedEnvironment:
    """The sandbox every quote template runs in (autoescaped HTML, a few formatting filters)."""
    env = SandboxedEnvironment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(money=_money, percent=_percent, qty=_quantity, in_words=amount_in_words)
    return env


ENV = environment()


def sample_context() -> dict[str, Any]:
    """Made-up data a template is test-rendered with when it is saved."""
    line = {
        "position": 1,
        "product_id": 1,
        "product_code": "P-1",
        "description": "样品 Sample",
        "unit": "台",
        "quantity": Decimal("3"),
        "unit_price": Decimal("33.33"),
        "discount_rate": Decimal("0.10"),
        "tax_rate": Decimal("0.13"),
        "gross": Decimal("99.99"),
        "net": Decimal("89.99"),
        "tax": Decimal("11.70"),
        "total": Decimal("101.69"),
    }
    quote = {
        "id": 1,
        "number": "Q2026-000001",
        "revision": 1,
        "title": "样品报价 Sample quote",
        "status": "draft",
        "currency": "CNY",
        "quote_date": date(2026, 1, 1),
        "valid_until": date(2026, 1, 31),
        "terms": DEFAULT_TERMS,
        "notes": "",
        "subtotal": Decimal("99.99"),
        "discount_total": Decimal("10.00"),
        "tax_total": Decimal("11.70"),
        "total": Decimal("101.69"),
        "total_in_words": amount_in_words(Decimal("101.69")),
    }
    person = {"name": "张三", "phone": "13800138000", "email": "a@example.com", "address": ""}
    return {
        "quote": quote,
        "lines": [line],
        "customer": {"id": 1, "name": "示例客户", "address": "", "phone": "", "email": ""},
        "contact": person,
        "owner": person,
        "company": {
            "name": "示例公司",
            "legal_name": "示例公司",
            "address": "",
            "phone": "",
            "email": "",
            "tax_id": "91110000000000000X",
            "bank_name": "",
            "bank_account": "",
            "logo": "",
            "branch": "",
        },
        "lang": "zh_CN",
    }


def check_body(body: str) -> str:
    """`body` if it compiles and renders the sample quote; else a 422 naming `body`."""
    try:
        ENV.from_string(body).render(**sample_context())
    except TemplateSyntaxError as exc:
        raise ValidationError(
            f"the template does not compile (line {exc.lineno}): {exc.message}", "body"
        ) from None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
        raise ValidationError(f"the template fails on a sample quote: {exc}", "body") from None
    return body


def render_body(body: str, context: dict[str, Any]) -> str:
    """The template's HTML for one quote; a template that fails is a 422, never a 500."""
    try:
        return ENV.from_string(body).render(**context)
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
        raise ValidationError(
            f"the quote template cannot be rendered: {exc}; fix it under /quotes/templates",
            "template_id",
        ) from None
