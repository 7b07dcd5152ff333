"""Realistic, deterministic rows: Chinese and English companies and people, and their history.

Used by `kht demo` (kht/demo_company.py) and by the benchmarks (bench/generate.py). Every
function draws from the `random.Random` it is given, so a seed gives the same data on every
run and every database. Rows carry what kht's services would give them: version 1, UTC
times, valid custom-field values, contacts and actions owned by their customer's owner.
Times fall in a `Span` that ends at a chosen "now": the benchmarks fix it, the demo uses
its own today so that charts show the current year.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from kht.sales.quotes.pricing import line_figures

POOL_SHARE = 0.1  # customers with no owner (the shared pool)
DAY = 86400
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)  # the benchmarks' fixed "now": same data every run


class Span(NamedTuple):
    """The stretch of time generated records fall in: `seconds` long, ending at `end`."""

    end: datetime
    seconds: int


BENCH_SPAN = Span(BASE_TIME, 3 * 365 * DAY)
INDUSTRIES = ("制造", "金融", "零售", "教育", "医疗", "互联网", "能源", "物流")
CUSTOM_FIELDS = (  # two admin custom fields on customers, filled by customer_rows
    {
        "name": "industry",
        "type": "single_choice",
        "label_zh": "行业",
        "label_en": "Industry",
        "choices": INDUSTRIES,
    },
    {"name": "employees", "type": "number", "label_zh": "员工人数", "label_en": "Employees"},
)
CITIES = "北京 上海 深圳 广州 杭州 成都 武汉 南京 苏州 西安 天津 重庆 青岛 厦门 长沙".split()
BRAND_CHARS = "华同方新中科瑞德泰恒信达鑫源宏盛通安博联创海金光明威视云智捷"
TRADES = "科技 电子 贸易 制药 物流 机械 软件 建材 食品 服装 能源 传媒".split()
SUFFIXES = ("有限公司", "股份有限公司", "集团有限公司", "有限责任公司")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
EN_WORDS = "Acme Blue River Summit Pacific Orion Cedar Nova Vertex Harbor Golden Atlas".split()
EN_TRADES = "Trading Systems Logistics Software Foods Medical Energy Partners".split()
EN_SUFFIXES = ("Ltd", "Inc.", "Co., Ltd.", "GmbH", "LLC")
EN_FIRST = "James Mary John Linda David Susan Michael Karen Peter Emma Oliver Sophie".split()
EN_LAST = "Smith Brown Wilson Taylor Clark Walker Hall Young King Wright Green Baker".split()
TITLES = ("总经理", "采购经理", "技术总监", "财务经理", "IT Manager", "CEO", "工程师", "助理")
STAGES = ("target", "prospect", "signed", "active", "dormant", "lost")  # kht's lifecycle keys
SOURCES = ("website", "referral", "exhibition", "cold_call", "campaign", "")
ACTION_TYPES = ("call", "visit", "meeting", "task", "note", "email", "sms")
LEAD_STATUSES = ("new", "working", "qualified", "discarded")
SUBJECTS = ("电话沟通需求", "上门拜访", "发送报价", "产品演示", "电话回访", "合同谈判")
Owners = list[tuple[int, int | None]]  # (customer id, owner id) in id order
Mail = Callable[[int], str]  # the mail host of the i-th generated record


def bench_mail(i: int) -> str:
    """The benchmarks' mail hosts: a thousand example domains."""
    return f"example{i % 997}.com"


def moment(rng: random.Random, span: Span = BENCH_SPAN) -> datetime:
    return span.end - timedelta(seconds=rng.randrange(span.seconds))


def stamps(rng: random.Random, owner: int | None, span: Span = BENCH_SPAN) -> dict[str, Any]:
    created = moment(rng, span)
    updated = min(span.end, created + timedelta(seconds=rng.randrange(180 * DAY)))
    return {
        "created_at": created,
        "updated_at": updated,
        "created_by_id": owner,
        "updated_by_id": owner,
        "owner_id": owner,
        "version": 1,
        "deleted_at": None,
    }


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def person_name(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


def company_name(rng: random.Random) -> str:
    if rng.random() < 0.75:
        brand = "".join(rng.sample(BRAND_CHARS, 2))
        return rng.choice(CITIES) + brand + rng.choice(TRADES) + rng.choice(SUFFIXES)
    return f"{rng.choice(EN_WORDS)} {rng.choice(EN_TRADES)} {rng.choice(EN_SUFFIXES)}"


def _unique(name: str, rng: random.Random, seen: set[str] | None) -> str:
    """`name`, or a branch of it when `seen` already holds it (records are told apart by name)."""
    if seen is None:
        return name
    candidate, k = name, 1
    while candidate in seen:
        k += 1
        candidate = f"{name}（{rng.choice(CITIES)}{k}）"
    seen.add(candidate)
    return candidate


def customer_rows(
    rng: random.Random,
    n: int,
    owners: list[int],
    *,
    first_id: int = 1,
    span: Span = BENCH_SPAN,
    mail: Mail = bench_mail,
    seen: set[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """`n` customers (a fifth people, the rest companies), a tenth of them in the pool.

    With `seen` (names already taken, updated) every name is new; the benchmarks allow repeats.
    """
    for i in range(first_id, first_id + n):
        person = rng.random() < 0.2
        owner = None if rng.random() < POOL_SHARE else rng.choice(owners)
        name = person_name(rng) if person else company_name(rng)
        yield {
            "id": i,
            "name": _unique(name, rng, seen),
            "kind": "person" if person else "company",
            "phone": phone(rng),
            "email": f"info{i}@{mail(i)}",
            "website": "" if person else f"https://www.{mail(i)}",
            "address": f"{rng.choice(CITIES)}市{rng.randrange(1, 999)}号",
            "notes": "",
            "source": rng.choice(SOURCES),
            "category_id": None,
            "stage": rng.choice(STAGES),
            "stage_changed_at": None,
            "last_contact_at": None,
            "claimed_at": None,
            "ext": {
                "custom": {"industry": rng.choice(INDUSTRIES), "employees": rng.randrange(1, 20000)}
            },
            **stamps(rng, owner, span),
        }


def contact_rows(
    rng: random.Random,
    owners: Owners,
    *,
    first_id: int = 1,
    span: Span = BENCH_SPAN,
    mail: Mail = bench_mail,
) -> Iterator[dict[str, Any]]:
    """Two contacts per customer, owned by the customer's owner (as the service makes them)."""
    ids = iter(range(first_id, first_id + 2 * len(owners)))
    for customer_id, owner in owners:
        for j in range(2):
            yield {
                "id": next(ids),
                "customer_id": customer_id,
                "name": person_name(rng),
                "title": rng.choice(TITLES),
                "department": "",
                "role": rng.choice(("decision_maker", "influencer", "user", "other")),
                "influence": rng.choice(("low", "medium", "high")),
                "attitude": rng.choice(("supportive", "neutral", "unknown")),
                "phone": "",
                "mobile": phone(rng),
                "email": f"c{customer_id}_{j}@{mail(customer_id)}",
                "wechat": "",
                "birthday": None,
                "notes": "",
                "ext": {},
                **stamps(rng, owner, span),
            }


def lead_rows(
    rng: random.Random,
    n: int,
    owners: list[int],
    *,
    first_id: int = 1,
    span: Span = BENCH_SPAN,
    mail: Mail = bench_mail,
) -> Iterator[dict[str, Any]]:
    """`n` leads from several sources, 30% of them unassigned."""
    for i in range(first_id, first_id + n):
        owner = None if rng.random() < 0.3 else rng.choice(owners)
        yield {
            "id": i,
            "name": person_name(rng),
            "company": company_name(rng),
            "title": rng.choice(TITLES),
            "phone": phone(rng),
            "email": f"lead{i}@{mail(i)}",
            "source": rng.choice(SOURCES[:-1]),
            "status": rng.choice(LEAD_STATUSES),
            "discard_reason": "",
            "notes": "",
            "customer_id": None,
            "contact_id": None,
            "converted_at": None,
            "ext": {},
            **stamps(rng, owner, span),
        }


def _planned_due(rng: random.Random, span: Span) -> datetime:
    """A working hour (09:00-18:00 Beijing) from a week before `span.end` to three weeks after."""
    day = span.end.replace(hour=1, minute=0, second=0, microsecond=0)
    return day + timedelta(days=rng.randrange(-7, 22), minutes=30 * rng.randrange(18))


def action_rows(
    rng: random.Random,
    owners: Owners,
    *,
    first_id: int = 1,
    per_customer: int = 10,
    span: Span = BENCH_SPAN,
) -> Iterator[dict[str, Any]]:
    """`per_customer` actions a customer: all done but the last, planned around `span.end`."""
    ids = iter(range(first_id, first_id + per_customer * len(owners)))
    for customer_id, owner in owners:
        for j in range(per_customer):
            times = stamps(rng, owner, span)
            done = j < per_customer - 1
            yield {
                "id": next(ids),
                "type": rng.choice(ACTION_TYPES),
                "kind": "customer",
                "record_id": customer_id,
                "customer_id": customer_id,
                "subject": rng.choice(SUBJECTS),
                "body": "",
                "status": "done" if done else "planned",
                "due_at": None if done else _planned_due(rng, span),
                "done_at": times["created_at"] if done else None,
                "outcome": "",
                "next_step": "",
                "meeting_url": "",
                "ext": {},
                **times,
            }


def user_name(k: int) -> str:
    """The Chinese name of the k-th generated user."""
    return SURNAMES[k % len(SURNAMES)] + GIVEN[(k * 7) % len(GIVEN)] + GIVEN[(k * 3) % len(GIVEN)]


# ---------------------------------------------------------------- sales: opportunities, orders

SALES_NOW = datetime(2026, 11, 20, tzinfo=UTC)  # the benchmarks' fixed "today" of the pipeline
TOPICS = (
    "ERP 升级项目",
    "年度设备采购",
    "云平台迁移",
    "数据中心扩容",
    "CRM 实施",
    "安防系统改造",
    "Annual license renewal",
    "Fleet telematics rollout",
    "办公网络建设",
    "生产线自动化",
)
LOSS_REASONS = ("价格过高", "选择了竞争对手", "预算取消", "项目延期", "Lost to competitor")
CATEGORIES = ("pipeline", "pipeline", "pipeline", "best_case", "best_case", "commit")
VAT = Decimal("0.13")


class Stage(NamedTuple):
    """A stage of the process, as read from sales_process_stages."""

    id: int
    key: str
    name_zh: str
    name_en: str
    position: int
    probability: int
    outcome: str


class Pipeline(NamedTuple):
    """A process an opportunity runs in, with its active stages in order."""

    process_id: int
    stages: list[Stage]


class Product(NamedTuple):
    """A catalogue product a quote line may name."""

    id: int
    name: str
    unit: str
    price: Decimal


def quarter_start(day: datetime) -> datetime:
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1, hour=0, minute=0, second=0)


def _path(rng: random.Random, i: int, stages: list[Stage]) -> list[Stage]:
    """The stages opportunity `i` went through, its current one last.

    Every fourth opportunity is won (so there are always enough for the orders); the others
    stop in an open stage (most often an early one) or are lost after some open stages.
    """
    open_ = [s for s in stages if s.outcome == "open"]
    won = next(s for s in stages if s.outcome == "won")
    lost = next(s for s in stages if s.outcome == "lost")
    if i % 4 == 0:
        return [*open_, won]
    if rng.random() < 0.2:
        return [*open_[: rng.randrange(1, len(open_) + 1)], lost]
    weights = [len(open_) - k for k in range(len(open_))]  # fewer get further
    return open_[: rng.choices(range(1, len(open_) + 1), weights)[0]]


def _stays(rng: random.Random, created: datetime, count: int, now: datetime) -> list[datetime]:
    """When each of `count` stays began: days to weeks apart, all before `now`."""
    gaps = [rng.randrange(DAY, 40 * DAY) for _ in range(count - 1)]
    room = (now - created).total_seconds() - 3600
    scale = min(1.0, room / sum(gaps)) if gaps and sum(gaps) > 0 else 1.0
    times, at = [created], created
    for gap in gaps:
        at = at + timedelta(seconds=int(gap * scale))
        times.append(at)
    return times


def _history(opportunity: dict[str, Any], path: list[Stage], entered: list[datetime]) -> list:
    """The stage history rows of an opportunity that went through `path` (ids left out)."""
    rows = []
    for k, stage in enumerate(path):
        left = entered[k + 1] if k + 1 < len(path) else None
        cause = "created" if k == 0 else ""
        rows.append(
            {
                "opportunity_id": opportunity["id"],
                "stage_id": stage.id,
                "stage_name_zh": stage.name_zh,
                "stage_name_en": stage.name_en,
                "probability": stage.probability,
                "amount": opportunity["amount"],
                "entered_at": entered[k],
                "left_at": left,
                "seconds_in_stage": int((left - entered[k]).total_seconds()) if left else None,
                "user_id": opportunity["owner_id"],
                "cause": opportunity["close_reason"] if stage.outcome == "lost" else cause,
            }
        )
    return rows


def _expected_close(rng: random.Random, now: datetime, closed_on: date | None) -> date:
    # Open ones are expected to close in this quarter or the next three.
    if closed_on is not None:
        return closed_on
    return quarter_start(now).date() + timedelta(days=rng.randrange(365))


def opportunity_rows(
    rng: random.Random,
    owners: Owners,
    contacts: dict[int, int],
    departments: dict[int, int | None],
    users: list[int],
    pipelines: list[Pipeline],
    *,
    first_id: int = 1,
    now: datetime = SALES_NOW,
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """One opportunity per customer, with its stage history rows (ids left to the caller).

    Values as kht.sales.opportunities.service leaves them after the moves: probability and
    status from the current stage, version 1 + one per move, `closed_at` for won and lost,
    `department_id` the owner's department; pool customers' opportunities go to some user.
    """
    for k, (customer_id, customer_owner) in enumerate(owners):
        owner = customer_owner if customer_owner is not None else rng.choice(users)
        pipeline = pipelines[k % len(pipelines)] if len(pipelines) > 1 else pipelines[0]
        path = _path(rng, customer_id, pipeline.stages)
        created = now - timedelta(seconds=rng.randrange(7 * DAY, 365 * DAY))
        entered = _stays(rng, created, len(path), now)
        current, last = path[-1], entered[-1]
        amount = Decimal(rng.randrange(500_000, 200_000_000)) / 100  # 5,000.00 .. 2,000,000.00
        closed = current.outcome != "open"
        opportunity = {
            "id": first_id + k,
            "name": f"{rng.choice(TOPICS)} {customer_id}",
            "customer_id": customer_id,
            "contact_id": contacts.get(customer_id),
            "process_id": pipeline.process_id,
            "stage_id": current.id,
            "stage_entered_at": last,
            "status": current.outcome,
            "amount": amount,
            "currency": "CNY",
            "probability": current.probability,
            "forecast_category": rng.choice(CATEGORIES),
            "expected_close": _expected_close(rng, now, last.date() if closed else None),
            "closed_at": last if closed else None,
            "close_reason": rng.choice(LOSS_REASONS) if current.outcome == "lost" else "",
            "competitors": "",
            "source": rng.choice(SOURCES),
            "lead_id": None,
            "campaign_id": None,
            "product_line_id": None,
            "department_id": departments.get(owner),
            "description": "",
            "ext": {},
            "created_at": created,
            "updated_at": last,
            "created_by_id": owner,
            "updated_by_id": owner,
            "owner_id": owner,
            "version": len(path),
            "deleted_at": None,
        }
        yield opportunity, _history(opportunity, path, entered)


def _line(rng: random.Random, amount: Decimal, products: list[Product], name: str) -> dict:
    """One priced line worth about `amount` before tax: a product when there are some."""
    product = rng.choice(products) if products else None
    price = product.price if product and product.price > 0 else amount
    quantity = max(Decimal(1), (amount / price).quantize(Decimal(1)))
    figures = line_figures(quantity, price, Decimal(0), VAT)
    return {
        "position": 0,
        "product_id": product.id if product else None,
        "description": product.name if product else name,
        "unit": product.unit if product else "项",
        "quantity": quantity,
        "unit_price": price,
        "discount_rate": Decimal(0),
        "tax_rate": VAT,
        "net": figures.net,
        "tax": figures.tax,
        "total": figures.total,
    }


def _totals(line: dict[str, Any]) -> dict[str, Decimal]:
    """A one-line document's totals, as kht.sales.quotes.pricing.document_totals gives them."""
    gross = line_figures(line["quantity"], line["unit_price"], Decimal(0), VAT).gross
    return {
        "subtotal": gross,
        "discount_total": gross - line["net"],
        "tax_total": line["tax"],
        "total": line["total"],
    }


def _serial(serials: dict[str, int], prefix: str) -> str:
    serials[prefix] = serials.get(prefix, 0) + 1
    return f"{prefix}{serials[prefix]:06d}"


QUOTE_STATUS = {"won": "accepted", "lost": "rejected", "open": "sent"}


def quote_rows(
    rng: random.Random,
    opportunities: list[dict[str, Any]],
    products: list[Product],
    serials: dict[str, int],
    *,
    first_id: int = 1,
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """A one-line quote per opportunity given: (quote, line); numbered Q<year>-<6 digits>
    after the highest in `serials` (updated). Won ones are accepted, lost ones rejected,
    open ones sent (valid 30 days) or, one in three, still a draft."""
    for k, opp in enumerate(opportunities):
        day = (opp["closed_at"] or opp["updated_at"]).date() - timedelta(days=rng.randrange(3, 20))
        status = QUOTE_STATUS[opp["status"]]
        status = "draft" if status == "sent" and rng.random() < 0.34 else status
        line = _line(rng, opp["amount"], products, opp["name"])
        stamp = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=2)
        quote = {
            "id": first_id + k,
            "number": _serial(serials, f"Q{day.year}-"),
            "revision": 1,
            "title": opp["name"],
            "customer_id": opp["customer_id"],
            "contact_id": opp["contact_id"],
            "opportunity_id": opp["id"],
            "price_list_id": None,
            "template_id": None,
            "status": status,
            "currency": "CNY",
            "quote_date": day,
            "valid_until": day + timedelta(days=30),
            "terms": "",
            "notes": "",
            **_totals(line),
            "sent_at": None if status == "draft" else stamp,
            "decided_at": opp["closed_at"],
            "ext": {},
            "created_at": stamp,
            "updated_at": opp["closed_at"] or stamp,
            "created_by_id": opp["owner_id"],
            "updated_by_id": opp["owner_id"],
            "owner_id": opp["owner_id"],
            "version": 1 if status == "draft" else 2,
            "deleted_at": None,
        }
        yield quote, {**line, "quote_id": quote["id"]}


def order_rows(
    rng: random.Random,
    won: list[tuple[dict[str, Any], dict[str, Any] | None]],
    serials: dict[str, int] | None = None,
    *,
    first_id: int = 1,
    now: datetime = SALES_NOW,
) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any] | None]]:
    """An order per (won opportunity, its accepted quote line or None): (order, its line, its
    payment plan, its payment).

    The quote's line, or one line at the opportunity's amount with 13% VAT, totals as
    kht.sales.quotes.pricing computes them; numbered O<year>-<6 digits> after the highest in
    `serials`; fulfilled ones are paid in full.
    """
    serials = {} if serials is None else serials
    for k, (opp, quote_line) in enumerate(won):
        order_id = first_id + k
        day = opp["closed_at"].date()
        line = dict(quote_line or _line(rng, opp["amount"], [], opp["name"]))
        fulfilled = rng.random() < 0.7
        order = {
            "id": order_id,
            "number": _serial(serials, f"O{day.year}-"),
            "customer_id": opp["customer_id"],
            "contact_id": opp["contact_id"],
            "quote_id": quote_line["quote_id"] if quote_line else None,
            "opportunity_id": opp["id"],
            "status": "fulfilled" if fulfilled else "open",
            "order_date": day,
            "currency": "CNY",
            **_totals(line),
            "paid_total": line["total"] if fulfilled else Decimal("0.00"),
            "notes": "",
            "ext": {},
            "created_at": opp["closed_at"],
            "updated_at": opp["closed_at"],
            "created_by_id": opp["owner_id"],
            "updated_by_id": opp["owner_id"],
            "owner_id": opp["owner_id"],
            "version": 1,
            "deleted_at": None,
        }
        line.pop("quote_id", None)
        line["order_id"] = order_id
        due = day + timedelta(days=30)
        stamp = {"created_at": opp["closed_at"], "updated_at": opp["closed_at"]}
        plan = {"order_id": order_id, "due_date": due, "amount": line["total"]}
        payment = None
        if fulfilled:
            payment = {
                "order_id": order_id,
                "received_on": min(due - timedelta(days=rng.randrange(0, 20)), now.date()),
                "amount": line["total"],
                "method": rng.choice(("bank_transfer", "cheque", "alipay")),
                "reference": f"P{order_id:08d}",
                **stamp,
            }
        yield order, line, {**plan, "note": "", **stamp}, payment
