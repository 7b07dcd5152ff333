"""The public knowledge base (/kb): no login, published public articles only."""

from __future__ import annotations

from litestar.testing import TestClient

from kht.testing import csrf_token


def test_the_public_view_shows_public_published_articles_only(library):
    public = library.article(title="公开的安装指南", audience="public", status="published")
    internal = library.article(title="内部的安装话术", audience="internal", status="published")
    draft = library.article(title="公开的安装草稿", audience="public", status="draft")
    with TestClient(library.app) as visitor:
        listed = visitor.get("/kb")
        searched = visitor.get("/kb", params={"q": "安装"})
        by_pinyin = visitor.get("/kb", params={"q": "anzhuang"})
        opened = visitor.get(f"/kb/{public['id']}")
        hidden = [visitor.get(f"/kb/{a['id']}").status_code for a in (internal, draft)]
    assert listed.status_code == 200 and "公开的安装指南" in listed.text
    for page in (listed, searched, by_pinyin):
        assert "公开的安装指南" in page.text
        assert "内部的安装话术" not in page.text and "公开的安装草稿" not in page.text
    assert opened.status_code == 200 and "公开的安装指南" in opened.text
    assert hidden == [404, 404]


def test_a_visitor_votes_and_views_are_counted(library):
    public = library.article(title="常见问题", audience="public", status="published")
    with TestClient(library.app) as visitor:
        page = visitor.get(f"/kb/{public['id']}")
        token = csrf_token(visitor)
        # The page counts its view once loaded (htmx posts it; a GET never writes).
        assert f'hx-post="/kb/{public["id"]}/view"' in page.text
        counted = visitor.post(f"/kb/{public['id']}/view", headers={"x-csrftoken": token})
        assert counted.status_code == 204
        voted = visitor.post(
            f"/kb/{public['id']}/helpful",
            data={"helpful": "yes", "_csrf_token": token},
            follow_redirects=False,
        )
    assert voted.status_code == 303
    with library.client("reader") as reader:
        seen = reader.get(f"/api/v1/knowledge/{public['id']}").json()
    assert seen["helpful_yes"] == 1 and seen["view_count"] == 1
