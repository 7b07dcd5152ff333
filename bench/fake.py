"""Realistic, deterministic rows: Chinese and English companies and people, and their history.

Every function draws from the `random.Random` it is given, so a seed gives the same data on
every run and every database. Rows carry what kht's services would give them: version 1,
UTC times, valid custom-field values, contacts and actions owned by their customer's owner.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

POOL_SHARE = 0.1  # customers with no owner (the shared pool)
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)  # fixed, so the data is the same every run
SPAN_SECONDS = 3 * 365 * 86400
INDUSTRIES = ("制造", "金融", "零售", "教育", "医疗", "互联网", "能源", "物流")
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
STAGES = ("target", "contacted", "negotiating", "won", "lost")
SOURCES = ("website", "referral", "exhibition", "cold_call", "campaign", "")
ACTION_TYPES = ("call", "visit", "meeting", "task", "note", "email", "sms")
LEAD_STATUSES = ("new", "working", "qualified", "discarded")
SUBJECTS = ("电话沟通需求", "上门拜访", "发送报价", "产品演示", "Follow-up call", "合同谈判")
Owners = list[tuple[int, int | None]]  # (customer id, owner id) in id order


def moment(rng: random.Random) -> datetime:
    return BASE_TIME - timedelta(seconds=rng.randrange(SPAN_SECONDS))


def stamps(rng: random.Random, owner: int | None) -> dict[str, Any]:
    created = moment(rng)
    updated = min(BASE_TIME, created + timedelta(seconds=rng.randrange(180 * 86400)))
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


def customer_rows(rng: random.Random, n: int, owners: list[int]) -> Iterator[dict[str, Any]]:
    for i in range(1, n + 1):
        person = rng.random() < 0.2
        owner = None if rng.random() < POOL_SHARE else rng.choice(owners)
        yield {
            "id": i,
            "name": person_name(rng) if person else company_name(rng),
            "kind": "person" if person else "company",
            "phone": phone(rng),
            "email": f"info{i}@example{i % 997}.com",
            "website": "" if person else f"https://www.example{i % 997}.com",
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
            **stamps(rng, owner),
        }


def contact_rows(rng: random.Random, owners: Owners) -> Iterator[dict[str, Any]]:
    """Two contacts per customer, owned by the customer's owner (as the service makes them)."""
    for customer_id, owner in owners:
        for j in range(2):
            yield {
                "id": 2 * (customer_id - 1) + j + 1,
                "customer_id": customer_id,
                "name": person_name(rng),
                "title": rng.choice(TITLES),
                "department": "",
                "role": rng.choice(("decision_maker", "influencer", "user", "other")),
                "influence": rng.choice(("low", "medium", "high")),
                "attitude": rng.choice(("supportive", "neutral", "unknown")),
                "phone": "",
                "mobile": phone(rng),
                "email": f"c{customer_id}_{j}@example{customer_id % 997}.com",
                "wechat": "",
                "birthday": None,
                "notes": "",
                "ext": {},
                **stamps(rng, owner),
            }


def lead_rows(rng: random.Random, n: int, owners: list[int]) -> Iterator[dict[str, Any]]:
    """n/2 open leads, 30% of them unassigned."""
    for i in range(1, n // 2 + 1):
        owner = None if rng.random() < 0.3 else rng.choice(owners)
        yield {
            "id": i,
            "name": person_name(rng),
            "company": company_name(rng),
            "title": rng.choice(TITLES),
            "phone": phone(rng),
            "email": f"lead{i}@example{i % 991}.com",
            "source": rng.choice(SOURCES),
            "status": rng.choice(LEAD_STATUSES),
            "discard_reason": "",
            "notes": "",
            "customer_id": None,
            "contact_id": None,
            "converted_at": None,
            "ext": {},
            **stamps(rng, owner),
        }


def action_rows(rng: random.Random, owners: Owners) -> Iterator[dict[str, Any]]:
    """Ten actions per customer: eight done, the last two planned 30 days after creation."""
    for customer_id, owner in owners:
        for j in range(10):
            times = stamps(rng, owner)
            done = j < 8
            yield {
                "id": 10 * (customer_id - 1) + j + 1,
                "type": rng.choice(ACTION_TYPES),
                "kind": "customer",
                "record_id": customer_id,
                "customer_id": customer_id,
                "subject": rng.choice(SUBJECTS),
                "body": "",
                "status": "done" if done else "planned",
                "due_at": None if done else times["created_at"] + timedelta(days=30),
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

SALES_NOW = datetime(2026, 11, 20, tzinfo=UTC)  # the fixed "today" of the generated pipeline
DAY = 86400
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


class Stage(NamedTuple):
    """A stage of the process, as read from sales_process_stages."""

    id: int
    key: str
    name_zh: str
    name_en: str
    position: int
    probability: int
    outcome: str


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


def _stays(rng: random.Random, created: datetime, count: int) -> list[datetime]:
    """When each of `count` stays began: days to weeks apart, all before SALES_NOW."""
    gaps = [rng.randrange(DAY, 40 * DAY) for _ in range(count - 1)]
    room = (SALES_NOW - created).total_seconds() - 3600
    scale = min(1.0, room / sum(gaps)) if gaps and sum(gaps) > 0 else 1.0
    times, at = [created], created
    for gap in gaps:
        at = at + timedelta(seconds=int(gap * scale))
        times.append(at)
    return times


def opportunity_rows(
    rng: random.Random,
    owners: Owners,
    contacts: dict[int, int],
    departments: dict[int, int | None],
    users: list[int],
    process_id: int,
    stages: list[Stage],
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """One opportunity per customer, with its stage history rows (ids left to the caller).

    Values as kht.sales.opportunities.service leaves them after the moves: probability and
    status from the current stage, version 1 + one per move, `closed_at` for won and lost,
    `department_id` the owner's department; pool customers' opportunities go to some user.
    Open ones are expected to close in this quarter or the next three.
    """
    first_close = quarter_start(SALES_NOW).date()
    close_days = 365
    for customer_id, customer_owner in owners:
        owner = customer_owner if customer_owner is not None else rng.choice(users)
        path = _path(rng, customer_id, stages)
        created = SALES_NOW - timedelta(seconds=rng.randrange(7 * DAY, 365 * DAY))
        entered = _stays(rng, created, len(path))
        current, last = path[-1], entered[-1]
        amount = Decimal(rng.randrange(500_000, 200_000_000)) / 100  # 5,000.00 .. 2,000,000.00
        closed = current.outcome != "open"
        expected = (
            last.date() if closed else first_close + timedelta(days=rng.randrange(close_days))
        )
        opportunity = {
            "id": customer_id,
            "name": f"{rng.choice(TOPICS)} {customer_id}",
            "customer_id": customer_id,
            "contact_id": contacts.get(customer_id),
            "process_id": process_id,
            "stage_id": current.id,
            "stage_entered_at": last,
            "status": current.outcome,
            "amount": amount,
            "currency": "CNY",
            "probability": current.probability,
            "forecast_category": rng.choice(CATEGORIES),
            "expected_close": expected,
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
        history = []
        for k, stage in enumerate(path):
            left = entered[k + 1] if k + 1 < len(path) else None
            history.append(
                {
                    "opportunity_id": customer_id,
                    "stage_id": stage.id,
                    "stage_name_zh": stage.name_zh,
                    "stage_name_en": stage.name_en,
                    "probability": stage.probability,
                    "amount": amount,
                    "entered_at": entered[k],
                    "left_at": left,
                    "seconds_in_stage": int((left - entered[k]).total_seconds()) if left else None,
                    "user_id": owner,
                    "cause": "created"
                    if k == 0
                    else opportunity["close_reason"]
                    if stage.outcome == "lost"
                    else "",
                }
            )
        yield opportunity, history


def order_rows(
    rng: random.Random, won: list[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any] | None]]:
    """An order per won opportunity given: (order, its line, its payment plan, its payment).

    One line at the opportunity's amount with 13% VAT, totals as kht.sales.quotes.pricing
    computes them; numbered O<year>-<6 digits> in order; fulfilled ones are paid in full.
    """
    from kht.sales.quotes.pricing import line_figures

    serial: dict[int, int] = {}
    for k, opp in enumerate(won, start=1):
        day = opp["closed_at"].date()
        serial[day.year] = serial.get(day.year, 0) + 1
        figures = line_figures(Decimal(1), opp["amount"], Decimal(0), Decimal("0.13"))
        fulfilled = rng.random() < 0.7
        order = {
            "id": k,
            "number": f"O{day.year}-{serial[day.year]:06d}",
            "customer_id": opp["customer_id"],
            "contact_id": opp["contact_id"],
            "quote_id": None,
            "opportunity_id": opp["id"],
            "status": "fulfilled" if fulfilled else "open",
            "order_date": day,
            "currency": "CNY",
            "subtotal": figures.gross,
            "discount_total": figures.gross - figures.net,
            "tax_total": figures.tax,
            "total": figures.total,
            "paid_total": figures.total if fulfilled else Decimal("0.00"),
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
        line = {
            "id": k,
            "order_id": k,
            "position": 0,
            "product_id": None,
            "description": opp["name"],
            "unit": "项",
            "quantity": Decimal("1.0000"),
            "unit_price": opp["amount"],
            "discount_rate": Decimal("0.0000"),
            "tax_rate": Decimal("0.1300"),
            "net": figures.net,
            "tax": figures.tax,
            "total": figures.total,
        }
        due = day + timedelta(days=30)
        stamp = {"created_at": opp["closed_at"], "updated_at": opp["closed_at"]}
        plan = {"id": k, "order_id": k, "due_date": due, "amount": figures.total, "note": ""}
        payment = None
        if fulfilled:
            payment = {
                "id": k,
                "order_id": k,
                "received_on": due - timedelta(days=rng.randrange(0, 20)),
                "amount": figures.total,
                "method": rng.choice(("bank_transfer", "cheque", "alipay")),
                "reference": f"P{k:08d}",
                **stamp,
            }
        yield order, line, {**plan, **stamp}, payment
