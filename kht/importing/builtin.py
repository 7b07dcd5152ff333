"""The core's importable kinds: customers, contacts and leads, and the registry lookup."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import msgspec

from kht import record_service as records
from kht.context import Ctx
from kht.errors import Conflict, NotFound
from kht.exporting.labels import label_values
from kht.importing.extras import (
    campaign_by_code,
    campaign_member_target,
    campaign_status_target,
    category_by_name,
    owner_target,
    tags_target,
)
from kht.importing.kinds import (
    ImportKind,
    Target,
    choice_target,
    customer_by_name,
    email_target,
    generic_create,
    generic_kind,
    generic_update,
    plain_checks,
    ref_target,
    text_target,
)
from kht.plugin_types import RecordKind

COMPANY_LABELS = {
    "company": "company",
    "公司": "company",
    "企业": "company",
    "单位": "company",
    "机构": "company",
    "person": "person",
    "个人": "person",
    "自然人": "person",
}


# ----------------------------------------------------------------------------- customers


def _with_labels(kind: str, key: str, labels: dict[str, str]) -> dict[str, str]:
    """A choice's import labels plus the labels pages and exports show (so an exported file
    imports again), for the values an import may set."""
    allowed = set(labels.values())
    shown = {label: value for label, value in label_values(kind, key).items() if value in allowed}
    return {**labels, **shown}


def _customer_prepare(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """The customer service's own input checks: the CustomerCreate Struct and name cleaning."""
    from kht.customers import service
    from kht.customers.schemas import CustomerCreate

    data = msgspec.convert(values, CustomerCreate)
    # The same clean-up create_customer applies before create_record (trimmed, required name).
    return service.clean(records.changes_of(data))


def _customer_create(ctx: Ctx, values: dict[str, Any]) -> Any:
    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer

    return create_customer(ctx, msgspec.convert(values, CustomerCreate))


def _customer_update(ctx: Ctx, record: Any, values: dict[str, Any]) -> Any:
    from kht.customers.schemas import CustomerUpdate
    from kht.customers.service import update_customer

    data = msgspec.convert({**values, "version": record.version}, CustomerUpdate)
    return update_customer(ctx, record.id, data)


@cache
def customer_kind() -> ImportKind:
    from kht.customers.service import SPEC

    return ImportKind(
        spec=SPEC,
        built_in=(
            text_target(
                "name",
                "名称",
                "Name",
                "客户名称",
                "客户",
                "公司名称",
                "企业名称",
                "单位名称",
                "customer",
                "customer name",
                "company",
                "company name",
                required=True,
            ),
            choice_target(
                "kind",
                "类型",
                "Type",
                _with_labels("customer", "kind", COMPANY_LABELS),
                "客户类型",
                "kind",
                "customer type",
            ),
            text_target(
                "phone",
                "电话",
                "Phone",
                "联系电话",
                "电话号码",
                "手机",
                "手机号",
                "tel",
                "telephone",
                "mobile",
            ),
            email_target(
                "email", "邮箱", "Email", "电子邮箱", "电子邮件", "邮件", "e-mail", "mail"
            ),
            text_target("website", "网址", "Website", "网站", "官网", "主页", "url", "homepage"),
            text_target("address", "地址", "Address", "公司地址", "详细地址", "联系地址"),
            text_target("notes", "备注", "Notes", "说明", "描述", "note", "remarks", "description"),
            text_target("source", "来源", "Source", "客户来源", "渠道", "channel"),
            ref_target(
                "category_id", "客户类别", "Category", "类别", "客户分类", "分类", "category"
            ),
            owner_target(),
            tags_target(),
            campaign_member_target(),
            campaign_status_target(),
        ),
        prepare=_customer_prepare,
        create=_customer_create,
        update=_customer_update,
        dedupe=("name", "phone", "email"),
        resolvers={"category_id": category_by_name, "campaign_member": campaign_by_code},
    )


# ------------------------------------------------------------------- contacts and leads

ROLE_LABELS = {
    **{v: v for v in ("decision_maker", "influencer", "user", "gatekeeper", "other")},
    "决策者": "decision_maker",
    "影响者": "influencer",
    "使用者": "user",
    "用户": "user",
    "把关者": "gatekeeper",
    "守门人": "gatekeeper",
    "其他": "other",
}
LEVEL_LABELS = {
    "low": "low",
    "medium": "medium",
    "high": "high",
    "低": "low",
    "中": "medium",
    "高": "high",
}
ATTITUDE_LABELS = {
    **{v: v for v in ("supportive", "neutral", "opposed", "unknown")},
    "支持": "supportive",
    "中立": "neutral",
    "反对": "opposed",
    "未知": "unknown",
}
STATUS_LABELS = {
    **{v: v for v in ("new", "working", "qualified", "discarded")},
    "新线索": "new",
    "新建": "new",
    "跟进中": "working",
    "已确认": "qualified",
    "合格": "qualified",
    "已放弃": "discarded",
}


@cache
def contact_kind() -> ImportKind:
    from kht.contacts.models import Contact

    spec = RecordKind(
        kind="contact", model=Contact, module="contacts", label_zh="联系人", label_en="Contacts"
    )
    built_in = (
        text_target(
            "name",
            "姓名",
            "Name",
            "联系人",
            "联系人姓名",
            "名字",
            "contact",
            "contact name",
            required=True,
        ),
        Target(
            key="customer_id",
            label_zh="客户",
            label_en="Customer",
            type="ref",
            aliases=("客户名称", "所属客户", "公司", "公司名称", "customer", "company"),
        ),
        text_target("title", "职务", "Title", "职位", "头衔", "job title", "position"),
        text_target("department", "部门", "Department", "dept"),
        choice_target(
            "role", "角色", "Role", _with_labels("contact", "role", ROLE_LABELS), "决策角色"
        ),
        choice_target(
            "influence", "影响力", "Influence", _with_labels("contact", "influence", LEVEL_LABELS)
        ),
        choice_target(
            "attitude", "态度", "Attitude", _with_labels("contact", "attitude", ATTITUDE_LABELS)
        ),
        text_target("phone", "电话", "Phone", "办公电话", "座机", "tel", "telephone"),
        text_target(
            "mobile", "手机", "Mobile", "手机号", "手机号码", "移动电话", "cell", "cellphone"
        ),
        email_target("email", "邮箱", "Email", "电子邮箱", "电子邮件", "邮件", "e-mail", "mail"),
        text_target("wechat", "微信", "WeChat", "微信号", "weixin"),
        text_target(
            "birthday", "生日", "Birthday", "出生日期", "birth date", "date of birth", type="date"
        ),
        text_target("notes", "备注", "Notes", "说明", "note", "remarks"),
        owner_target(),
        tags_target(),
        campaign_member_target(),
        campaign_status_target(),
    )
    resolvers = {"customer_id": customer_by_name, "campaign_member": campaign_by_code}
    return generic_kind(spec, built_in, ("mobile", "email"), resolvers=resolvers)


@cache
def lead_kind() -> ImportKind:
    from kht.leads.models import Lead

    spec = RecordKind(kind="lead", model=Lead, module="leads", label_zh="线索", label_en="Leads")
    built_in = (
        text_target(
            "name", "姓名", "Name", "联系人", "线索名称", "名称", "contact", "lead", required=True
        ),
        text_target("company", "公司", "Company", "公司名称", "单位", "企业名称", "company name"),
        text_target("title", "职务", "Title", "职位", "job title"),
        text_target("phone", "电话", "Phone", "手机", "手机号", "联系电话", "tel", "mobile"),
        email_target("email", "邮箱", "Email", "电子邮箱", "电子邮件", "e-mail", "mail"),
        text_target("source", "来源", "Source", "线索来源", "渠道", "channel"),
        choice_target(
            "status",
            "状态",
            "Status",
            _with_labels("lead", "status", STATUS_LABELS),
            "线索状态",
        ),
        text_target("notes", "备注", "Notes", "说明", "note", "remarks"),
        # The campaign the lead came from: its code, name or id.
        ref_target("campaign_id", "营销活动", "Campaign", "活动", "活动代码", "campaign"),
        owner_target(),
        tags_target(),
        campaign_status_target(),
    )
    resolvers = {"campaign_id": campaign_by_code}
    return generic_kind(spec, built_in, ("phone", "email"), resolvers=resolvers)


# How a declared built-in field's value is read from a cell (other types: as text).
_TARGET_TYPES = {"email": "email", "single_choice": "choice", "date": "date"}


def declared_kind(spec: RecordKind) -> ImportKind:
    """The import of a kind declared by its built-in `fields` (`RecordKind.fields`): a column
    per field (matched by its name or labels), owner and tags; rows go through the generic
    record service, duplicates are found by the first searchable column."""
    built_in = (
        *(
            Target(
                key=field.name,
                label_zh=field.label_zh,
                label_en=field.label_en,
                type=_TARGET_TYPES.get(field.type, "text"),
                required=field.required,
                choices=field.choice_keys,
                aliases=(field.name,),
            )
            for field in spec.fields
        ),
        owner_target(),
        tags_target(),
    )

    def prepare(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
        # The API's own input rules too (the create Struct's lengths and choices).
        cleaned = plain_checks(spec, built_in, values, partial=False)
        if spec.create_schema is None:
            return cleaned
        # Cells are text: "100" is the number a numeric field wants.
        return records.changes_of(msgspec.convert(cleaned, spec.create_schema, strict=False))

    own = records.declares_own(spec, "create") and spec.create_schema is not None
    return ImportKind(
        spec=spec,
        built_in=built_in,
        prepare=prepare,
        # A kind with a create of its own (rules beyond storing the row: a member's number,
        # a purchase's points) gets each row through it, one by one, never a bulk insert.
        create=_own_create(spec) if own else generic_create(spec),
        update=_own_update(spec, built_in) if own else generic_update(spec, built_in),
        dedupe=(spec.searchable or (spec.fields[0].name,))[:1],
        bulk=not own,
    )


def _own_create(spec: RecordKind) -> Callable[[Ctx, dict[str, Any]], Any]:
    """The kind's own `create`, given the prepared row as its create schema."""
    return lambda ctx, values: spec.create(ctx, msgspec.convert(values, spec.create_schema))


def _own_update(
    spec: RecordKind, targets: tuple[Target, ...]
) -> Callable[[Ctx, Any, dict[str, Any]], Any]:
    """Through the kind's `update` with what its update schema accepts of the row (a
    purchase's amount is not changed by re-importing it); none: a 409 per row."""
    accepted = set(spec.update_schema.__struct_fields__) if spec.update_schema else set()

    def update(ctx: Ctx, record: Any, values: dict[str, Any]) -> Any:
        if spec.update is None:
            raise Conflict(f"{spec.label_en} cannot be changed by an import", "id")
        changes = plain_checks(spec, targets, values, partial=True)
        kept = {k: v for k, v in changes.items() if k in accepted}
        data = msgspec.convert({**kept, "version": record.version}, spec.update_schema)
        return spec.update(ctx, record.id, data)

    return update


def import_kinds(ctx: Ctx) -> dict[str, ImportKind]:
    """Every importable kind: the core's, each kind declared by its fields, then plugins'
    own (`kht_register_import_kinds`), which come last and win."""
    from kht.products.importing import product_kind
    from kht.records import record_kinds

    core = (customer_kind(), contact_kind(), lead_kind(), product_kind())
    kinds = {k.kind: k for k in core}
    for name, spec in record_kinds(ctx).items():
        if spec.fields and name not in kinds:
            kinds[name] = declared_kind(spec)
    hook = getattr(ctx.hook, "kht_register_import_kinds", None)
    if hook is not None:
        for batch in hook():
            for item in batch or []:
                kinds[item.kind] = item
    return kinds


def import_kind(ctx: Ctx, kind: str) -> ImportKind:
    """One importable kind, or a 404 naming the ones there are."""
    kinds = import_kinds(ctx)
    if kind not in kinds:
        raise NotFound(f"cannot import {kind!r} (importable: {', '.join(sorted(kinds))})", "kind")
    return kinds[kind]


__all__ = ["contact_kind", "customer_kind", "import_kind", "import_kinds", "lead_kind"]
