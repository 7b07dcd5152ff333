"""Demo data: 华信智联 (a systems integrator) with a dozen projects at every stage, their
committees, scorecards, teams, documents and competitors, and closed wins and losses.

Everything goes through the services (gates included: each project is qualified, visited
and given its proposal before it moves on), acting as the demo's administrator. Skipped
when any project has a scorecard already.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

import kht.actions.service as actions
import kht.auth.service as users
import kht.competitors.service as competitor_records
import kht.contacts.service as contacts
import kht.customers.service as customers
import kht.sales.opportunities.service as opportunities
import kht.sales.processes.service as processes
from kht.actions.schemas import ActionCreate
from kht.contacts.schemas import ContactCreate
from kht.customers.schemas import CustomerCreate
from kht.plugin_api import Ctx, add_team_member
from kht.sales.opportunities.schemas import OpportunityCreate
from plugins.project_sales import committee, competition, documents, scorecard
from plugins.project_sales.defs import PROCESS_KEY
from plugins.project_sales.models import Score

# customer, project, type, amount, how far (stage key or won/lost), scores (7 criteria)
PROJECTS = (
    (
        "市第一人民医院",
        "智慧医院集成平台",
        "system_integration",
        "3800000",
        "qualify",
        (3, 2, 2, 4, 2, 3, 2),
    ),
    (
        "省交通运输厅",
        "高速公路监控中心改造",
        "system_integration",
        "12600000",
        "qualify",
        (4, 4, 3, 4, 3, 2, 3),
    ),
    (
        "滨江区政务服务中心",
        "政务云平台扩容",
        "system_integration",
        "2450000",
        "solution",
        (4, 4, 4, 4, 3, 3, 4),
    ),
    (
        "华东化工集团",
        "工厂安全生产监测系统",
        "engineering",
        "5200000",
        "solution",
        (5, 4, 4, 5, 4, 3, 3),
    ),
    (
        "市轨道交通集团",
        "地铁通信系统维保",
        "system_integration",
        "1800000",
        "proposal",
        (4, 5, 4, 4, 4, 3, 4),
    ),
    (
        "南方电网某供电局",
        "变电站智能巡检",
        "equipment",
        "7300000",
        "proposal",
        (5, 4, 4, 5, 3, 3, 3),
    ),
    (
        "市第一中学",
        "智慧校园一期",
        "system_integration",
        "960000",
        "negotiation",
        (4, 4, 4, 4, 4, 4, 4),
    ),
    ("国投物流", "仓储管理系统实施", "software", "1350000", "negotiation", (5, 4, 4, 4, 4, 3, 5)),
    ("市公安局", "视频联网平台", "system_integration", "8800000", "won", (5, 5, 4, 5, 4, 4, 4)),
    (
        "省人民银行分行",
        "数据中心网络升级",
        "system_integration",
        "4100000",
        "won",
        (4, 5, 4, 4, 4, 3, 4),
    ),
    ("新区管委会", "智慧园区规划咨询", "consulting", "600000", "lost", (4, 4, 3, 4, 4, 2, 3)),
    ("市自来水公司", "管网监测设备采购", "equipment", "2200000", "lost", (4, 3, 4, 4, 3, 2, 3)),
)
ORDER = ("qualify", "solution", "proposal", "negotiation")
CRITERIA = ("fit", "budget", "authority", "need", "timing", "competition", "relationship")
# name, role, attitude, influence, strength, reports to (index in this list)
COMMITTEE = (
    ("主管领导", "decision_maker", "supporter", 5, 3, None),
    ("信息中心主任", "champion", "supporter", 4, 4, 0),
    ("技术负责人", "technical_evaluator", "neutral", 3, 2, 1),
    ("采购科长", "gatekeeper", "opponent", 3, 1, 0),
)
TEAM_ROLES = ("售前工程师", "解决方案顾问", "区域经理")


def _process(ctx: Ctx) -> Any:
    return next(p for p in processes.list_processes(ctx) if p.key == PROCESS_KEY)


def load(ctx: Ctx) -> None:
    """The demo projects, once."""
    if ctx.user is None:
        return
    if ctx.session.scalar(select(func.count()).select_from(Score)):
        return  # scorecards exist: the pack is in use (or the demo ran)
    process = _process(ctx)
    rivals = [
        competitor_records.competitor_named(ctx, name, create=True).id
        for name in ("华为", "新华三", "浪潮", "深信服")
    ]
    helpers = [u.id for u in users.list_users(ctx, include_inactive=False) if u.id != ctx.user_id]
    stages = {s.key: s for s in process.stages}
    for index, plan in enumerate(PROJECTS):
        _project(ctx, process, stages, index, plan, rivals, helpers)


def _project(ctx: Ctx, process: Any, stages: dict, index: int, plan: tuple, rivals, helpers):
    customer_name, name, kind, amount, reach, scores = plan
    customer = customers.create_customer(ctx, CustomerCreate(name=customer_name))
    people = [
        contacts.create_contact(
            ctx, ContactCreate(name=f"{customer_name[:4]}{title}", customer_id=customer.id)
        ).id
        for title, *_ in COMMITTEE
    ]
    today = ctx.today()
    data = OpportunityCreate(
        name=name,
        customer_id=customer.id,
        process_id=process.id,
        amount=Decimal(amount),
        expected_close=today + timedelta(days=30 + 15 * index),
        ext={
            "project_sales": {
                "project_type": kind,
                "budget_confirmed": "yes" if index % 3 else "no",
            }
        },
    )
    project = opportunities.create_opportunity(ctx, data)
    scorecard.score(ctx, project.id, dict(zip(CRITERIA, scores, strict=True)), "立项评估")
    for position, (_, role, attitude, influence, strength, boss) in enumerate(COMMITTEE):
        if reach == "qualify" and role == "decision_maker" and index % 2 == 0:
            continue  # this one still misses its decision maker (the chart flags it)
        committee.put_member(
            ctx,
            project.id,
            people[position],
            role=role,
            attitude=attitude,
            influence=influence,
            strength=strength,
            reports_to_id=people[boss] if boss is not None else None,
        )
    if helpers:
        add_team_member(
            ctx,
            "opportunity",
            project.id,
            helpers[index % len(helpers)],
            role=TEAM_ROLES[index % 3],
            access="edit",
        )
    for rival in rivals[index % len(rivals) : index % len(rivals) + 2]:
        competition.put_rival(
            ctx,
            project.id,
            rival,
            offer="同类方案，报价低 5%-10%",
            strategy="突出本地交付与运维能力",
        )
    _advance(ctx, project, stages, reach, rivals)


def _advance(ctx: Ctx, project: Any, stages: dict, reach: str, rivals: list[int]) -> None:
    target = reach if reach in ORDER else "negotiation"
    for key in ORDER[1 : ORDER.index(target) + 1]:
        if key == "negotiation":
            _proposal_done(ctx, project.id)
        current = opportunities.get_opportunity(ctx, project.id)
        opportunities.move_stage(
            ctx, project.id, stages[key].id, version=current.version, cause="demo"
        )
    if reach in ("won", "lost"):
        current = opportunities.get_opportunity(ctx, project.id)
        competition.close(
            ctx,
            project.id,
            won=reach == "won",
            reason="solution" if reach == "won" else "price",
            version=current.version,
            winner_id=None if reach == "won" else rivals[0],
        )


def _proposal_done(ctx: Ctx, opportunity_id: int) -> None:
    """The visit and the proposal (two versions) the proposal gate asks for."""
    visit = ActionCreate(
        kind="opportunity", record_id=opportunity_id, type="visit", subject="方案汇报"
    )
    actions.log_action(ctx, visit)
    first = documents.upload(
        ctx,
        opportunity_id,
        "技术方案建议书-v1.docx",
        "方案初稿".encode(),
        title="技术方案建议书",
        doc_type="proposal",
    )
    documents.upload(
        ctx,
        opportunity_id,
        "技术方案建议书-v2.docx",
        "方案修订稿".encode(),
        document_id=first.document_id,
        note="按客户意见修改",
    )
