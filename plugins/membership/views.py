"""The pack's pages and JSON API, thin over the services: find a member by card, serve a
member at the till (purchase, refund, redeem, adjust, renew), enrol a customer, settings,
tiers, a member's points, and the nightly run on demand."""

from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec
from litestar import Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Template

from kht.customers.service import get_customer
from kht.plugin_api import (
    N_,
    Conflict,
    NotFound,
    RequestCtx,
    ValidationError,
    render,
    require,
)
from plugins.membership import care_ready, points, service, value
from plugins.membership.care_ready import CareSetupIn
from plugins.membership.schemas import (
    AdjustIn,
    BalanceOut,
    EntryOut,
    MemberCreate,
    MemberOut,
    PointsIn,
    TierIn,
    TierOut,
    TransactionCreate,
)
from plugins.membership.service import said

TAG = ["membership"]


def _member_url(member_id: int, done: str = "") -> str:
    return f"/members/{member_id}" + (f"?done={done}" if done else "")


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value).strip()


def _amount(ctx: RequestCtx, data: dict[str, Any], key: str = "amount") -> Decimal:
    try:
        return Decimal(_text(data, key))
    except InvalidOperation:
        raise ValidationError(said(ctx, N_("enter an amount such as 128.00")), key) from None


def _int(ctx: RequestCtx, data: dict[str, Any], key: str) -> int:
    raw = _text(data, key)
    if not raw.lstrip("-").isdigit():
        raise ValidationError(said(ctx, N_("enter a whole number")), key)
    return int(raw)


def _built(schema: type, values: dict[str, Any]) -> Any:
    """A form's values as the API's input Struct (the same checks, the field named)."""
    try:
        return msgspec.convert(values, schema, strict=False)
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = message.split("$.", 1)[1].split("`", 1)[0] if "$." in message else ""
        raise ValidationError(message, field or "form") from None


# ---------------------------------------------------------------------------- pages


@get("/membership/lookup", sync_to_thread=True, include_in_schema=False)
def lookup_page(
    request: Request, ctx: RequestCtx, card: FromQuery[str] = ""
) -> Template | Redirect:
    """Find a member by scanning or typing the card code (or the member number)."""
    require(ctx.user, service.MODULE, "view")
    error = ""
    if card.strip():
        try:
            return Redirect(_member_url(service.member_by_card(ctx, card).id), status_code=303)
        except (NotFound, ValidationError) as exc:
            error = exc.message
    return render(
        request,
        ctx,
        "membership/lookup.html",
        card=card,
        error=error,
        status_code=404 if error else 200,
    )


def _serve(ctx: RequestCtx, member_id: int, action: Any) -> Redirect:
    """Run a till action, then back to the member page (a refusal shows there, named). A
    member out of scope (or missing) is a 404, a missing right a 403, as on every page."""
    service.get_member(ctx, member_id)
    try:
        done = action()
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        field = f"&field={exc.field}" if exc.field else ""
        from urllib.parse import quote

        return Redirect(f"/members/{member_id}?error={quote(exc.message)}{field}", status_code=303)
    return Redirect(_member_url(member_id, done), status_code=303)


@post("/membership/members/{member_id:int}/purchase", sync_to_thread=True, include_in_schema=False)
def purchase_form(
    ctx: RequestCtx, member_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """A purchase entered at the till (a receipt number, or one is made up)."""

    def act() -> str:
        values = {
            "member_id": member_id,
            "external_id": _text(data, "external_id") or f"till-{secrets.token_hex(6)}",
            "amount": _amount(ctx, data),
            "store": _text(data, "store"),
            "channel": _text(data, "channel") or "store",
            "payment_method": _text(data, "payment_method"),
            "category": _text(data, "category"),
        }
        service.record_transaction(ctx, _built(TransactionCreate, values))
        return "purchase"

    return _serve(ctx, member_id, act)


@post("/membership/members/{member_id:int}/refund", sync_to_thread=True, include_in_schema=False)
def refund_form(
    ctx: RequestCtx, member_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    def act() -> str:
        values = {
            "member_id": member_id,
            "external_id": f"refund-{secrets.token_hex(6)}",
            "amount": _amount(ctx, data),
            "refund_of": _text(data, "refund_of"),
        }
        service.record_transaction(ctx, _built(TransactionCreate, values))
        return "refund"

    return _serve(ctx, member_id, act)


@post("/membership/members/{member_id:int}/redeem", sync_to_thread=True, include_in_schema=False)
def redeem_form(
    ctx: RequestCtx, member_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    def act() -> str:
        values = {"points": _int(ctx, data, "points"), "reason": _text(data, "reason")}
        service.redeem(ctx, member_id, _built(PointsIn, values))
        return "redeem"

    return _serve(ctx, member_id, act)


@post("/membership/members/{member_id:int}/adjust", sync_to_thread=True, include_in_schema=False)
def adjust_form(
    ctx: RequestCtx, member_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    def act() -> str:
        values = {"points": _int(ctx, data, "points"), "reason": _text(data, "reason")}
        service.adjust(ctx, member_id, _built(AdjustIn, values))
        return "adjust"

    return _serve(ctx, member_id, act)


@post("/membership/members/{member_id:int}/renew", sync_to_thread=True, include_in_schema=False)
def renew_form(
    ctx: RequestCtx, member_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    def act() -> str:
        service.renew(ctx, member_id, _int(ctx, data, "months"))
        return "renew"

    return _serve(ctx, member_id, act)


@post("/membership/customers/{customer_id:int}/enrol", sync_to_thread=True, include_in_schema=False)
def enrol_form(ctx: RequestCtx, customer_id: FromPath[int]) -> Redirect:
    """Make a customer a member (from the customer's page), starting today."""
    require(ctx.user, service.MODULE, "create")
    get_customer(ctx, customer_id)  # out of scope: a 404, as for any page of the customer
    member = service.create_member(
        ctx, MemberCreate(customer_id=customer_id, start_date=ctx.today())
    )
    return Redirect(_member_url(member.id), status_code=303)


# ---------------------------------------------------------------------------- API


@get("/api/v1/membership/lookup", sync_to_thread=True, tags=TAG)
def lookup_api(ctx: RequestCtx, card: FromQuery[str]) -> MemberOut:
    """The member with this card code or member number (404 when none in scope)."""
    return service.MEMBERS.to_out(ctx, service.member_by_card(ctx, card), [])


def _balance(ctx: RequestCtx, member_id: int) -> BalanceOut:
    member = service.get_member(ctx, member_id)
    entries = [
        EntryOut(
            id=e.id,
            entry=e.entry,
            points=e.points,
            remaining=e.remaining,
            expires_on=e.expires_on,
            occurred_on=e.occurred_on,
            reason=e.reason,
            transaction_id=e.transaction_id,
        )
        for e in points.ledger(ctx, member.id)
    ]
    return BalanceOut(
        member_id=member.id, balance=member.points_balance, tier=member.tier, entries=entries
    )


@get("/api/v1/membership/members/{member_id:int}/points", sync_to_thread=True, tags=TAG)
def points_api(ctx: RequestCtx, member_id: FromPath[int]) -> BalanceOut:
    """A member's balance and latest ledger entries."""
    return _balance(ctx, member_id)


@post("/api/v1/membership/members/{member_id:int}/redeem", sync_to_thread=True, tags=TAG)
def redeem_api(ctx: RequestCtx, member_id: FromPath[int], data: JSONBody[PointsIn]) -> BalanceOut:
    """Redeem points (409 naming points when the balance is short)."""
    service.redeem(ctx, member_id, data)
    return _balance(ctx, member_id)


@post("/api/v1/membership/members/{member_id:int}/adjust", sync_to_thread=True, tags=TAG)
def adjust_api(ctx: RequestCtx, member_id: FromPath[int], data: JSONBody[AdjustIn]) -> BalanceOut:
    """Adjust points by hand with a reason (needs edit on membership_points)."""
    service.adjust(ctx, member_id, data)
    return _balance(ctx, member_id)


def _tiers_out(rows: list[Any]) -> list[TierOut]:
    return [
        TierOut(
            id=t.id,
            key=t.key,
            name_zh=t.name_zh,
            name_en=t.name_en,
            rank=t.rank,
            min_spend=t.min_spend,
            min_points=t.min_points,
            multiplier=t.multiplier,
            benefits=t.benefits,
        )
        for t in rows
    ]


@get("/api/v1/membership/tiers", sync_to_thread=True, tags=TAG)
def tiers_api(ctx: RequestCtx) -> list[TierOut]:
    """The tiers, lowest first."""
    require(ctx.user, service.MODULE, "view")
    service.seed_tiers(ctx)
    return _tiers_out(service.tiers(ctx))


@put("/api/v1/membership/tiers", sync_to_thread=True, tags=TAG)
def save_tiers_api(ctx: RequestCtx, data: JSONBody[list[TierIn]]) -> list[TierOut]:
    """Replace the tiers (administrators of the pack)."""
    return _tiers_out(service.replace_tiers(ctx, data))


class CareRuleOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    enabled: bool


@post("/api/v1/membership/care", sync_to_thread=True, tags=TAG)
def setup_care_api(ctx: RequestCtx, data: JSONBody[CareSetupIn]) -> CareRuleOut:
    """Set up a ready care strategy (birthday, tier upgrade, points expiring, win-back,
    welcome series) by mail or SMS, as a care rule on members (needs assign on membership)."""
    rule = care_ready.setup_care(ctx, data)
    return CareRuleOut(id=rule.id, name=rule.name, enabled=rule.enabled)


@post("/api/v1/membership/nightly", sync_to_thread=True, tags=TAG)
def nightly_api(ctx: RequestCtx) -> dict[str, Any]:
    """Run the nightly job now: statuses, points expiry, birthdays, tier reviews, RFM."""
    require(ctx.user, service.MODULE, "admin")
    return value.run_nightly(ctx)


ROUTES = [
    lookup_page,
    purchase_form,
    refund_form,
    redeem_form,
    adjust_form,
    renew_form,
    enrol_form,
    lookup_api,
    points_api,
    redeem_api,
    adjust_api,
    tiers_api,
    save_tiers_api,
    setup_care_api,
    nightly_api,
]
