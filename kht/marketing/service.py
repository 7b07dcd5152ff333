"""Campaign business rules: the only code that creates, changes, moves or launches campaigns.

A campaign follows a process of kind `campaign` (kht.sales.processes, gates from
kht.processes): its stage and status change only through `move_stage`, which checks the gate
(required fields, actions, an approval) of the stage being left when moving forward.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from kht import record_service as records
from kht.auth.models import User
from kht.auth.permissions import require
from kht.context import Ctx
from kht.db.custom_fields import Choice
from kht.errors import Conflict, NotFound, ValidationError
from kht.events import StageChanged
from kht.fields import builtin, common
from kht.marketing.models import Campaign
from kht.marketing.schemas import CampaignCreate, CampaignOut, CampaignUpdate
from kht.org.models import Department
from kht.plugin_types import KindMenu, ProcessDef, RecordKind, StageDef
from kht.processes import approvals, gates
from kht.sales.processes import service as processes
from kht.sales.processes.models import Process, ProcessStage

KIND = "campaign"
MODULE = "campaigns"

CAMPAIGN_PROCESS = ProcessDef(
    key="campaign",
    kind=KIND,
    name_zh="营销活动流程",
    name_en="Campaign process",
    is_default=True,
    stages=(
        StageDef(key="plan", name_zh="计划", name_en="Plan", required_fields=("budget",)),
        StageDef(key="approval", name_zh="审批", name_en="Approval", approval_role="administrator"),
        StageDef(key="preparation", name_zh="准备", name_en="Preparation"),
        StageDef(key="execution", name_zh="执行", name_en="Execution"),
        StageDef(key="evaluation", name_zh="评估", name_en="Evaluation"),
        StageDef(key="closed", name_zh="结束", name_en="Closed", outcome="closed"),
    ),
)

CHANNELS = (
    Choice(key="email", label_zh="邮件", label_en="Email"),
    Choice(key="sms", label_zh="短信", label_en="SMS"),
    Choice(key="event", label_zh="会议/展会", label_en="Event / exhibition"),
    Choice(key="online_ad", label_zh="网络广告", label_en="Online ad"),
    Choice(key="telemarketing", label_zh="电话营销", label_en="Telemarketing"),
    Choice(key="direct_mail", label_zh="直邮", label_en="Direct mail"),
    Choice(key="other", label_zh="其他", label_en="Other"),
)
STATUSES = (
    Choice(key="open", label_zh="进行中", label_en="Open"),
    Choice(key="closed", label_zh="已结束", label_en="Closed"),
)


def _money(values: dict[str, Any], key: str) -> None:
    if key in values:
        amount = Decimal(values[key])
        if not amount.is_finite() or amount < 0:
            raise ValidationError(f"{key} must be zero or more", key)
        values[key] = amount.quantize(Decimal("0.01"))


def _check_segment(ctx: Ctx, view_id: int | None) -> None:
    from kht.lists.service import get_view

    if view_id is None:
        return
    try:
        view = get_view(ctx, view_id)
    except NotFound:
        raise ValidationError(f"segment {view_id} not found", "segment_view_id") from None
    if view.kind not in ("lead", "contact", "customer"):
        raise ValidationError(
            "a segment is a view of leads, contacts or customers", "segment_view_id"
        )
    if ctx.user is None or not ctx.user.can(_module_of(ctx, view.kind), "view"):
        raise ValidationError(f"segment {view_id} not found", "segment_view_id")


def _module_of(ctx: Ctx, kind: str) -> str:
    from kht.records import record_kind

    return str(record_kind(ctx, kind).module)


def _check_parent(ctx: Ctx, parent_id: int | None, campaign_id: int | None) -> None:
    if parent_id is None:
        return
    seen = {campaign_id}
    current: int | None = parent_id
    while current is not None:
        if current in seen:
            raise ValidationError("a campaign cannot be its own parent", "parent_id")
        seen.add(current)
        parent = ctx.session.get(Campaign, current)
        if parent is None or parent.deleted_at is not None:
            raise ValidationError(f"campaign {current} not found", "parent_id")
        current = parent.parent_id


def clean(ctx: Ctx, values: dict[str, Any], campaign: Campaign | None = None) -> dict[str, Any]:
    """The campaign input rules every create, edit and import applies (422 naming the field)."""
    if "name" in values:
        values["name"] = values["name"].strip()
        if not values["name"]:
            raise ValidationError("name is required", "name")
    if "code" in values:
        values["code"] = values["code"].strip() or None
        _unique_code(ctx, values["code"], campaign.id if campaign else None)
    for key in ("budget", "expected_revenue"):
        _money(values, key)
    start = values.get("start_date", campaign.start_date if campaign else None)
    end = values.get("end_date", campaign.end_date if campaign else None)
    if start is not None and end is not None and end < start:
        raise ValidationError("the end date must not be before the start date", "end_date")
    if "segment_view_id" in values:
        _check_segment(ctx, values["segment_view_id"])
    if "parent_id" in values:
        _check_parent(ctx, values["parent_id"], campaign.id if campaign else None)
    department = values.get("department_id")
    if department is not None and ctx.session.get(Department, department) is None:
        raise ValidationError(f"department {department} does not exist", "department_id")
    return values


def _unique_code(ctx: Ctx, code: str | None, campaign_id: int | None) -> None:
    if code is None:
        return
    query = select(Campaign.id).where(Campaign.code == code)
    if campaign_id is not None:
        query = query.where(Campaign.id != campaign_id)
    if ctx.session.scalar(query) is not None:
        raise Conflict(f"a campaign with code {code!r} exists", "code")


def _process(ctx: Ctx, process_id: int | None) -> Process:
    if process_id is None:
        return processes.default_process(ctx, kind=KIND)
    process = ctx.session.get(Process, process_id)
    if process is None or process.kind != KIND or not process.active:
        raise ValidationError(
            f"process {process_id} is not a campaign process in use", "process_id"
        )
    return process


def create_campaign(ctx: Ctx, data: CampaignCreate) -> Campaign:
    """Plan a campaign (owned by the creator unless `owner_id`), in its process's first stage."""
    require(ctx.user, MODULE, "create")
    values = clean(ctx, records.changes_of(data))
    owner_id = values.pop("owner_id", None) or ctx.user_id
    if owner_id != ctx.user_id:
        require(ctx.user, MODULE, "assign")
        owner = ctx.session.get(User, owner_id)
        if owner is None or not owner.active:
            raise ValidationError("the owner must be an active user", "owner_id")
    process = _process(ctx, values.pop("process_id", None))
    stage = processes.first_stage(process)
    if values.get("department_id") is None:
        values["department_id"] = ctx.session.scalar(
            select(User.department_id).where(User.id == owner_id)
        )
    values.update(process_id=process.id, stage_id=stage.id, status="open")
    values["stage_entered_at"] = ctx.now()
    return records.create_record(ctx, SPEC, values, owner_id=owner_id)


def get_campaign(ctx: Ctx, campaign_id: int, *, deleted: bool = False) -> Campaign:
    """One campaign in the caller's scope (404 when missing or out of scope)."""
    return records.get_record(ctx, SPEC, campaign_id, deleted=deleted)


def update_campaign(ctx: Ctx, campaign_id: int, data: Any) -> Campaign:
    """Apply a partial update; a stale `version` raises Conflict and changes nothing."""
    require(ctx.user, MODULE, "edit")
    campaign = get_campaign(ctx, campaign_id)
    if data.version != campaign.version:
        raise Conflict(f"campaign {campaign_id} was changed by someone else; reload it", "version")
    changes = clean(ctx, records.changes_of(data), campaign)
    return records.update_record(ctx, SPEC, campaign, data.version, changes)


def move_stage(ctx: Ctx, campaign_id: int, stage_id: int, *, version: int) -> Campaign:
    """Move to another stage of the campaign's process; moving forward needs the gate of the
    stage being left open (a 422 naming `stage_id` lists what is missing)."""
    require(ctx.user, MODULE, "edit")
    campaign = get_campaign(ctx, campaign_id)
    try:
        target = processes.stage_of(ctx, stage_id)
    except NotFound:
        raise ValidationError(f"stage {stage_id} not found", "stage_id") from None
    current = processes.stage_of(ctx, campaign.stage_id)
    if target.process_id != campaign.process_id or not target.active:
        raise ValidationError(f"stage {stage_id} is not a stage in use of this process", "stage_id")
    if version != campaign.version:
        raise Conflict(f"campaign {campaign_id} was changed by someone else; reload it", "version")
    if target.id == current.id:
        return campaign
    if gates.is_forward(current, target) and current.outcome == "open":
        problems = gates.gate_problems(ctx, KIND, campaign, current)
        if problems:
            raise ValidationError("; ".join(problems), "stage_id")
    changes = {"stage_id": target.id, "status": "closed" if target.outcome != "open" else "open"}
    changes["stage_entered_at"] = ctx.now()
    records.update_record(ctx, SPEC, campaign, version, changes)
    event = StageChanged(kind=KIND, record_id=campaign.id, user_id=ctx.user_id)
    ctx.fire(_moved(event, current, target))
    approvals.ask_approvers(ctx, KIND, campaign, target, url=f"/campaigns/{campaign.id}")
    return campaign


def _moved(event: StageChanged, current: ProcessStage, target: ProcessStage) -> StageChanged:
    return StageChanged(
        kind=event.kind,
        record_id=event.record_id,
        user_id=event.user_id,
        from_stage=current.key,
        to_stage=target.key,
        outcome=target.outcome,
    )


def to_out(ctx: Ctx, campaign: Campaign, tags: list[str] | None = None) -> CampaignOut:
    """The API answer: the campaign with its stage key."""
    stage_key = processes.stage_of(ctx, campaign.stage_id).key
    return records.record_out(
        CampaignOut, campaign, tags, stage_key=stage_key, code=campaign.code or ""
    )


def _more_columns(ctx: Ctx) -> list[Any]:
    from kht.marketing.columns import more_columns

    return more_columns(ctx)


FIELDS = (
    builtin("name", "text", "名称", "Name", required=True),
    builtin("code", "text", "活动代码", "Campaign code"),
    builtin("channel", "single_choice", "渠道", "Channel", choices=CHANNELS),
    builtin("status", "single_choice", "状态", "Status", choices=STATUSES),
    builtin("stage_id", "number", "阶段", "Stage"),
    builtin("start_date", "date", "开始日期", "Start"),
    builtin("end_date", "date", "结束日期", "End"),
    builtin("budget", "money", "预算", "Budget"),
    builtin("expected_response", "number", "预期响应数", "Expected responses"),
    builtin("expected_revenue", "money", "预期收入", "Expected revenue"),
    builtin("segment_view_id", "number", "目标细分", "Target segment"),
    builtin("parent_id", "number", "上级活动", "Parent campaign"),
    builtin("department_id", "number", "团队", "Team"),
    *common("owner_id", "created_at", "updated_at"),
    builtin("description", "long_text", "说明", "Description"),
)

SPEC = RecordKind(
    kind=KIND,
    model=Campaign,
    module=MODULE,
    label_zh="营销活动",
    label_en="Campaigns",
    plural="campaigns",
    menu=KindMenu(section="marketing", icon="megaphone", order=10),
    fields=FIELDS,
    searchable=("name", "code"),
    list_defaults=("name", "channel", "status", "stage_id", "start_date", "budget"),
    create=create_campaign,
    create_schema=CampaignCreate,
    update=update_campaign,
    update_schema=CampaignUpdate,
    out_schema=CampaignOut,
    to_out=to_out,
    more_columns=_more_columns,
)
