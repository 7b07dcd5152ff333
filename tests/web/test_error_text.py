"""Errors a page shows are in the reader's language; the API keeps its English messages."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.testing import add_user, bearer, log_in, runtime_of
from kht.web.error_text import translated


@pytest.mark.parametrize(
    ("message", "chinese"),
    [
        ("customer 1 not found", "客户 1 不存在"),
        ("quote template 7 not found", "报价模板 7 不存在"),
        ("your role may not view users", "你的角色无权查看用户"),
        ("log in first", "请先登录"),
    ],
)
def test_service_messages_are_shown_in_chinese(message, chinese):
    assert translated(message, "zh_CN") == chinese
    assert translated(message, "en") == message


def test_a_message_of_an_unknown_shape_is_shown_as_it_is():
    assert translated("gizmo 3 exploded", "zh_CN") == "gizmo 3 exploded"


def test_no_error_stays_no_error():
    assert translated("", "zh_CN") == ""


def test_the_forbidden_page_explains_in_chinese_and_the_api_in_english(kht_app):
    app = kht_app()
    add_user(runtime_of(app), "rep", "sales_rep")
    with TestClient(app) as client:
        log_in(client, "rep")
        page = client.get("/admin/users")
        api = client.get("/api/v1/users", headers=bearer(runtime_of(app), "rep"))
    assert page.status_code == 403
    assert "你的角色无权查看用户" in page.text and "your role may not" not in page.text
    assert api.status_code == 403 and api.json()["message"] == "your role may not view users"
