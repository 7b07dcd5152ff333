"""Refusals of the pack (at the till and in the API) are worded in the reader's language
through the pack's own catalogue: English for an English reader, Chinese for a Chinese one,
the field still named."""

from __future__ import annotations

import pytest

from kht.auth.models import User
from kht.testing import csrf_token
from plugins.membership import service
from plugins.membership.schemas import PointsIn


def speaks(club, login: str, language: str) -> None:
    """The user's own language setting (what /account saves)."""
    with club.ctx(None) as ctx:
        ctx.session.get(User, club.users[login]).language = language
        ctx.session.commit()


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "only 0 points are left"), ("zh_CN", "仅剩 0 积分")]
)
def test_redeeming_more_than_the_balance_is_refused_in_the_readers_language(club, language, shown):
    member = club.member()
    speaks(club, "rep1", language)
    with club.browser("rep1") as page:
        answer = page.post(
            f"/membership/members/{member}/redeem",
            data={"points": "50", "reason": "礼品", "_csrf_token": csrf_token(page)},
        )
    assert answer.status_code == 200
    assert f'data-field="points">{shown}</div>' in answer.text


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "enter a whole number"), ("zh_CN", "请输入整数")]
)
def test_a_till_form_with_a_bad_number_names_the_field_in_the_readers_language(
    club, language, shown
):
    member = club.member()
    speaks(club, "rep1", language)
    with club.browser("rep1") as page:
        answer = page.post(
            f"/membership/members/{member}/renew",
            data={"months": "twelve", "_csrf_token": csrf_token(page)},
        )
    assert f'data-field="months">{shown}</div>' in answer.text


def test_the_service_words_a_refusal_for_the_acting_users_language(club):
    member = club.member()
    for language, shown in (("en", "only 0 points are left"), ("zh_CN", "仅剩 0 积分")):
        with club.on() as ctx:
            ctx.language = language
            with pytest.raises(Exception) as refused:
                service.redeem(ctx, member, PointsIn(points=1, reason="x"))
        assert (refused.value.message, refused.value.field) == (shown, "points")
