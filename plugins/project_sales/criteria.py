"""The scorecard's criteria as a record kind (`project_sales_criterion`): the core gives them
their list, form and record pages at /project-sales-criteria and the JSON API at
/api/v1/project-sales-criteria from this declaration. Changing them needs the pack's module
rights (create / edit / delete: administrators by default); a change rescores every scored
project (plugin.kht_on_event)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, select

from kht.plugin_api import (
    Ctx,
    FieldDef,
    KindMenu,
    Problem,
    RecordKind,
    RecordPages,
    changes_of,
    create_record,
)
from plugins.project_sales.defs import NAME
from plugins.project_sales.models import Criterion
from plugins.project_sales.schemas import CriterionCreate, CriterionRecordOut, CriterionUpdate

KIND = "project_sales_criterion"


def _field(name: str, type_: str, zh: str, en: str, **more: Any) -> FieldDef:
    return FieldDef(name=name, type=type_, label_zh=zh, label_en=en, namespace="", **more)


def create_criterion(ctx: Ctx, data: CriterionCreate) -> Criterion:
    """A new criterion, shared by everyone (no owner: every scorecard uses it)."""
    return create_record(ctx, CRITERIA, changes_of(data), owner_id=None)


def problems(ctx: Ctx, record: Criterion | None, changes: dict[str, Any]) -> list[Problem]:
    """A key is given once (a deleted criterion keeps its key: restore it instead) and never
    changes (every score refers to its criterion by key)."""
    key = changes.get("key")
    if key is None:
        return []
    if record is not None:
        if key == record.key:
            return []
        return [Problem(field="key", message="the key of a criterion cannot change")]
    taken = ctx.session.scalar(select(Criterion.id).where(Criterion.key == key))
    if taken is not None:
        return [Problem(field="key", message=f"criterion {key!r} exists already")]
    return []


CRITERIA = RecordKind(
    kind=KIND,
    model=Criterion,
    module=NAME,
    label_zh="评分卡评估项",
    label_en="Scorecard criteria",
    plural="project-sales-criteria",
    menu=KindMenu(section="admin", icon="list-check", order=80),
    fields=(
        _field("key", "text", "代码", "Key", required=True),
        _field("label_zh", "text", "中文名称", "Chinese label", required=True),
        _field("label_en", "text", "英文名称", "English label", required=True),
        _field("weight", "number", "权重（0-10）", "Weight (0-10)", required=True),
        _field("position", "number", "顺序", "Position"),
        _field("active", "boolean", "启用", "Active"),
        _field("guidance_zh", "long_text", "评分指引（中文）", "Guidance (Chinese)"),
        _field("guidance_en", "long_text", "评分指引（英文）", "Guidance (English)"),
    ),
    searchable=("key", "label_zh", "label_en"),
    default_sort="position",
    owned=False,
    open_filter=false,  # shared records: a hand-over never moves criteria
    list_defaults=("position", "key", "label_zh", "label_en", "weight", "active"),
    create=create_criterion,
    create_schema=CriterionCreate,
    update_schema=CriterionUpdate,
    out_schema=CriterionRecordOut,
    pages=RecordPages(),
)
