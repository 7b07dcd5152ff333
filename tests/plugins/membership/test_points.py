"""The points ledger: earning once per transaction, redeeming never below zero, audited
adjustments that need their right, expiry lot by lot (FIFO), refunds taking points back,
and the invariant balance == sum of the ledger after any sequence (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kht.plugin_api import Conflict, Forbidden, ValidationError
from plugins.membership import points, service
from plugins.membership.schemas import AdjustIn, PointsIn, TransactionCreate
from plugins.membership.value import run_nightly


def balance(club, member_id, day=date(2026, 6, 15)):
    with club.on(day) as ctx:
        member = service.get_member(ctx, member_id)
        entries, remaining = points.ledger_sum(ctx, member_id)
        assert member.points_balance == entries == remaining >= 0
        return member.points_balance


def test_a_transaction_earns_exactly_once(club):
    m = club.member()
    first = club.buy(m, "128.50", key="till-1")
    again = club.buy(m, "128.50", key="till-1")
    assert first == again and balance(club, m) == 128
    with club.client("rep1") as rep:
        body = {"member_id": m, "external_id": "till-1", "amount": "128.50"}
        answer = rep.post("/api/v1/member_transactions", json=body)
        assert answer.status_code == 201 and answer.json()["id"] == first
        assert rep.get("/api/v1/member_transactions").json()["total"] == 1
        other = club.member("李小红")
        stolen = rep.post("/api/v1/member_transactions", json={**body, "member_id": other})
        assert stolen.status_code == 409 and "external_id" in stolen.text
        bad = rep.post("/api/v1/member_transactions", json={**body, "amount": "-5"})
        assert bad.status_code == 422 and "amount" in bad.text
        # Reps may not delete; whoever may is told to refund instead.
        assert rep.delete(f"/api/v1/member_transactions/{first}").status_code == 403
    with club.client("east_mgr") as manager:
        refused = manager.delete(f"/api/v1/member_transactions/{first}")
        # Worded in the manager's language (Chinese): "record a refund instead".
        assert refused.status_code == 409 and refused.json()["field"] == "id"
        assert refused.json()["message"] == "交易记录不可删除：请登记退款"
    assert balance(club, m) == 128


def test_reimporting_a_file_earns_nothing_more(club):
    m = club.member()
    rows = f"会员,交易号,金额,品类\n{m},R-001,100,服装\n{m},R-002,50.5,鞋\n{m},R-003,abc,鞋\n"
    with club.client("rep1") as rep:
        for policy in ("skip", "create"):
            upload = rep.post(
                "/api/v1/imports",
                files={"file": ("t.csv", rows.encode(), "text/csv")},
                data={"kind": "membership_transaction"},
            )
            assert upload.status_code == 201, upload.text
            job = rep.post(
                f"/api/v1/imports/{upload.json()['id']}/run",
                json={"commit_valid": True, "dedupe": policy},
            )
            assert job.status_code in (200, 201), job.text
            assert job.json()["result"]["failed"] == 1  # the amount "abc"
    assert balance(club, m) == 150
    with club.on() as ctx:
        assert service.get_member(ctx, m).purchase_count == 2


def test_redeeming_more_than_the_balance_is_refused(club):
    m = club.member()
    club.buy(m, "300", key="a")
    with club.on() as ctx:
        service.redeem(ctx, m, PointsIn(points=200, reason="电影票"))
        with pytest.raises(Conflict) as short:
            service.redeem(ctx, m, PointsIn(points=101, reason="电影票"))
        assert short.value.field == "points"
    assert balance(club, m) == 100
    with club.client("rep1") as rep:
        answer = rep.post(
            f"/api/v1/membership/members/{m}/redeem", json={"points": 500, "reason": "x"}
        )
        assert answer.status_code == 409
        zero = rep.post(f"/api/v1/membership/members/{m}/redeem", json={"points": 0, "reason": "x"})
        assert zero.status_code == 422 and "points" in zero.text


def test_adjusting_needs_the_right_and_is_audited(club):
    m = club.member()
    with club.on(login="rep1") as ctx, pytest.raises(Forbidden):
        service.adjust(ctx, m, AdjustIn(points=50, reason="补录"))
    with club.on(login="east_mgr") as ctx:
        service.adjust(ctx, m, AdjustIn(points=50, reason="补录小票"))
        with pytest.raises(Conflict):
            service.adjust(ctx, m, AdjustIn(points=-51, reason="冲正"))
        service.adjust(ctx, m, AdjustIn(points=-20, reason="冲正"))
    assert balance(club, m) == 30
    history = club.audit(service.MEMBER_KIND, m)
    changes = [e.changes.get("points_balance") for e in history if "points_balance" in e.changes]
    assert changes == [[50, "30 (冲正)"], [0, "50 (补录小票)"]]


def test_points_expire_lot_by_lot_oldest_first(club):
    m = club.member(join_date=date(2026, 1, 1))
    club.buy(m, "100", date(2026, 1, 1), key="jan")  # lot A: 100, until 2027-01-01
    club.buy(m, "200", date(2026, 3, 1), key="mar")  # lot B: 200, until 2027-03-01
    with club.on(date(2026, 6, 1)) as ctx:
        service.redeem(ctx, m, PointsIn(points=50, reason="停车券"))  # from A: 50 left
    with club.on(date(2027, 1, 1)) as ctx:
        assert run_nightly(ctx)["expired_points"] == 0  # A's last valid day
    with club.on(date(2027, 1, 2)) as ctx:
        assert run_nightly(ctx)["expired_points"] == 50
    assert balance(club, m, date(2027, 1, 2)) == 200
    with club.on(date(2027, 1, 3)) as ctx:
        service.redeem(ctx, m, PointsIn(points=120, reason="礼品"))
    with club.on(date(2027, 3, 2)) as ctx:
        assert run_nightly(ctx)["expired_points"] == 80
        entries = [(e.entry, e.points) for e in reversed(points.ledger(ctx, m))]
    assert entries == [
        ("earn", 100),
        ("earn", 200),
        ("redeem", -50),
        ("expire", -50),
        ("redeem", -120),
        ("expire", -80),
    ]
    assert balance(club, m, date(2027, 3, 2)) == 0


def test_a_refund_takes_back_what_is_left(club):
    m = club.member()
    club.buy(m, "1000", key="big")
    with club.on() as ctx:
        service.redeem(ctx, m, PointsIn(points=900, reason="礼品"))
        service.record_transaction(
            ctx,
            TransactionCreate(
                member_id=m, external_id="back", amount=Decimal(1000), refund_of="big"
            ),
        )
        with pytest.raises(Exception) as twice:
            service.record_transaction(
                ctx,
                TransactionCreate(
                    member_id=m, external_id="again", amount=Decimal(1), refund_of="big"
                ),
            )
        assert getattr(twice.value, "field", "") == "amount"
    assert balance(club, m) == 0  # 1,000 to take back, 100 left: never negative


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("buy"), st.integers(1, 5000)),
        st.tuples(st.just("refund"), st.integers(1, 100)),
        st.tuples(st.just("redeem"), st.integers(1, 3000)),
        st.tuples(st.just("adjust"), st.integers(-2000, 2000)),
        st.tuples(st.just("night"), st.integers(1, 200)),
    ),
    min_size=1,
    max_size=12,
)


# No shrinking: each step is a database transaction, and a failing sequence of 12 is short.
@settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=OPS)
def test_the_balance_is_the_sum_of_the_ledger_after_any_sequence(club, ops):
    m = club.member(f"会员{len(club.users)}-{id(ops)}", join_date=date(2026, 1, 1))
    day = date(2026, 1, 1)
    bought: list[tuple[str, int]] = []
    for n, (op, value) in enumerate(ops):
        with club.on(day, "east_mgr") as ctx:
            try:
                if op == "buy":
                    key = f"{m}-{n}"
                    service.record_transaction(
                        ctx,
                        TransactionCreate(
                            member_id=m, external_id=key, amount=Decimal(value), occurred_on=day
                        ),
                    )
                    bought.append((key, value))
                elif op == "refund" and bought:
                    key, amount = bought[value % len(bought)]
                    service.record_transaction(
                        ctx,
                        TransactionCreate(
                            member_id=m,
                            external_id=f"{key}-r{n}",
                            amount=Decimal(amount) / 2,
                            refund_of=key,
                            occurred_on=day,
                        ),
                    )
                elif op == "redeem":
                    service.redeem(ctx, m, PointsIn(points=value, reason="r"))
                elif op == "adjust" and value:
                    service.adjust(ctx, m, AdjustIn(points=value, reason="a"))
                elif op == "night":
                    day += timedelta(days=value * 3)
                    run_nightly(ctx, day)
            except (Conflict, ValidationError):  # refused as a whole: nothing written
                ctx.session.rollback()
        balance(club, m, day)
