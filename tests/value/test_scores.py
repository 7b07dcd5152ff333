"""Value scores: computed on events, stored with their explanation, read through the scope."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient
from sqlalchemy import select

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.errors import Forbidden, PluginError, ValidationError
from kht.leads.schemas import LeadCreate
from kht.leads.service import create_lead, get_lead
from kht.tags.service import tags_of
from kht.testing import log_in
from kht.value import service
from kht.value.cli import scores as scores_cli
from kht.value.models import ValueScore
from tests.team import build_team
from tests.value import probe_plugin

PROBE = "tests.value.probe_plugin"


@pytest.fixture
def team(kht_app):
    probe_plugin.SEEN.clear()
    probe_plugin.BROKEN["on"] = False
    return build_team(kht_app, plugins=["value_probe"], extra=[PROBE])


def new_lead(team, login="rep1", **values) -> int:
    with team.ctx(login) as ctx:
        return create_lead(ctx, LeadCreate(name=values.pop("name", "张三"), **values)).id


def log(team, lead_id: int, type_: str = "call", login: str = "rep1") -> None:
    with team.ctx(login) as ctx:
        log_action(ctx, ActionCreate(kind="lead", record_id=lead_id, type=type_, subject="跟进"))


def stored(team, kind: str, record_id: int) -> dict[str, Decimal]:
    with team.ctx(None) as ctx:
        rows = ctx.session.scalars(
            select(ValueScore).where(ValueScore.kind == kind, ValueScore.record_id == record_id)
        )
        return {row.model_key: Decimal(row.score) for row in rows}


def test_a_new_lead_is_scored_and_each_logged_action_rescores_it(team):
    lead_id = new_lead(team, email="a@example.com")
    assert stored(team, "lead", lead_id) == {"value_probe.activity": Decimal("5.00")}
    log(team, lead_id)
    log(team, lead_id, "meeting")
    assert stored(team, "lead", lead_id) == {"value_probe.activity": Decimal("25.00")}


def test_scores_of_explains_each_part_in_both_languages(team):
    lead_id = new_lead(team, email="a@example.com")
    log(team, lead_id)
    with team.ctx("rep1") as ctx:
        (score,) = service.scores_of(ctx, "lead", lead_id)
    assert score.model_key == "value_probe.activity"
    assert (score.label_zh, score.label_en, score.score) == ("活跃", "Activity", "15.00")
    assert [(p.label_en, p.points, p.explanation) for p in score.parts] == [
        ("Actions", "10.00", "1 done actions"),
        ("Email", "5.00", "有邮箱"),
    ]


def test_score_computed_carries_the_previous_score(team):
    lead_id = new_lead(team)
    log(team, lead_id)
    mine = [(e.score, e.previous) for e in probe_plugin.SEEN if e.record_id == lead_id]
    assert mine[0] == ("0.00", None)
    assert mine[-1] == ("10.00", "0.00")


def test_customers_are_scored_by_their_own_models(team):
    with team.ctx("rep1") as ctx:
        customer_id = create_customer(ctx, CustomerCreate(name="同方威视")).id
    assert stored(team, "customer", customer_id) == {"value_probe.size": Decimal("4.00")}


def test_the_api_shows_scores_in_scope_and_404_outside(team):
    lead_id = new_lead(team, login="rep1")
    with team.client("rep1") as client:
        response = client.get(f"/api/v1/scores/lead/{lead_id}")
        assert response.status_code == 200, response.text
        assert response.json()[0]["score"] == "0.00"
    with team.client("west_rep") as client:
        assert client.get(f"/api/v1/scores/lead/{lead_id}").status_code == 404
        assert client.post(f"/api/v1/scores/lead/{lead_id}/recompute").status_code == 404
    with team.client("admin") as client:
        assert client.get("/api/v1/scores/nothing/1").status_code == 404


def test_recompute_through_the_api_needs_edit_rights(team):
    with team.ctx("rep1") as ctx:
        customer_id = create_customer(ctx, CustomerCreate(name="同方威视")).id
    with team.client("rep1") as client:
        response = client.post(f"/api/v1/scores/customer/{customer_id}/recompute")
        assert response.status_code == 200, response.text
        assert response.json()[0]["score"] == "4.00"
    with team.client("mkt") as client:  # marketing sees every customer but may not edit them
        assert client.get(f"/api/v1/scores/customer/{customer_id}").status_code == 200
        assert client.post(f"/api/v1/scores/customer/{customer_id}/recompute").status_code == 403


def test_a_model_returning_an_impossible_total_is_named_and_rolls_the_change_back(team):
    probe_plugin.BROKEN["on"] = True
    with pytest.raises(PluginError, match="value_probe.activity.*150"):
        new_lead(team, name="坏分数")
    with team.ctx("admin") as ctx:
        assert service.value_models(ctx, "lead")
        total = ctx.session.scalars(select(ValueScore)).all()
    assert total == []


def test_rescore_all_runs_as_the_system_or_an_administrator_only(team):
    ids = [new_lead(team, name=f"线索{i}") for i in range(3)]
    log(team, ids[0])
    with team.ctx(None) as ctx:
        ctx.session.execute(ValueScore.__table__.delete())
    with team.ctx(None) as ctx:
        assert service.rescore_all(ctx, "lead", batch_size=2) == 3
    assert stored(team, "lead", ids[0]) == {"value_probe.activity": Decimal("10.00")}
    with team.ctx("rep1") as ctx, pytest.raises(Forbidden):
        service.rescore_all(ctx, "lead")
    with team.ctx(None) as ctx, pytest.raises(ValidationError, match="no enabled value model"):
        service.rescore_all(ctx, "contact")


def test_the_worker_entry_and_the_cli_rescore_every_kind(team):
    new_lead(team)
    assert service.run_rescore(team.runtime) == {"customer": 0, "lead": 1}
    result = CliRunner().invoke(scores_cli, ["recompute", "--kind", "lead"], obj=team.runtime)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "lead: 1 scored"


def test_the_worker_rescores_every_night(team):
    from kht.jobs.periodic import registered

    assert registered(team.runtime.plugins().pm.hook)["kht.rescore"].cron == "0 3 * * *"


def test_the_lead_page_shows_the_scores_panel(team):
    lead_id = new_lead(team, email="a@example.com")
    log(team, lead_id)
    with TestClient(team.app) as client:
        log_in(client, "rep1")
        page = client.get(f"/leads/{lead_id}")
    assert page.status_code == 200
    assert 'id="value-scores-panel"' in page.text
    assert "15.00" in page.text and "1 done actions" in page.text


def test_without_an_enabled_model_there_is_no_panel_and_no_scoring(kht_app):
    team = build_team(kht_app)
    lead_id = new_lead(team)
    assert stored(team, "lead", lead_id) == {}
    with TestClient(team.app) as client:
        log_in(client, "rep1")
        assert "value-scores-panel" not in client.get(f"/leads/{lead_id}").text


def test_assign_by_rule_moves_the_record_as_the_system(team):
    lead_id = new_lead(team, login="admin")
    with team.ctx(None) as ctx:
        assert service.assign_by_rule(ctx, "lead", lead_id, team.users["rep2"], "test.rule")
        assert not service.assign_by_rule(ctx, "lead", lead_id, team.users["rep2"], "test.rule")
    with team.ctx("rep2") as ctx:
        lead = get_lead(ctx, lead_id)
        assert lead.owner_id == team.users["rep2"] and lead.version == 2
    entries = team.audit("lead", lead_id)
    assert any("test.rule" in str(getattr(e, "new_value", "")) for e in entries) or entries


def test_assign_by_rule_refuses_an_unknown_owner_naming_the_field(team):
    lead_id = new_lead(team)
    with team.ctx(None) as ctx, pytest.raises(ValidationError) as refused:
        service.assign_by_rule(ctx, "lead", lead_id, 999999, "test.rule")
    assert refused.value.field == "owner_id"


def test_tag_by_rule_adds_and_removes_tags_as_the_system(team):
    lead_id = new_lead(team)
    with team.ctx(None) as ctx:
        assert service.tag_by_rule(ctx, "lead", lead_id, add=["培育中"])
        assert not service.tag_by_rule(ctx, "lead", lead_id, add=["培育中"])
        assert tags_of(ctx, "lead", [lead_id])[lead_id] == ["培育中"]
        assert service.tag_by_rule(ctx, "lead", lead_id, remove=["培育中"])
        assert tags_of(ctx, "lead", [lead_id]).get(lead_id, []) == []


def test_actions_of_reads_done_actions_newest_first(team):
    lead_id = new_lead(team)
    log(team, lead_id, "call")
    log(team, lead_id, "meeting")
    with team.ctx(None) as ctx:
        assert [a.type for a in service.actions_of(ctx, "lead", lead_id)] == ["meeting", "call"]


def test_score_table_joins_stored_scores_onto_a_scoped_query(team):
    from sqlalchemy import func

    from kht.leads.service import filtered

    ids = [new_lead(team, name=f"线索{i}", email="a@example.com" if i else "") for i in range(2)]
    log(team, ids[1])
    with team.ctx("rep1") as ctx:
        leads = filtered(ctx).subquery()
        scores = service.score_table("lead", "value_probe.activity")
        average = ctx.session.scalar(
            select(func.avg(scores.c.score)).select_from(
                leads.outerjoin(scores, scores.c.record_id == leads.c.id)
            )
        )
    assert Decimal(str(average)).quantize(Decimal("0.01")) == Decimal("7.50")  # (0 + 15) / 2


def test_the_recompute_button_of_the_panel_goes_back_to_the_page(team):
    from kht.testing import csrf_token

    lead_id = new_lead(team)
    with team.ctx(None) as ctx:
        ctx.session.execute(ValueScore.__table__.delete())
    with TestClient(team.app) as client:
        log_in(client, "rep1")
        page = client.get(f"/leads/{lead_id}")
        assert 'id="no-scores"' in page.text and 'id="recompute-form"' in page.text
        done = client.post(
            f"/scores/lead/{lead_id}/recompute",
            data={"_csrf_token": csrf_token(client), "next": f"/leads/{lead_id}"},
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"] == f"/leads/{lead_id}"
        evil = client.post(
            f"/scores/lead/{lead_id}/recompute",
            data={"_csrf_token": csrf_token(client), "next": "//evil.example"},
            follow_redirects=False,
        )
        assert evil.headers["location"] == "/"
    assert stored(team, "lead", lead_id) == {"value_probe.activity": Decimal("0.00")}


def test_a_model_with_inputs_reads_only_the_changes_that_touch_them():
    from kht.plugin_types import ValueModel

    def model(inputs):
        return ValueModel(
            key="x.y", kind="lead", label_zh="", label_en="", compute=None, inputs=inputs
        )

    ext = {"ext": [{"pack": {"a": 1}, "other": {"b": 1}}, {"pack": {"a": 2}, "other": {"b": 1}}]}
    assert model(None).reads({"name": ["a", "b"]})  # no inputs declared: everything counts
    assert not model(()).reads({"name": ["a", "b"], **ext})  # inputs elsewhere: nothing
    assert model(("name",)).reads({"name": ["a", "b"]})
    assert not model(("email",)).reads({"name": ["a", "b"]})
    assert model(("ext.pack",)).reads(ext)
    assert not model(("ext.other",)).reads(ext)
    assert model(("ext",)).reads(ext)
