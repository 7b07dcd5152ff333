"""GET /api/v1/search and the search pages: scope, limits, bad input, no server errors."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.testing import log_in

TONGFANG = "清华同方威视技术股份有限公司"
NASTY = [
    '"',
    "'",
    '"同方',
    '同方"',
    "*",
    "north*",
    "OR",
    "north OR south",
    "-north",
    "^north",
    "tokens:north",
    "NEAR(a b)",
    "a AND",
    "(",
    ")",
    "%",
    "_",
    "\\",
    "'; DROP TABLE search_documents; --",
    "同方 & | ! <-> :*",
    "😀",
    "x" * 1000,
    "同" * 500,
]


@pytest.fixture
def searchable(team):
    team.create("customer", login="rep", name=TONGFANG, email="info@nuctech.com")
    team.create("customer", login="other_rep", name="同方大厦物业")
    team.create("lead", login="rep", name="同方线索")
    return team


def test_the_api_returns_hits_with_their_page_and_the_total(searchable):
    with searchable.client("rep") as client:
        response = client.get("/api/v1/search", params={"q": "同方"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert {(item["kind"], item["title"]) for item in body["items"]} == {
        ("customer", TONGFANG),
        ("lead", "同方线索"),
    }
    customer = next(item for item in body["items"] if item["kind"] == "customer")
    assert customer["url"] == f"/customers/{customer['record_id']}"
    assert customer["subtitle"] == "info@nuctech.com"


def test_the_api_narrows_to_a_kind_and_limits(searchable):
    with searchable.client("manager") as client:
        one = client.get("/api/v1/search", params={"q": "同方", "kind": "customer", "limit": 1})
    assert one.json()["total"] == 2 and len(one.json()["items"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "同方", "kind": "order"}, "kind"),
        ({"q": "同方", "limit": 0}, "limit"),
        ({"q": "同方", "limit": 101}, "limit"),
        ({"q": "同方", "limit": "many"}, "limit"),
    ],
)
def test_bad_parameters_answer_422_naming_the_field(searchable, params, field):
    with searchable.client("rep") as client:
        response = client.get("/api/v1/search", params=params)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert field in (response.json()["field"] or response.json()["message"])


def test_searching_needs_a_login(searchable):
    with TestClient(searchable.app) as client:
        assert client.get("/api/v1/search", params={"q": "同方"}).status_code == 401


@pytest.mark.parametrize("q", NASTY)
def test_search_syntax_and_odd_input_never_cause_a_server_error(searchable, q):
    with searchable.client("rep") as client:
        response = client.get("/api/v1/search", params={"q": q})
        assert response.status_code == 200, response.text
        assert client.get("/api/v1/search", params={"q": q, "kind": "lead"}).status_code == 200


def test_quotes_around_a_word_still_find_it(searchable):
    with searchable.client("rep") as client:
        items = client.get("/api/v1/search", params={"q": '"同方"'}).json()["items"]
    assert len(items) == 2


def test_the_results_page_groups_hits_by_kind(searchable):
    with TestClient(searchable.app) as client:
        log_in(client, "rep")
        page = client.get("/search", params={"q": "同方"})
        empty = client.get("/search", params={"q": "没有这个"})
        blank = client.get("/search")
        lead_only = client.get("/search", params={"q": "同方", "kind": "lead"})
        bad_kind = client.get("/search", params={"q": "同方", "kind": "order"})
    assert page.status_code == 200
    assert 'id="search-customer"' in page.text and 'id="search-lead"' in page.text
    assert TONGFANG in page.text and "同方大厦物业" not in page.text
    assert 'id="search-empty"' in empty.text
    assert blank.status_code == 200 and 'id="search-form"' in blank.text
    assert "同方线索" in lead_only.text and TONGFANG not in lead_only.text
    assert bad_kind.status_code == 422


@pytest.mark.parametrize("q", NASTY[:12])
def test_the_pages_take_any_input(searchable, q):
    with TestClient(searchable.app) as client:
        log_in(client, "rep")
        assert client.get("/search", params={"q": q}).status_code == 200
        assert client.get("/search/suggest", params={"q": q}).status_code == 200


def test_the_suggestions_are_a_fragment_with_links(searchable):
    with TestClient(searchable.app) as client:
        log_in(client, "rep")
        response = client.get(
            "/search/suggest", params={"q": "qhtf"}, headers={"HX-Request": "true"}
        )
        blank = client.get("/search/suggest", params={"q": " "})
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="search-suggestions"' in response.text
    assert TONGFANG in response.text and "/customers/" in response.text
    assert blank.text.strip() == ""
