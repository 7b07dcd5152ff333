"""After scoring: cold leads are tagged for nurturing, hot unowned leads go to a rep."""

from __future__ import annotations

from kht.auth.models import User
from kht.leads.service import get_lead
from kht.tags.service import tags_of
from tests.plugins.standard_product.test_lead_score import COLD, HOT

NURTURE = "培育中"


def owner_and_tags(shop, lead_id: int) -> tuple[int | None, list[str]]:
    with shop.at("admin") as ctx:
        lead = get_lead(ctx, lead_id)
        return lead.owner_id, tags_of(ctx, "lead", [lead_id]).get(lead_id, [])


def test_round_robin_gives_hot_unowned_leads_to_the_reps_in_turn(shop):
    rep1, rep2 = shop.users["rep1"], shop.users["rep2"]
    shop.settings(routing="round_robin", reps=[rep1, rep2])
    owners = [owner_and_tags(shop, shop.lead(HOT, name=f"热{i}"))[0] for i in range(3)]
    assert owners == [rep1, rep2, rep1]


def test_a_cold_lead_is_tagged_for_nurturing_and_stays_in_the_pool(shop):
    shop.settings(routing="round_robin", reps=[shop.users["rep1"]])
    lead_id = shop.lead(COLD)
    assert owner_and_tags(shop, lead_id) == (None, [NURTURE])


def test_a_nurtured_lead_that_warms_up_is_untagged_and_routed(shop):
    rep1 = shop.users["rep1"]
    shop.settings(routing="round_robin", reps=[rep1])
    lead_id = shop.lead({"industry": "automotive", "purchase_timeframe": "months_1_3"})
    assert owner_and_tags(shop, lead_id) == (None, [NURTURE])  # fit 30
    for _ in range(3):
        shop.act(lead_id, "meeting")  # + 30 engagement = 60, the threshold
    assert owner_and_tags(shop, lead_id) == (rep1, [])


def test_territory_routing_uses_the_province_then_falls_back_to_round_robin(shop):
    west, rep1 = shop.users["west_rep"], shop.users["rep1"]
    shop.settings(routing="territory", territories={"上海": west}, reps=[rep1])
    shanghai = shop.lead({**HOT, "province": "上海"})
    beijing = shop.lead({**HOT, "province": "北京"})
    nowhere = shop.lead(HOT)
    assert [owner_and_tags(shop, i)[0] for i in (shanghai, beijing, nowhere)] == [west, rep1, rep1]


def test_a_lead_someone_owns_is_never_rerouted(shop):
    shop.settings(routing="round_robin", reps=[shop.users["rep1"]])
    lead_id = shop.lead(HOT, owner="rep2")
    assert owner_and_tags(shop, lead_id) == (shop.users["rep2"], [])


def test_a_rep_who_left_is_skipped(shop):
    rep1, rep2 = shop.users["rep1"], shop.users["rep2"]
    shop.settings(routing="round_robin", reps=[rep1, rep2])
    with shop.at(None) as ctx:
        ctx.session.get(User, rep1).active = False
    assert owner_and_tags(shop, shop.lead(HOT))[0] == rep2
    assert owner_and_tags(shop, shop.lead(HOT))[0] == rep2


def test_without_routing_a_hot_lead_stays_in_the_pool_untagged(shop):
    shop.settings(routing="none")
    assert owner_and_tags(shop, shop.lead(HOT)) == (None, [])


def test_routing_works_for_a_lead_from_the_public_web_form(shop):
    """The web form has no logged-in user: scoring and routing run as the system."""
    from kht.leads.schemas import WebLead
    from kht.leads.webform import capture_web_lead

    rep1 = shop.users["rep1"]
    shop.settings(routing="round_robin", reps=[rep1], threshold=0)
    with shop.at(None) as ctx:
        lead_id = capture_web_lead(ctx, WebLead(name="网客"), "127.0.0.1").id
    assert owner_and_tags(shop, lead_id) == (rep1, [])


def test_the_owner_change_is_audited_with_the_rule(shop):
    shop.settings(routing="round_robin", reps=[shop.users["rep1"]])
    lead_id = shop.lead(HOT)
    entries = shop.audit("lead", lead_id)
    assert any("standard_product.round_robin" in str(vars(entry)) for entry in entries), [
        vars(e) for e in entries
    ]
