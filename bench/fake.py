"""Realistic, deterministic rows: Chinese and English companies and people, and their history.

Every function draws from the `random.Random` it is given, so a seed gives the same data on
every run and every database. Rows carry what kht's services would give them: version 1,
UTC times, valid custom-field values, contacts and actions owned by their customer's owner.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

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
