"""Demo data for service: two queues, SLA policies per priority, a company day, and tickets
in every status (skipped when the queues exist already)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from kht.context import Ctx
from kht.customers.models import Customer
from kht.service import queues, settings, tickets
from kht.service.models import Queue
from kht.service.schemas import DayIn, PolicyIn, QueueIn, TicketCreate
from kht.settings.service import update_settings

POLICIES = (("low", 8, 40), ("normal", 4, 24), ("high", 2, 8), ("urgent", 1, 4))
# subject, priority, category, queue, final status, reply, resolution
TICKETS = (
    ("B 超探头无图像", "urgent", "故障", "硬件支持", "new", "", ""),
    ("监护仪报警声音过小", "normal", "咨询", "硬件支持", "assigned", "", ""),
    ("打印机驱动无法安装", "high", "故障", "软件支持", "in_progress", "正在远程协助安装。", ""),
    ("系统导出报表乱码", "normal", "故障", "软件支持", "waiting", "请提供报表截图。", ""),
    ("设备培训预约", "low", "培训", "硬件支持", "resolved", "已安排工程师。", "已于周三完成培训。"),
    ("发票抬头更正", "low", "咨询", "软件支持", "closed", "已重开发票。", "新发票已寄出。"),
)


def _setup(ctx: Ctx) -> dict[str, int]:
    from kht.auth.service import find_user

    wu, zhang = find_user(ctx.session, "wu.service"), find_user(ctx.session, "zhang.service")
    members = [u.id for u in (wu, zhang) if u is not None]
    ids = {}
    for name, strategy in (("硬件支持", "round_robin"), ("软件支持", "least_open")):
        data = QueueIn(name=name, strategy=strategy, lead_id=ctx.user_id, member_ids=members)
        ids[name] = queues.save_queue(ctx, data).id
    for priority, respond, resolve in POLICIES:
        name = f"{priority} 标准"
        settings.save_policy(
            ctx,
            PolicyIn(
                name=name,
                priority=priority,  # type: ignore[arg-type]
                first_response_minutes=respond * 60,
                resolution_minutes=resolve * 60,
            ),
        )
    settings.save_day(ctx, DayIn(day=date(2026, 12, 31), working=False, note="年终盘点"))
    update_settings(ctx, "service", intake_queue_id=ids["硬件支持"])
    return ids


def _play(ctx: Ctx, ticket_id: int, status: str, reply: str, resolution: str) -> None:
    if reply:
        tickets.add_reply(ctx, ticket_id, reply, wait=status == "waiting")
    if status in ("resolved", "closed"):
        tickets.move(ctx, ticket_id, "resolved", resolution=resolution)
    if status == "closed":
        tickets.move(ctx, ticket_id, "closed")
    if status == "in_progress" and not reply:
        tickets.move(ctx, ticket_id, "in_progress")


def demo(ctx: Ctx) -> None:
    """Queues, policies and six tickets walking the whole flow."""
    if ctx.session.scalar(select(Queue.id).limit(1)) is not None:
        return
    ids = _setup(ctx)
    customers = list(ctx.session.scalars(select(Customer.id).order_by(Customer.id).limit(6)))
    for i, (subject, priority, category, queue, status, reply, resolution) in enumerate(TICKETS):
        data = TicketCreate(
            subject=subject,
            priority=priority,  # type: ignore[arg-type]
            category=category,
            queue_id=ids[queue] if status != "new" else None,
            customer_id=customers[i] if i < len(customers) else None,
            channel=("phone", "email", "web", "walk_in")[i % 4],  # type: ignore[arg-type]
        )
        ticket = tickets.create_ticket(ctx, data)
        if status == "new":
            continue
        if ticket.owner_id is None:
            tickets.assign(ctx, ticket.id, ctx.user_id)
        _play(ctx, ticket.id, status, reply, resolution)
