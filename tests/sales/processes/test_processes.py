"""Sales processes: seeded from plugins once, defined by administrators, and changed without
corrupting open opportunities."""

from __future__ import annotations

from sqlalchemy import select

from kht.hookspecs import hookimpl
from kht.plugin_types import ProcessDef, StageDef
from kht.sales.opportunities import service as opportunities
from kht.sales.processes import service
from kht.sales.processes.models import Process
from kht.testing import csrf_token, log_in


class Contributes:
    """A plugin contributing one process."""

    def __init__(self, process: ProcessDef) -> None:
        self.process = process

    @hookimpl
    def kht_register_processes(self) -> list[ProcessDef]:
        return [self.process]


def process_body(**changes):
    body = {
        "key": "projects",
        "name_zh": "项目流程",
        "name_en": "Project process",
        "stages": [
            {"key": "lead", "name_zh": "立项", "name_en": "Lead", "probability": 10},
            {
                "key": "bid",
                "name_zh": "投标",
                "name_en": "Bid",
                "probability": 50,
                "required_fields": ["amount", "expected_close"],
            },
            {
                "key": "won",
                "name_zh": "中标",
                "name_en": "Won",
                "probability": 100,
                "outcome": "won",
            },
            {"key": "lost", "name_zh": "未中标", "name_en": "Lost", "outcome": "lost"},
        ],
    }
    body.update(changes)
    return body


def test_the_core_process_is_seeded_once_as_the_default(team):
    processes = team.client("rep1").get("/api/v1/processes").json()
    assert [p["key"] for p in processes] == ["standard"]
    assert processes[0]["is_default"] is True
    assert [s["key"] for s in processes[0]["stages"]] == [
        "qualify",
        "needs",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ]
    with team.ctx(None) as ctx:
        assert service.seed_processes(ctx) == []  # idempotent


def test_a_plugin_process_is_seeded_and_not_overwritten_later(team):
    contributed = ProcessDef(
        key="acme.fast",
        name_zh="快速",
        name_en="Fast",
        stages=(
            StageDef(key="open", name_zh="开", name_en="Open", probability=50),
            StageDef(key="won", name_zh="赢", name_en="Won", probability=100, outcome="won"),
            StageDef(key="lost", name_zh="输", name_en="Lost", outcome="lost"),
        ),
    )
    with team.ctx(None) as ctx:
        ctx.plugins.pm.register(Contributes(contributed), name="acme")
        try:
            assert service.seed_processes(ctx) == ["acme.fast"]
            process = ctx.session.query(Process).filter_by(key="acme.fast").one()
            process.name_en = "Renamed by the admin"
            ctx.session.flush()
            assert service.seed_processes(ctx) == []  # seeded once, by key
        finally:
            ctx.plugins.pm.unregister(name="acme")
    with team.ctx(None) as ctx:
        process = ctx.session.query(Process).filter_by(key="acme.fast").one()
        assert (process.name_en, process.plugin) == ("Renamed by the admin", "acme")


def test_administrators_define_processes_and_reps_may_not(team):
    assert team.client("rep1").post("/api/v1/processes", json=process_body()).status_code == 403
    created = team.client("admin").post("/api/v1/processes", json=process_body())
    assert created.status_code == 201, created.text
    stages = created.json()["stages"]
    assert [s["position"] for s in stages] == [0, 1, 2, 3]
    assert stages[1]["required_fields"] == ["amount", "expected_close"]
    again = team.client("admin").post("/api/v1/processes", json=process_body())
    assert again.status_code == 409 and again.json()["field"] == "key"


def test_a_process_needs_open_won_and_lost_stages_and_known_gates(team):
    admin = team.client("admin")
    stages = process_body()["stages"]
    cases = [
        (process_body(stages=stages[:3]), "stages"),  # no lost stage
        (process_body(stages=[stages[0], stages[0], *stages[2:]]), "stages"),  # duplicate key
        (
            process_body(stages=[{**stages[0], "required_actions": ["dance"]}, *stages[1:]]),
            "required_actions",
        ),
        (
            process_body(stages=[{**stages[0], "required_fields": ["shoe_size"]}, *stages[1:]]),
            "required_fields",
        ),
        (process_body(stages=[{**stages[0], "probability": 120}, *stages[1:]]), "probability"),
        (process_body(product_line_ids=[99999]), "product_line_ids"),
    ]
    for body, field in cases:
        response = admin.post("/api/v1/processes", json=body)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["field"].endswith(field), (field, response.json())


def test_changing_a_process_keeps_open_opportunities_and_their_history(team):
    admin = team.client("admin")
    process = admin.post("/api/v1/processes", json=process_body()).json()
    opp = (
        team.client("rep1")
        .post(
            "/api/v1/opportunities",
            json={
                "name": "Bid",
                "customer_id": team.customers["rep1"],
                "process_id": process["id"],
                "amount": "10.00",
            },
        )
        .json()
    )
    assert opp["stage_key"] == "lead"
    body = process_body(version=process["version"])
    body["stages"] = [s for s in body["stages"] if s["key"] != "lead"]
    refused = admin.patch(f"/api/v1/processes/{process['id']}", json=body)
    assert refused.status_code == 409 and "retire it" in refused.json()["message"]
    body = process_body(version=process["version"])
    body["stages"][0]["active"] = False  # retire "lead"
    body["stages"].insert(
        1, {"key": "visit", "name_zh": "拜访", "name_en": "Visit", "probability": 30}
    )
    saved = admin.patch(f"/api/v1/processes/{process['id']}", json=body)
    assert saved.status_code == 200, saved.text
    still = team.client("rep1").get(f"/api/v1/opportunities/{opp['id']}").json()
    assert still["stage_key"] == "lead" and still["version"] == opp["version"]
    visit = next(s["id"] for s in saved.json()["stages"] if s["key"] == "visit")
    moved = team.client("rep1").post(
        f"/api/v1/opportunities/{opp['id']}/stage",
        json={"stage_id": visit, "version": still["version"]},
    )
    assert moved.status_code == 200, moved.text
    history = team.client("rep1").get(f"/api/v1/opportunities/{opp['id']}/stages").json()
    assert [h["stage_name_en"] for h in history] == ["Lead", "Visit"]
    stale = admin.patch(f"/api/v1/processes/{process['id']}", json=body)
    assert stale.status_code == 409 and stale.json()["field"] == "version"


def test_a_product_line_picks_its_process(team):
    admin = team.client("admin")
    line = admin.post("/api/v1/business-lines", json={"name": "工程"})
    assert line.status_code == 201, line.text
    process = admin.post(
        "/api/v1/processes", json=process_body(product_line_ids=[line.json()["id"]])
    ).json()
    opp = (
        team.client("rep1")
        .post(
            "/api/v1/opportunities",
            json={
                "name": "Plant",
                "customer_id": team.customers["rep1"],
                "product_line_id": line.json()["id"],
            },
        )
        .json()
    )
    assert opp["process_id"] == process["id"]


def test_the_admin_page_saves_a_process_with_its_stages(team):
    from litestar.testing import TestClient

    with TestClient(team.app) as client:
        log_in(client, "admin")
        page = client.get("/admin/processes")
        assert page.status_code == 200 and "标准销售流程" in page.text
        form = {
            "_csrf_token": csrf_token(client),
            "key": "service",
            "name_zh": "服务流程",
            "name_en": "Service process",
            "active": "1",
            "s-0-key": "talk",
            "s-0-name_zh": "沟通",
            "s-0-name_en": "Talk",
            "s-0-probability": "20",
            "s-0-outcome": "open",
            "s-0-active": "1",
            "s-0-required_actions": ["call", "visit"],
            "s-1-key": "won",
            "s-1-name_zh": "成交",
            "s-1-name_en": "Won",
            "s-1-probability": "100",
            "s-1-outcome": "won",
            "s-1-active": "1",
            "s-2-key": "lost",
            "s-2-name_zh": "失败",
            "s-2-name_en": "Lost",
            "s-2-probability": "0",
            "s-2-outcome": "lost",
            "s-2-active": "1",
            "s-3-key": "",
        }
        saved = client.post("/admin/processes/new", data=form, follow_redirects=False)
        assert saved.status_code == 303, saved.text
        page = client.get(saved.headers["location"])
        assert "服务流程" in page.text and 'value="talk"' in page.text
        bad = client.post(
            "/admin/processes/new", data={**form, "key": "other", "s-2-outcome": "open"}
        )
        assert bad.status_code == 422 and "lost stage" in bad.text
    with team.ctx("admin") as ctx:
        process = ctx.session.query(Process).filter_by(key="service").one()
        assert process.stages[0].required_actions == ["call", "visit"]


def test_reps_cannot_open_the_admin_pages(team):
    from litestar.testing import TestClient

    with TestClient(team.app) as client:
        log_in(client, "rep1")
        assert client.get("/admin/processes").status_code == 403


def test_a_disabled_plugins_gate_field_no_longer_holds_opportunities_back(kht_app):
    from tests.team import build_team

    team = build_team(kht_app, plugins=["gate_plugin"], extra=["tests.sales.processes.gate_plugin"])
    with team.ctx("admin") as ctx:
        process = ctx.session.scalars(select(Process).where(Process.key == "gated")).one()
        stage = {s.key: s.id for s in process.stages}
    opp = (
        team.client("rep1")
        .post(
            "/api/v1/opportunities",
            json={
                "name": "Gated",
                "customer_id": team.customer("Acme", "rep1"),
                "process_id": process.id,
            },
        )
        .json()
    )
    move = {"stage_id": stage["offer"], "version": opp["version"]}
    held = team.client("rep1").post(f"/api/v1/opportunities/{opp['id']}/stage", json=move)
    assert held.status_code == 422
    assert "gate_plugin.budget_owner must be filled" in held.json()["message"]

    team.runtime.set_enabled("gate_plugin", False)
    with team.ctx("rep1") as ctx:
        moved = opportunities.move_stage(ctx, opp["id"], stage["offer"], version=opp["version"])
        assert moved.status == "open" and moved.stage_id == stage["offer"]
