"""The lead score = fit (0..60) + engagement (0..40): the README's worked examples, exactly."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from kht.value.service import ActionFact
from plugins.standard_product.service import engagement, recency_factor
from tests.plugins.standard_product.conftest import NOW

HOT = {
    "industry": "machinery",
    "company_size": "staff_200_999",
    "purchase_timeframe": "within_1_month",
    "budget_range": "from_500k_to_2m",
    "product_interest": ["equipment"],
}
COLD = {
    "industry": "furniture",
    "company_size": "staff_1_49",
    "purchase_timeframe": "months_1_3",
    "budget_range": "unknown",
    "product_interest": ["parts"],
}


def test_example_a_a_hot_lead_scores_73_75(shop):
    shop.settings()
    lead_id = shop.lead(HOT)
    shop.act(lead_id, "meeting", days_ago=2)
    shop.act(lead_id, "call", days_ago=10)
    shop.act(lead_id, "call", days_ago=40)
    assert shop.rescore(lead_id) == Decimal("73.75")
    assert shop.parts(lead_id) == [
        ("Fit · Industry", "15.00"),
        ("Fit · Company size", "10.00"),
        ("Fit · Purchase timeframe", "15.00"),
        ("Fit · Budget range", "10.00"),
        ("Fit · Product interest", "10.00"),
        ("Engagement", "13.75"),
    ]


def test_example_b_a_cold_lead_scores_18(shop):
    shop.settings()
    lead_id = shop.lead(COLD)
    shop.act(lead_id, "email", days_ago=3)
    assert shop.rescore(lead_id) == Decimal("18.00")
    assert shop.parts(lead_id) == [
        ("Fit · Industry", "0.00"),
        ("Fit · Company size", "0.00"),
        ("Fit · Purchase timeframe", "15.00"),
        ("Fit · Budget range", "0.00"),
        ("Fit · Product interest", "0.00"),
        ("Engagement", "3.00"),
    ]


def test_example_c_engagement_is_capped_at_40_and_old_actions_count_nothing(shop):
    shop.settings()
    lead_id = shop.lead({"industry": "automotive"})
    for _ in range(5):
        shop.act(lead_id, "meeting", days_ago=1)
    shop.act(lead_id, "visit", days_ago=100)
    assert shop.rescore(lead_id) == Decimal("55.00")
    assert shop.parts(lead_id)[-1] == ("Engagement", "40.00")


def test_example_d_a_dimension_without_a_target_rewards_any_filled_value(shop):
    shop.settings(target_budgets=[])
    lead_id = shop.lead({**COLD, "budget_range": "under_100k"})
    assert shop.rescore(lead_id) == Decimal("25.00")  # timeframe 15 + budget 10


def test_the_explanations_say_what_matched(shop):
    shop.settings()
    lead_id = shop.lead(HOT)
    shop.act(lead_id, "meeting", days_ago=2)
    with shop.at("admin") as ctx:
        from kht.value.service import scores_of

        (score,) = scores_of(ctx, "lead", lead_id)
    industry, *_, activity = score.parts
    assert industry.explanation == "机械 符合目标"
    assert industry.explanation_en == "Machinery matches the target"
    assert activity.explanation_en == "1 meeting: 10"


def test_recency_steps_are_whole_days():
    assert recency_factor(NOW - timedelta(days=7, hours=23), NOW) == 1
    assert recency_factor(NOW - timedelta(days=8), NOW) == Decimal("0.5")
    assert recency_factor(NOW - timedelta(days=30), NOW) == Decimal("0.5")
    assert recency_factor(NOW - timedelta(days=31), NOW) == Decimal("0.25")
    assert recency_factor(NOW - timedelta(days=90), NOW) == Decimal("0.25")
    assert recency_factor(NOW - timedelta(days=91), NOW) == 0


def test_unknown_action_types_and_notes_earn_nothing():
    facts = [ActionFact(type="note", at=NOW), ActionFact(type="fax", at=NOW)]
    part = engagement(facts, NOW)
    assert part.points == 0 and part.explanation_en == "none: 0"
