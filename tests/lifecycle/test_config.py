"""Configuring stages and moves: add, rename, reorder, retire; never remove."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.testing import csrf_token, log_in


def test_the_seeded_lifecycle_is_readable_by_anyone_who_views_customers(team):
    with team.client("rep1") as client:
        config = client.get("/api/v1/lifecycle").json()
    keys = [s["key"] for s in config["stages"]]
    assert keys == ["target", "prospect", "signed", "active", "dormant", "lost"]
    assert {"from_stage": "target", "to_stage": "prospect"} in config["transitions"]


def test_an_administrator_adds_renames_reorders_and_rewires(team):
    with team.client("admin") as client:
        config = client.get("/api/v1/lifecycle").json()
        config["stages"][0]["label_en"] = "Suspect"
        config["stages"][1]["position"] = 5
        config["stages"].append(
            {"key": "vip", "label_zh": "大客户", "label_en": "Key account", "position": 35}
        )
        config["transitions"] = [
            {"from_stage": "target", "to_stage": "prospect"},
            {"from_stage": "signed", "to_stage": "vip"},
        ]
        saved = client.put("/api/v1/lifecycle", json=config)
        assert saved.status_code == 200
        stages = saved.json()["stages"]
        keys = ["prospect", "target", "signed", "vip", "active", "dormant", "lost"]
        assert [s["key"] for s in stages] == keys
        assert stages[1]["label_en"] == "Suspect"
        assert len(saved.json()["transitions"]) == 2
    customer_id = team.customer("升级客户", owner="rep1", stage="signed")
    with team.client("rep1") as client:
        moved = client.post(f"/api/v1/customers/{customer_id}/stage", json={"to_stage": "vip"})
        assert moved.status_code == 200
        refused = client.post(f"/api/v1/customers/{customer_id}/stage", json={"to_stage": "lost"})
        assert refused.status_code == 422


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: c["stages"].pop(), "stages"),
        (lambda c: c["stages"].append(dict(c["stages"][0])), "stages"),
        (
            lambda c: c["transitions"].append({"from_stage": "x1", "to_stage": "target"}),
            "transitions",
        ),
        (
            lambda c: c["transitions"].append({"from_stage": "lost", "to_stage": "lost"}),
            "transitions",
        ),
        (lambda c: [s.update(active=False) for s in c["stages"]], "stages"),
        (lambda c: c["stages"].append({"key": "Bad Key", "label_zh": "x", "label_en": "x"}), None),
    ],
)
def test_bad_configurations_are_refused_with_422(team, change, field):
    with team.client("admin") as client:
        config = client.get("/api/v1/lifecycle").json()
        change(config)
        refused = client.put("/api/v1/lifecycle", json=config)
        assert refused.status_code == 422
        if field:
            assert refused.json()["field"] == field
        assert len(client.get("/api/v1/lifecycle").json()["stages"]) == 6


def test_only_administrators_change_the_lifecycle(team):
    with team.client("east_mgr") as client:
        config = client.get("/api/v1/lifecycle").json()
        assert client.put("/api/v1/lifecycle", json=config).status_code == 403


def post(client, url, data):
    return client.post(
        url, data={**data, "_csrf_token": csrf_token(client)}, follow_redirects=False
    )


def test_the_admin_page_saves_labels_new_stages_and_the_matrix(team):
    with TestClient(team.app) as client:
        log_in(client, "admin")
        page = client.get("/admin/lifecycle")
        assert page.status_code == 200 and 'value="target>prospect"' in page.text
        keys = ["target", "prospect", "signed", "active", "dormant", "lost"]
        form = {"stage": keys, "move": ["target>prospect", "prospect>signed"]}
        for position, key in enumerate(keys):
            form[f"label_zh.{key}"] = f"中{key}"
            form[f"label_en.{key}"] = key.title()
            form[f"position.{key}"] = str(position)
            if key != "lost":
                form[f"active.{key}"] = "1"
        form.update(new_key="vip", new_label_zh="大客户", new_label_en="VIP", new_position="9")
        saved = post(client, "/admin/lifecycle", form)
        assert saved.status_code == 303, saved.text
    with team.client("admin") as api:
        config = api.get("/api/v1/lifecycle").json()
    by_key = {s["key"]: s for s in config["stages"]}
    assert by_key["vip"]["label_en"] == "VIP" and not by_key["lost"]["active"]
    assert by_key["target"]["label_zh"] == "中target"
    assert len(config["transitions"]) == 2


def test_the_admin_page_shows_a_refusal_and_is_for_administrators(team):
    with TestClient(team.app) as client:
        log_in(client, "admin")
        refused = post(client, "/admin/lifecycle", {"stage": ["target"]})
        assert refused.status_code == 422 and "form-error" in refused.text
    with TestClient(team.app) as client:
        log_in(client, "east_mgr")
        assert client.get("/admin/lifecycle").status_code == 403
