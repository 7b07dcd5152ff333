"""Tier evaluation, worked through a year: upgrade at once, a refund keeps the tier until
the review date, the review downgrades; the history names each cause; points earn at the
tier's multiplier."""

from __future__ import annotations

from datetime import date

import pytest

from kht.plugin_api import Conflict
from plugins.membership import service
from plugins.membership.schemas import TransactionCreate
from plugins.membership.value import run_nightly


def refund(club, member_id, of, amount, day):
    with club.on(day) as ctx:
        service.record_transaction(
            ctx,
            TransactionCreate(
                member_id=member_id,
                external_id=f"refund-{of}",
                amount=amount,
                refund_of=of,
                occurred_on=day,
            ),
        )


def tier_of(club, member_id, day):
    member = club.get(member_id, day)
    return member.tier, member.tier_review_on, member.points_balance


def test_a_year_of_tier_evaluation(club):
    m = club.member("王小明", join_date=date(2026, 1, 10))
    club.buy(m, "3000", date(2026, 1, 10), key="jan")
    assert tier_of(club, m, date(2026, 1, 10))[0] == "standard"

    # 5,500 in the window reaches Silver (5,000): upgraded at once, reviewed a year later.
    club.buy(m, "2500", date(2026, 2, 1), key="feb")
    assert tier_of(club, m, date(2026, 2, 1))[:2] == ("silver", date(2027, 2, 1))

    # 20,500 reaches Gold (20,000); the purchase earns at Silver's 1.2: 18,000 points.
    club.buy(m, "15000", date(2026, 3, 1), key="mar")
    assert tier_of(club, m, date(2026, 3, 1)) == ("gold", date(2027, 3, 1), 23500)

    # A refund of 12,000 leaves 8,500 (Silver) but Gold holds until the review date; it
    # takes back 12/15 of the 18,000 points.
    refund(club, m, "mar", 12000, date(2026, 3, 5))
    assert tier_of(club, m, date(2026, 3, 5)) == ("gold", date(2027, 3, 1), 9100)

    club.buy(m, "6000", date(2026, 12, 1), key="dec")  # at Gold's 1.5: 9,000 points
    assert tier_of(club, m, date(2026, 12, 1)) == ("gold", date(2027, 3, 1), 18100)

    with club.on(date(2027, 2, 28)) as ctx:  # the day before the review: nothing moves
        run_nightly(ctx)
    assert tier_of(club, m, date(2027, 2, 28))[0] == "gold"

    # On the review date only December's 6,000 is in the window: down to Silver.
    with club.on(date(2027, 3, 1)) as ctx:
        run_nightly(ctx)
        history = [
            (c.from_tier, c.to_tier, c.cause, c.changed_on)
            for c in reversed(service.tier_history(ctx, m))
        ]
    assert tier_of(club, m, date(2027, 3, 1))[:2] == ("silver", date(2028, 3, 1))
    assert history == [
        ("", "standard", "join", date(2026, 1, 10)),
        ("standard", "silver", "purchase", date(2026, 2, 1)),
        ("silver", "gold", "purchase", date(2026, 3, 1)),
        ("gold", "silver", "review", date(2027, 3, 1)),
    ]


def test_a_review_with_the_tier_still_held_starts_a_new_period(club):
    m = club.member("李小红", join_date=date(2026, 1, 10))
    club.buy(m, "6000", date(2026, 1, 10), key="a")
    club.buy(m, "6000", date(2026, 12, 20), key="b")
    with club.on(date(2027, 1, 10)) as ctx:
        assert run_nightly(ctx)["tiers"] == {"renew": 1}
    assert tier_of(club, m, date(2027, 1, 10))[:2] == ("silver", date(2028, 1, 10))


def test_tiers_by_points_and_the_tiers_api(club):
    with club.client("admin") as admin:
        tiers = admin.get("/api/v1/membership/tiers").json()
        assert [t["key"] for t in tiers] == ["standard", "silver", "gold", "diamond"]
        read = admin.get("/api/v1/settings/membership").json()
        settings = {"version": read["version"], "settings": read["settings"]}
        settings["settings"]["tier_basis"] = "points"
        saved = admin.put("/api/v1/settings/membership", json=settings)
        assert saved.status_code == 200, saved.text
        stale = admin.put("/api/v1/settings/membership", json=settings)
        assert stale.status_code == 409
        bad = {"version": 1, "settings": {"grace_days": -1}}
        refused = admin.put("/api/v1/settings/membership", json=bad)
        assert refused.status_code in (400, 422) and "grace_days" in refused.text
        two = [
            {"key": "basic", "name_zh": "基础", "name_en": "Basic", "rank": 0},
            {
                "key": "vip",
                "name_zh": "贵宾",
                "name_en": "VIP",
                "rank": 1,
                "min_points": 1000,
                "multiplier": "3",
            },
        ]
        assert admin.put("/api/v1/membership/tiers", json=two).status_code == 200
    m = club.member("赵六")
    club.buy(m, "999", key="p1")  # 999 points: still Basic
    assert tier_of(club, m, date(2026, 6, 15))[0] == "basic"
    club.buy(m, "1", key="p2")
    assert tier_of(club, m, date(2026, 6, 15)) == ("vip", date(2027, 6, 15), 1000)
    club.buy(m, "10", key="p3")  # VIP earns x3
    assert tier_of(club, m, date(2026, 6, 15))[2] == 1030
    with club.on() as ctx, pytest.raises(Conflict) as held:
        service.replace_tiers(ctx, [service.DEFAULT_TIERS[0]])
    assert held.value.field == "tiers"
    with club.client("rep1") as rep:
        assert rep.put("/api/v1/membership/tiers", json=two).status_code == 403
        assert rep.get("/api/v1/settings/membership").status_code == 403
