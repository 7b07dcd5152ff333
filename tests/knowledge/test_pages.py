"""Knowledge pages: the list, the form, an article's page with its body, versions and diff."""

from __future__ import annotations

from kht.testing import page_client


def test_an_editor_writes_publishes_and_compares_on_the_pages(library):
    category = library.category("售后")
    pages = page_client(library.app, "editor")
    made = pages.post(
        "/knowledge",
        data={
            "title": "保修政策",
            "article_category_id": str(category),
            "audience": "internal",
            "status": "published",
            "body": "<p>整机保修一年</p><script>x()</script>",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    page = pages.get(url)
    assert page.status_code == 200
    assert "<p>整机保修一年</p>" in page.text and "<script>x()" not in page.text
    assert "售后" in page.text and "v1" in page.text
    form = pages.get(f"{url}/edit")
    version = form.text.split('name="version" value="')[1].split('"')[0]
    saved = pages.post(
        url,
        data={
            "version": version,
            "title": "保修政策",
            "article_category_id": str(category),
            "audience": "internal",
            "status": "published",
            "body": "<p>整机保修两年</p>",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    diff = pages.get(f"{url}/diff", params={"old": 1, "new": 2})
    assert diff.status_code == 200 and 'id="article-diff"' in diff.text
    assert "diff_chg" in diff.text
    listed = pages.get("/knowledge", params={"q": "保修"})
    assert "保修政策" in listed.text


def test_a_reader_sees_no_drafts_and_no_edit_button(library):
    draft = library.article(title="草稿文章", status="draft")
    published = library.article(title="正式文章", status="published")
    pages = page_client(library.app, "reader")
    assert pages.get(f"/knowledge/{draft['id']}").status_code == 404
    page = pages.get(f"/knowledge/{published['id']}")
    assert page.status_code == 200 and 'id="edit-article"' not in page.text
    assert "草稿文章" not in pages.get("/knowledge").text


def test_the_form_writes_the_body_in_the_editor_and_a_refusal_keeps_it(library):
    pages = page_client(library.app, "editor")
    form = pages.get("/knowledge/new")
    assert 'data-rich-text="body"' in form.text and 'id="rich-text-toolbar"' in form.text
    for script in ("squire-rte@2.4.8/squire.js", "dompurify@3.5.0/purify.min.js", "richtext.js"):
        assert f'<script src="/static/{"vendor/" if "@" in script else ""}{script}">' in form.text
    refused = pages.post(
        "/knowledge",
        data={"title": "长" * 201, "status": "draft", "body": "<p><b>保留</b>这段</p>"},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "&lt;p&gt;&lt;b&gt;保留&lt;/b&gt;这段&lt;/p&gt;</textarea>" in refused.text
