"""After scoring: cold leads are tagged for nurturing, hot unowned leads go to a rep."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from kht.auth.models import User
from kht.db.engine import is_sqlite
from kht.leads.schemas import LeadCreate
from kht.leads.service import create_lead, get_lead
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


def lock_waits(engine) -> int:
    """How many PostgreSQL sessions of this database wait on a lock."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    with engine.connect() as connection:
        return connection.execute(query).scalar()


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_two_leads_routed_at_the_same_time_go_to_different_reps(shop):
    rep1, rep2 = shop.users["rep1"], shop.users["rep2"]
    shop.settings(routing="round_robin", reps=[rep1, rep2])
    first_routed, commit_first = threading.Event(), threading.Event()

    def create(name: str, hold: bool) -> int:
        with shop.at("admin") as ctx:
            data = LeadCreate(name=name, ext={"standard_product": HOT})
            lead = create_lead(ctx, data, owner_id=None)  # unowned: routed
            if hold:  # routed, not yet committed: the second one starts now
                first_routed.set()
                assert commit_first.wait(30)
            return lead.id

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(create, "热甲", True)
        assert first_routed.wait(30)
        second = pool.submit(create, "热乙", False)
        if not is_sqlite(shop.runtime.engine):
            # Routed in full while the first holds its turn, or waiting for the first to end
            # (SQLite: the second cannot begin before the first commits).
            wait_until(lambda: second.done() or lock_waits(shop.runtime.engine) > 0)
        commit_first.set()
        leads = [first.result(30), second.result(30)]
    assert sorted(owner_and_tags(shop, lead)[0] for lead in leads) == sorted([rep1, rep2])


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
