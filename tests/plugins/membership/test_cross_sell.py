"""Cross-sell: "members who buy A also buy B", from category co-purchase across members
counted set-based by the nightly run, shown on the member page with its reason."""

from __future__ import annotations

from datetime import date

from plugins.membership import cross_sell
from plugins.membership.value import run_nightly

DAY = date(2026, 6, 1)


def basket(club, name: str, *categories: str) -> int:
    member = club.member(name)
    for n, category in enumerate(categories):
        club.buy(member, "100", DAY, key=f"{name}-{n}", category=category)
    return member


def test_members_who_buy_appliances_also_buy_kitchenware(club):
    basket(club, "甲", "家电", "厨具")
    basket(club, "乙", "家电", "厨具", "服装")
    basket(club, "丙", "家电", "服装")
    basket(club, "丁", "服装")
    newcomer = basket(club, "戊", "家电")
    with club.on() as ctx:
        assert cross_sell.suggestions(ctx, newcomer) == []  # nothing counted before the night
        run_nightly(ctx)
    with club.on() as ctx:
        found = cross_sell.suggestions(ctx, newcomer)
    # Of the 4 who buy 家电: 2 buy 厨具 (50%), 2 buy 服装 (50%); of the 3 who buy 服装 ...
    assert [(s.category, s.because, s.share, s.members) for s in found] == [
        ("厨具", "家电", 50, 2),
        ("服装", "家电", 50, 2),
    ]


def test_a_category_the_member_bought_is_never_suggested_and_one_basket_is_no_rule(club):
    basket(club, "甲", "家电", "厨具")
    basket(club, "乙", "家电", "厨具")
    basket(club, "丙", "家电", "珠宝")  # only one member pairs 珠宝 with 家电
    both = basket(club, "丁", "家电", "厨具")
    with club.on() as ctx:
        run_nightly(ctx)
    with club.on() as ctx:
        assert cross_sell.suggestions(ctx, both) == []


def test_the_member_page_shows_the_suggestion_with_its_reason(club):
    basket(club, "甲", "家电", "厨具")
    basket(club, "乙", "家电", "厨具")
    newcomer = basket(club, "丙", "家电")
    with club.on() as ctx:
        run_nightly(ctx)
    with club.browser("rep1") as browser:
        page = browser.get(f"/members/{newcomer}")
    assert page.status_code == 200, page.text
    assert 'data-category="厨具"' in page.text
    # Of the three members who buy 家电 (the newcomer too), two buy 厨具.
    assert "购买家电的会员中 67% 也购买此品类（2 位会员）" in page.text
