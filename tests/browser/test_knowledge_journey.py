"""A service rep searches the knowledge base in Chinese, opens an article, finds it helpful and
rewrites its body in the rich-text editor; a visitor finds the public article by pinyin
without logging in, and never the internal one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kht.knowledge.schemas import ArticleCreate
from kht.knowledge.service import create_article
from kht.testing import TEST_PASSWORD, acting_as, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def test_search_the_knowledge_base_and_open_an_article(live_server, live_runtime, page):
    add_user(live_runtime, "agent", "service")
    with acting_as(live_runtime, "agent") as ctx:
        public = create_article(
            ctx,
            ArticleCreate(
                title="打印机无法连接网络",
                body="<p>先检查<strong>路由器</strong>，再重启打印机。</p>",
                audience="public",
                status="published",
            ),
        )
        create_article(
            ctx, ArticleCreate(title="内部连接排查话术", audience="internal", status="published")
        )
        article_id = public.id

    log_in_as(page, live_server, "agent", TEST_PASSWORD)
    page.goto(live_server + "/knowledge")
    page.fill("#list-search", "无法连接")
    page.press("#list-search", "Enter")
    link = page.locator("table a", has_text="打印机无法连接网络")
    link.wait_for()
    assert page.locator("table a", has_text="内部连接排查话术").count() == 0
    with page.expect_response(lambda r: r.url.endswith(f"/knowledge/{article_id}/view")) as seen:
        link.click()
    assert seen.value.status == 204
    page.locator("#article-body strong", has_text="路由器").wait_for()
    page.click("#helpful-yes")
    page.locator("#helpful-yes", has_text="(1)").wait_for()
    assert page.locator("#article-view-count").inner_text().strip() in ("1", "2")

    _write_with_the_editor(page, live_server, article_id)

    # The HTML source, with a script typed in: the new text stays, the script never does (nh3).
    page.goto(f"{live_server}/knowledge/{article_id}/edit")
    page.click("[data-command=source]")
    page.fill("#body", "<p>先检查<em>网线</em>。</p><script>window.pwned = 1</script>")
    page.click("#save-article")
    page.wait_for_url(f"{live_server}/knowledge/{article_id}")
    page.reload()
    page.locator("#article-body em", has_text="网线").wait_for()
    assert page.locator("#article-body script").count() == 0
    assert page.evaluate("window.pwned") is None


def _write_with_the_editor(page, live_server: str, article_id: int) -> None:
    """Write the body in the rich-text editor (a bold word, a bulleted list); a refused save
    brings it back as it was; the saved article shows it. The editor runs under the
    Content-Security-Policy without a violation."""
    refused_by_policy: list[str] = []
    page.on(
        "console",
        lambda m: refused_by_policy.append(m.text) if "Content Security" in m.text else None,
    )
    page.goto(f"{live_server}/knowledge/{article_id}/edit")
    editor = page.locator("#body-editor")
    editor.locator("b", has_text="路由器").wait_for()  # the stored body, loaded (<strong> as <b>)
    assert page.locator("#body").is_hidden()
    # Saving without a change posts the stored HTML as it was (no new version).
    page.evaluate("document.getElementById('article-form').dispatchEvent(new Event('submit'))")
    assert page.input_value("#body") == "<p>先检查<strong>路由器</strong>，再重启打印机。</p>"
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("先检查")
    page.click("[data-command=bold]")
    page.keyboard.type("网线")
    page.click("[data-command=bold]")
    page.keyboard.type("。")
    page.keyboard.press("Enter")
    page.click("[data-command=ul]")
    page.keyboard.type("重启路由器")
    page.keyboard.press("Enter")
    page.keyboard.type("重启打印机")
    expect(page.locator("[data-command=ul]")).to_have_attribute("aria-pressed", "true")

    page.fill("#title", "长" * 201)  # over 200 characters: the form comes back refused
    page.click("#save-article")
    expect(page.locator("#title")).to_have_class(re.compile("is-invalid"))
    expect(editor.locator("b")).to_have_text("网线")
    expect(editor.locator("ul li")).to_have_text(["重启路由器", "重启打印机"])

    page.fill("#title", "打印机无法连接网络")
    page.click("#save-article")
    page.wait_for_url(f"{live_server}/knowledge/{article_id}")
    body = page.locator("#article-body")
    expect(body.locator("b")).to_have_text("网线")
    expect(body.locator("ul li")).to_have_text(["重启路由器", "重启打印机"])
    assert refused_by_policy == []


def test_a_visitor_finds_the_public_article_by_pinyin(live_server, live_runtime, page):
    add_user(live_runtime, "agent", "service")
    with acting_as(live_runtime, "agent") as ctx:
        create_article(
            ctx,
            ArticleCreate(
                title="发票开具说明",
                body="<p>在线申请发票。</p>",
                audience="public",
                status="published",
            ),
        )
        create_article(
            ctx, ArticleCreate(title="发票内部审批流程", audience="internal", status="published")
        )

    page.goto(live_server + "/kb")
    page.fill("#kb-q", "fapiao")
    page.press("#kb-q", "Enter")
    link = page.locator("#kb-articles a", has_text="发票开具说明")
    link.wait_for()
    assert page.locator("#kb-articles", has_text="内部审批").count() == 0
    link.click()
    page.locator("#kb-body", has_text="在线申请发票").wait_for()
    page.click("#helpful-yes")
    page.locator("#helpful-thanks").wait_for()
