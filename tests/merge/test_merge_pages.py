"""The duplicates page and the side-by-side compare-and-merge page."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.customers.models import Customer
from kht.testing import csrf_token, log_in


@pytest.fixture
def manager(team):
    with TestClient(team.app) as client:
        log_in(client, "east_mgr")
        yield client


def form(client, survivor: int, merged: int, **values):
    data = {
        "_csrf_token": csrf_token(client),
        "survivor_id": str(survivor),
        "merged_id": str(merged),
        "version_survivor": "1",
        "version_merged": "1",
        **values,
    }
    return client.post("/customers/merge", data=data, follow_redirects=False)


def test_the_duplicates_page_links_each_pair_to_the_compare_page(team, manager):
    a = team.customer("杭州西湖医疗器械有限公司", owner="rep1", email="info@xihu.cn")
    b = team.customer("西湖医疗", owner="rep2", email="INFO@xihu.cn")
    page = manager.get("/customers/duplicates")
    assert page.status_code == 200
    assert f"/customers/merge?survivor={a}&amp;merged={b}" in page.text


def test_the_compare_page_shows_both_values_with_radio_buttons(team, manager):
    a = team.customer("华东电器", owner="rep1", phone="021-1")
    b = team.customer("华东电器有限公司", owner="rep2", phone="021-2")
    page = manager.get(f"/customers/merge?survivor={a}&merged={b}")
    assert page.status_code == 200
    assert 'name="choice.phone" value="merged"' in page.text
    assert 'name="version_merged" value="1"' in page.text
    assert "021-1" in page.text and "021-2" in page.text
    assert manager.get(f"/customers/merge?survivor={a}&merged={a}").status_code == 422


def test_merging_from_the_page_keeps_the_picked_values(team, manager):
    a = team.customer("华东电器", owner="rep1", phone="021-1")
    b = team.customer("华东电器有限公司", owner="rep2", phone="021-2")
    done = form(manager, a, b, **{"choice.name": "merged", "choice.phone": "survivor"})
    assert done.status_code == 303 and done.headers["location"] == f"/customers/{a}"
    with team.ctx(None) as ctx:
        kept, gone = ctx.session.get(Customer, a), ctx.session.get(Customer, b)
        assert (kept.name, kept.phone) == ("华东电器有限公司", "021-1")
        assert gone.deleted_at is not None


def test_a_stale_page_answers_409_with_the_fresh_values(team, manager):
    a = team.customer("华东电器", owner="rep1")
    b = team.customer("华东电器有限公司", owner="rep2")
    with team.client("rep2") as api:
        api.patch(f"/api/v1/customers/{b}", json={"version": 1, "phone": "021-9"})
    stale = form(manager, a, b)
    assert stale.status_code == 409
    assert "form-error" in stale.text and 'name="version_merged" value="2"' in stale.text
    assert "021-9" in stale.text


def test_customers_out_of_scope_are_not_found_on_the_pages(team, manager):
    a = team.customer("华东电器", owner="rep1")
    west = team.customer("west", owner="west_rep")
    assert manager.get(f"/customers/merge?survivor={a}&merged={west}").status_code == 404
    assert form(manager, a, west).status_code == 404
