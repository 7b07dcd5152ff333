"""RFM quintiles and segments on a known dataset, the segments as list filters, the member
value model's parts and weights, and the birthday bonus on a lunar birthday."""

from __future__ import annotations

from datetime import date, timedelta

from kht.settings.service import save_settings
from plugins.membership import points, service
from plugins.membership.schemas import Settings, Weights
from plugins.membership.value import VALUE_MODEL, refresh_rfm, run_nightly
from tests.plugins.membership.conftest import TODAY


def test_rfm_scores_and_segments_on_a_known_dataset(club):
    # Ten members: member i bought i times, ¥100·i each time, last i·10 days ago for the
    # low ones, so recency runs against frequency and money for half of them.
    ids = {}
    for i in range(1, 11):
        m = club.member(f"会员{i}", join_date=date(2025, 1, 1))
        last = TODAY - timedelta(days=(11 - i) * 10 if i > 5 else i * 10)
        for n in range(i):
            club.buy(m, str(100 * i), last - timedelta(days=n), key=f"{i}-{n}")
        ids[i] = m
    idle = club.member("没买过", join_date=date(2025, 1, 1))
    with club.on() as ctx:
        assert refresh_rfm(ctx) == 10
    got = {i: club.get(m) for i, m in ids.items()}
    scores = {i: (g.r_score, g.f_score, g.m_score, g.rfm_segment) for i, g in got.items()}
    # F and M rise with i (two per quintile); recency: 1 and 10 bought 10 days ago,
    # 5 and 6 fifty days ago.
    assert scores == {
        1: (5, 1, 1, "new"),
        2: (4, 1, 1, "new"),
        3: (3, 2, 2, "potential"),
        4: (2, 2, 2, "hibernating"),
        5: (1, 3, 3, "at_risk"),
        6: (1, 3, 3, "at_risk"),
        7: (2, 4, 4, "at_risk"),
        8: (3, 4, 4, "loyal"),
        9: (4, 5, 5, "champions"),
        10: (5, 5, 5, "champions"),
    }
    assert club.get(idle).rfm_segment == ""
    with club.client("admin") as admin:
        champions = admin.get("/api/v1/members", params={"f": "rfm_segment:eq:champions"})
        assert sorted(m["id"] for m in champions.json()["items"]) == [ids[9], ids[10]]
    with club.browser("admin") as page:
        listed = page.get("/members", params={"rfm_segment": "at_risk"})
        assert listed.status_code == 200
        assert got[5].number in listed.text and got[9].number not in listed.text


def test_the_value_model_explains_each_part_with_the_weights_of_the_settings(club):
    referrer = club.member("老会员", join_date=date(2021, 6, 15))
    friend = club.member("朋友", referrer_id=referrer)
    club.buy(referrer, "3000", key="a", category="服装", payment_method="wechat_pay")
    club.buy(referrer, "1000", key="b", category="鞋", payment_method="credit")
    club.buy(friend, "5000", key="c")
    with club.on() as ctx:
        refresh_rfm(ctx)
        from kht.value.service import score_record, scores_of

        score_record(ctx, service.MEMBER_KIND, referrer)
        score = scores_of(ctx, service.MEMBER_KIND, referrer)[0]
    assert score.model_key == VALUE_MODEL
    parts = {p.label_en: p for p in score.parts}
    assert list(parts) == [
        "Recency R",
        "Frequency F",
        "Monetary M",
        "Category breadth",
        "Payment and credit",
        "Loyalty",
        "Influence",
    ]
    assert "2 categories" in parts["Category breadth"].explanation_en
    assert parts["Category breadth"].points == "4.00"  # 2/5 of 10
    assert "25% of the spend on credit" in parts["Payment and credit"].explanation_en
    assert parts["Payment and credit"].points == "3.75"  # 3/4 of 5
    assert parts["Loyalty"].points == "5.00"  # 5 years: full half; standard tier: 0
    assert "referred 1 members who spent ¥5000.00" in parts["Influence"].explanation_en
    assert parts["Influence"].points == "3.00"  # (1 + 0.5) / 5 of 10

    with club.on() as ctx:  # only breadth counts now: its share is the whole score
        weights = Weights(
            recency=0, frequency=0, monetary=0, breadth=10, payment=0, loyalty=0, influence=0
        )
        save_settings(ctx, "membership", Settings(weights=weights), 0)
        from kht.value.service import score_record, scores_of

        score_record(ctx, service.MEMBER_KIND, referrer)
        assert scores_of(ctx, service.MEMBER_KIND, referrer)[0].score == "40.00"
    with club.browser("rep1") as page:
        shown = page.get(f"/members/{referrer}")
        assert 'id="value-scores-panel"' in shown.text and "品类广度" in shown.text


def test_the_birthday_bonus_comes_on_the_lunar_birthday_once(club):
    lunar = club.member("农历生日", birthday=date(1990, 10, 3), birthday_calendar="lunar")
    solar = club.member("公历生日", birthday=date(1990, 10, 3))
    with club.on(date(2026, 9, 25)) as ctx:  # 八月十五 of 2026
        assert run_nightly(ctx)["birthdays"] == 1
        assert run_nightly(ctx)["birthdays"] == 0  # once a year
    assert (club.get(lunar).points_balance, club.get(solar).points_balance) == (200, 0)
    with club.on(date(2026, 10, 3)) as ctx:
        assert run_nightly(ctx)["birthdays"] == 1
        assert points.ledger_sum(ctx, solar) == (200, 200)


def test_the_worker_runs_the_nightly_run_at_a_quarter_past_one_company_time(club):
    from datetime import UTC, datetime

    import time_machine

    from kht.jobs.periodic import tick

    solar = club.member("公历生日", birthday=date(1990, 10, 3))
    # 01:15 on 3 October in Shanghai is 17:15 UTC on 2 October.
    at = datetime(2026, 10, 2, 17, 15, 20, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        assert "membership.nightly" in tick(club.runtime, at)
        assert "membership.nightly" not in tick(club.runtime, at)  # that minute ran once

    assert club.get(solar, date(2026, 10, 3)).points_balance == 200
