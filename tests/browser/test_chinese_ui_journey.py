"""An administrator working in Chinese walks every menu page (from the menu hooks, all five
packs enabled, the demo data loaded) and the first record of every list, and reads no English
UI words and no raw keys (`company`, `prospect`, `open`…) in what the page shows."""

from __future__ import annotations

import re

import pytest

from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser

PACKS = ("standard_product", "membership", "promotion", "project_sales", "key_account")
# Words of the English UI and stored keys of choices: in a Chinese page they mean a label was
# not translated or a key was shown instead of its label. (Demo data may hold English names,
# such as "Northwind Traders Ltd.", so only these words are looked for.)
ENGLISH_UI = (
    "Previous", "Next", "view", "Save", "Cancel", "Edit", "Delete", "Search", "Filter",
    "Export", "Import", "Total", "Status", "Owner", "Name", "not found", "may not", "Today",
    "month", "week", "day", "Add", "New", "Back", "Close", "Yes", "No", "None", "Unknown",
)  # fmt: skip
RAW_KEYS = (
    "company", "person", "target", "prospect", "signed", "churned", "new", "open", "draft",
    "sent", "accepted", "rejected", "expired", "won", "lost", "planned", "done", "call",
    "visit", "meeting", "email", "pipeline", "commit", "best_case", "omitted", "qualified",
    "converted", "cancelled", "confirmed", "shipped", "paid", "partial", "unpaid",
    "currency", "discount_total", "quote_id", "customer_id", "owner_id", "created_at",
)  # fmt: skip
UNWANTED = re.compile(r"(?<![\w./@#:-])(" + "|".join(ENGLISH_UI + RAW_KEYS) + r")(?![\w/@-])")
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.fixture
def demo(kht_runtime):
    """All five packs, the demo data and an administrator who reads Chinese."""
    from kht.demo import load_demo

    runtime = kht_runtime(plugins=PACKS)
    load_demo(runtime, size=60)  # every pack at work, in a fraction of the default's time
    add_user(runtime, "boss", "administrator", is_admin=True)
    return runtime


def menu_urls(runtime) -> list[str]:
    from kht.auth.principal import load_principal
    from kht.auth.service import find_user
    from kht.web.pages import menu_items

    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "boss").id)
        return [item.url for item in menu_items(ctx) if item.url.startswith("/")]


def bilingual_choices() -> tuple[str, ...]:
    """The standard product pack's choice keys (`instruments`) and the "中文 English" text
    it stored before keys ("仪器仪表 Instruments"): either on a page means a stored choice
    was shown instead of its label."""
    from kht.plugin_api import Choice
    from plugins.standard_product.fields import LEAD_FIELDS

    found: list[str] = []
    for field in LEAD_FIELDS:
        for choice in field.choices:
            if isinstance(choice, Choice):  # provinces are plain names, shown as they are
                found += [choice.key, f"{choice.label_zh} {choice.label_en}"]
    return tuple(found)


def pack_pages(runtime) -> list[str]:
    """Pages showing the pack's choices: one of its demo leads and a lead list with them."""
    from sqlalchemy import select

    from kht.leads.models import Lead
    from plugins.standard_product.demo import DEMO_LEADS

    with runtime.ctx() as ctx:
        lead_id = ctx.session.scalar(select(Lead.id).where(Lead.name == DEMO_LEADS[0][0]))
    columns = ",".join(
        f"ext.standard_product.{name}"
        for name in ("industry", "company_size", "purchase_timeframe", "product_interest")
    )
    return [f"/leads/{lead_id}", f"/leads?c=name,{columns}"]


def problems_on(page) -> list[str]:
    """The unwanted words and raw ISO times in the page's visible text, tooltips and names.

    Text set as `<code>` is an identifier shown on purpose (a stage's key in the lifecycle
    editor), not UI text: it is blanked before reading.
    """
    page.eval_on_selector_all("code", "nodes => nodes.forEach(n => { n.textContent = '' })")
    text = page.locator("body").inner_text() + " ".join(
        page.eval_on_selector_all(
            "[title], [aria-label]",
            "nodes => nodes.map(n => `${n.title || ''} ${n.getAttribute('aria-label') || ''}`)",
        )
    )
    found = {match.group(0) for match in UNWANTED.finditer(text)}
    found |= {
        value
        for value in bilingual_choices()
        if re.search(rf"(?<![\w./@#:-]){re.escape(value)}(?![\w/@-])", text)
    }
    found |= {match.group(0) for match in ISO_TIME.finditer(text)}
    return sorted(found)


def first_record(page, base: str) -> str | None:
    """The first record linked from a list table, if the page has one."""
    link = page.locator("table tbody tr td a[href^='/']")
    if link.count() == 0:
        return None
    href = link.first.get_attribute("href")
    return base + href if href else None


def test_every_menu_page_reads_chinese(demo, live_server, page):
    log_in_as(page, live_server, "boss", TEST_PASSWORD)
    seen: dict[str, list[str]] = {}
    for url in [*menu_urls(demo), *pack_pages(demo)]:
        answer = page.goto(live_server + url)
        assert answer is not None and answer.status < 400, url
        page.wait_for_load_state("networkidle")
        seen[url] = problems_on(page)
        record = first_record(page, live_server)
        if record and record not in seen:
            page.goto(record)
            page.wait_for_load_state("networkidle")
            seen[record.removeprefix(live_server)] = problems_on(page)
    bad = {url: words for url, words in seen.items() if words}
    assert not bad, f"English UI words or raw keys in the Chinese UI: {bad}"
