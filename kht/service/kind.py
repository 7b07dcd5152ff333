"""The ticket record kind: its fields, list, schemas and service functions, declared once;
the core derives the API (/api/v1/tickets), the pages (/tickets), import, export, saved
views, bulk, audit and scope from it (kht.record_service, kht.recordpages)."""

from __future__ import annotations

from typing import Any

import msgspec

from kht import record_service as records
from kht.context import Ctx
from kht.db.custom_fields import Choice
from kht.fields import builtin, common
from kht.plugin_types import KindMenu
from kht.service import sla, tickets
from kht.service.models import CHANNELS, PRIORITIES, STATUSES, Ticket
from kht.service.reports import report_columns
from kht.service.schemas import TicketCreate, TicketOut, TicketUpdate


def _choices(keys: tuple[str, ...], labels: dict[str, tuple[str, str]]) -> tuple[Choice, ...]:
    return tuple(Choice(key=k, label_zh=labels[k][0], label_en=labels[k][1]) for k in keys)


STATUS_LABELS = {
    "new": ("新建", "New"),
    "assigned": ("已分配", "Assigned"),
    "in_progress": ("处理中", "In progress"),
    "waiting": ("等待客户", "Waiting for customer"),
    "resolved": ("已解决", "Resolved"),
    "closed": ("已关闭", "Closed"),
}
PRIORITY_LABELS = {
    "low": ("低", "Low"),
    "normal": ("普通", "Normal"),
    "high": ("高", "High"),
    "urgent": ("紧急", "Urgent"),
}
CHANNEL_LABELS = {
    "phone": ("电话", "Phone"),
    "email": ("邮件", "Email"),
    "web": ("网页表单", "Web form"),
    "walk_in": ("上门", "Walk-in"),
}

FIELDS = (
    builtin("subject", "text", "主题", "Subject", required=True),
    builtin("number", "text", "工单号", "Number"),
    builtin("status", "single_choice", "状态", "Status", choices=_choices(STATUSES, STATUS_LABELS)),
    builtin(
        "priority",
        "single_choice",
        "优先级",
        "Priority",
        choices=_choices(PRIORITIES, PRIORITY_LABELS),
    ),
    builtin("customer_id", "number", "客户", "Customer"),
    builtin("contact_id", "number", "联系人", "Contact"),
    builtin("product_id", "number", "产品", "Product"),
    builtin("order_id", "number", "订单", "Order"),
    builtin("category", "text", "分类", "Category"),
    builtin(
        "channel", "single_choice", "渠道", "Channel", choices=_choices(CHANNELS, CHANNEL_LABELS)
    ),
    builtin("queue_id", "number", "队列", "Queue"),
    builtin("owner_id", "user", "处理人", "Assignee"),
    builtin("requester_name", "text", "提交人", "Requester"),
    builtin("requester_email", "email", "提交人邮箱", "Requester email"),
    builtin("response_due_at", "date", "首次响应期限", "First response due"),
    builtin("resolution_due_at", "date", "解决期限", "Resolution due"),
    builtin("resolved_at", "date", "解决时间", "Resolved"),
    builtin("satisfaction", "number", "满意度", "Satisfaction"),
    builtin("description", "long_text", "描述", "Description"),
    builtin("resolution", "long_text", "解决方案", "Resolution"),
    *common("created_at"),
)


def to_out(ctx: Ctx, ticket: Ticket, tags: list[str] | None = None) -> TicketOut:
    """A ticket as the API answers it, with the working time left on each SLA clock."""
    response, resolution = sla.remaining(ctx, ticket)
    return records.record_out(
        TicketOut,
        ticket,
        tags,
        paused=ticket.paused_at is not None,
        response_left_seconds=response,
        resolution_left_seconds=resolution,
    )


def _create(ctx: Ctx, data: Any) -> Ticket:
    return tickets.create_ticket(ctx, data)


SPEC = msgspec.structs.replace(
    tickets.SPEC,
    plural="tickets",
    menu=KindMenu(section="service", icon="life-preserver", order=10),
    fields=FIELDS,
    searchable=("number", "subject", "requester_name", "requester_email"),
    list_defaults=("number", "subject", "status", "priority", "queue_id", "owner_id")
    + ("resolution_due_at", "updated_at"),
    create=_create,
    create_schema=TicketCreate,
    update=tickets.update_ticket,
    update_schema=TicketUpdate,
    out_schema=TicketOut,
    to_out=to_out,
    delete=tickets.delete_ticket,
    more_columns=report_columns,
)
