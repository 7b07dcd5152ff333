"""The settings page and API: a logged-in administrator sets the profile, threshold, routing."""

from __future__ import annotations

from litestar.testing import TestClient

from kht.testing import csrf_token, log_in

URL = "/standard_product/settings"


def form(shop, **changes) -> dict:
    values = {
        "target_industries": ["automotive", "machinery"],
        "target_sizes": ["staff_1000_plus"],
        "target_timeframes": [],
        "target_budgets": ["over_2m"],
        "target_products": ["equipment"],
        "threshold": "70",
        "nurture_tag": "慢慢培养",
        "routing": "territory",
        "reps": [str(shop.users["rep1"]), str(shop.users["rep2"])],
        "territory.上海": str(shop.users["west_rep"]),
    }
    values.update(changes)
    return values


def test_an_administrator_saves_the_settings_through_the_page(shop):
    with TestClient(shop.app) as client:
        log_in(client, "admin")
        page = client.get(URL)
        assert page.status_code == 200
        assert 'id="settings-form"' in page.text and 'value="automotive"' in page.text
        assert ">汽车</label>" in page.text and "Automotive" not in page.text
        saved = client.post(
            URL, data={**form(shop), "_csrf_token": csrf_token(client)}, follow_redirects=False
        )
        assert saved.status_code == 303, saved.text
        assert saved.headers["location"] == f"{URL}?done=saved"
        shown = client.get(f"{URL}?done=saved")
        assert 'id="notice"' in shown.text
        assert 'value="machinery" id="target_industries-3" checked' in shown.text
    with shop.client("admin") as api:
        settings = api.get("/api/v1/standard_product/settings").json()
    assert settings["threshold"] == 70
    assert settings["nurture_tag"] == "慢慢培养"
    assert settings["routing"] == "territory"
    assert settings["reps"] == [shop.users["rep1"], shop.users["rep2"]]
    assert settings["territories"] == {"上海": shop.users["west_rep"]}
    assert settings["target_timeframes"] == []


def test_a_bad_threshold_shows_the_page_again_with_a_422(shop):
    with TestClient(shop.app) as client:
        log_in(client, "admin")
        refused = client.post(
            URL, data={**form(shop, threshold="abc"), "_csrf_token": csrf_token(client)}
        )
    assert refused.status_code == 422
    assert 'id="form-error"' in refused.text and "threshold" in refused.text


def test_round_robin_without_reps_is_refused_naming_reps(shop):
    with TestClient(shop.app) as client:
        log_in(client, "admin")
        refused = client.post(
            URL,
            data={**form(shop, routing="round_robin", reps=[]), "_csrf_token": csrf_token(client)},
        )
    assert refused.status_code == 422 and "(reps)" in refused.text


def test_without_the_csrf_token_nothing_is_saved(shop):
    with TestClient(shop.app) as client:
        log_in(client, "admin")
        assert client.post(URL, data=form(shop)).status_code == 403
    with shop.client("admin") as api:
        assert api.get("/api/v1/standard_product/settings").json()["threshold"] == 60


def test_a_rep_may_not_open_the_page_nor_see_the_menu_entry(shop):
    with TestClient(shop.app) as client:
        log_in(client, "rep1")
        assert client.get(URL).status_code == 403
        assert URL not in client.get("/leads").text
    with TestClient(shop.app) as client:
        log_in(client, "admin")
        assert URL in client.get("/leads").text
    with shop.client("rep1") as api:
        assert api.put("/api/v1/standard_product/settings", json={}).status_code == 403


def test_the_api_names_the_field_of_a_bad_value(shop):
    with shop.client("admin") as api:
        bad_choice = api.put(
            "/api/v1/standard_product/settings",
            json={"target_industries": ["造船 Shipbuilding"], "routing": "none"},
        )
        assert bad_choice.status_code == 422
        assert bad_choice.json()["field"] == "target_industries"
        too_high = api.put("/api/v1/standard_product/settings", json={"threshold": 101})
        assert too_high.status_code == 422 and too_high.json()["field"] == "threshold"
        no_user = api.put(
            "/api/v1/standard_product/settings", json={"routing": "round_robin", "reps": [9999]}
        )
        assert no_user.status_code == 422 and no_user.json()["field"] == "reps"
        ok = api.put(
            "/api/v1/standard_product/settings",
            json={"routing": "round_robin", "reps": [shop.users["rep1"]], "threshold": 40},
        )
        assert ok.status_code == 200, ok.text
        assert ok.json()["threshold"] == 40


def test_the_lead_page_shows_the_lead_score_with_its_parts(shop):
    from tests.plugins.standard_product.test_lead_score import HOT

    shop.settings()
    lead_id = shop.lead(HOT, owner="rep1")
    with TestClient(shop.app) as client:
        log_in(client, "rep1")
        page = client.get(f"/leads/{lead_id}")
    assert page.status_code == 200
    assert 'data-model="standard_product.lead_score"' in page.text
    assert "线索评分" in page.text and "匹配度 · 行业" in page.text and "60.00" in page.text
    assert "机械 符合目标" in page.text


def test_the_page_speaks_the_readers_language_from_the_packs_own_catalogue(shop):
    # "Engagement points per done action" is in the pack's catalogue, not the core's.
    with TestClient(shop.app) as client:
        log_in(client, "admin")  # the administrator's language is Chinese
        chinese = client.get(URL).text
        client.post("/language", data={"language": "en", "_csrf_token": csrf_token(client)})
        english = client.get(URL).text
    assert "每个已完成行动的活跃度分值" in chinese
    assert "Engagement points per done action" in english
